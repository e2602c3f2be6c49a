"""RSS and Atom feeds (feedparser): entry links with their dates and titles."""

from __future__ import annotations

import calendar
from datetime import datetime, timezone
from urllib.parse import urljoin

import feedparser

from scraper.discover.links import Link


def looks_like_feed(data: bytes) -> bool:
    """RSS, Atom or RDF by the root element near the start of the bytes."""
    head = data[:2048].lstrip().lower()
    return any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf"))


def parse_feed(data: bytes, base_url: str) -> list[Link]:
    """The entries of a feed, in feed order. Bytes only: feedparser never fetches here."""
    parsed = feedparser.parse(data, response_headers={"content-location": base_url})
    links = []
    for entry in parsed.entries:
        url = entry.get("link")
        if not url:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        when = (datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc)
                if stamp else None)
        links.append(Link(urljoin(base_url, url.strip()), when, (entry.get("title") or "").strip() or None))
    return links

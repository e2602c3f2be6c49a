"""Links found by discovery, with the hints (date, title) that came with them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import SplitResult, urljoin, urlsplit

import lxml.html
from lxml import etree


@dataclass(frozen=True, slots=True)
class Link:
    """A URL to fetch. `published` and `title` are hints from a feed or sitemap."""

    url: str
    published: datetime | None = None
    title: str | None = None


def parse_when(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (UTC when no zone is given)."""
    if not value:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


Page = bytes | str | lxml.html.HtmlElement


def parse_page(html: Page) -> lxml.html.HtmlElement | None:
    """The page's lxml tree (None when there is nothing to parse). Discovery reads links
    only, so one parse can serve both `page_links` and `find_pagination`."""
    if isinstance(html, lxml.html.HtmlElement):
        return html
    try:
        return lxml.html.fromstring(html) if html else None
    except (etree.ParserError, ValueError):
        return None


def page_links(html: Page, base_url: str, pattern: re.Pattern[str] | None = None) -> list[Link]:
    """Links of an HTML page (resolved, fragments dropped, in page order, each once), those
    whose absolute URL matches `pattern` when one is given."""
    root = parse_page(html)
    if root is None:
        return []
    found: dict[str, None] = {}
    for url, _, _ in anchors(root, base_url):
        if pattern is None or pattern.search(url):
            found.setdefault(url)
    return [Link(url) for url in found]


def anchors(root: lxml.html.HtmlElement, base_url: str) -> Iterator[
        tuple[str, SplitResult, lxml.html.HtmlElement]]:
    """Each `<a>` of a page that links an http(s) URL: (the URL resolved without its
    fragment, its parts, the element), in page order. Broken hrefs are no links."""
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            url = urljoin(base_url, href).split("#")[0]
            parts = urlsplit(url)
        except ValueError:  # "http://[x]/"
            continue
        if parts.scheme in ("http", "https") and parts.hostname:
            yield url, parts, anchor

"""What a source yields: its kind, read from what it returned, and plain `Link`s.

A source is a feed, a sitemap (pages and child sitemaps), a section page whose links
are followed, or an HTML page read as one article. Pure functions over the response's
bytes: no network, no state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from scraper.discover import (
    Link,
    SitemapError,
    looks_like_feed,
    looks_like_sitemap,
    page_links,
    parse_feed,
    parse_sitemap,
)
from scraper.fetch import PAGE_TYPES


@dataclass(frozen=True, slots=True)
class SourceReading:
    """What one source gave: `kind` is "sitemap", "feed", "section", "page" (read as one
    article) or "unreadable" (then `problem` and `reason` say why)."""

    kind: str
    articles: list[Link] = field(default_factory=list)
    sitemaps: list[Link] = field(default_factory=list)
    #: Article links left out as older than `since`.
    too_old: list[Link] = field(default_factory=list)
    reason: str | None = None
    problem: str | None = None


def read_source(body: bytes, url: str, content_type: str | None, *,
                follow: re.Pattern[str] | None = None,
                since: datetime | None = None) -> SourceReading:
    """Read a source's body (fetched from `url`, after redirects). What it is, is read from
    its content: servers label sitemaps and feeds every way."""
    if looks_like_sitemap(body):
        try:
            sitemap = parse_sitemap(body, url)
        except SitemapError as exc:
            return SourceReading("unreadable", reason="not a readable sitemap", problem=str(exc))
        # A child whose lastmod is older than `since` holds nothing newer: left out.
        children = [child for child in sitemap.sitemaps
                    if not (since and child.published and child.published < since)]
        articles, old = _split_old(sitemap.pages, since)
        return SourceReading("sitemap", articles, children, old)
    if looks_like_feed(body):
        articles, old = _split_old(parse_feed(body, url), since)
        return SourceReading("feed", articles, too_old=old)
    if follow is not None:
        articles, old = _split_old(page_links(body, url, follow), since)
        return SourceReading("section", articles, too_old=old)
    if content_type in PAGE_TYPES or not content_type:
        return SourceReading("page")
    return SourceReading("unreadable", reason="not a feed, sitemap or page",
                         problem=f"not a feed, sitemap or page ({content_type})")


def _split_old(links: list[Link], since: datetime | None) -> tuple[list[Link], list[Link]]:
    """(links to crawl, links dated before `since`), in their order."""
    if since is None:
        return links, []
    keep = [link for link in links if not (link.published and link.published < since)]
    return keep, [link for link in links if link.published and link.published < since]

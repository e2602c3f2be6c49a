"""`scraper sites check`: discovery run for each outlet of the registry, without crawling,
so a user sees at once which outlets work from where they are (feeds, sitemaps, articles
listed, the newest date, and what went wrong: robots.txt forbids, 403, no sources)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from scraper.crawl.site import KINDS, discover_site
from scraper.crawl.sources import SourceReading, read_source
from scraper.discover import Link, parse_page
from scraper.fetch import SOURCE_TYPES, Fetcher, FetchResult
from scraper.settings import FetchSettings
from scraper.sites import Outlet


@dataclass
class SiteCheck:
    """What discovery found for one outlet."""

    outlet: Outlet
    feeds: int = 0
    sitemaps: int = 0
    #: Article URLs the sources list (a sitemap index: its newest child's).
    articles: int = 0
    newest: datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def works(self) -> bool:
        return bool(self.articles)


async def check_outlets(outlets: list[Outlet], settings: FetchSettings,
                        kinds: tuple[str, ...] = KINDS) -> list[SiteCheck]:
    """Run discovery for each outlet (at once; the fetcher keeps each host's pace)."""
    async with Fetcher(settings) as fetcher:
        return list(await asyncio.gather(*(_check(fetcher, o, kinds) for o in outlets)))


async def _check(fetcher: Fetcher, outlet: Outlet, kinds: tuple[str, ...]) -> SiteCheck:
    check = SiteCheck(outlet)

    async def read(url: str) -> tuple[FetchResult, SourceReading]:
        result = await fetcher.fetch(url, accept=SOURCE_TYPES)
        if not result.ok:
            return result, SourceReading("unreadable", reason=result.reason)
        return result, read_source(result.body, result.final_url, result.content_type)

    page = await fetcher.fetch(outlet.homepage)
    if not page.ok:
        check.problems.append(f"homepage: {page.error}")
    root = await asyncio.to_thread(parse_page, page.body) if page.ok else None
    found = await discover_site(page, root, read, fetcher.robots_sitemaps, kinds=kinds,
                                known=outlet.sources)
    check.feeds, check.sitemaps = len(found.feeds), len(found.sitemaps)
    entries: list[Link] = list(found.links)
    for source in found.sources:
        entries += source.reading.articles + source.reading.too_old
        children = source.reading.sitemaps
        if children:  # an index: its newest child (else its first) tells what it lists now
            dated = [s for s in children if s.published]
            newest = max(dated, key=lambda s: s.published) if dated else children[0]
            _, child = await read(newest.url)
            entries += child.articles + child.too_old
    check.articles = len({link.url for link in entries})
    check.newest = max((link.published for link in entries if link.published), default=None)
    check.problems += found.problems
    return check


def format_checks(checks: list[SiteCheck]) -> list[str]:
    """The checks as an aligned table, one row per outlet."""
    rows = [("SITE", "FEEDS", "SITEMAPS", "ARTICLES", "NEWEST", "PROBLEMS")]
    for c in checks:
        rows.append((c.outlet.key, str(c.feeds), str(c.sitemaps), str(c.articles),
                     c.newest.isoformat(timespec="minutes") if c.newest else "-",
                     "; ".join(c.problems) or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[5]
            for row in rows]

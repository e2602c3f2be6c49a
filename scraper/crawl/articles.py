"""Articles: a fetched page -> its record (extracted in a worker process) -> the whole
article when it is split over pages (its show-all view, or its pages joined).

Extraction runs in worker processes that hold the run's settings and rule tables from
their start (`extraction_pool`), so a task carries only the page. Links and pagination
are read here, in the crawl's process, from one lxml tree: the worker does what
`scraper extract` does and nothing else, and the crawl waits on extraction only
(bench/fetch.py measures both).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import lxml.html

from scraper.discover import Link, Pagination, find_pagination, page_links, parse_page
from scraper.discover.listing import Listing, read_listing
from scraper.discover.pagination import PaginationRules
from scraper.extract import extract_html
from scraper.extract.pages import PagerWords, join_pages
from scraper.extract.rules import RuleSet
from scraper.fetch import FetchResult
from scraper.record import Article
from scraper.settings import CleanSettings
from scraper.workers import process_pool

# --- in the worker processes ---

_WORKER: tuple[CleanSettings, RuleSet] | None = None


def _setup_worker(clean: CleanSettings, rules: RuleSet) -> None:
    """Keep the run's settings and rules in this worker (sent once, not with each page)."""
    global _WORKER
    _WORKER = (clean, rules)


def _extract(body: bytes, charset: str | None, url: str) -> Article:
    """In a worker: the page's record."""
    assert _WORKER is not None, "the pool was made without _setup_worker"
    clean, rules = _WORKER
    return extract_html(body, url, charset=charset, settings=clean, rules=rules)


def extraction_pool(workers: int, clean: CleanSettings, rules: RuleSet) -> Executor:
    """`workers` extraction processes holding `clean` and `rules`."""
    return process_pool(workers, setup=_setup_worker, setup_args=(clean, rules))


# --- in the crawl's process ---

@dataclass(frozen=True, slots=True)
class PageLinks:
    """What a page says about other pages: its article's pagination, links to follow,
    and the signs of a listing."""

    pagination: Pagination
    follow: list[str] = field(default_factory=list)
    listing: Listing | None = None


@dataclass(frozen=True, slots=True)
class ArticleRead:
    """The outcome of reading one article: its record, or why it failed. `listing`: the
    page is a listing, not an article (no record; `links` are its article and listing
    links)."""

    article: Article | None
    follow: list[str] = field(default_factory=list)
    reason: str | None = None
    problem: str | None = None
    listing: bool = False
    links: list[Link] = field(default_factory=list)


class ArticleReader:
    """Turns fetched article pages into whole records."""

    def __init__(self, pool: Executor, fetch: Callable[[str], Awaitable[FetchResult]], *,
                 pagination: PaginationRules, pager: PagerWords, max_pages: int,
                 follow: re.Pattern[str] | None = None) -> None:
        self.pool = pool
        #: Fetches a later page or show-all view (and counts its response).
        self.fetch = fetch
        self.pagination = pagination
        self.pager = pager
        self.max_pages = max_pages  # pages of one article joined at most
        self.follow = follow

    async def read(self, result: FetchResult, article_url: str, *, want_links: bool,
                   root: lxml.html.HtmlElement | None = None) -> ArticleRead:
        """The record of the page in `result` (asked for as `article_url`), joined with
        its later pages; the links to follow from it when `want_links`. A page that is a
        listing gives no record but its links. `root`: the page already parsed, and
        found to be no listing."""
        article, links = await asyncio.gather(
            self._extract(result),
            asyncio.to_thread(self._links, result.body, result.final_url, article_url,
                              want_links, root is None, root))
        if links.listing is not None:
            return ArticleRead(None, listing=True,
                               links=links.listing.article_links + links.listing.listing_links)
        if links.pagination and article.text:
            return await self._join(article, links.pagination, result.final_url, links.follow)
        return ArticleRead(article, links.follow)

    async def _extract(self, result: FetchResult) -> Article:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, _extract, result.body, result.charset,
                                          result.final_url)

    def _links(self, body: bytes, url: str, article_url: str, want_links: bool,
               check_listing: bool = True,
               root: lxml.html.HtmlElement | None = None) -> PageLinks:
        """Pagination, links to follow and whether the page is a listing, from one lxml
        tree (in a thread: lxml parses without the GIL the event loop needs)."""
        root = root if root is not None else parse_page(body)
        pagination = find_pagination(root, url, self.pagination, article_url=article_url,
                                     max_pages=self.max_pages)
        follow = ([link.url for link in page_links(root, url, self.follow)]
                  if want_links and self.follow is not None else [])
        listing = read_listing(root, url) if check_listing and self.follow is None else None
        return PageLinks(pagination, follow, listing)

    async def _join(self, first: Article, pagination: Pagination, url: str,
                    follow: list[str]) -> ArticleRead:
        """The whole article: its show-all view when the site has one, else its pages."""
        if pagination.show_all and pagination.show_all != url:
            whole = await self.fetch(pagination.show_all)
            if whole.ok:
                full = await self._extract(whole)
                if full.word_count > first.word_count:
                    return ArticleRead(join_pages(first.with_text(full.text), [], self.pager),
                                       follow)
        pages: dict[int, str] = dict(pagination.pages)
        done: dict[int, Article] = {}
        while (todo := sorted(n for n in pages if n not in done and n <= self.max_pages)):
            number = todo[0]
            page = await self.fetch(pages[number])
            if not page.ok:
                return ArticleRead(None, reason=f"a later page: {page.reason or f'HTTP {page.status}'}",
                                   problem=f"page {number} ({pages[number]}): {page.error}")
            article, more = await asyncio.gather(
                self._extract(page),
                asyncio.to_thread(self._links, page.body, page.final_url, url, False, False))
            done[number] = article
            for n, link in more.pagination.pages.items():
                pages.setdefault(n, link)
        return ArticleRead(join_pages(first, [done[n] for n in sorted(done)], self.pager),
                           follow)


def with_hints(article: Article, link: Link) -> Article:
    """The feed's or sitemap's title and date where the page itself gave none."""
    if article.title is None and link.title:
        article = article.replace(title=link.title)
    if article.published is None and link.published is not None:
        article = article.replace(published=link.published.isoformat())
    return article


def with_zone(article: Article, zone: str | None) -> Article:
    """Dates with a time but no offset, told in the outlet's time zone (the registry's
    `timezone`): "2024-05-01T10:00" on a WIB site is 10:00+07:00."""
    if zone is None:
        return article
    changes = {}
    for name in ("published", "modified"):
        value = getattr(article, name)
        if not value or "T" not in value:
            continue
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            continue
        if when.tzinfo is None:
            changes[name] = when.replace(tzinfo=ZoneInfo(zone)).isoformat()
    return article.replace(**changes) if changes else article

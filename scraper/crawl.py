"""`crawl`: sources -> discover -> fetch -> extract -> dedup -> store, concurrently.

Sources (article URLs, feeds, sitemaps, section pages) are fetched and read for article
links; article pages are fetched politely (the Fetcher), extracted in worker processes,
joined when split over pages, and handed to the Emitter (dedup, write, commit).

Cron safety: an article URL is recorded as fetched in the same commit as its record, and a
source's validators are saved only when every article it listed was handled, so a killed
or partly failed run is picked up by the next one instead of hidden behind a 304. An
article URL that fails is tried again in later runs, less and less often, and given up
after `[crawl] give_up_after` failed runs (then its source can be complete again).

Every outcome is counted once, in the summary's one counter (scraper/summary.py), under the
host of the URL the crawl asked for.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from scraper.dedup import canonical_url
from scraper.dedup.urls import without_tracking
from scraper.discover import (
    Link,
    Pagination,
    SitemapError,
    find_pagination,
    looks_like_feed,
    looks_like_sitemap,
    page_links,
    parse_feed,
    parse_page,
    parse_sitemap,
)
from scraper.discover.pagination import default_rules
from scraper.emitter import Emitter
from scraper.errors import InputError
from scraper.extract import extract_html
from scraper.extract.pages import join_pages
from scraper.extract.rules import RuleSet
from scraper.extract.rules import default_rules as default_phrase_rules
from scraper.fetch import PAGE_TYPES, SOURCE_TYPES, Fetcher, FetchResult
from scraper.record import Article
from scraper.settings import CleanSettings
from scraper.store import State
from scraper.summary import CrawlSummary
from scraper.workers import process_pool

log = logging.getLogger("scraper")


@dataclass
class CrawlOptions:
    """What to follow and how far."""

    follow: re.Pattern[str] | None = None
    depth: int = 1
    since: datetime | None = None
    max_pages: int | None = None
    refresh: bool = False
    workers: int = 1
    #: Sitemaps read per run at most (an index can list thousands).
    max_sitemaps: int = 500


@dataclass(frozen=True)
class _Job:
    link: Link
    source: str  # the source URL this came from (for saving its validators)
    depth: int = 0
    is_source: bool = False


def _extract(body: bytes, charset: str | None, url: str, article_url: str,
             follow: str | None, clean: CleanSettings,
             rules: RuleSet) -> tuple[Article, Pagination, list[str]]:
    """In a worker: the page's record, its pagination and the links to follow."""
    article = extract_html(body, url, charset=charset, settings=clean, rules=rules)
    root = parse_page(body)  # one lxml tree for pagination and links
    pagination = find_pagination(root, url, article_url=article_url)
    links = [link.url for link in page_links(root, url, re.compile(follow))] if follow else []
    return article, pagination, links


class Crawler:
    """One crawl run over a Fetcher, an Emitter and (optionally) a State."""

    def __init__(self, fetcher: Fetcher, emitter: Emitter, summary: CrawlSummary,
                 options: CrawlOptions, state: State | None = None, *,
                 rules: RuleSet | None = None,
                 on_progress: Callable[[int, int], None] | None = None) -> None:
        self.fetcher = fetcher
        self.emitter = emitter
        self.summary = summary
        self.options = options
        self.state = state
        self.rules = rules or default_phrase_rules()
        self.on_progress = on_progress
        self._run = 0  # this run's number in the state (counts back-off between failures)
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._queued: set[str] = set()
        self._incomplete: set[str] = set()  # sources with an article not handled
        # source URL -> (the root source it came from, status, etag, last-modified)
        self._validators: dict[str, tuple[str, int | None, str | None, str | None]] = {}
        self._articles = 0
        self._sitemaps = 0
        self._done = 0
        self._pool: Executor | None = None

    async def run(self, sources: list[str]) -> None:
        """Crawl `sources` until nothing is left to fetch."""
        if self.state is not None:
            with _writing():
                self._run = self.state.start_run()
        for url in sources:
            self._put(_Job(Link(url), url, 0, is_source=True))
        workers = max(1, self.fetcher.settings.concurrency)
        # Extraction always runs in worker processes: in threads it held the GIL the event
        # loop needs, and the crawl fetched at a fraction of its speed.
        self._pool = process_pool(self.options.workers)
        self._fatal: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()
        tasks = [asyncio.create_task(self._worker()) for _ in range(workers)]
        joined = asyncio.create_task(self._queue.join())
        try:
            await asyncio.wait([joined, self._fatal], return_when=asyncio.FIRST_COMPLETED)
            if self._fatal.done():
                raise self._fatal.result()
        finally:
            joined.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
        self._save_source_validators()

    def _put(self, job: _Job) -> None:
        """Queue a job once per run; its URL is requested without tracking parameters
        (?utm_source=rss, fbclid, ...), with the page's own ones."""
        url = without_tracking(job.link.url)
        if url != job.link.url:
            job = replace(job, link=replace(job.link, url=url))
        key = job.link.url if job.is_source else _url_key(job.link.url)
        if key in self._queued:
            return
        self._queued.add(key)
        self._queue.put_nowait(job)

    async def _worker(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._handle(job)
            except _WriteFailed as exc:  # output or state unwritable: nothing more can land
                if not self._fatal.done():
                    self._fatal.set_result(exc.__cause__ or exc)
            finally:
                self._done += 1
                if self.on_progress:
                    self.on_progress(self._done, len(self._queued))
                self._queue.task_done()

    async def _handle(self, job: _Job) -> None:
        try:
            if job.is_source:
                await self._source(job)
            else:
                await self._article(job)
        except _WriteFailed:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad page never stops the run
            self._fail(job, "internal error", f"internal error: {type(exc).__name__}: {exc}")

    # --- sources ---

    async def _source(self, job: _Job) -> None:
        url = job.link.url
        known = self.state.validators(url) if self.state and not self.options.refresh else None
        result = await self.fetcher.fetch(url, accept=SOURCE_TYPES,
                                          etag=known.etag if known else None,
                                          last_modified=known.last_modified if known else None)
        self._count_host(result)
        if result.not_modified:
            log.info("%s: not modified since the last run", url)
            return
        if result.error:
            self._source_failed(job, result.reason or result.error, result.error)
            return
        self._validators[url] = (job.source, result.status, result.headers.get("etag"),
                                 result.headers.get("last-modified"))
        body = result.body
        if looks_like_sitemap(body):  # by content: servers label sitemaps every way
            self._sitemap(job, result)
        elif looks_like_feed(body):
            links = parse_feed(body, result.final_url)
            log.info("%s: feed with %d entries", url, len(links))
            for link in links:
                self._put_article(link, job.source, 1)
        elif self.options.follow is not None:
            links = page_links(body, result.final_url, self.options.follow)
            log.info("%s: %d links to follow", url, len(links))
            for link in links:
                self._put_article(link, job.source, 1)
        elif result.content_type in PAGE_TYPES or not result.content_type:
            log.info("%s: an HTML page, read as one article (a section page's links are "
                     "crawled with --follow REGEX)", url)
            self._queued.add(_url_key(url))
            await self._article(_Job(job.link, job.source, 0), fetched=result)
        else:
            self._source_failed(job, "not a feed, sitemap or page",
                                f"not a feed, sitemap or page ({result.content_type})")

    def _source_failed(self, job: _Job, reason: str, message: str) -> None:
        """A source that could not be read: counted, reported, its root not complete."""
        self.summary.count("failed", url=job.link.url, reason=reason)
        self.summary.failed_sources.append(f"{job.link.url}: {message}")
        self._incomplete.add(job.source)
        log.error("%s: %s", job.link.url, message)

    def _sitemap(self, job: _Job, result: FetchResult) -> None:
        try:
            sitemap = parse_sitemap(result.body, result.final_url)
        except SitemapError as exc:
            self._source_failed(job, "not a readable sitemap", str(exc))
            return
        log.info("%s: sitemap with %d pages, %d sitemaps", job.link.url, len(sitemap.pages),
                 len(sitemap.sitemaps))
        for child in sitemap.sitemaps:
            if self.options.since and child.published and child.published < self.options.since:
                continue  # an index's lastmod says nothing newer is in there
            if self._sitemaps >= self.options.max_sitemaps:
                self.summary.count("skipped", url=child.url, reason="over the sitemap limit")
                self._incomplete.add(job.source)
                continue
            self._sitemaps += 1
            self._put(_Job(child, job.source, job.depth, is_source=True))
        for link in sitemap.pages:
            self._put_article(link, job.source, 1)

    def _put_article(self, link: Link, source: str, depth: int) -> None:
        if self.options.since and link.published and link.published < self.options.since:
            self.summary.count("skipped", url=link.url, reason="older than --since")
            return
        self._put(_Job(link, source, depth))

    def _save_source_validators(self) -> None:
        """Validators of sources whose every article was handled (see the module doc): a
        sitemap listed by an index counts as handled only when its whole index was."""
        if self.state is None:
            return
        for url, (root, status, etag, modified) in self._validators.items():
            if root not in self._incomplete:
                self.state.record_fetch(url, status, etag, modified)
        self.emitter.commit()

    # --- articles ---

    async def _article(self, job: _Job, fetched: FetchResult | None = None) -> None:
        url = job.link.url
        key = _url_key(url)
        known = self.state.validators(key) if self.state else None
        if fetched is None:
            if known is not None and not self.options.refresh:
                self.summary.count("seen", url=url)
                return
            if self._waiting(key):
                self.summary.count("skipped", url=url, reason="waiting to retry (failed in "
                                   "an earlier run)")
                self._incomplete.add(job.source)
                return
            if self.options.max_pages is not None and self._articles >= self.options.max_pages:
                self.summary.count("skipped", url=url, reason="over --max-pages")
                self._incomplete.add(job.source)
                return
            self._articles += 1
            fetched = await self.fetcher.fetch(url, etag=known.etag if known else None,
                                               last_modified=known.last_modified if known else None)
            self._count_host(fetched)
        result = fetched
        if result.not_modified:
            return
        if result.error:
            if result.skipped:
                self.summary.count("skipped", url=url, reason=result.reason or result.error)
                if self.state is not None:  # a policy answer: do not ask again every run
                    with _writing():
                        self.state.record_fetch(key, result.status, None, None)
                        self.state.clear_failure(key)
            else:
                self._fail(job, result.reason or result.error, result.error)
            return
        article, pagination, links = await self._extract_in_worker(result, url)
        if pagination and article.text:
            joined = await self._join(article, pagination, result.final_url, job)
            if joined is None:
                return
            article = joined
        article = _with_hints(article, job.link)
        if self.options.follow is not None and job.depth < self.options.depth:
            for link in links:
                self._put_article(Link(link), job.source, job.depth + 1)
        article = article.replace(source=url)
        with _writing():
            if self.state is not None:
                self.state.record_fetch(key, result.status, result.headers.get("etag"),
                                        result.headers.get("last-modified"))
                self.state.clear_failure(key)
            self.emitter.emit([article])  # writes, then commits the fetch record with it

    async def _extract_in_worker(self, result: FetchResult,
                                 article_url: str) -> tuple[Article, Pagination, list[str]]:
        follow = self.options.follow.pattern if self.options.follow is not None else None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _extract, result.body, result.charset,
                                          result.final_url, article_url, follow,
                                          self.emitter.settings.clean, self.rules)

    async def _join(self, first: Article, pagination: Pagination, url: str,
                    job: _Job) -> Article | None:
        """The whole article: its show-all view when the site has one, else its pages."""
        if pagination.show_all and pagination.show_all != url:
            whole = await self.fetcher.fetch(pagination.show_all)
            self._count_host(whole)
            if whole.ok:
                full, _, _ = await self._extract_in_worker(whole, url)
                if full.word_count > first.word_count:
                    return join_pages(first.with_text(full.text), [])
        pages: dict[int, str] = dict(pagination.pages)
        done: dict[int, Article] = {}
        limit = default_rules().max_pages
        while (todo := sorted(n for n in pages if n not in done and n <= limit)):
            number = todo[0]
            page = await self.fetcher.fetch(pages[number])
            self._count_host(page)
            if not page.ok:
                self._fail(job, f"a later page: {page.reason or f'HTTP {page.status}'}",
                           f"page {number} ({pages[number]}): {page.error}")
                return None
            article, more, _ = await self._extract_in_worker(page, url)
            done[number] = article
            for n, link in more.pages.items():
                pages.setdefault(n, link)
        return join_pages(first, [done[n] for n in sorted(done)])

    # --- accounting ---

    def _fail(self, job: _Job, reason: str, message: str) -> None:
        """An article that failed: counted under `reason` and named once, its source not
        complete. With a state, an article found through a source is tried again in later
        runs and given up after `give_up_after` failed runs."""
        url = job.link.url
        runs = self._remember_failure(_url_key(url), reason) if job.depth > 0 else 0
        if runs >= self.emitter.settings.crawl.give_up_after:
            self.summary.count("given_up", url=url, reason=reason)
            log.warning("%s: %s; given up after %d failed runs", url, message, runs)
            return
        self.summary.count("failed", url=url, reason=reason)
        self._incomplete.add(job.source)
        log.warning("%s: %s", url, message)

    def _remember_failure(self, key: str, reason: str) -> int:
        """With a state: count a failed run for this article URL and, at the limit, give it
        up (remembered as fetched, so it is not asked again). Returns its failed runs."""
        if self.state is None:
            return 0
        with _writing():
            runs = self.state.record_failure(key, reason, self._run).runs
            if runs >= self.emitter.settings.crawl.give_up_after:
                self.state.record_fetch(key, None, None, None)
                self.state.clear_failure(key)
            self.emitter.commit()
        return runs

    def _waiting(self, key: str) -> bool:
        """Is this article URL, failed in earlier runs, not due for its next try yet?"""
        if self.state is None:
            return False
        failure = self.state.failure(key)
        return failure is not None and failure.retry_at > self._run

    def _count_host(self, result: FetchResult) -> None:
        """A response of the crawl's own (not robots.txt): fetched or unchanged, under the
        host of the URL asked for."""
        if result.ok:
            self.summary.count("fetched", url=result.url)
        elif result.not_modified:
            self.summary.count("unchanged", url=result.url)


def _url_key(url: str) -> str:
    """What an article URL is known by, in this run and in the state: its canonical form."""
    return canonical_url(url) or url


class _WriteFailed(Exception):
    """The output or the state could not be written: the run must stop."""


@contextmanager
def _writing() -> Iterator[None]:
    """Around writes of records and state: their failures end the run (a full disk fails
    every later page the same way); failures anywhere else fail one page."""
    try:
        yield
    except (InputError, OSError, sqlite3.Error) as exc:
        raise _WriteFailed(str(exc)) from exc


def _with_hints(article: Article, link: Link) -> Article:
    """The feed's or sitemap's title and date where the page itself gave none."""
    if article.title is None and link.title:
        article = article.replace(title=link.title)
    if article.published is None and link.published is not None:
        article = article.replace(published=link.published.isoformat())
    return article


def read_url_file(path: Path) -> list[str]:
    """URLs listed in a file (one per line; blank lines and # comments ignored)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the URL list: {exc}") from exc
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def expand_sources(args: list[str]) -> list[str]:
    """Command-line sources: URLs as they are, `@FILE` as the URLs it lists."""
    urls: list[str] = []
    for arg in args:
        urls.extend(read_url_file(Path(arg[1:])) if arg.startswith("@") else [arg])
    return urls

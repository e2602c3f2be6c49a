"""`crawl`: sources -> discover -> fetch -> extract -> dedup -> store, concurrently.

The short wiring of the crawl's parts: the scheduler (what next, each URL once, the
run's limits), sources (what a feed, sitemap or section page yields), articles (fetch,
extract in the worker pool, join later pages), stats (the summary), and the emitter
(dedup, write, commit).

Cron safety: an article URL is logged as fetched in the same commit as its record, and a
source's validators are saved only when every article it listed was handled, so a killed
or partly failed run is picked up by the next one instead of hidden behind a 304. An
article URL that fails is tried again in later runs, less and less often, and given up
after `[crawl] give_up_after` failed runs (then its source can be complete again).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import urlsplit

import lxml.html

from scraper.crawl.articles import ArticleReader, extraction_pool, with_hints, with_zone
from scraper.crawl.scheduler import Job, Scheduler
from scraper.crawl.site import describe, describe_reading, discover_site
from scraper.crawl.sources import SourceReading, read_source
from scraper.crawl.stats import CrawlStats
from scraper.crawl.windows import SiteWindows
from scraper.dedup.urls import site_of
from scraper.discover import Link, parse_page
from scraper.discover.listing import read_listing, url_kind
from scraper.discover.pagination import PaginationRules
from scraper.emitter import Emitter
from scraper.errors import OutputError, StateError
from scraper.extract.pages import PagerWords
from scraper.extract.rules import RuleSet
from scraper.fetch import SOURCE_TYPES, Fetcher, FetchResult
from scraper.settings import CrawlSettings
from scraper.sites import Outlet
from scraper.store.state import RunState, Validators

log = logging.getLogger("scraper")


class Crawl:
    """One crawl run over a Fetcher, an Emitter and (optionally) a state."""

    def __init__(self, fetcher: Fetcher, emitter: Emitter, stats: CrawlStats,
                 settings: CrawlSettings, *, rules: RuleSet, pagination: PaginationRules,
                 pager: PagerWords, follow: re.Pattern[str] | None,
                 since: datetime | None, state: RunState | None = None,
                 on_progress: Callable[[int, int], None] | None = None,
                 outlets: list[Outlet] | None = None,
                 report: Callable[[str], None] | None = None) -> None:
        self.fetcher = fetcher
        self.emitter = emitter
        self.stats = stats
        self.settings = settings
        self.rules = rules
        self.pagination = pagination
        self.pager = pager
        self.follow = follow
        self.since = since
        self.state = state
        self.on_progress = on_progress
        #: registrable domain -> its outlet in the registry (whose sources are read when
        #: the site is discovered, whose time zone dates articles that give none)
        self.outlets = {site_of(o.host): o for o in outlets or []}
        #: A dry run: what the sources hold and what discovery found goes to `report`,
        #: and no article is fetched.
        self.report = report
        self.windows = SiteWindows(state, since, settings.first_run_days)
        self.scheduler = Scheduler(max_pages=settings.max_pages,
                                   max_sitemaps=settings.max_sitemaps)
        self._run = 0  # this run's number in the state (counts back-off between failures)
        self._shared = None  # the frontier workers share, when the state has one
        self._incomplete: set[str] = set()  # roots with an article not handled
        # source URL key -> (its root, what the server said), saved once its root is done
        self._validators: dict[str, tuple[str, Validators]] = {}

    @property
    def dry_run(self) -> bool:
        """Discover and report only: no article fetched, nothing written."""
        return self.report is not None

    async def run(self, sources: list[str]) -> None:
        """Crawl `sources` until nothing is left to fetch."""
        if self.state is not None:
            with _writing():
                self._run = self.state.start_run()
                self._shared = self.state.frontier()
            if self._shared is not None:  # workers on other machines share this run's jobs
                self.scheduler.queue = self._shared
        for url in sources:
            self.scheduler.offer(Job(Link(url), url, 0, is_source=True))
        # Extraction always runs in worker processes: in threads it held the GIL the event
        # loop needs, and the crawl fetched at a fraction of its speed.
        pool = extraction_pool(self.settings.workers, self.emitter.settings.clean, self.rules)
        self.reader = ArticleReader(pool, self._fetch_more, pagination=self.pagination,
                                    pager=self.pager, max_pages=self.settings.max_article_pages,
                                    follow=self.follow)
        self._fatal: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()
        tasks = [asyncio.create_task(self._worker())
                 for _ in range(max(1, self.settings.concurrency))]
        joined = asyncio.create_task(self.scheduler.queue.join())
        try:
            await asyncio.wait([joined, self._fatal], return_when=asyncio.FIRST_COMPLETED)
            if self._fatal.done():
                raise self._fatal.result()
        finally:
            joined.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            pool.shutdown(cancel_futures=True)
            if self._shared is not None:
                self._shared.close()
        if self._shared is not None:
            self._leave_shared_run()
            return
        self._save_horizons()
        self._save_source_validators()

    def _leave_shared_run(self) -> None:
        """The end of this worker's part of a shared run: the last worker to leave saves
        the sources' validators and moves the sites' horizons, from what every worker
        could not finish (the others leave theirs in the database)."""
        if self.dry_run:
            return
        with _writing():
            ended = self._shared.leave(incomplete=self._incomplete,
                                       validators=self._validators, sites=self.windows.sites)
            if ended is not None:
                self.windows.sites, incomplete = ended
                self.windows.stage_horizons(incomplete)
                self.emitter.commit()

    async def _worker(self) -> None:
        queue = self.scheduler.queue
        while True:
            try:
                job = await queue.get()
            except StateError as exc:  # a shared frontier whose database is gone
                self._stop(exc)
                return
            handled = False
            try:
                await self._handle(job)
                handled = True
            except _WriteFailed as exc:  # output or state unwritable: nothing more can land
                self._stop(exc.__cause__ or exc)
            finally:
                # First: nothing after it may keep the run from ending. A job whose record
                # could not be stored is not done: a shared frontier gives it back.
                try:
                    queue.task_done(job, handled=handled)
                except StateError as exc:
                    self._stop(exc)
                self.scheduler.done += 1
                if self.on_progress:
                    self.on_progress(self.scheduler.done, self.scheduler.total)

    def _stop(self, exc: BaseException) -> None:
        """End the run with `exc` (the first one wins)."""
        if not self._fatal.done():
            self._fatal.set_result(exc)

    async def _handle(self, job: Job) -> None:
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

    async def _source(self, job: Job) -> None:
        # A homepage is asked for whole: a 304 on it would say nothing of its site's
        # sources (an older run may have kept its validators).
        known = (self.state.last_fetch(job.key)
                 if self.state is not None and not self.settings.refresh
                 and not (job.depth == 0 and url_kind(job.url) == "listing") else None)
        result = await self.fetcher.fetch(job.url, accept=SOURCE_TYPES,
                                          etag=known.etag if known else None,
                                          last_modified=known.last_modified if known else None)
        self.stats.response(result)
        if result.not_modified:
            log.info("%s: not modified since the last run", job.url)
            return
        if result.error:
            self._source_failed(job, result.reason or result.error, result.error)
            self._outlet_fallback(job)
            return
        self._validators[job.key] = (job.root, _validators(result))
        reading = read_source(result.body, result.final_url, result.content_type,
                              follow=self.follow, since=self._since(job))
        if reading.kind == "unreadable":
            self._source_failed(job, reading.reason or "unreadable", reading.problem or "")
            return
        if reading.kind == "page":
            root = await asyncio.to_thread(parse_page, result.body)
            if self.follow is None and await asyncio.to_thread(read_listing, root,
                                                               result.final_url):
                await self._discover(job, result, root)
                return
            if self.report is not None:
                self.report(f"{job.url}: an article page (nothing to discover)")
                return
            log.info("%s: an HTML page, read as one article (not a listing: no links to "
                     "the site's articles; --follow REGEX crawls the links that match)",
                     job.url)
            self.scheduler.mark_seen(job)
            await self._article(Job(job.link, job.root, 0), fetched=result, root=root)
            return
        self._take(job, reading)

    def _take(self, job: Job, reading: SourceReading) -> None:
        """Queue what a feed, sitemap or section page lists (in a dry run: report it)."""
        if self.report is not None:
            self.report(f"{job.url}: {describe_reading(reading)}")
            return
        if reading.kind == "sitemap":
            log.info("%s: sitemap with %d pages, %d sitemaps", job.url,
                     len(reading.articles) + len(reading.too_old), len(reading.sitemaps))
        elif reading.kind == "feed":
            log.info("%s: feed with %d entries", job.url,
                     len(reading.articles) + len(reading.too_old))
        else:
            log.info("%s: %d links to follow", job.url,
                     len(reading.articles) + len(reading.too_old))
        for child in reading.sitemaps:
            if not self.scheduler.take_sitemap():
                self.stats.skipped(child.url, "over the sitemap limit")
                self._incomplete.add(job.root)
                continue
            self.scheduler.offer(Job(child, job.root, job.depth, is_source=True,
                                     window=job.window))
        for link in reading.too_old:
            self.stats.skipped(link.url, "older than --since" if job.window is None
                               else "older than the site's window")
        for link in reading.articles:
            self.scheduler.offer(Job(link, job.root, 1, window=job.window))

    def _since(self, job: Job) -> datetime | None:
        return job.window if job.window is not None else self.since

    # --- sites: their sources found from a listing page ---

    async def _discover(self, job: Job, page: FetchResult, root) -> None:
        """A listing given as a source: find its site's feeds and sitemaps (once per site
        in a run) and crawl them, or its article links when the site has none."""
        # A listing's validators are not kept: a 304 on the homepage says nothing of its
        # site's feeds and sitemaps, which are read in every run.
        self._validators.pop(job.key, None)
        host = page.host
        site_done = host in self.windows
        site = self.windows.join(host, job.root)
        window = site.window

        async def read(url: str) -> tuple[FetchResult, SourceReading]:
            result = await self.fetcher.fetch(url, accept=SOURCE_TYPES)
            self.stats.response(result)
            if not result.ok:
                return result, SourceReading("unreadable", reason=result.reason)
            return result, read_source(result.body, result.final_url, result.content_type,
                                       since=window)

        found = await discover_site(
            page, root, read, self.fetcher.robots_sitemaps, kinds=self.settings.discover,
            known=() if site_done else self._outlet_sources(host),
            probed_before=self.state.probes(host) if self.state is not None else None,
            site_done=site_done)
        self.stats.discovered(found, job.url)
        if self.report is not None:
            for line in describe(found, job.url):
                self.report(line)
        if found.failed:  # a source that failed for now: the site was not all read
            self._incomplete.add(job.root)
        if found.probed and self.state is not None and not self.dry_run:
            with _writing():
                self.state.stage_probes(host, found.probed)
        if self.dry_run:
            return
        if not (found.sources or found.links or found.listings or site_done):
            self._source_failed(job, "no sources found", f"{found.problems[-1]} on this page "
                                f"or its site (--discover {','.join(self.settings.discover)})")
            return
        for source in found.sources:
            child = Job(Link(source.url), job.root, 0, is_source=True, window=window)
            if self.scheduler.offer_handled(child):
                self._take(child, source.reading)
        for link in found.links + found.listings:
            self.scheduler.offer(Job(link, job.root, 1, window=window))

    def _outlet_fallback(self, job: Job) -> None:
        """An outlet's homepage that could not be read: its registry sources are still
        crawled (in the site's window)."""
        host = (urlsplit(job.url).hostname or "").lower()
        if job.depth or host in self.windows or not self._outlet_sources(host):
            return
        window = self.windows.join(host, job.root).window
        for url in self._outlet_sources(host):
            self.scheduler.offer(Job(Link(url), job.root, 0, is_source=True, window=window))

    def _outlet_sources(self, host: str) -> tuple[str, ...]:
        outlet = self.outlets.get(site_of(host))
        return outlet.sources if outlet is not None else ()

    def _save_horizons(self) -> None:
        """Where each discovered site's next window starts (scraper.crawl.windows)."""
        if self.state is not None and not self.dry_run:
            with _writing():
                self.windows.stage_horizons(self._incomplete)

    def _source_failed(self, job: Job, reason: str, message: str) -> None:
        """A source that could not be read: counted, reported, its root not complete."""
        self.stats.source_failed(job.url, reason, message)
        self._incomplete.add(job.root)

    def _save_source_validators(self) -> None:
        """Validators of sources whose every article was handled (see the module doc): a
        sitemap listed by an index counts as handled only when its whole index was."""
        if self.state is None:
            return
        with _writing():
            self.emitter.commit(fetched=[(key, validators) for key, (root, validators)
                                         in self._validators.items()
                                         if root not in self._incomplete])

    # --- articles ---

    async def _article(self, job: Job, fetched: FetchResult | None = None,
                       root: lxml.html.HtmlElement | None = None) -> None:
        key = job.key
        known = self.state.last_fetch(key) if self.state is not None else None
        result = fetched
        if result is None:
            if known is not None and not self.settings.refresh:
                self.stats.seen(job.url)
                return
            if self._waiting(key):
                self._skip(job, "waiting to retry (failed in an earlier run)")
                return
            if not self.scheduler.take_article():
                self._skip(job, "over --max-pages")
                return
            result = await self.fetcher.fetch(job.url, etag=known.etag if known else None,
                                              last_modified=known.last_modified if known else None)
            self.stats.response(result)
        if result.not_modified:
            return
        if result.error:
            if result.skipped:  # a policy answer: logged as done, so not asked again each run
                self.stats.skipped(job.url, result.reason or result.error)
                if self.state is not None:
                    with _writing():
                        self.state.stage_fetch(key, Validators(result.status, None, None))
            else:
                self._fail(job, result.reason or result.error, result.error)
            return
        want_links = self.follow is not None and job.depth < self.settings.depth
        read = await self.reader.read(result, job.url, want_links=want_links, root=root)
        if read.listing:  # not logged as fetched: a listing changes, and is read each run
            self._listing(job, read.links)
            return
        if read.article is None:
            self._fail(job, read.reason or "failed", read.problem or "")
            return
        for link in read.follow:
            self.scheduler.offer(Job(Link(link), job.root, job.depth + 1))
        outlet = self.outlets.get(site_of(result.host))
        article = with_zone(with_hints(read.article, job.link),
                            outlet.timezone if outlet else None).replace(source=job.url)
        with _writing():
            self.emitter.emit([article], fetched=[(key, _validators(result))])

    def _listing(self, job: Job, links: list[Link]) -> None:
        """A listing where an article was expected (a tag, search or section page):
        counted, not written; its links followed while the crawl's depth allows."""
        if job.depth <= self.settings.depth:
            for link in links:
                self.scheduler.offer(Job(link, job.root, job.depth + 1, window=job.window))
        self.stats.skipped(job.url, "not an article")

    async def _fetch_more(self, url: str) -> FetchResult:
        """A later page or show-all view of an article: fetched and counted."""
        result = await self.fetcher.fetch(url)
        self.stats.response(result)
        return result

    def _skip(self, job: Job, reason: str) -> None:
        """An article left out for now: its root is not complete."""
        self.stats.skipped(job.url, reason)
        self._incomplete.add(job.root)

    # --- failures across runs ---

    def _fail(self, job: Job, reason: str, message: str) -> None:
        """An article that failed: counted under `reason` and named once, its root not
        complete. With a state, an article found through a source is tried again in later
        runs and given up after `give_up_after` failed runs."""
        runs = self._remember_failure(job.key, reason) if job.depth > 0 else 0
        if runs >= self.settings.give_up_after:
            self.stats.given_up(job.url, reason, message, runs)
            return
        self.stats.article_failed(job.url, reason, message)
        self._incomplete.add(job.root)

    def _remember_failure(self, key: str, reason: str) -> int:
        """With a state: count a failed run for this article URL and, at the limit, give it
        up (logged as done, so it is not asked again). Returns its failed runs."""
        if self.state is None:
            return 0
        with _writing():
            runs = self.state.stage_failure(key, reason, self._run).runs
            given_up = [(key, Validators(None, None, None))] \
                if runs >= self.settings.give_up_after else []
            self.emitter.commit(fetched=given_up)
        return runs

    def _waiting(self, key: str) -> bool:
        """Is this article URL, failed in earlier runs, not due for its next try yet?"""
        if self.state is None:
            return False
        failure = self.state.failure(key)
        return failure is not None and failure.retry_at > self._run


def _validators(result: FetchResult) -> Validators:
    return Validators(result.status, result.headers.get("etag"),
                      result.headers.get("last-modified"))


class _WriteFailed(Exception):
    """The output or the state could not be written: the run must stop."""


@contextmanager
def _writing() -> Iterator[None]:
    """Around writes of records and state: their failures end the run (a full disk fails
    every later page the same way); failures anywhere else fail one page. Our sinks and
    state raise OutputError and StateError; a sink of a caller's own may raise OSError."""
    try:
        yield
    except (OutputError, StateError, OSError) as exc:
        raise _WriteFailed(str(exc)) from exc

"""What to fetch next: the frontier of jobs, the in-run seen set, and the run's limits.

No network and no state here: the scheduler takes `Job`s and says whether each is new
(by the one URL key, `scraper.dedup.url_key`) and whether a limit still lets it through.
The frontier hands out sources (feeds, sitemaps, listings) first and articles newest
first by the best date known before fetching them (a feed's or sitemap's), and an
article only once no source is left or in flight: so `--max-pages N` takes the N newest
articles of everything the sources list.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from scraper.dedup.urls import url_key, without_tracking
from scraper.discover import Link


@dataclass(frozen=True, slots=True)
class Job:
    """One URL to handle: a source (feed, sitemap, section page) or an article."""

    link: Link
    #: The source URL given on the command line that this came from (its validators are
    #: saved only when all of it was handled).
    root: str
    #: Links followed from the root to get here (0: the root itself).
    depth: int = 0
    is_source: bool = False
    #: Entries dated before this are left out (a discovered site's window; None: the
    #: crawl's --since).
    window: datetime | None = None

    @property
    def url(self) -> str:
        return self.link.url

    @property
    def key(self) -> str:
        """The URL's key; a text that is no http(s) URL (a bad source, never fetched) is
        known by itself."""
        return url_key(self.link.url) or self.link.url


class Frontier:
    """The jobs waiting: sources first, then articles newest first (undated ones after
    the dated, in the order found). An article waits while a source of its root (the
    source given that led to it) is waiting or being read, as that may list newer ones;
    other roots' articles go on meanwhile, so one slow site does not hold up the rest.
    Like `asyncio.Queue`: `get`, `task_done`, `join`."""

    def __init__(self) -> None:
        self._sources: list[tuple[float, int, Job]] = []
        self._articles: list[tuple[float, int, Job]] = []  # of roots free to go
        self._held: dict[str, list[tuple[float, int, Job]]] = {}  # root -> its articles
        self._pending: Counter[str] = Counter()  # root -> its sources waiting or out
        self._order = itertools.count()
        self._unfinished = 0
        self._changed = asyncio.Event()
        self._finished = asyncio.Event()
        self._finished.set()

    def put(self, job: Job) -> None:
        when = job.link.published
        entry = (-when.timestamp() if when else float("inf"), next(self._order), job)
        if job.is_source:
            heapq.heappush(self._sources, entry)
            self._pending[job.root] += 1
        elif self._pending[job.root]:
            self._held.setdefault(job.root, []).append(entry)
        else:
            heapq.heappush(self._articles, entry)
        self._unfinished += 1
        self._finished.clear()
        self._changed.set()

    async def get(self) -> Job:
        """The next job: a source while any is waiting; else the newest article of a
        root with no source waiting or being read."""
        while (job := self.take()) is None:
            self._changed.clear()
            await self._changed.wait()
        return job

    def take(self) -> Job | None:
        """The next job if one may go now (see `get`), else None."""
        if self._sources:
            return heapq.heappop(self._sources)[2]
        while self._articles:
            entry = heapq.heappop(self._articles)
            root = entry[2].root
            if not self._pending[root]:
                return entry[2]
            self._held.setdefault(root, []).append(entry)  # back when its sources are read
        return None

    def task_done(self, job: Job, handled: bool = True) -> None:
        """`job` (from `get`) is handled (or, `handled` False, given up by a run that is
        stopping: the same here, where the run's jobs end with it)."""
        if job.is_source:
            self._pending[job.root] -= 1
            if not self._pending[job.root]:
                for entry in self._held.pop(job.root, ()):
                    heapq.heappush(self._articles, entry)
        self._unfinished -= 1
        self._changed.set()
        if not self._unfinished:
            self._finished.set()

    async def join(self) -> None:
        """Until every job put is done."""
        await self._finished.wait()

    def __len__(self) -> int:
        return len(self._sources) + len(self._articles) + sum(map(len, self._held.values()))


class Scheduler:
    """The run's queue: each URL once, at most `max_pages` articles (0: no limit) and
    `max_sitemaps` sitemaps."""

    def __init__(self, *, max_pages: int = 0, max_sitemaps: int = 500) -> None:
        self.max_pages = max_pages
        self.max_sitemaps = max_sitemaps
        self.queue = Frontier()
        self.seen: set[str] = set()  # keys of every job queued in this run
        self.articles = 0  # article fetches let through
        self.sitemaps = 0  # child sitemaps let through
        self.done = 0  # jobs handled

    def offer(self, job: Job) -> bool:
        """Queue `job` unless its URL was queued before in this run. Its URL is requested
        without tracking parameters (?utm_source=rss, fbclid, ...), with the page's own
        ones. True when queued."""
        url = without_tracking(job.link.url)
        if url != job.link.url:
            job = replace(job, link=replace(job.link, url=url))
        if job.key in self.seen:
            return False
        self.seen.add(job.key)
        self.queue.put(job)
        return True

    def offer_handled(self, job: Job) -> bool:
        """Count `job`'s URL as handled in this run (a source discovery already read):
        True when it was new, so its entries are to be taken."""
        if job.key in self.seen:
            return False
        self.seen.add(job.key)
        return True

    def mark_seen(self, job: Job) -> None:
        """Count `job`'s URL as handled in this run without queueing it (a source read
        as one article)."""
        self.seen.add(job.key)

    def take_article(self) -> bool:
        """May one more article be fetched in this run (`max_pages`)?"""
        if self.max_pages and self.articles >= self.max_pages:
            return False
        self.articles += 1
        return True

    def take_sitemap(self) -> bool:
        """May one more child sitemap be read in this run (`max_sitemaps`)?"""
        if self.sitemaps >= self.max_sitemaps:
            return False
        self.sitemaps += 1
        return True

    @property
    def total(self) -> int:
        """Jobs known so far (for progress)."""
        return len(self.seen)

"""What to fetch next: the queue of jobs, the in-run seen set, and the run's limits.

No network and no state here: the scheduler takes `Job`s and says whether each is new
(by the one URL key, `scraper.dedup.url_key`) and whether a limit still lets it through.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

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

    @property
    def url(self) -> str:
        return self.link.url

    @property
    def key(self) -> str:
        """The URL's key; a text that is no http(s) URL (a bad source, never fetched) is
        known by itself."""
        return url_key(self.link.url) or self.link.url


class Scheduler:
    """The run's queue: each URL once, at most `max_pages` articles (0: no limit) and
    `max_sitemaps` sitemaps."""

    def __init__(self, *, max_pages: int = 0, max_sitemaps: int = 500) -> None:
        self.max_pages = max_pages
        self.max_sitemaps = max_sitemaps
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
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
        self.queue.put_nowait(job)
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

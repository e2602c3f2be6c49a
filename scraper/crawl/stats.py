"""What the crawl counts: its events, each turned into the summary's figures once.

The counter itself is `scraper.summary.CrawlSummary` (every figure defined once, counted
per host); this module is the crawl's vocabulary over it, so that a response, a failed
source or a skipped URL is counted the same way wherever it happens.
"""

from __future__ import annotations

import logging

from scraper.crawl.site import SiteSources, describe
from scraper.fetch import FetchResult
from scraper.summary import CrawlSummary

log = logging.getLogger("scraper")


class CrawlStats:
    """The crawl's events, counted in `summary` under the host of the URL asked for."""

    def __init__(self, summary: CrawlSummary) -> None:
        self.summary = summary

    def response(self, result: FetchResult) -> None:
        """A response to one of the crawl's own requests (not robots.txt): fetched (2xx,
        whole) or unchanged (304)."""
        if result.ok:
            self.summary.count("fetched", url=result.url)
        elif result.not_modified:
            self.summary.count("unchanged", url=result.url)

    def source_failed(self, url: str, reason: str, message: str) -> None:
        """A source that could not be read: counted, and named at error level."""
        self.summary.count("failed", url=url, reason=reason)
        self.summary.failed_sources.append(f"{url}: {message}")
        log.error("%s: %s", url, message)

    def article_failed(self, url: str, reason: str, message: str) -> None:
        """An article that could not be fetched or extracted, named once."""
        self.summary.count("failed", url=url, reason=reason)
        log.warning("%s: %s", url, message)

    def given_up(self, url: str, reason: str, message: str, runs: int) -> None:
        """An article that failed in its last allowed run: not tried again."""
        self.summary.count("given_up", url=url, reason=reason)
        log.warning("%s: %s; given up after %d failed runs", url, message, runs)

    def skipped(self, url: str, reason: str) -> None:
        """A URL left out on purpose (robots.txt, --since, --max-pages, ...)."""
        self.summary.count("skipped", url=url, reason=reason)

    def seen(self, url: str) -> None:
        """An article URL handled by an earlier run: not fetched."""
        self.summary.count("seen", url=url)

    def discovered(self, found: SiteSources, page_url: str) -> None:
        """What discovery found on one listing page: each step's finds counted, the
        sources named once (info level), its problems at warning level."""
        self.summary.discovered.update(found.steps)
        if found.probed:
            self.summary.discovered["usual paths tried"] += len(found.probed)
        lines = describe(found, page_url)
        log.info("%s", "\n".join(line for line in lines if not line.startswith("  problem:")))
        for problem in found.problems:
            log.warning("%s: %s", found.host, problem)

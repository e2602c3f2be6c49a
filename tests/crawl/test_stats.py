"""The crawl's events counted once, per host, with their reasons (no network)."""

from __future__ import annotations

from scraper.crawl import CrawlStats
from scraper.fetch import FetchResult
from scraper.summary import CrawlSummary


def test_responses_failures_and_skips_are_counted_under_the_url_asked_for() -> None:
    summary = CrawlSummary()
    stats = CrawlStats(summary)
    ok = FetchResult("https://a.example/1", "https://b.example/1", status=200, body=b"x")
    unchanged = FetchResult("https://a.example/2", "https://a.example/2", status=304)
    stats.response(ok)
    stats.response(unchanged)
    stats.source_failed("https://a.example/feed", "HTTP 404", "HTTP 404")
    stats.article_failed("https://c.example/3", "HTTP 500", "HTTP 500")
    stats.given_up("https://c.example/4", "HTTP 500", "HTTP 500", 5)
    stats.skipped("https://c.example/5", "older than --since")
    stats.seen("https://c.example/6")
    figures = summary.as_dict()
    assert (figures["fetched"], figures["unchanged"], figures["failed"], figures["given_up"],
            figures["skipped"], figures["seen"], figures["sources_failed"]) == (1, 1, 2, 1, 1, 1, 1)
    assert figures["hosts"]["a.example"] == {"fetched": 1, "unchanged": 1, "failed": 1}
    assert figures["failed_by_reason"] == {"HTTP 404": 1, "HTTP 500": 1}
    assert summary.failed_sources == ["https://a.example/feed: HTTP 404"]

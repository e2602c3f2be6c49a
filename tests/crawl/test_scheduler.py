"""The scheduler without a network: each URL once by its key, the run's limits."""

from __future__ import annotations

import asyncio

from scraper.crawl import Job, Scheduler
from scraper.dedup import url_key
from scraper.discover import Link


def _drain(scheduler: Scheduler) -> list[str]:
    urls = []
    while not scheduler.queue.empty():
        urls.append(scheduler.queue.get_nowait().url)
    return urls


def test_each_url_is_queued_once_by_its_key_without_tracking_parameters() -> None:
    async def go() -> list[str]:
        scheduler = Scheduler()
        for url in ("https://news.example/read/1?utm_source=rss&id=5",
                    "http://www.news.example/read/1/?id=5",
                    "https://news.example/read/1?id=5#comments",
                    "https://news.example/read/2"):
            scheduler.offer(Job(Link(url), "https://news.example/feed.xml", 1))
        assert scheduler.seen == {url_key("https://news.example/read/1?id=5"),
                                  url_key("https://news.example/read/2")}
        return _drain(scheduler)
    # The first form is requested, without its tracking parameter; the page's own stays.
    assert asyncio.run(go()) == ["https://news.example/read/1?id=5",
                                 "https://news.example/read/2"]


def test_a_source_read_as_an_article_is_seen_and_not_queued_again() -> None:
    async def go() -> bool:
        scheduler = Scheduler()
        page = Job(Link("https://news.example/read/3"), "https://news.example/read/3")
        scheduler.mark_seen(page)
        return scheduler.offer(Job(Link("https://news.example/read/3/"), "feed", 1))
    assert asyncio.run(go()) is False


def test_max_pages_and_max_sitemaps_let_that_many_through() -> None:
    scheduler = Scheduler(max_pages=2, max_sitemaps=1)
    assert [scheduler.take_article() for _ in range(3)] == [True, True, False]
    assert [scheduler.take_sitemap() for _ in range(2)] == [True, False]
    unbounded = Scheduler(max_pages=0)
    assert all(unbounded.take_article() for _ in range(1000))


def test_a_text_that_is_no_url_is_known_by_itself() -> None:
    assert Job(Link("not a url"), "not a url").key == "not a url"

"""The scheduler without a network: each URL once by its key, the run's limits."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from scraper.crawl import Job, Scheduler
from scraper.dedup import url_key
from scraper.discover import Link


def _drain(scheduler: Scheduler) -> list[str]:
    """The URLs in the order the frontier hands them out (each marked done at once)."""
    urls = []
    while (job := scheduler.queue.take()) is not None:
        urls.append(job.url)
        scheduler.queue.task_done(job)
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


def _at(day: int) -> datetime:
    return datetime(2024, 5, day, 8, tzinfo=timezone.utc)


def test_sources_first_then_articles_newest_first_undated_last() -> None:
    scheduler = Scheduler()
    root = "https://news.example/"
    for url, day in (("a/old", 1), ("a/undated-1", None), ("a/new", 9), ("a/mid", 5),
                     ("a/undated-2", None)):
        scheduler.offer(Job(Link(f"{root}{url}", _at(day) if day else None), root, 1))
    scheduler.offer(Job(Link(f"{root}sitemap-2024-04.xml", _at(1)), root, 0, is_source=True))
    scheduler.offer(Job(Link(f"{root}sitemap-2024-05.xml", _at(9)), root, 0, is_source=True))
    assert [u.removeprefix(root) for u in _drain(scheduler)] == [
        "sitemap-2024-05.xml", "sitemap-2024-04.xml",
        "a/new", "a/mid", "a/old", "a/undated-1", "a/undated-2"]


def test_no_article_is_handed_out_while_a_source_is_being_read() -> None:
    async def go() -> list[str]:
        scheduler = Scheduler()
        root = "https://news.example/"
        scheduler.offer(Job(Link(root + "feed.xml"), root, 0, is_source=True))
        scheduler.offer(Job(Link(root + "read/1", _at(1)), root, 1))
        frontier, order = scheduler.queue, []
        source = await frontier.get()
        waiting = asyncio.create_task(frontier.get())
        await asyncio.sleep(0.01)
        assert not waiting.done()  # the feed may still list a newer article
        scheduler.offer(Job(Link(root + "read/2", _at(2)), root, 1))
        frontier.task_done(source)
        order.append((await waiting).url)
        order.append((await frontier.get()).url)
        return order
    assert asyncio.run(go()) == ["https://news.example/read/2", "https://news.example/read/1"]


def test_a_slow_source_holds_only_the_articles_of_its_own_root() -> None:
    async def go() -> tuple[str, bool]:
        scheduler = Scheduler()
        slow, fast = "https://slow.example/", "https://fast.example/"
        scheduler.offer(Job(Link(slow + "sitemap.xml"), slow, 0, is_source=True))
        scheduler.offer(Job(Link(slow + "read/1", _at(9)), slow, 1))
        scheduler.offer(Job(Link(fast + "read/1", _at(1)), fast, 1))
        frontier = scheduler.queue
        await frontier.get()  # the slow site's sitemap, being read
        article = await asyncio.wait_for(frontier.get(), 1)
        return article.url, frontier.take() is None
    assert asyncio.run(go()) == ("https://fast.example/read/1", True)

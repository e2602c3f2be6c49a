"""One URL key: the crawl's in-run seen set, the state's fetch log and the duplicate index
know an article by the same key (scraper.dedup.url_key)."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from scraper.crawl import Job, Scheduler
from scraper.dedup import url_key
from scraper.discover import Link
from scraper.pipeline import run_crawl
from scraper.settings import load_settings
from scraper.store import AppendOutput, State
from scraper.store.state import key64
from tests.conftest import read_records
from tests.httpd import LocalServer, add_story, rss


def test_seen_set_fetch_log_and_dedup_index_agree_on_the_key(server: LocalServer,
                                                            tmp_path: Path) -> None:
    add_story(server, "/read/1", 1)
    add_story(server, "/read/2", 2, canonical="/read/2")  # declares itself canonical
    variants = [f"{server.base}/read/1?utm_source=rss", f"{server.base}/read/1/",
                f"{server.base}/read/1", f"{server.base}/read/2"]
    server.page("/feed.xml", rss(*variants))
    keys = {url_key(f"{server.base}/read/1"), url_key(f"{server.base}/read/2")}

    async def seen() -> set[str]:
        scheduler = Scheduler()
        for url in variants:
            scheduler.offer(Job(Link(url), "feed", 1))
        return scheduler.seen
    assert asyncio.run(seen()) == keys  # the in-run seen set

    settings = load_settings(None, crawl__delay=0.0, fetch__allow_private=True)
    out = tmp_path / "out.jsonl"
    with State.open(tmp_path / "state") as state, AppendOutput(out, None) as sink:
        summary = run_crawl([server.base + "/feed.xml"], settings, sink, state=state)
    assert summary.written == 2 and server.hits["/read/1"] == 1
    with sqlite3.connect(tmp_path / "state" / "state.sqlite") as db:
        logged = {url for (url,) in db.execute("SELECT url FROM fetched")}
        indexed = {url64 for (url64,) in db.execute("SELECT url64 FROM docs")}
    assert keys <= logged  # the fetch log (the feed's own key is there too)
    records = read_records(out)
    assert {url_key(r["url"], r["canonical_url"]) for r in records} == keys
    assert indexed == {key64(key) for key in keys}  # the duplicate index

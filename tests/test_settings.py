"""Every [clean], [crawl] and [sites] key reaches the code that uses it: a changed value
changes what the run does. In-process runs against a real server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from pathlib import Path

import pytest

from scraper.errors import ConfigError
from scraper.pipeline import run_clean, run_crawl
from scraper.settings import CleanSettings, CrawlSettings, SiteSettings, load_settings
from scraper.store import JsonlOutput, State
from tests.conftest import read_records
from tests.httpd import LocalServer, add_story, article_html, rss, status, story


def _value(value: object) -> str:
    """A TOML value: JSON's form of strings, numbers and booleans; inline tables."""
    if isinstance(value, dict):
        return "{" + ", ".join(f'"{k}" = {_value(v)}' for k, v in value.items()) + "}"
    return json.dumps(value)


def _toml(tables: dict[str, dict]) -> str:
    lines = []
    for name, table in tables.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def crawl(tmp_path: Path, sources: list[str], crawl: dict | None = None,
          sites: dict[str, dict] | None = None, state: Path | None = None):
    """One in-process crawl with `[crawl]` and `[sites."..."]` from a settings file."""
    tables = {"fetch": {"retries": 0, "allow_private": True},
              "crawl": {"delay": 0, **(crawl or {})}}
    tables.update({f'sites."{domain}"': table for domain, table in (sites or {}).items()})
    config = tmp_path / "scraper.toml"
    config.write_text(_toml(tables))
    settings = load_settings(config)
    out = tmp_path / "out.jsonl"
    out.unlink(missing_ok=True)
    with JsonlOutput(out) as sink:
        if state is None:
            summary = run_crawl(sources, settings, sink)
        else:
            with State.open(state) as st:
                summary = run_crawl(sources, settings, sink, state=st)
    return summary, read_records(out)


def test_the_tests_below_cover_every_key() -> None:
    covered = {"clean": {"template_min_docs", "short_line_words", "list_run"},
               "crawl": {"concurrency", "per_host", "delay", "user_agent", "proxy",
                         "max_pages", "max_article_pages", "max_sitemaps", "follow", "depth",
                         "since", "refresh", "workers", "give_up_after", "discover",
                         "first_run_days", "registry"},
               "sites": {"delay", "user_agent", "proxy", "headers", "obey_robots"}}
    for name, cls in (("clean", CleanSettings), ("crawl", CrawlSettings),
                      ("sites", SiteSettings)):
        assert {f.name for f in dataclasses.fields(cls)} == covered[name], name


# --- [clean] ---

def test_clean_keys_change_what_is_template_and_what_is_a_list(tmp_path: Path) -> None:
    shared = "Ikuti kanal kami untuk kabar terbaru setiap hari"
    for i in range(3):
        title, paras = story(60 + i)
        (tmp_path / f"{i}.txt").write_text("\n\n".join([title, paras[0], shared, *paras[1:]]))

    def texts(**clean) -> list[str]:
        config = tmp_path / "scraper.toml"
        config.write_text(_toml({"clean": clean}) if clean else "")
        out = tmp_path / "out.jsonl"
        with JsonlOutput(out) as sink:
            run_clean([str(tmp_path)], load_settings(config), sink, on_error=print)
        return [r["text"] for r in read_records(out)]
    assert not any(shared in t for t in texts())  # in 3 articles: template
    assert all(shared in t for t in texts(template_min_docs=0))
    assert all(shared in t for t in texts(template_min_docs=4))
    assert all(shared in t for t in texts(short_line_words=5))  # 9 words: not short
    headline = "Harga Cabai Naik Lagi"
    (tmp_path / "3.txt").write_text("\n\n".join([story(70)[0], story(70)[1][0], headline,
                                                 *story(70)[1][1:]]))
    assert any(headline in t for t in texts(template_min_docs=0))
    assert not any(headline in t for t in texts(template_min_docs=0, list_run=1))


# --- [crawl]: how fast ---

def _slow_pages(server: LocalServer, count: int, pause: float = 0.15) -> tuple[list[str], dict]:
    track = {"now": 0, "max": 0}
    lock = threading.Lock()
    paths = []
    for i in range(count):
        title, paras = story(100 + i)
        body = article_html(title, paras).encode()

        def route(h, body=body) -> None:
            with lock:
                track["now"] += 1
                track["max"] = max(track["max"], track["now"])
            time.sleep(pause)
            with lock:
                track["now"] -= 1
            h.send(200, body)
        paths.append(f"/read/{i}")
        server.routes[paths[-1]] = route
    server.page("/feed.xml", rss(*paths))
    return paths, track


def test_concurrency_and_per_host_bound_the_requests_in_flight(server: LocalServer,
                                                               tmp_path: Path) -> None:
    _, track = _slow_pages(server, 6)
    crawl(tmp_path, [server.base + "/feed.xml"], {"concurrency": 8, "per_host": 3})
    assert track["max"] >= 2
    track["max"] = 0
    crawl(tmp_path, [server.base + "/feed.xml"], {"concurrency": 8, "per_host": 1})
    assert track["max"] == 1
    track["max"] = 0
    crawl(tmp_path, [server.base + "/feed.xml"], {"concurrency": 1, "per_host": 3})
    assert track["max"] == 1


def test_delay_spaces_requests_to_one_host_and_a_site_has_its_own(server: LocalServer,
                                                                  tmp_path: Path) -> None:
    paths, _ = _slow_pages(server, 3, pause=0)

    def gaps() -> list[float]:
        starts = sorted(t for t, p in server.times if p in paths)
        server.times.clear()
        return [b - a for a, b in zip(starts, starts[1:])]
    crawl(tmp_path, [server.base + "/feed.xml"], {"delay": 0.3})
    assert min(gaps()) >= 0.28
    crawl(tmp_path, [server.base + "/feed.xml"], {"delay": 0})
    assert min(gaps()) < 0.28
    crawl(tmp_path, [server.base + "/feed.xml"], {"delay": 0}, sites={"127.0.0.1": {"delay": 0.3}})
    assert min(gaps()) >= 0.28


def test_user_agent_and_headers_for_the_run_and_for_a_site(server: LocalServer,
                                                           tmp_path: Path) -> None:
    add_story(server, "/read/1", 1)
    crawl(tmp_path, [server.base + "/read/1"], {"user_agent": "tester/{version} (+x)"})
    assert server.request_headers["/read/1"][-1]["User-Agent"].startswith("tester/")
    crawl(tmp_path, [server.base + "/read/1"], {"user_agent": "tester/1 (+x)"},
          sites={"127.0.0.1": {"user_agent": "special/2 (+y)", "headers": {"X-Consent": "yes"}}})
    sent = server.request_headers["/read/1"][-1]
    assert sent["User-Agent"] == "special/2 (+y)" and sent["X-Consent"] == "yes"


def test_a_site_may_be_crawled_without_its_robots_txt(server: LocalServer,
                                                      tmp_path: Path) -> None:
    add_story(server, "/private/1", 1)
    server.page("/feed.xml", rss("/private/1"))
    summary, _ = crawl(tmp_path, [server.base + "/feed.xml"])
    assert summary.skipped == 1 and server.hits["/private/1"] == 0
    summary, records = crawl(tmp_path, [server.base + "/feed.xml"],
                             sites={"127.0.0.1": {"obey_robots": False}})
    assert summary.written == 1 and server.hits["/private/1"] == 1


# --- [crawl]: how far ---

def test_max_pages_max_article_pages_and_max_sitemaps(server: LocalServer, tmp_path: Path) -> None:
    for i in range(3):
        add_story(server, f"/read/{i}", 10 + i)
    server.page("/feed.xml", rss("/read/0", "/read/1", "/read/2"))
    summary, _ = crawl(tmp_path, [server.base + "/feed.xml"], {"max_pages": 2})
    assert summary.written == 2 and summary.reasons["skipped"]["over --max-pages"] == 1

    title, paras = story(20, paragraphs=6)
    pager = ('<div class="pagination">Halaman <a href="/multi">1</a> '
             '<a href="/multi?page=2">2</a> <a href="/multi?page=3">3</a></div>')
    for n, part in ((1, paras[:2]), (2, paras[2:4]), (3, paras[4:])):
        server.page("/multi" if n == 1 else f"/multi?page={n}",
                    article_html(title, part, pager=pager))
    _, (whole,) = crawl(tmp_path, [server.base + "/multi"])
    assert paras[5] in whole["text"] and server.hits["/multi?page=3"] == 1
    _, (cut,) = crawl(tmp_path, [server.base + "/multi"], {"max_article_pages": 2})
    assert paras[3] in cut["text"] and paras[5] not in cut["text"]
    assert server.hits["/multi?page=3"] == 1  # not asked again

    server.page("/s1.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                '<url><loc>/read/0</loc></url></urlset>', "application/xml")
    server.page("/s2.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                '<url><loc>/read/1</loc></url></urlset>', "application/xml")
    server.page("/index.xml", '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f'<sitemap><loc>{server.base}/s1.xml</loc></sitemap>'
                f'<sitemap><loc>{server.base}/s2.xml</loc></sitemap></sitemapindex>',
                "application/xml")
    summary, _ = crawl(tmp_path, [server.base + "/index.xml"], {"max_sitemaps": 1})
    assert summary.written == 1 and summary.reasons["skipped"]["over the sitemap limit"] == 1


def test_follow_depth_and_since(server: LocalServer, tmp_path: Path) -> None:
    title, paras = story(30)
    server.page("/read/a", article_html(title, paras, pager='<a href="/read/b">next story</a>'))
    add_story(server, "/read/b", 31)
    server.page("/section", '<html><body><a href="/read/a">A</a> <a href="/about">x</a>'
                '</body></html>')
    summary, _ = crawl(tmp_path, [server.base + "/section"])
    assert server.hits["/read/a"] == 0  # no follow: the section page is one article
    summary, _ = crawl(tmp_path, [server.base + "/section"], {"follow": "/read/"})
    assert summary.written == 1 and server.hits["/read/a"] == 1
    assert server.hits["/read/b"] == 0  # depth 1: links on /read/a are not followed
    summary, _ = crawl(tmp_path, [server.base + "/section"], {"follow": "/read/", "depth": 2})
    assert server.hits["/read/b"] == 1

    server.page("/feed.xml", rss("/read/b", dates=("Mon, 01 Jan 2001 00:00:00 +0000",)))
    summary, _ = crawl(tmp_path, [server.base + "/feed.xml"], {"since": "2020-01-01"})
    assert summary.reasons["skipped"]["older than --since"] == 1 and summary.written == 0


def test_discover_first_run_days_and_registry(server: LocalServer, tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    now = datetime.now(timezone.utc)
    paths = ["/read/10001/kabar-hari-ini-dari-kota", "/read/10002/kabar-minggu-lalu-dari-desa"]
    for seed, path in enumerate(paths):
        add_story(server, path, 40 + seed)
    dates = tuple(format_datetime(now - timedelta(days=d)) for d in (1, 6))
    server.page("/rss.xml", rss(*paths, dates=dates))
    server.page("/", '<html><head><link rel="alternate" type="application/rss+xml" '
                'href="/rss.xml"></head><body><p>Beranda</p></body></html>')
    summary, _ = crawl(tmp_path, [server.base + "/"])
    assert summary.written == 1 and summary.discovered == {"feeds (link)": 1}
    summary, _ = crawl(tmp_path, [server.base + "/"], {"first_run_days": 10})
    assert summary.written == 2
    # Sitemaps only: the feed link is not looked at, and there is no sitemap here.
    summary, _ = crawl(tmp_path, [server.base + "/"], {"discover": ["sitemaps"]})
    assert summary.written == 0 and summary.failed_sources and server.hits["/rss.xml"] == 2
    with pytest.raises(ConfigError, match="unknown step"):
        crawl(tmp_path, [server.base + "/"], {"discover": ["everything"]})
    # Registry files named in the settings file are found beside it.
    config = tmp_path / "scraper.toml"
    config.write_text(_toml({"crawl": {"registry": ["mine.toml"]}}))
    assert load_settings(config).crawl.registry == (str(tmp_path / "mine.toml"),)


# --- [crawl]: across runs, and the workers ---

def test_refresh_and_give_up_after(server: LocalServer, tmp_path: Path) -> None:
    add_story(server, "/read/1", 1)
    server.routes["/read/down"] = status(500)
    server.page("/feed.xml", rss("/read/1", "/read/down"))
    state = tmp_path / "state"
    summary, _ = crawl(tmp_path, [server.base + "/feed.xml"], {"give_up_after": 1},
                       state=state)
    assert summary.given_up == 1 and summary.failed == 0
    crawl(tmp_path, [server.base + "/feed.xml"], state=state)
    assert server.hits["/read/1"] == 1  # seen
    summary, _ = crawl(tmp_path, [server.base + "/feed.xml"], {"refresh": True}, state=state)
    assert server.hits["/read/1"] == 2 and summary.unchanged == 1


def test_workers_is_the_number_of_extraction_processes(server: LocalServer, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import scraper.crawl.articles as articles

    made = []
    real = articles.process_pool

    def spy(workers: int, **kwargs):
        made.append(workers)
        return real(workers, **kwargs)
    monkeypatch.setattr(articles, "process_pool", spy)
    add_story(server, "/read/1", 1)
    crawl(tmp_path, [server.base + "/read/1"], {"workers": 2})
    assert made == [2]


# --- proxies ---

def test_requests_go_through_the_run_proxy_or_a_site_proxy(tmp_path: Path) -> None:
    proxy = LocalServer().start()  # a forward proxy: it gets absolute URLs
    try:
        title, paras = story(50)
        proxy.page("http://news.invalid/read/1", article_html(title, paras))
        proxy.page("http://news.invalid/robots.txt", "User-agent: *\n", "text/plain")
        summary, records = crawl(tmp_path, ["http://news.invalid/read/1"],
                                 {"proxy": proxy.base})
        assert summary.written == 1 and records[0]["title"] == title
        assert proxy.hits["http://news.invalid/read/1"] == 1
        summary, _ = crawl(tmp_path, ["http://news.invalid/read/1"],
                           sites={"news.invalid": {"proxy": proxy.base}})
        assert summary.written == 1 and proxy.hits["http://news.invalid/read/1"] == 2
        summary, _ = crawl(tmp_path, ["http://news.invalid/read/1"], {"proxy": proxy.base},
                           sites={"news.invalid": {"proxy": ""}})  # this site direct
        assert summary.written == 0 and proxy.hits["http://news.invalid/read/1"] == 2
    finally:
        proxy.stop()

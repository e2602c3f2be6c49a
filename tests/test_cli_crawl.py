"""`scraper crawl` and `scraper demo` end to end: the real CLI in a subprocess against a
real HTTP server on 127.0.0.1, real SQLite state."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from scraper.extract import clean_text
from tests.conftest import SEEDS, run_cli
from tests.conftest import read_records as records
from tests.httpd import FAST, LocalServer, add_story, article_html, rss, status, story


def test_demo_crawls_the_bundled_site(tmp_path: Path) -> None:
    out = tmp_path / "demo.jsonl"
    result = run_cli("demo", "-o", str(out))
    assert result.returncode == 0, result.stderr
    found = records(out)
    seeds = {p.name: clean_text(p.read_text(encoding="utf-8"), p.name) for p in SEEDS.glob("*.txt")}
    assert sorted(r["title"] for r in found) == sorted(a.title for a in seeds.values())
    assert "1 duplicate," in result.stderr and "skipped 1: disallowed by robots.txt" in result.stderr
    split = next(r for r in found if r["title"].startswith("4 Strategi"))
    paras = [p for p in seeds["002_baef28a2d727868a.txt"].text.split("\n") if p.strip()]
    assert split["text"].split("\n\n") == paras
    assert split["word_count"] == seeds["002_baef28a2d727868a.txt"].word_count
    for record in found:
        assert record["published"] and record["published"].endswith("+07:00")
        for chrome in ("loading", "Baca Juga", "Copyright", "Berita Terkait", "Halaman"):
            assert chrome not in record["text"], (record["title"], chrome)
    assert f"{len(found)} records in" in result.stdout


def test_cron_reruns_fetch_only_what_is_new(server: LocalServer, tmp_path: Path,
                                            backend) -> None:
    for i in range(3):
        add_story(server, f"/read/{i}", i)
    server.validated_page("/feed.xml", rss("/read/0", "/read/1", "/read/2"), etag='"feed1"')
    out, warc = tmp_path / "news.jsonl", tmp_path / "raw.warc.gz"
    args = ("crawl", server.base + "/feed.xml", *FAST, "--state", backend.at, "-o", str(out))
    first = run_cli(*args, "--warc", str(warc))
    assert first.returncode == 0, first.stderr
    assert len(records(out)) == 3 and warc.stat().st_size > 0

    second = run_cli("-q", "--log-format", "json", *args)  # as cron runs it
    assert second.returncode == 0 and second.stderr == "", second.stderr
    logged = run_cli("--log-format", "json", *args)
    (summary,) = [entry["summary"] for entry in map(json.loads, logged.stderr.splitlines())
                  if "summary" in entry]
    assert (summary["fetched"], summary["written"], summary["unchanged"]) == (0, 0, 1)
    assert len(records(out)) == 3
    assert all(server.hits[f"/read/{i}"] == 1 for i in range(3))

    refresh = run_cli(*args, "--refresh")
    assert "3 unchanged (304)" in refresh.stderr  # the articles; the feed is read whole
    assert server.request_headers["/read/0"][-1]["If-None-Match"] == '"0"'
    assert len(records(out)) == 3

    # A new story in the feed: only it is fetched and written.
    add_story(server, "/read/3", 3)
    server.validated_page("/feed.xml", rss("/read/3", "/read/0", "/read/1", "/read/2"),
                          etag='"feed2"')
    fourth = run_cli(*args)
    assert "1 record written" in fourth.stderr and len(records(out)) == 4


def test_a_failed_article_is_retried_by_the_next_run(server: LocalServer, tmp_path: Path,
                                                      backend) -> None:
    add_story(server, "/read/ok", 10)
    server.routes["/read/down"] = status(500)
    server.validated_page("/feed.xml", rss("/read/ok", "/read/down"), etag='"f"')
    out = tmp_path / "news.jsonl"
    args = ("crawl", server.base + "/feed.xml", *FAST, "--state", backend.at, "-o", str(out),
            "--config", str(_no_retries(tmp_path)))  # retries are tested on their own
    first = run_cli(*args)
    assert first.returncode == 0, first.stderr  # one page failed, the run went on
    assert "failed 1: HTTP 500" in first.stderr and len(records(out)) == 1
    add_story(server, "/read/down", 11)
    second = run_cli(*args)
    # The feed's validators were not saved (an article of it failed): it is read again.
    assert "1 record written" in second.stderr and len(records(out)) == 2


def test_sitemap_index_gzip_since_and_max_pages(server: LocalServer, tmp_path: Path) -> None:
    for i in range(6):
        add_story(server, f"/a/{i}", 20 + i)
    urlset = lambda items: ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                            'sitemap/0.9">' + "".join(f"<url><loc>{server.base}{p}</loc><lastmod>{d}"
                            "</lastmod></url>" for p, d in items) + "</urlset>")
    server.page("/news.xml.gz", gzip.compress(urlset(
        [("/a/0", "2024-07-01"), ("/a/1", "2024-07-02"), ("/a/2", "2020-01-01")]).encode()),
        "application/x-gzip")
    server.page("/more.xml", urlset([("/a/3", "2024-07-03"), ("/a/4", "2024-07-04"),
                                     ("/a/5", "2019-05-05")]), "application/xml")
    server.page("/sitemap.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
                'schemas/sitemap/0.9"><sitemap><loc>/news.xml.gz</loc></sitemap>'
                '<sitemap><loc>/more.xml</loc></sitemap></sitemapindex>', "application/xml")
    out = tmp_path / "out.jsonl"
    result = run_cli("crawl", server.base + "/sitemap.xml", *FAST, "--since", "2024-01-01",
                     "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(r["url"].rsplit("/", 1)[1] for r in records(out)) == ["0", "1", "3", "4"]
    assert "skipped 2: older than --since" in result.stderr
    bounded = run_cli("crawl", server.base + "/sitemap.xml", *FAST, "--max-pages", "2",
                      "-o", str(out))
    assert len(records(out)) == 2 and "over --max-pages" in bounded.stderr


def test_section_page_links_followed_to_the_depth_asked(server: LocalServer, tmp_path: Path) -> None:
    add_story(server, "/read/1", 31)
    add_story(server, "/read/2", 32)
    add_story(server, "/read/3", 33)
    title, paras = story(34)
    server.page("/read/1", article_html(title, paras, pager='<a href="/read/3">Baca juga</a>'))
    server.page("/nasional", '<html><body><a href="/read/1">Satu</a> <a href="/read/2">Dua</a> '
                '<a href="/tag/politik">Politik</a> <a href="/private/x">Rahasia</a></body></html>')
    out = tmp_path / "out.jsonl"
    one = run_cli("crawl", server.base + "/nasional", *FAST, "--follow", r"/read/\d+$", "-o", str(out))
    assert one.returncode == 0, one.stderr
    assert sorted(r["url"][-1] for r in records(out)) == ["1", "2"] and server.hits["/tag/politik"] == 0
    two = run_cli("crawl", server.base + "/nasional", *FAST, "--follow", r"/read/\d+$",
                  "--depth", "2", "-o", str(out))
    assert two.returncode == 0 and sorted(r["url"][-1] for r in records(out)) == ["1", "2", "3"]


def test_multi_page_article_becomes_one_record(server: LocalServer, tmp_path: Path) -> None:
    title, paras = story(40, paragraphs=9)
    pager = lambda n: ('<div class="pagination">Halaman <a href="/read/9/judul">1</a> '
                       '<a href="/read/9/judul?page=2">2</a> '
                       + (f'<a href="/read/9/judul?page={n + 1}">Selanjutnya</a>' if n < 3 else "")
                       + "</div>")
    server.page("/read/9/judul", article_html(title, paras[:3], pager=pager(1)))
    server.page("/read/9/judul?page=2", article_html(title, paras[3:6], pager=pager(2)))
    server.page("/read/9/judul?page=3", article_html(title, paras[6:], pager=pager(3)))
    out = tmp_path / "out.jsonl"
    result = run_cli("crawl", server.base + "/read/9/judul", *FAST, "-o", str(out))
    assert result.returncode == 0, result.stderr
    (record,) = records(out)
    assert record["text"].split("\n\n") == paras
    assert record["title"] == title

    # With a show-all view, that is fetched instead of the pages.
    server.page("/read/8/lain", article_html(title + " dua", paras[:3],
                pager='<a href="/read/8/lain?page=2">2</a> <a href="/read/8/lain?page=all">'
                      'Tampilkan semua</a>'))
    server.page("/read/8/lain?page=all", article_html(title + " dua", paras))
    result = run_cli("crawl", server.base + "/read/8/lain", *FAST, "-o", str(out),
                     "--keep-duplicates")
    (record,) = records(out)
    assert len(record["text"].split()) >= sum(len(p.split()) for p in paras)
    assert server.hits["/read/8/lain?page=2"] == 0


def test_bad_sources_are_reported_and_the_rest_crawled(server: LocalServer, tmp_path: Path) -> None:
    add_story(server, "/read/1", 50)
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# sources\n{server.base}/read/1\n\n{server.base}/missing.xml\n"
                       "ftp://example.com/feed.xml\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("crawl", f"@{listing}", *FAST, "-o", str(out))
    assert result.returncode == 1
    assert len(records(out)) == 1 and "3 sources failed" not in result.stderr
    assert "missing.xml: HTTP 404" in result.stderr and "scheme 'ftp'" in result.stderr
    assert "Traceback" not in result.stderr


def test_private_addresses_are_refused_unless_allowed(server: LocalServer, tmp_path: Path) -> None:
    add_story(server, "/read/1", 60)
    result = run_cli("crawl", server.base + "/read/1", "--delay", "0")
    assert result.returncode == 1 and "non-public address 127.0.0.1" in result.stderr
    assert server.hits["/read/1"] == 0


def test_usage_errors(tmp_path: Path) -> None:
    assert run_cli("crawl", "http://x", "--follow", "([").returncode == 2
    assert run_cli("crawl", "http://x", "--since", "yesterday-ish").returncode == 2
    missing = run_cli("crawl", "@/no/such/list.txt")
    assert missing.returncode == 1 and "cannot read the URL list" in missing.stderr


def test_crawl_killed_at_any_moment_loses_and_repeats_nothing(server: LocalServer,
                                                                tmp_path: Path, backend) -> None:
    import os
    import random
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    paths = [f"/read/{i}" for i in range(40)]
    for i, path in enumerate(paths):
        title, paras = story(100 + i)
        page = article_html(title, paras).encode()
        server.routes[path] = (lambda body: lambda h: (time.sleep(0.05), h.send(200, body)))(page)
    server.page("/feed.xml", rss(*paths))
    out = tmp_path / "news.jsonl"
    cmd = [sys.executable, "-m", "scraper", "-q", "crawl", server.base + "/feed.xml",
           *FAST, "--concurrency", "4", "--state", backend.at, "-o", str(out)]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while (not out.exists() or out.stat().st_size == 0) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(random.uniform(0, 0.3))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    final = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 0, final.stderr
    assert kills >= 2
    urls = [r["url"] for r in records(out)]
    assert len(urls) == len(set(urls)) == len(paths)


def test_wrong_charset_declarations_still_decode(server: LocalServer, tmp_path: Path) -> None:
    title, paras = story(70)
    paras[0] = "Café “Kopi Kenangan” di Jakarta — naïve résumé: Rp 25.000 per cangkir. " + paras[0]
    page = article_html(title, paras).replace('<meta charset="utf-8">', "")
    # UTF-8 bytes labelled ISO-8859-1 (a common server default), and windows-1252 bytes
    # labelled UTF-8 (a CMS that lies).
    server.page("/utf8-as-latin1", page.encode("utf-8"), "text/html; charset=iso-8859-1")
    server.page("/cp1252-as-utf8", page.encode("cp1252"), "text/html; charset=utf-8")
    out = tmp_path / "out.jsonl"
    result = run_cli("crawl", server.base + "/utf8-as-latin1", server.base + "/cp1252-as-utf8",
                     *FAST, "-o", str(out), "--keep-duplicates")
    assert result.returncode == 0, result.stderr
    found = records(out)
    assert len(found) == 2
    for record in found:
        assert record["text"].startswith("Café “Kopi Kenangan” di Jakarta — naïve résumé"), record["url"]


def test_failed_article_in_a_child_sitemap_is_retried(server: LocalServer, tmp_path: Path) -> None:
    add_story(server, "/b/ok", 80)
    server.routes["/b/down"] = status(503)
    server.validated_page("/child.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/'
                          'schemas/sitemap/0.9"><url><loc>/b/ok</loc></url><url><loc>/b/down</loc>'
                          '</url></urlset>', etag='"c1"')
    server.validated_page("/index.xml", '<?xml version="1.0"?><sitemapindex xmlns="http://www.'
                          'sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/child.xml</loc>'
                          '</sitemap></sitemapindex>', etag='"i1"')
    state, out = tmp_path / "state", tmp_path / "out.jsonl"
    args = ("crawl", server.base + "/index.xml", *FAST, "--state", str(state), "-o", str(out),
            "--config", str(_no_retries(tmp_path)))
    assert run_cli(*args).returncode == 0 and len(records(out)) == 1
    add_story(server, "/b/down", 81)
    second = run_cli(*args)
    assert "1 record written" in second.stderr and len(records(out)) == 2


def test_news_sitemap_title_and_date_fill_what_the_page_lacks(server: LocalServer,
                                                              tmp_path: Path) -> None:
    _, paras = story(90)
    server.page("/bare", "<html><body>" + "".join(f"<p>{p}</p>" for p in paras) + "</body></html>")
    server.page("/news.xml", '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
                '<loc>/bare</loc><news:news><news:publication_date>2024-07-04T15:50:00+07:00'
                '</news:publication_date><news:title>Judul dari Sitemap</news:title></news:news>'
                '</url></urlset>', "application/xml")
    out = tmp_path / "out.jsonl"
    assert run_cli("crawl", server.base + "/news.xml", *FAST, "-o", str(out)).returncode == 0
    (record,) = records(out)
    assert record["title"] == "Judul dari Sitemap"
    assert record["published"] == "2024-07-04T15:50:00+07:00"


def test_output_that_cannot_grow_stops_the_run_and_the_next_run_completes(
        server: LocalServer, tmp_path: Path) -> None:
    """A full disk, made real with RLIMIT_FSIZE (writes past it fail with EFBIG) for the
    crawl and its workers: the run fails cleanly, the next one completes, nothing twice."""
    import os
    import resource
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    paths = [f"/read/{i}" for i in range(30)]
    for i, path in enumerate(paths):
        add_story(server, path, 200 + i)
    state, out = tmp_path / "state", tmp_path / "news.jsonl"
    cmd = [sys.executable, "-m", "scraper", "crawl", server.base + "/feed.xml", *FAST,
           "--state", str(state), "-o", str(out)]
    server.page("/feed.xml", rss())  # a first, empty run makes the state
    assert run_cli(*cmd[3:]).returncode == 0
    server.page("/feed.xml", rss(*paths))

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    full = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          preexec_fn=small_disk)
    assert full.returncode == 1, full.stderr
    assert "Traceback" not in full.stderr
    assert len(records(out)) < len(paths)
    again = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    urls = [r["url"] for r in records(out)]
    assert len(urls) == len(set(urls)) == len(paths)


def test_a_sink_that_fails_stops_the_crawl_at_once(server: LocalServer) -> None:
    """Disk full on the output (simulated: it cannot be made here without root tricks):
    the crawl ends with the error instead of failing every later page the same way."""
    import errno

    from scraper.pipeline import run_crawl
    from scraper.settings import load_settings

    paths = [f"/read/{i}" for i in range(12)]
    for i, path in enumerate(paths):
        add_story(server, path, 300 + i)
    server.page("/feed.xml", rss(*paths))

    class FullDisk:
        def __init__(self) -> None:
            self.lines = 0

        def write(self, article) -> None:
            if self.lines == 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            self.lines += 1

    sink = FullDisk()
    settings = load_settings(None, crawl__delay=0.0, fetch__allow_private=True,
                             crawl__concurrency=2)
    with pytest.raises(OSError, match="No space left"):
        run_crawl([server.base + "/feed.xml"], settings, sink)
    assert sink.lines == 2
    assert sum(server.hits[p] for p in paths) < len(paths)  # it stopped, not ran on


def _no_retries(tmp_path: Path) -> Path:
    config = tmp_path / "no-retries.toml"
    config.write_text("[fetch]\nretries = 0\n")
    return config

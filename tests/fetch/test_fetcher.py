"""The fetcher against a real HTTP server on 127.0.0.1: politeness, retries, caps, safety."""

from __future__ import annotations

import asyncio
import dataclasses
import gzip
from pathlib import Path

from scraper.fetch import Fetcher, WarcLog
from scraper.settings import FetchSettings
from tests.httpd import (
    LocalServer,
    endless,
    fixture_html,
    gzip_bomb,
    redirect,
    reset,
    slow_body,
    status,
)

FAST = FetchSettings(delay=0.0, backoff=0.05, retries=2, allow_private=True,
                     connect_timeout=2, read_timeout=1, total_timeout=5)
ARTICLE = fixture_html("id_article.html")


def fetch(url: str, settings: FetchSettings = FAST, **kwargs):
    async def go():
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url, **kwargs)
    return asyncio.run(go())


def test_page_arrives_with_headers_and_the_user_agent_names_the_tool(server: LocalServer) -> None:
    server.page("/a", ARTICLE)
    result = fetch(server.base + "/a")
    assert result.ok and result.body == ARTICLE.encode() and result.charset == "utf-8"
    agent = server.request_headers["/a"][0]["User-Agent"]
    assert agent.startswith("scraper/") and "+http" in agent


def test_per_host_delay_is_kept_between_request_starts(server: LocalServer) -> None:
    for i in range(4):
        server.page(f"/p{i}", ARTICLE)
    settings = dataclasses.replace(FAST, delay=0.3, per_host=4)

    async def go():
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(f"{server.base}/p{i}") for i in range(4)))
    assert all(r.ok for r in asyncio.run(go()))
    starts = sorted(t for t, path in server.times if path.startswith("/p"))
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.28, gaps


def test_robots_txt_is_obeyed_fetched_once_and_crawl_delay_raises_the_delay(server: LocalServer) -> None:
    server.page("/robots.txt", "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.4\n", "text/plain")
    server.page("/private/x", ARTICLE)
    server.page("/ok1", ARTICLE)
    server.page("/ok2", ARTICLE)

    async def go():
        async with Fetcher(FAST) as fetcher:
            return [await fetcher.fetch(server.base + p) for p in ("/private/x", "/ok1", "/ok2")]
    private, ok1, ok2 = asyncio.run(go())
    assert private.skipped and "robots.txt" in private.error and server.hits["/private/x"] == 0
    assert ok1.ok and ok2.ok and server.hits["/robots.txt"] == 1
    starts = [t for t, p in server.times if p in ("/ok1", "/ok2")]
    assert starts[1] - starts[0] >= 0.38


def test_robots_unreachable_means_disallow(server: LocalServer) -> None:
    server.routes["/robots.txt"] = status(503)
    server.page("/a", ARTICLE)
    result = fetch(server.base + "/a")
    # Not fetched, and a failure (the site is down), not a policy refusal: retried later.
    assert server.hits["/a"] == 0 and not result.ok and not result.skipped
    assert result.reason == "robots.txt unreachable (HTTP 503)"


def test_429_with_retry_after_is_honoured(server: LocalServer) -> None:
    server.sequence("/busy", status(429, {"Retry-After": "1"}), lambda h: h.send(200, b"<p>ok</p>"))
    result = fetch(server.base + "/busy")
    assert result.ok and result.attempts == 2
    first, second = [t for t, p in server.times if p == "/busy"]
    assert second - first >= 0.95


def test_retry_after_too_long_gives_up(server: LocalServer) -> None:
    server.routes["/later"] = status(503, {"Retry-After": "3600"})
    result = fetch(server.base + "/later")
    assert not result.ok and "too long" in result.error and server.hits["/later"] == 1


def test_500_then_success_is_retried_with_backoff(server: LocalServer) -> None:
    server.sequence("/flaky", status(500), status(502), lambda h: h.send(200, b"<p>ok</p>"))
    result = fetch(server.base + "/flaky")
    assert result.ok and result.attempts == 3 and result.body == b"<p>ok</p>"


def test_persistent_500_fails_after_the_retries(server: LocalServer) -> None:
    server.routes["/down"] = status(500)
    result = fetch(server.base + "/down")
    assert result.error == "HTTP 500" and not result.skipped and server.hits["/down"] == 3


def test_connection_reset_is_retried_then_reported(server: LocalServer) -> None:
    server.sequence("/reset-once", reset, lambda h: h.send(200, b"<p>ok</p>"))
    assert fetch(server.base + "/reset-once").ok
    server.routes["/reset"] = reset
    result = fetch(server.base + "/reset")
    assert not result.ok and "connection broken" in result.error and server.hits["/reset"] == 3


def test_slow_body_hits_the_read_timeout(server: LocalServer) -> None:
    server.routes["/slow"] = slow_body(pause=1.5)
    settings = dataclasses.replace(FAST, retries=0, read_timeout=0.5)
    result = fetch(server.base + "/slow", settings)
    assert not result.ok and "read timeout" in result.error


def test_trickling_body_hits_the_total_timeout(server: LocalServer) -> None:
    server.routes["/trickle"] = slow_body(pause=0.4, chunks=10)
    settings = dataclasses.replace(FAST, retries=0, read_timeout=1, total_timeout=1.0)
    result = fetch(server.base + "/trickle", settings)
    assert not result.ok and "no complete response in 1 s" in result.error


def test_redirects_are_followed_and_loops_stopped(server: LocalServer) -> None:
    server.routes["/old"] = redirect("/new", 301)
    server.page("/new", ARTICLE)
    result = fetch(server.base + "/old")
    assert result.ok and result.final_url == server.base + "/new"
    server.routes["/loop1"] = redirect("/loop2")
    server.routes["/loop2"] = redirect("/loop1")
    result = fetch(server.base + "/loop1")
    assert "redirect loop" in result.error and server.hits["/loop1"] == 1


def test_redirect_into_a_robots_disallowed_path_is_refused(server: LocalServer) -> None:
    server.routes["/go"] = redirect("/private/secret")
    server.page("/private/secret", ARTICLE)
    result = fetch(server.base + "/go")
    assert result.skipped and server.hits["/private/secret"] == 0


def test_50_mb_body_is_capped_without_reading_it_all(server: LocalServer) -> None:
    server.routes["/huge"] = endless(50 * 1024 * 1024)
    server.page("/declared", b"x" * 2_000_000)
    settings = dataclasses.replace(FAST, max_bytes=1024 * 1024)
    result = fetch(server.base + "/huge", settings)
    assert result.skipped and "too large" in result.error and result.body == b""
    declared = fetch(server.base + "/declared", settings)
    assert declared.skipped and "Content-Length 2,000,000" in declared.error


def test_gzip_bomb_stops_at_the_decompressed_cap(server: LocalServer) -> None:
    server.routes["/bomb"] = gzip_bomb(200 * 1024 * 1024)  # ~200 KB on the wire
    settings = dataclasses.replace(FAST, max_decompressed=5 * 1024 * 1024)
    result = fetch(server.base + "/bomb", settings)
    assert result.skipped and "decompressed" in result.error


def test_gzip_body_is_decompressed(server: LocalServer) -> None:
    server.page("/gz", gzip.compress(ARTICLE.encode()), headers={"Content-Encoding": "gzip"})
    result = fetch(server.base + "/gz")
    assert result.ok and result.body == ARTICLE.encode()


def test_non_html_content_is_skipped_with_its_type(server: LocalServer) -> None:
    server.page("/report.pdf", b"%PDF-1.7 ...", "application/pdf")
    result = fetch(server.base + "/report.pdf")
    assert result.skipped and result.error == "not a page: application/pdf"


def test_conditional_get_returns_304_with_stored_validators(server: LocalServer) -> None:
    server.validated_page("/v", ARTICLE)
    first = fetch(server.base + "/v")
    assert first.ok and first.headers["etag"] == '"v1"'
    again = fetch(server.base + "/v", etag=first.headers["etag"],
                  last_modified=first.headers["last-modified"])
    assert again.not_modified and again.body == b""
    assert server.request_headers["/v"][1]["If-None-Match"] == '"v1"'


def test_private_addresses_and_other_schemes_are_refused_by_default(server: LocalServer) -> None:
    server.page("/a", ARTICLE)
    strict = dataclasses.replace(FAST, allow_private=False)
    for url in (server.base + "/a", "http://localhost:1/a", "http://169.254.169.254/latest/meta-data",
                "http://[::1]:8080/", "http://10.0.0.1/"):
        result = fetch(url, strict)
        assert result.skipped and "non-public address" in result.error, url
    assert server.hits["/a"] == 0
    for url in ("file:///etc/passwd", "ftp://example.com/a", "gopher://x/"):
        assert "scheme" in fetch(url, strict).error


def test_warc_keeps_raw_responses(server: LocalServer, tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    server.page("/gz", gzip.compress(ARTICLE.encode()), headers={"Content-Encoding": "gzip"})
    server.page("/b", "<p>b</p>")
    warc_path = tmp_path / "out.warc.gz"

    async def go():
        warc = WarcLog(warc_path)
        async with Fetcher(FAST, warc=warc) as fetcher:
            await fetcher.fetch(server.base + "/gz")
            await fetcher.fetch(server.base + "/b")
        warc.close()
    asyncio.run(go())
    with warc_path.open("rb") as fh:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                   for r in ArchiveIterator(fh) if r.rec_type == "response"
                   and not r.rec_headers.get_header("WARC-Target-URI").endswith("/robots.txt")]
    assert [u for u, _ in records] == [server.base + "/gz", server.base + "/b"]
    assert records[0][1] == ARTICLE.encode()  # warcio undoes the Content-Encoding


def test_a_name_that_turns_private_at_connect_time_is_refused(server: LocalServer,
                                                              monkeypatch) -> None:
    """DNS rebinding: the name checks out as public, then connects to a private address.
    The first resolution is simulated (no public DNS here); the connect is real."""
    import scraper.fetch.client as client_module

    async def looks_public(host: str) -> None:
        return None
    monkeypatch.setattr(client_module, "private_address", looks_public)
    server.page("/a", ARTICLE)
    strict = dataclasses.replace(FAST, allow_private=False, obey_robots=False)
    result = fetch(server.base + "/a", strict)
    assert result.skipped and "connected to the non-public address 127.0.0.1" in result.error
    assert server.hits["/a"] == 0  # refused before a byte of the request was sent


def test_idle_connection_pools_are_closed_beyond_the_limit(server: LocalServer, monkeypatch) -> None:
    import scraper.fetch.client as client_module

    monkeypatch.setattr(client_module, "MAX_POOLS", 1)
    server.page("/a", ARTICLE)
    port = server.server_address[1]

    async def go():
        async with Fetcher(FAST) as fetcher:
            results = [await fetcher.fetch(f"http://{host}:{port}/a")
                       for host in ("127.0.0.1", "localhost", "127.0.0.1")]
            return results, len(fetcher._clients)  # noqa: SLF001
    results, pools = asyncio.run(go())
    assert all(r.ok for r in results) and pools == 1


def test_robots_txt_behind_a_redirect_is_followed(server: LocalServer) -> None:
    server.routes["/robots.txt"] = redirect("/real-robots.txt", 301)
    server.page("/real-robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    server.page("/private/x", ARTICLE)
    result = fetch(server.base + "/private/x")
    assert result.skipped and "robots.txt" in result.error and server.hits["/private/x"] == 0


def test_redirect_chains_stop_at_the_limit(server: LocalServer) -> None:
    for i in range(5):
        server.routes[f"/hop{i}"] = redirect(f"/hop{i + 1}")
    server.page("/hop5", ARTICLE)
    assert fetch(server.base + "/hop0").ok
    result = fetch(server.base + "/hop0", dataclasses.replace(FAST, max_redirects=3))
    assert result.error == "more than 3 redirects" and server.hits["/hop5"] == 1


def test_a_streamed_body_goes_to_the_consumer_uncapped_and_a_break_is_not_retried(
        server: LocalServer) -> None:
    capped = dataclasses.replace(FAST, max_bytes=100_000, max_decompressed=100_000,
                                 retries=2)
    server.routes["/big.warc.gz"] = endless(600_000)  # over the cap, of any type
    chunks: list[bytes] = []

    async def collect(chunk: bytes) -> None:
        chunks.append(chunk)
    result = fetch(server.base + "/big.warc.gz", capped, into=collect)
    assert result.ok and result.body == b"" and result.streamed == sum(map(len, chunks))
    assert result.streamed >= 600_000
    # The server hangs up after part of the body: the consumer has that part, so the
    # request is not repeated (it would hand the same bytes over again).
    def half(h) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000000")
        h.end_headers()
        h.wfile.write(b"x" * 50_000)
        h.wfile.flush()
        h.close_connection = True
    server.routes["/half"] = half
    chunks.clear()
    broken = fetch(server.base + "/half", capped, into=collect)
    assert broken.error and broken.streamed == 50_000 and server.hits["/half"] == 1

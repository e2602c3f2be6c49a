"""Fetch throughput against Scrapy, and per-host politeness, on a local server.

    python bench/fetch.py                # 5,000 pages over 50 hosts, both tools
    python bench/fetch.py --pages 1000   # quicker

A server process listens on 127.0.0.2 ... 127.0.0.51 (50 host names, one port) and serves
real pages (../shared/bench/aeb, in turn) with keep-alive, plus an empty robots.txt. The
same URL list is fetched by:
  - scraper, fetch only: the Fetcher (robots, gate, retries, caps) driven by N workers;
  - scraper, full crawl: `run_crawl` (fetch, extract, dedup, write JSONL);
  - Scrapy, with the same global and per-host concurrency, delay 0, robots.txt obeyed, a
    spider that does nothing with the response.
Then politeness: 5 pages on each of the 50 hosts with a 0.5 s delay; the server's own
clock gives the smallest gap between two requests to one host.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
AEB = ROOT.parent / "shared" / "bench" / "aeb" / "html"
HOSTS = [f"127.0.0.{i}" for i in range(2, 52)]


# --- the server (a separate process) ---

def _serve(port_queue: multiprocessing.Queue, pages: list[bytes],
           files: dict[str, tuple[bytes, bytes]] | None = None) -> None:
    """`files`: "host path" -> (body, content type), served before the pages (sitemaps
    of bench/scale.py; "@PORT@" in a body is the server's port); /__hits gives the
    requests per "host path?query"."""
    arrivals: dict[str, list[float]] = defaultdict(list)
    hits: dict[str, int] = defaultdict(int)
    files = files or {}

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode()
                path = target.split("?")[0]
                arrivals[host].append(time.monotonic())
                hits[f"{host} {target}"] += 1
                if f"{host} {path}" in files:
                    body, kind = files[f"{host} {path}"]
                elif path == "/robots.txt":
                    body, kind = b"User-agent: *\nDisallow: /private/\n", b"text/plain"
                elif path == "/__stats":
                    body, kind = json.dumps(arrivals).encode(), b"application/json"
                elif path == "/__hits":
                    body, kind = json.dumps(hits).encode(), b"application/json"
                elif path == "/__reset":
                    arrivals.clear()
                    hits.clear()
                    body, kind = b"ok", b"text/plain"
                else:
                    n = int(path.rsplit("/", 1)[1]) if path[-1].isdigit() else 0
                    body, kind = pages[n % len(pages)], b"text/html; charset=utf-8"
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: " + kind + b"\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\nConnection: keep-alive\r\n\r\n" + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        first = await asyncio.start_server(handle, HOSTS[0], 0, backlog=1024)
        port = first.sockets[0].getsockname()[1]
        for key, (body, kind) in files.items():
            files[key] = (body.replace(b"@PORT@", str(port).encode()), kind)
        servers = [first] + [await asyncio.start_server(handle, h, port, backlog=1024)
                             for h in HOSTS[1:]]
        port_queue.put(port)
        await asyncio.gather(*(s.serve_forever() for s in servers))

    asyncio.run(main())


def start_server(files: dict[str, tuple[bytes, bytes]] | None = None,
                 ) -> tuple[multiprocessing.Process, int]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(AEB.glob("*.html.gz"))]
    queue: multiprocessing.Queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve, args=(queue, pages, files), daemon=True)
    proc.start()
    return proc, queue.get(timeout=30)


def urls_for(port: int, count: int) -> list[str]:
    # Article URLs as news sites make them (a numeric id), so the crawl reads each page
    # as an article: a page of no article markup at /p/7 may be taken for a listing, and
    # the crawl would go on to discover its site.
    return [f"http://{HOSTS[i % len(HOSTS)]}:{port}/news/{i:06d}" for i in range(count)]


def server_call(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://{HOSTS[0]}:{port}{path}", timeout=30) as resp:
        return resp.read()


# --- the three clients ---

def scraper_fetch_only(urls: list[str], concurrency: int, per_host: int, delay: float = 0.0) -> float:
    from scraper.fetch import Fetcher
    from scraper.settings import FetchSettings

    settings = FetchSettings(delay=delay, per_host=per_host, allow_private=True)

    async def main() -> int:
        queue: asyncio.Queue[str] = asyncio.Queue()
        for url in urls:
            queue.put_nowait(url)
        ok = 0

        async def worker(fetcher: Fetcher) -> None:
            nonlocal ok
            while not queue.empty():
                result = await fetcher.fetch(queue.get_nowait())
                ok += result.ok
        async with Fetcher(settings) as fetcher:
            await asyncio.gather(*(worker(fetcher) for _ in range(concurrency)))
        return ok

    start = time.perf_counter()
    ok = asyncio.run(main())
    elapsed = time.perf_counter() - start
    assert ok == len(urls), f"only {ok} of {len(urls)} fetched"
    return elapsed


def scraper_crawl(urls: list[str], concurrency: int, per_host: int, workers: int) -> float:
    from scraper.pipeline import run_crawl
    from scraper.settings import load_settings
    from scraper.store import JsonlOutput

    settings = load_settings(None, crawl__delay=0.0, crawl__concurrency=concurrency,
                             crawl__per_host=per_host, crawl__workers=workers,
                             fetch__allow_private=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-fetch-"))
    listing = folder / "urls.txt"
    listing.write_text("\n".join(urls))
    start = time.perf_counter()
    with JsonlOutput(folder / "out.jsonl") as sink:
        summary = run_crawl([f"@{listing}"], settings, sink)
    elapsed = time.perf_counter() - start
    # Some pages link later pages of their article, which the crawl fetches too.
    assert summary.fetched >= len(urls), summary.as_dict()
    return elapsed


def scraper_extract(port: int, count: int, workers: int) -> float:
    """`extract` alone on the pages the crawl fetches (the same bodies, saved as files),
    with the same number of extraction processes: what the crawl is measured against."""
    from scraper.pipeline import run_extract
    from scraper.settings import load_settings
    from scraper.store import JsonlOutput

    folder = Path(tempfile.mkdtemp(prefix="bench-extract-"))
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(AEB.glob("*.html.gz"))]
    for i in range(count):  # the server's page for /news/i
        (folder / f"{i:06d}.html").write_bytes(pages[i % len(pages)])
    start = time.perf_counter()
    with JsonlOutput(folder / "out.jsonl") as sink:
        summary = run_extract([str(folder)], load_settings(None), sink, workers=workers,
                              on_error=lambda exc: None)
    elapsed = time.perf_counter() - start
    assert summary.inputs == count, summary.as_dict()
    return elapsed


SPIDER = '''
import json, time, scrapy
class Bench(scrapy.Spider):
    name = "bench"
    async def start(self):
        self.t0 = time.perf_counter(); self.n = 0
        for url in open(self.urls).read().split():
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        self.n += 1
    def closed(self, reason):
        print(json.dumps({"seconds": time.perf_counter() - self.t0, "pages": self.n}))
'''


def scrapy_crawl(urls: list[str], concurrency: int, per_host: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-scrapy-"))
    (folder / "spider.py").write_text(SPIDER)
    (folder / "urls.txt").write_text("\n".join(urls))
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(folder / "spider.py"),
           "-s", f"CONCURRENT_REQUESTS={concurrency}",
           "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={per_host}", "-s", "DOWNLOAD_DELAY=0",
           "-s", "ROBOTSTXT_OBEY=True", "-s", "LOG_LEVEL=ERROR", "-s", "TELNETCONSOLE_ENABLED=False",
           "-s", "COOKIES_ENABLED=False", "-a", f"urls={folder / 'urls.txt'}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, cwd=folder).stdout
    result = json.loads(out.strip().splitlines()[-1])
    assert result["pages"] == len(urls), result
    return result["seconds"]


def politeness(port: int, delay: float, per_host: int) -> tuple[float, int, int]:
    """Smallest gap between two requests to one host (by the server's clock), how many
    gaps were shorter than the delay, and how many gaps there were."""
    server_call(port, "/__reset")
    urls = [f"http://{h}:{port}/q/{i}" for h in HOSTS for i in range(5)]
    scraper_fetch_only(urls, concurrency=32, per_host=per_host, delay=delay)
    arrivals = json.loads(server_call(port, "/__stats"))
    gaps = []
    for host, times in arrivals.items():
        times = sorted(times)[1:]  # the first request to a host is its robots.txt
        gaps += [b - a for a, b in zip(times, times[1:])]
    return min(gaps), sum(g < delay for g in gaps), len(gaps)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--per-host", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1, help="extraction processes in the crawl")
    args = ap.parse_args()
    proc, port = start_server()
    try:
        urls = urls_for(port, args.pages)
        print(f"{args.pages} pages over {len(HOSTS)} hosts, concurrency {args.concurrency}, "
              f"{args.per_host} per host, delay 0, robots.txt obeyed; one run each, this machine "
              f"({os.cpu_count()} cores, the server on one of them)")
        figures = {}
        figures["scrapy"] = len(urls) / scrapy_crawl(urls, args.concurrency, args.per_host)
        figures["fetch"] = len(urls) / scraper_fetch_only(urls, args.concurrency, args.per_host)
        figures["crawl"] = len(urls) / scraper_crawl(urls, args.concurrency, args.per_host,
                                                     args.workers)
        figures["extract"] = len(urls) / scraper_extract(port, len(urls), args.workers)
        import scrapy

        print(f"  Scrapy {scrapy.__version__} (no extraction):  {figures['scrapy']:7.0f} pages/s")
        print(f"  scraper, fetch only:             {figures['fetch']:7.0f} pages/s "
              f"({figures['fetch'] / figures['scrapy']:.2f}x Scrapy)")
        print(f"  scraper, crawl with extraction:  {figures['crawl']:7.0f} pages/s "
              f"({args.workers} extraction process{'es' if args.workers > 1 else ''})")
        print(f"  scraper, extract alone (same pages, same processes): "
              f"{figures['extract']:7.0f} pages/s; crawl/extract "
              f"{figures['crawl'] / figures['extract']:.2f}")
        low, early, gaps = politeness(port, 0.5, 2)
        print(f"politeness: 5 pages x {len(HOSTS)} hosts, delay 0.5 s, 2 per host: smallest gap "
              f"between two requests to one host {low:.3f} s (server clock); {early} of {gaps} "
              f"gaps shorter than the delay")
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()

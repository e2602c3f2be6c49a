"""Several workers, one PostgreSQL state: crawl throughput, politeness across workers, and
the cost of the shared duplicate index, beside the SQLite state (issue 11).

    python bench/scale.py                      # 1,000 pages; dedup at 100,000 docs (~4 min)
    python bench/scale.py --big 1000000        # dedup at 1,000,000 docs (~10 min in all)
    python bench/scale.py --big 100000,1000000 --pages 5000 --workers 1,2,4,8
    python bench/scale.py --skip-dedup         # only the crawls and politeness
    python bench/scale.py --skip-crawl         # only the dedup latency

What runs, all on this machine, every figure measured in the run that prints it:
  - a real PostgreSQL 15 (tests/pgserver.py: initdb into a temporary folder, as an
    unprivileged user), with production durability (fsync, full_page_writes and
    synchronous_commit on: the test server turns them off); a new database per measurement;
  - bench/fetch.py's server process: 50 host names (127.0.0.2 ... 127.0.0.51, one port)
    serving the AEB pages (181 pages in turn, so most texts repeat: exact duplicates, which
    are extracted, checked and not written), an empty robots.txt, and here a sitemap per
    host (/sitemap.xml) listing that host's share of the pages (/news/000042: an article
    by its URL); it counts the requests per host and path.
  1. pages/s for 1, 2, 4 worker processes sharing one database:
     (a) fetch only: each worker a small asyncio program of the shared parts (`--fetch-worker`
         below): PgState.start_run, the SharedFrontier (every worker offers the 50 sitemaps;
         one reads each and puts its pages; pages claimed with FOR UPDATE SKIP LOCKED), the
         Fetcher with the SharedGate and SharedRobots, each page marked done (stage_fetch +
         commit, as the crawl does), no extraction. Timed from a common start signal (the
         processes are up and have joined the run) until the last one is done; each row the
         median of --repeat runs (3), as the runs vary a lot on a shared machine.
     (b) with extraction: real `python -m scraper crawl SITEMAPS --state postgresql://...
         --allow-private --delay 0 -q -o wN.jsonl` processes, started together and timed from
         launch (Python start-up included) to the last exit, and by the server's clock (first
         request to last); beside the same crawl on SQLite (`--state DIR`), one worker.
     The server's counts check that every page was fetched exactly once over all workers.
     CPU: the workers' user+sys seconds, PostgreSQL's (the postmaster and all its processes),
     the HTTP server's, and the whole machine's busy share (other work on it included).
  2. politeness: 4 fetch-only workers, a 0.2 s delay, 10 hosts; the smallest gap between two
     requests to one host by the server's clock (after each host's first request).
  3. dedup: check + add + commit latency per new document (signature, DuplicateIndex.check
     with the state's reserve, stage_record, add, stage_fetch, commit: what the crawl does per
     article) against --big indexed documents, PostgreSQL beside SQLite. The big indexes are
     written directly (PostgreSQL: binary COPY, the bands' primary key built after; SQLite:
     executemany in key order) with realistic signatures: a synthetic document is 8 to 40
     real sentences (AEB and id-news bodies) drawn at random, and its MinHash signature is
     the element-wise minimum of its sentences' signatures (scraper.dedup's Signer): exactly
     the signature of the union of their shingles, less the few shingles that span two
     sentences. So a million documents take seconds to sign, and they share sentences (and
     some band keys) as real news does. PostgreSQL is measured twice on the same index: with
     its default shared_buffers (128MB) and with --shared-buffers (2GB: at 1M documents the
     index is ~2.5 GB, and with 128MB nearly every insert evicts a dirty page).

Times on this machine (2 cores, shared): the default run about 4 minutes (the crawls with
extraction ~2.5 of them); --big 1000000 about 5-6 (signing 1M documents ~15 s, building the
PostgreSQL index ~40 s, the SQLite one ~45 s; ~4.5 GB in temporary folders, removed at the
end); --skip-crawl --big 1000000 about 4.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from functools import partial
from itertools import pairwise
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fetch import HOSTS, server_call, start_server

PAGES_PER_SITEMAP = "/sitemap.xml"
POLITE_SITEMAP = "/polite.xml"
POLITE_HOSTS = HOSTS[:10]


# --- the site: sitemaps over bench/fetch.py's server ---

def page_paths(count: int) -> dict[str, list[str]]:
    """host -> the paths of its pages (/news/000042), `count` pages over all HOSTS."""
    out: dict[str, list[str]] = {h: [] for h in HOSTS}
    for i in range(count):
        out[HOSTS[i % len(HOSTS)]].append(f"/news/{i:06d}")
    return out


def polite_paths(per_host: int) -> dict[str, list[str]]:
    return {h: [f"/polite/{900000 + k * 10 + j}" for k in range(per_host)]
            for j, h in enumerate(POLITE_HOSTS)}


def sitemap(host: str, paths: list[str]) -> bytes:
    """A sitemap of `paths`, each with a lastmod as a news site's: page n published n
    minutes ago, so newest first interleaves the hosts (as a real crawl's frontier does)."""
    now = time.time()
    locs = "".join(
        f"<url><loc>http://{host}:@PORT@{p}</loc><lastmod>"
        f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(now - 60 * _number(p)))}"
        f"</lastmod></url>" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
            f'schemas/sitemap/0.9">{locs}</urlset>\n').encode()


def _number(path: str) -> int:
    return int(path.rsplit("/", 1)[1]) % 100000


def site_files(pages: dict[str, list[str]], polite: dict[str, list[str]]) -> dict:
    files = {f"{h} {PAGES_PER_SITEMAP}": (sitemap(h, p), b"application/xml")
             for h, p in pages.items()}
    files.update({f"{h} {POLITE_SITEMAP}": (sitemap(h, p), b"application/xml")
                  for h, p in polite.items()})
    return files


# --- CPU accounting ---

def _proc_cpu(pid: int, children: bool = False) -> float:
    """user+sys seconds of a process (and of its children it has reaped)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def _children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.append(int(entry.name))
    return out


class Meter:
    """CPU seconds over an interval: PostgreSQL's, the HTTP server's, the machine's."""

    def __init__(self, pg_pid: int, http_pid: int) -> None:
        self.pg_pid, self.http_pid = pg_pid, http_pid

    def _machine(self) -> tuple[float, float]:
        parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = parts[3] + parts[4]
        return (sum(parts[:8]) - idle) / os.sysconf("SC_CLK_TCK"), \
            sum(parts[:8]) / os.sysconf("SC_CLK_TCK")

    def read(self) -> dict[str, float]:
        pg = _proc_cpu(self.pg_pid, children=True) + sum(
            _proc_cpu(p) for p in _children_of(self.pg_pid))
        busy, total = self._machine()
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"pg": pg, "http": _proc_cpu(self.http_pid), "busy": busy, "total": total,
                "children": kids.ru_utime + kids.ru_stime}

    @staticmethod
    def delta(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
        return {k: b[k] - a[k] for k in a}


# --- PostgreSQL ---

class Postgres:
    """tests/pgserver.py's server, with production durability."""

    def __init__(self, settings: tuple[str, ...] = ()) -> None:
        """`settings`: postgresql.conf lines of --pg-conf ("shared_buffers=2GB")."""
        from tests.pgserver import PASSWORD, PostgresServer, server_bindir

        bindir = server_bindir()
        if bindir is None:
            sys.exit("no PostgreSQL server binaries (pg_config --bindir, /usr/lib/postgresql)")
        os.environ["PGPASSWORD"] = PASSWORD  # for this process and the workers
        self.server = PostgresServer(bindir).start()
        with open(self.server.data / "postgresql.conf", "a") as conf:
            conf.write("\nfsync = on\nfull_page_writes = on\nsynchronous_commit = on\n")
            conf.write("".join(f"{line}\n" for line in settings))
        self.server.restart()
        self.version = self._one("SHOW server_version")

    def _one(self, sql: str) -> str:
        import psycopg

        with psycopg.connect(self.server.url(), autocommit=True) as conn:
            return conn.execute(sql).fetchone()[0]

    def reconfigure(self, name: str, value: str | None) -> None:
        """ALTER SYSTEM SET name (None: RESET), then a checkpoint and a restart (the OS
        cache keeps the files warm; shared buffers start empty)."""
        import psycopg

        with psycopg.connect(self.server.url(), autocommit=True) as conn:
            if value is None:
                conn.execute(f"ALTER SYSTEM RESET {name}")
            else:
                conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            conn.execute("CHECKPOINT")
        self.server.restart()

    def size_of(self, url: str) -> int:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]

    @property
    def pid(self) -> int:
        return int((self.server.data / "postmaster.pid").read_text().split()[0])

    def new_db(self) -> str:
        return self.server.create_db()

    def stop(self) -> None:
        self.server.stop()


# --- 1 (a), 2: the fetch-only worker (a separate process) ---

def fetch_worker(db_url: str, sources: list[str], delay: float, concurrency: int) -> None:
    """One worker of the shared parts, no extraction; says "ready" on stdout once it has
    joined the run, starts on a line on stdin, prints its figures as JSON at the end."""
    from scraper.crawl.scheduler import Job
    from scraper.crawl.sources import read_source
    from scraper.discover import Link
    from scraper.fetch import SOURCE_TYPES, Fetcher
    from scraper.settings import FetchSettings
    from scraper.store.pg.state import PgState
    from scraper.store.state import Validators

    settings = FetchSettings(delay=delay, per_host=2, allow_private=True)
    state = PgState.open(db_url)
    state.start_run()
    frontier = state.frontier()
    gate, robots = state.politeness(settings)
    print("ready", flush=True)
    sys.stdin.readline()
    t0, cpu0 = time.time(), _self_cpu()
    counts = {"pages": 0, "sources": 0, "failed": 0}
    done: list[float] = []  # when each page was marked done

    async def handle(fetcher: Fetcher, job: Job) -> None:
        if job.is_source:
            result = await fetcher.fetch(job.url, accept=SOURCE_TYPES)
            counts["sources"] += 1
            if not result.ok:
                counts["failed"] += 1
                return
            reading = read_source(result.body, result.final_url, result.content_type)
            for link in reading.articles:
                frontier.put(Job(link, job.root, 1))
            return
        result = await fetcher.fetch(job.url)
        counts["pages"] += 1
        if not result.ok:
            counts["failed"] += 1
            return
        state.stage_fetch(job.key, Validators(result.status, result.headers.get("etag"),
                                              result.headers.get("last-modified")))
        state.commit()
        done.append(time.time())

    async def main() -> None:
        async with Fetcher(settings, gate=gate, robots=robots) as fetcher:
            async def loop() -> None:
                while True:
                    job = await frontier.get()
                    try:
                        await handle(fetcher, job)
                    finally:
                        frontier.task_done(job)
            for url in sources:
                frontier.put(Job(Link(url), url, 0, is_source=True))
            tasks = [asyncio.create_task(loop()) for _ in range(concurrency)]
            await frontier.join()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            frontier.close()

    asyncio.run(main())
    t1, cpu1 = time.time(), _self_cpu()
    state.close()
    print(json.dumps({**counts, "t0": t0, "t1": t1, "cpu": cpu1 - cpu0, "done": done}),
          flush=True)


def _self_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def run_fetch_workers(pg: Postgres, meter: Meter, port: int, n: int, sources: list[str],
                      delay: float, concurrency: int) -> dict:
    db = pg.new_db()
    server_call(port, "/__reset")
    cmd = [sys.executable, __file__, "--fetch-worker", db, "--delay", str(delay),
           "--concurrency", str(concurrency), *sources]
    procs = [subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=ROOT) for _ in range(n)]
    for proc in procs:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"a fetch worker did not start: {line!r}")
    before = meter.read()
    start = time.time()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    reports = []
    for proc in procs:
        out, _ = proc.communicate(timeout=1800)
        if proc.returncode:
            raise SystemExit(f"a fetch worker failed ({proc.returncode})")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    used = Meter.delta(before, meter.read())
    end = max(r["t1"] for r in reports)
    return {"workers": n, "seconds": end - start, "reports": reports, "cpu": used,
            "workers_cpu": sum(r["cpu"] for r in reports), **server_counts(port)}


def server_counts(port: int) -> dict:
    """The server's arrival times per host and requests per "host path", without the
    bench's own calls (to the first host)."""
    arrivals = json.loads(server_call(port, "/__stats"))
    arrivals[HOSTS[0]] = sorted(arrivals[HOSTS[0]])[:-1]  # the /__stats call itself
    hits = {k: v for k, v in json.loads(server_call(port, "/__hits")).items()
            if " /__" not in k}
    return {"arrivals": arrivals, "hits": hits}


# --- 1 (b): the real CLI ---

def run_cli_crawl(state: str, meter: Meter, port: int, n: int, sources: list[str],
                  folder: Path) -> dict:
    server_call(port, "/__reset")
    outs = [folder / f"w{i + 1}.jsonl" for i in range(n)]
    for out in outs:
        out.unlink(missing_ok=True)
    before = meter.read()
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "scraper", "crawl", *sources, "--state",
                               state, "--allow-private", "--delay", "0", "-q", "-o", str(out)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True) for out in outs]
    for proc in procs:
        _, err = proc.communicate(timeout=3600)
        if proc.returncode not in (0,):
            raise SystemExit(f"a crawl worker failed ({proc.returncode}): {err[-2000:]}")
    seconds = time.perf_counter() - start
    used = Meter.delta(before, meter.read())
    records = sum(sum(1 for _ in out.open()) for out in outs)
    return {"workers": n, "seconds": seconds, "cpu": used, "workers_cpu": used["children"],
            "records": records, **server_counts(port)}


def once_check(hits: dict[str, int], pages: dict[str, list[str]], sitemap_path: str) -> dict:
    """Were each listed page, each sitemap and each robots.txt asked for exactly once (and
    any other URL, such as an article's later page, /news/000179?page=2, at most once)?"""
    want = [f"{h} {p}" for h, ps in pages.items() for p in ps]
    page_counts = [hits.get(k, 0) for k in want]
    hosts = [h for h, ps in pages.items() if ps]
    listed = set(want)
    others = {k: v for k, v in hits.items() if k not in listed
              and not k.endswith((" /robots.txt", " " + sitemap_path))}
    return {"pages": len(want), "missing": page_counts.count(0),
            "twice": sum(c > 1 for c in page_counts) + sum(v > 1 for v in others.values()),
            "sitemaps": [hits.get(f"{h} {sitemap_path}", 0) for h in hosts],
            "robots": [hits.get(f"{h} /robots.txt", 0) for h in hosts],
            "other": sum(others.values())}


def server_span(arrivals: dict[str, list[float]]) -> float:
    times = [t for ts in arrivals.values() for t in ts]
    return max(times) - min(times)


def min_gap(arrivals: dict[str, list[float]], hosts: list[str]) -> tuple[float, int, int]:
    gaps = []
    for host in hosts:
        times = sorted(arrivals.get(host, []))[1:]  # the first: robots.txt, before the gate
        gaps += [b - a for a, b in pairwise(times)]
    return min(gaps), len(gaps), sum(1 for g in gaps if g < 0)


def crawl_section(args, pg: Postgres, meter: Meter, port: int,
                  pages: dict[str, list[str]], polite: dict[str, list[str]]) -> None:
    cores = os.cpu_count()
    total = sum(len(p) for p in pages.values())
    sources = [f"http://{h}:{port}{PAGES_PER_SITEMAP}" for h in HOSTS]
    print(f"## Crawl throughput: {total:,} pages over {len(HOSTS)} hosts, one sitemap each\n")
    print(f"This machine: {cores} cores, shared by the workers, PostgreSQL {pg.version} and "
          f"the HTTP server (and by any other work running on it: the machine's busy share "
          f"below counts it all). Each worker: concurrency {args.concurrency}, 2 per host, "
          f"delay 0. CPU figures are user+sys seconds over the timed interval.\n")

    print("### (a) Fetch only: frontier, shared gate and robots.txt, pages marked done\n")
    print(f"Each row: the median of {args.repeat} runs (pages/s of the slowest-fastest in "
          f"brackets; CPU figures of the median run).\n")
    print("| workers | seconds | pages/s | vs 1 | workers CPU s | PostgreSQL CPU s | "
          "HTTP server CPU s | machine busy | every page once |")
    print("|---|---|---|---|---|---|---|---|---|")
    base = None
    fetch_rows = []
    for n in args.workers:
        # Each measured --repeat times (a few seconds each): the median run is shown.
        runs = sorted((run_fetch_workers(pg, meter, port, n, sources, 0.0, args.concurrency)
                       for _ in range(args.repeat)), key=lambda r: r["seconds"])
        res = runs[len(runs) // 2]
        checks = [once_check(r["hits"], pages, PAGES_PER_SITEMAP) for r in runs]
        rate = total / res["seconds"]
        base = base or rate
        fetch_rows.append((n, rate, res))
        cpu = res["cpu"]
        busy = cpu["busy"] / cpu["total"]
        shares = [r["pages"] for r in res["reports"]]
        spread = "-".join(f"{total / r['seconds']:.0f}" for r in (runs[-1], runs[0]))
        print(f"| {n} | {res['seconds']:.1f} | {rate:.0f} ({spread}) | {rate / base:.2f}x | "
              f"{res['workers_cpu']:.1f} | {cpu['pg']:.1f} | {cpu['http']:.1f} | {busy:.0%} | "
              f"{_once_all(checks)}; shares {shares} |")
        sys.stdout.flush()
    _scaling_note(fetch_rows, cores, "fetch-only")

    print("\n### (b) With extraction: `python -m scraper crawl SITEMAPS --state ... "
          "--allow-private --delay 0 -q -o wN.jsonl`\n")
    print("| state | workers | seconds (launch to last exit) | pages/s | pages/s by the "
          "server's clock | vs 1 (PostgreSQL) | workers CPU s | PostgreSQL CPU s | "
          "machine busy | records written | every page once |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        res = run_cli_crawl(str(folder / "state"), meter, port, 1, sources, folder)
        _crawl_row("SQLite", res, total, None, pages, cores)
        base = None
        crawl_rows = []
        for n in args.workers:
            res = run_cli_crawl(pg.new_db(), meter, port, n, sources, folder)
            rate = total / server_span(res["arrivals"])
            base = base or rate
            crawl_rows.append((n, rate, res))
            _crawl_row("PostgreSQL", res, total, base, pages, cores)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _scaling_note(crawl_rows, cores, "crawl")
    print("\n(records written: the pages repeat the 181 AEB pages, so most are exact "
          "duplicates, found and not written; the same count on both states and for any "
          "number of workers means no story was written twice.)")

    print("\n## Politeness across workers\n")
    per_host = len(next(iter(polite.values())))
    delay = args.polite_delay
    res = run_fetch_workers(pg, meter, port, 4, [f"http://{h}:{port}{POLITE_SITEMAP}"
                                                 for h in POLITE_HOSTS], delay, args.concurrency)
    low, gaps, _ = min_gap(res["arrivals"], POLITE_HOSTS)
    check = once_check(res["hits"], polite, POLITE_SITEMAP)
    count = sum(len(p) for p in polite.values())
    rate = count / res["seconds"]
    ideal = len(POLITE_HOSTS) / delay
    print(f"4 fetch-only workers, delay {delay} s, {len(POLITE_HOSTS)} hosts x {per_host} pages "
          f"(+ each host's sitemap): smallest gap between two requests to one host "
          f"**{low:.3f} s** by the server's clock over {gaps} gaps "
          f"({'>=' if low >= delay else 'BELOW'} the delay); {rate:.1f} pages/s "
          f"(at most {ideal:.0f} pages/s: {len(POLITE_HOSTS)} hosts / {delay} s, less the "
          f"response time: the next request waits the delay after the previous answer); "
          f"{_once_text(check)}; shares {[r['pages'] for r in res['reports']]}.")
    sys.stdout.flush()


def _once_text(check: dict) -> str:
    ok = (not check["missing"] and not check["twice"] and set(check["sitemaps"]) == {1}
          and set(check["robots"]) == {1})
    text = "yes" if ok else (f"NO: {check['missing']} missing, {check['twice']} twice, "
                             f"sitemaps {sorted(set(check['sitemaps']))}, robots.txt "
                             f"{sorted(set(check['robots']))}")
    if check["other"]:
        text += f" (+{check['other']} later pages, each once)" if ok else \
            f" (+{check['other']} other requests)"
    return text


def _once_all(checks: list[dict]) -> str:
    """`_once_text` of every run: one text when they agree."""
    texts = sorted({_once_text(c) for c in checks})
    return texts[0] + (f" in all {len(checks)} runs" if len(checks) > 1 else "") \
        if len(texts) == 1 else "; ".join(texts)


def _crawl_row(kind: str, res: dict, total: int, base: float | None,
               pages: dict[str, list[str]], cores: int) -> None:
    check = once_check(res["hits"], pages, PAGES_PER_SITEMAP)
    span = server_span(res["arrivals"])
    server_rate = total / span
    busy = res["cpu"]["busy"] / res["cpu"]["total"]
    vs = f"{server_rate / base:.2f}x" if base else "-"
    print(f"| {kind} | {res['workers']} | {res['seconds']:.1f} | {total / res['seconds']:.0f} | "
          f"{server_rate:.0f} | {vs} | {res['workers_cpu']:.1f} | {res['cpu']['pg']:.1f} | "
          f"{busy:.0%} | {res['records']} | {_once_text(check)} |")
    sys.stdout.flush()


def _scaling_note(rows: list, cores: int, what: str) -> None:
    if len(rows) < 2:
        return
    n1, r1, res1 = rows[0]
    nk, rk, resk = rows[-1]
    cpu1 = res1["workers_cpu"] + res1["cpu"]["pg"] + res1["cpu"]["http"]
    # CPU seconds per page on our side (workers + PostgreSQL + server) at one worker: how
    # fast the cores could go at all, if nothing else waited.
    per_page = cpu1 / (r1 * res1["seconds"])
    bound = cores / per_page
    print(f"\n{what}: {nk} workers / {n1} = **{rk / r1:.2f}x** (target for fetch-only: >= 3x "
          f"where the CPU allows). One worker spends {per_page * 1000:.1f} ms of CPU per page "
          f"over workers, PostgreSQL and the server, so {cores} cores bound this setup at "
          f"about {bound:.0f} pages/s = {bound / r1:.1f}x one worker's rate; ", end="")
    if bound / r1 < 3:
        print(f"3x is **not** within this machine's CPU: with {nk} workers the machine was "
              f"{resk['cpu']['busy'] / resk['cpu']['total']:.0%} busy.")
    else:
        print("3x is within this machine's CPU.")


# --- 3: dedup check + insert latency ---

def sentence_pool(params) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Signatures and shingle counts of real sentences (3+ words)."""
    from bench.dedup import _sentences, bodies
    from scraper.dedup.minhash import Signer

    sents = sorted({s for b in bodies() for s in _sentences(b.replace("\n", " "))
                    if len(s.split()) >= 4})
    sigs, sizes = Signer(params).signatures(sents)
    keep = sizes > 0
    return sigs[keep], sizes[keep], [s for s, k in zip(sents, keep.tolist()) if k]


def synthetic_signatures(pool: np.ndarray, sizes: np.ndarray, count: int, seed: int,
                         chunk: int = 8192):
    """(signatures, sizes) of `count` documents of 8 to 40 pool sentences, in chunks: the
    element-wise minimum of the sentences' signatures (the union's MinHash)."""
    from scraper.dedup.minhash import EMPTY

    rng = np.random.default_rng(seed)
    padded = np.vstack([pool, np.full((1, pool.shape[1]), EMPTY, dtype=np.uint32)])
    sizes = np.append(sizes, 0)
    for lo in range(0, count, chunk):
        n = min(chunk, count - lo)
        picks = rng.integers(0, len(pool), size=(n, 40))
        length = rng.integers(8, 41, size=(n, 1))
        picks[np.arange(40)[None, :] >= length] = len(pool)  # the empty row: no sentence
        yield padded[picks].min(axis=1), sizes[picks].sum(axis=1)


def build_indexes(size: int, params, pool, pool_sizes, pg_url: str | None,
                  sqlite_folder: Path | None) -> dict[str, float]:
    """Write `size` synthetic documents into both indexes; seconds each took."""
    from scraper.dedup.minhash import band_key_rows
    from scraper.store.state import State

    t = time.perf_counter()
    sigs = np.empty((size, params.num_perm), dtype=np.uint32)
    doc_sizes = np.empty(size, dtype=np.int32)
    lo = 0
    for chunk, chunk_sizes in synthetic_signatures(pool, pool_sizes, size, seed=size):
        sigs[lo:lo + len(chunk)] = chunk
        doc_sizes[lo:lo + len(chunk)] = chunk_sizes
        lo += len(chunk)
    keys = np.concatenate([band_key_rows(sigs[i:i + 65536], params)
                           for i in range(0, size, 65536)])
    rng = np.random.default_rng(size + 1)
    url64 = rng.integers(-2**63, 2**63 - 1, size=size, dtype=np.int64)
    hash64 = rng.integers(-2**63, 2**63 - 1, size=size, dtype=np.int64)
    ids = np.arange(1, size + 1, dtype=np.int64)
    order = np.lexsort((np.repeat(ids, keys.shape[1]), keys.ravel()))
    band_key = keys.ravel()[order]
    band_doc = np.repeat(ids, keys.shape[1])[order]
    times = {"sign": time.perf_counter() - t}
    if pg_url:
        t = time.perf_counter()
        _pg_bulk(pg_url, ids, url64, hash64, doc_sizes, sigs, band_key, band_doc)
        times["pg"] = time.perf_counter() - t
    if sqlite_folder:
        t = time.perf_counter()
        State.open(sqlite_folder, params).close()
        import sqlite3

        conn = sqlite3.connect(sqlite_folder / "state.sqlite")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                         ((i, f"{i:016x}", u, h, s, g.tobytes()) for i, u, h, s, g in
                          zip(ids.tolist(), url64.tolist(), hash64.tolist(),
                              doc_sizes.tolist(), sigs)))
        for lo in range(0, len(band_key), 1 << 20):
            conn.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                             zip(band_key[lo:lo + (1 << 20)].tolist(),
                                 band_doc[lo:lo + (1 << 20)].tolist()))
        conn.commit()
        conn.close()
        times["sqlite"] = time.perf_counter() - t
    return times


def _pg_bulk(url: str, ids, url64, hash64, sizes, sigs, band_key, band_doc) -> None:
    """Binary COPY of docs and bands into a database the tool created (its schema)."""
    import psycopg

    from scraper.dedup.minhash import SignatureParams
    from scraper.store.pg.state import PgState

    PgState.open(url, SignatureParams()).close()  # the schema, by the tool
    sig_len = sigs.shape[1] * 4
    doc = np.dtype([("n", ">i2"), ("l0", ">i4"), ("id", ">i8"), ("l1", ">i4"), ("rid", "S16"),
                    ("l2", ">i4"), ("url", ">i8"), ("l3", ">i4"), ("hash", ">i8"),
                    ("l4", ">i4"), ("size", ">i4"), ("l5", ">i4"), ("sig", f"V{sig_len}")])
    band = np.dtype([("n", ">i2"), ("l0", ">i4"), ("key", ">i8"), ("l1", ">i4"), ("doc", ">i8")])
    header = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("ALTER TABLE bands DROP CONSTRAINT bands_pkey")
        with conn.cursor() as cur:
            with cur.copy("COPY docs (id, record_id, url64, hash64, size, sig) FROM STDIN "
                          "WITH (FORMAT BINARY)") as copy:
                copy.write(header)
                for lo in range(0, len(ids), 65536):
                    hi = min(lo + 65536, len(ids))
                    rows = np.empty(hi - lo, dtype=doc)
                    rows["n"], rows["l0"], rows["l1"], rows["l2"] = 6, 8, 16, 8
                    rows["l3"], rows["l4"], rows["l5"] = 8, 4, sig_len
                    rows["id"], rows["url"], rows["hash"] = ids[lo:hi], url64[lo:hi], hash64[lo:hi]
                    rows["rid"] = np.char.encode(np.char.mod("%016x", ids[lo:hi]), "ascii")
                    rows["size"] = sizes[lo:hi]
                    rows["sig"] = np.ascontiguousarray(sigs[lo:hi]).view(f"V{sig_len}").ravel()
                    copy.write(rows.tobytes())
                copy.write(struct.pack(">h", -1))
            with cur.copy("COPY bands (key, doc) FROM STDIN WITH (FORMAT BINARY)") as copy:
                copy.write(header)
                for lo in range(0, len(band_key), 1 << 20):
                    hi = min(lo + (1 << 20), len(band_key))
                    rows = np.empty(hi - lo, dtype=band)
                    rows["n"], rows["l0"], rows["l1"] = 2, 8, 8
                    rows["key"], rows["doc"] = band_key[lo:hi], band_doc[lo:hi]
                    copy.write(rows.tobytes())
                copy.write(struct.pack(">h", -1))
        conn.execute("SELECT setval(pg_get_serial_sequence('docs', 'id'), %s)", (int(ids[-1]),))
        conn.execute("ALTER TABLE bands ADD PRIMARY KEY (key, doc)")
        conn.execute("VACUUM ANALYZE docs")
        conn.execute("VACUUM ANALYZE bands")


def new_articles(sentences: list[str], count: int, seed: int):
    from scraper.record import build_article

    rng = random.Random(seed)
    out = []
    for i in range(count):
        text = " ".join(rng.sample(sentences, rng.randint(8, 40)))
        url = f"https://new.example/news/{seed}/{i:06d}"
        out.append(build_article(source=url, url=url, text=text))
    return out


def check_latency(state, articles, warm: int = 20) -> dict:
    """Per new document: check (signature, reserve, lookups) + stage_record + add +
    stage_fetch + commit, as the crawl's emitter does it; milliseconds."""
    from scraper.dedup import DuplicateIndex
    from scraper.dedup.minhash import Signer
    from scraper.dedup.urls import url_key
    from scraper.settings import DedupSettings
    from scraper.store.state import Validators

    state.start_run()
    index = DuplicateIndex.from_settings(state, DedupSettings())
    out = Path("/nonexistent/bench-scale.jsonl")
    times, verdicts = [], {"new": 0, "duplicate": 0}
    for n, article in enumerate(articles):
        t = time.perf_counter()
        verdict = index.check(article)
        if verdict.article.duplicate_of is None:
            state.stage_record(verdict.article)
        index.add(verdict)
        state.stage_fetch(url_key(article.url), Validators(200, None, None))
        state.commit((out, n))
        if n >= warm:
            times.append((time.perf_counter() - t) * 1000)
            verdicts["new" if verdict.article.duplicate_of is None else "duplicate"] += 1
    signer = Signer(index.params)
    sign = []
    for article in articles[warm:]:
        t = time.perf_counter()
        signer.signatures([article.text])
        sign.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"median": statistics.median(times), "p95": times[int(len(times) * 0.95)],
            "sign": statistics.median(sign), **verdicts}


def dedup_section(args, pg: Postgres | None) -> None:
    from scraper.dedup.minhash import params_for
    from scraper.settings import DedupSettings
    from scraper.store.pg.state import PgState
    from scraper.store.state import State

    params = params_for(DedupSettings())
    pool, pool_sizes, sentences = sentence_pool(params)
    print("\n## Dedup check + insert per new document\n")
    print(f"Index: synthetic documents of 8-40 real sentences ({len(pool):,} distinct, AEB "
          f"and id-news), signatures the union of the sentences' MinHashes ({params.describe()}); "
          f"{args.checks} new documents of the same kind checked, each then added and "
          f"committed with its fetch log entry and record, one at a time as the crawl does "
          f"(first 20 not timed). PostgreSQL with fsync and synchronous_commit on; SQLite "
          f"WAL, synchronous=NORMAL (the state's own settings). One process, warm caches.\n")
    print("| indexed docs | state | on disk MB | build s | check+insert median ms | p95 ms | "
          "of which signing (median ms) | verdicts (new/dup) |")
    print("|---|---|---|---|---|---|---|---|")
    for size in args.big:
        folder = Path(tempfile.mkdtemp(prefix="bench-scale-dedup-"))
        try:
            url = pg.new_db()
            times = build_indexes(size, params, pool, pool_sizes, url, folder)
            runs = [("PostgreSQL", None), ("PostgreSQL", args.shared_buffers), ("SQLite", None)]
            for k, (kind, buffers) in enumerate(runs):
                if kind == "PostgreSQL":
                    pg.reconfigure("shared_buffers", buffers)
                    label = f"PostgreSQL, shared_buffers {pg._one('SHOW shared_buffers')}"
                    open_state = partial(PgState.open, url, params)
                    disk = pg.size_of(url)
                else:
                    label = "SQLite"
                    open_state = partial(State.open, folder, params)
                    disk = sum(f.stat().st_size for f in folder.iterdir())
                articles = new_articles(sentences, args.checks + 20, seed=size * 10 + k)
                with open_state() as state:
                    n = state.documents()
                    assert n >= size, (kind, n, size)  # (+ the earlier rows' checks)
                    res = check_latency(state, articles)
                build = times["pg" if kind == "PostgreSQL" else "sqlite"]
                flag = "" if res["p95"] < 5 else " (over 5 ms)"
                print(f"| {size:,} | {label} | {disk / 1e6:.0f} | {build:.0f} (+{times['sign']:.0f} "
                      f"signing) | {res['median']:.2f} | {res['p95']:.2f}{flag} | "
                      f"{res['sign']:.2f} | {res['new']}/{res['duplicate']} |")
                sys.stdout.flush()
            pg.reconfigure("shared_buffers", None)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print("\nTarget: under 5 ms per document at 1,000,000 documents.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000, help="pages of the crawls (default 1000)")
    ap.add_argument("--workers", default="1,2,4", help="worker counts (default 1,2,4)")
    ap.add_argument("--big", default="100000",
                    help="indexed documents for the dedup latency, comma-separated "
                         "(default 100000; the full run: 1000000)")
    ap.add_argument("--checks", type=int, default=500, help="new documents checked per index")
    ap.add_argument("--concurrency", type=int, default=16, help="requests in flight per worker")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each fetch-only row")
    ap.add_argument("--polite-delay", type=float, default=0.2)
    ap.add_argument("--polite-pages", type=int, default=20, help="pages per host (10 hosts)")
    ap.add_argument("--shared-buffers", default="2GB",
                    help="PostgreSQL's shared_buffers of the second dedup row (the first: "
                         "the server's default, 128MB)")
    ap.add_argument("--skip-dedup", action="store_true")
    ap.add_argument("--skip-crawl", action="store_true")
    ap.add_argument("--fetch-worker", help=argparse.SUPPRESS)
    ap.add_argument("--delay", type=float, default=0.0, help=argparse.SUPPRESS)
    ap.add_argument("sources", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fetch_worker:
        fetch_worker(args.fetch_worker, args.sources, args.delay, args.concurrency)
        return
    args.workers = [int(n) for n in args.workers.split(",")]
    args.big = [int(n) for n in args.big.split(",")]
    started = time.perf_counter()
    print(f"# bench/scale.py: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start\n")
    pg = Postgres()
    proc = None
    try:
        if not args.skip_crawl:
            pages = page_paths(args.pages)
            polite = polite_paths(args.polite_pages)
            proc, port = start_server(site_files(pages, polite))
            crawl_section(args, pg, Meter(pg.pid, proc.pid), port, pages, polite)
        if not args.skip_dedup:
            dedup_section(args, pg)
    finally:
        if proc is not None:
            proc.terminate()
        pg.stop()
    print(f"\n(whole run {time.perf_counter() - started:.0f} s, load average "
          f"{os.getloadavg()[0]:.2f} at the end)")


if __name__ == "__main__":
    main()

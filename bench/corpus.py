"""WARC in: a WARC file of 2,000 real pages -> records, scraper beside trafilatura over the
same pages in the same run, and the WARC readers alone (FastWARC, warcio, scraper's).

    python bench/corpus.py                 # build the WARC in a temp folder, measure, print
    python bench/corpus.py --pages 500     # a smaller file
    python bench/corpus.py --workers 0     # skip the multi-process run

The WARC is built at run time (warcio's WARCWriter, gzip per record, as Common Crawl and
`crawl --warc` write them) from every labelled page in ../shared/bench (1,353 pages, five
sets), cycled to --pages with a `?copy=N` URL from the second round on; each page gets a
request record beside its response, as a crawler writes. An uncompressed copy is written
too. Nothing is kept afterwards.

Printed (Markdown):
1. Readers alone: seconds to read every response record's headers and body, best of 3,
   gzip and uncompressed, FastWARC, warcio and scraper.corpus.open_warc (FastWARC with
   scraper's integrity checks and payload decoding); MB/s of decompressed WARC.
2. Damage: each reader on the file cut inside a record (at 60% of it), and on the file with
   bytes changed in a gzip member: records it gave before the damage and whether it said so.
3. Records: pages/s on one core (one process) for `run_extract` over the WARC (reading,
   extraction, dedup, JSON written to memory), for scraper's extract_html alone and for
   trafilatura.bare_extraction (with metadata) over the same pages read by the same reader;
   then `scraper extract FILE --workers N` as a command (pages/s, peak RSS).
4. Memory: peak RSS of a process reading the WARC once, and a WARC four times as long.

The machine may be shared: compare figures within a run; run it twice to see the spread.
"""

from __future__ import annotations

import argparse
import gc
import io
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT))

from sets import BYTES_SETS, LOADERS, Page

from scraper.corpus import WarcError, WarcPage, open_warc

# --- the WARC -------------------------------------------------------------------------------

def build_warc(path: Path, pages: list[Page], count: int, *, gzip: bool) -> None:
    """`count` response records (each after its request) from `pages`, cycled."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "bench"}))
        for i, page in zip(range(count), itertools.cycle(pages)):
            url = (page.url or f"https://bench.example/{page.set}/{page.name}").replace(" ", "%20")
            if i >= len(pages):
                url += ("&" if "?" in url else "?") + f"copy={i // len(pages)}"
            # The sets whose harness hands over bytes keep their legacy charsets: no header.
            ctype = "text/html" if page.set in BYTES_SETS else "text/html; charset=utf-8"
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "bench.example")],
                                       is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype),
                                               ("Content-Length", str(len(page.html)))],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(page.html), length=len(page.html),
                http_headers=http))


# --- readers: (path) -> (records, error or None) ------------------------------------------

def read_fastwarc(path: Path) -> tuple[int, str | None]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    n = 0
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh, record_types=WarcRecordType.response):
                record.headers.get("WARC-Target-URI"), record.record_date
                record.http_headers.status_code, record.http_headers.get("Content-Type")
                record.reader.read()
                n += 1
    except Exception as exc:  # noqa: BLE001 - what the reader says is the result
        return n, f"{type(exc).__name__}: {exc}"
    return n, None


def read_warcio(path: Path) -> tuple[int, str | None]:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    try:
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                record.rec_headers.get_header("WARC-Target-URI")
                record.rec_headers.get_header("WARC-Date")
                record.http_headers.get_statuscode(), record.http_headers.get_header("Content-Type")
                record.content_stream().read()
                n += 1
    except Exception as exc:  # noqa: BLE001
        return n, f"{type(exc).__name__}: {exc}"
    return n, None


def read_scraper(path: Path) -> tuple[int, str | None]:
    n = 0
    try:
        for item in open_warc(path):
            n += isinstance(item, WarcPage)
    except WarcError as exc:
        return n, str(exc).split(": ", 1)[1]
    return n, None


READERS = {"FastWARC": read_fastwarc, "warcio": read_warcio,
           "scraper (FastWARC + checks)": read_scraper}


def quiet_warcio():
    """warcio prints its complaints (a space in a URI) to stderr: keep the table clean."""
    import contextlib
    return contextlib.redirect_stderr(io.StringIO())


def best_of(fn, arg, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn(arg)
        best = min(best, time.perf_counter() - start)
    return best


def readers_alone(gz: Path, plain: Path, decompressed: int, count: int) -> None:
    print("## Readers alone (every response record: headers and body; best of 3)\n")
    print("| reader | .warc.gz s | MB/s | .warc s | MB/s | records |")
    print("|---|---|---|---|---|---|")
    with quiet_warcio():
        rows = [(name, best_of(fn, gz), best_of(fn, plain), fn(gz)[0])
                for name, fn in READERS.items()]
    mb = decompressed / 1e6
    for name, t_gz, t_plain, n in rows:
        print(f"| {name} | {t_gz:.3f} | {mb / t_gz:,.0f} | {t_plain:.3f} | {mb / t_plain:,.0f} "
              f"| {n} |")
    fast, slow = rows[0], rows[1]
    print(f"\nFastWARC / warcio speed: {slow[1] / fast[1]:.1f}x (gzip), "
          f"{slow[2] / fast[2]:.1f}x (uncompressed); {count} records, "
          f"{gz.stat().st_size / 1e6:.0f} MB gzip, {plain.stat().st_size / 1e6:.0f} MB "
          "uncompressed.\n")


def damage(gz: Path, plain: Path, folder: Path, offsets: dict[str, list[int]]) -> None:
    print("## Damaged files: records given before the damage, and what the reader said\n")
    print("| reader | file | records before the damage | given | said |")
    print("|---|---|---|---|---|")
    cases = []
    for label, source in (("gzip, cut", gz), ("uncompressed, cut", plain)):
        starts = offsets[source.name]
        middle = len(starts) * 6 // 10
        cut = (starts[middle] + starts[middle + 1]) // 2
        path = folder / f"cut-{source.name}"
        path.write_bytes(source.read_bytes()[:cut])
        cases.append((label, path, sum(1 for s in starts[:-1] if s < cut) - 1))
    starts = offsets[gz.name]
    data = bytearray(gz.read_bytes())
    middle = len(starts) // 2
    for i in range(starts[middle] + 200, starts[middle] + 216):
        data[i] ^= 0x5A
    path = folder / "changed.warc.gz"
    path.write_bytes(bytes(data))
    cases.append(("gzip, 16 bytes changed", path, middle))
    with quiet_warcio():
        for name, fn in READERS.items():
            for label, path, before in cases:
                n, error = fn(path)
                said = (error or "nothing (ended quietly)")[:90].replace("|", "/")
                print(f"| {name} | {label} | {before} | {n} | {said} |")
    print("\n(`records before the damage` counts the response records wholly before it.)\n")


def response_offsets(path: Path) -> list[int]:
    """Where each response record starts, and the file's end."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with path.open("rb") as fh:
        found = [r.stream_pos for r in ArchiveIterator(fh, record_types=WarcRecordType.response,
                                                       parse_http=False)]
    return found + [path.stat().st_size]


# --- records --------------------------------------------------------------------------------

class _Memory:
    """A sink that keeps the JSON lines in memory (writing costs what it costs)."""

    recovered: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.lines = 0
        self.chars = 0

    def write(self, article) -> None:
        self.chars += len(article.to_json()) + 1
        self.lines += 1

    def position(self):
        return None


def records(gz: Path, count: int, workers: int, folder: Path) -> None:
    import logging

    import trafilatura

    from scraper import extract_html
    from scraper.pipeline import run_extract
    from scraper.settings import load_settings

    logging.getLogger("scraper").setLevel(logging.ERROR)  # "no article text found" lines
    pages = [item for item in open_warc(gz) if isinstance(item, WarcPage)]
    print("## WARC -> records, one core (one process), the same pages in the same run\n")
    print("| tool | s | pages/s | ms/page |")
    print("|---|---|---|---|")
    rows = []

    def row(name: str, seconds: float) -> None:
        rows.append((name, seconds))
        print(f"| {name} | {seconds:.1f} | {count / seconds:.1f} | {1000 * seconds / count:.1f} |",
              flush=True)

    extract_html(pages[0].body, pages[0].uri, charset=pages[0].charset)  # warm-up
    trafilatura.bare_extraction(pages[0].body, url=pages[0].uri, with_metadata=True)
    sink = _Memory()
    start = time.perf_counter()
    summary = run_extract([str(gz)], load_settings(None), sink, on_error=print)
    row("scraper extract FILE.warc.gz (read + extract + dedup + JSON)", time.perf_counter() - start)
    assert summary.written + summary.duplicates == count, summary

    start = time.perf_counter()
    for page in pages:
        extract_html(page.body, page.uri, charset=page.charset)
    row("scraper extract_html alone", time.perf_counter() - start)

    start = time.perf_counter()
    for page in pages:
        trafilatura.bare_extraction(page.body, url=page.uri, with_metadata=True,
                                    include_comments=False)
    row("trafilatura 2.3 bare_extraction (with metadata)", time.perf_counter() - start)
    (_, ours), _, (_, theirs) = rows
    print(f"\nscraper extract / trafilatura time: {ours / theirs:.2f}\n")

    if workers > 1:
        out = folder / "out.jsonl"
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "scraper", "-q", "extract", str(gz),
                                 "--workers", str(workers), "-o", str(out)], cwd=ROOT)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - start
        assert proc.returncode == 0
        print(f"`scraper extract FILE.warc.gz --workers {workers}` (a command, start-up "
              f"included): {seconds:.1f} s, {count / seconds:.1f} pages/s on {os.cpu_count()} "
              f"cores; peak RSS of its processes together {peak / 1024:.0f} MB\n")


def tree_rss(pid: int) -> int:
    """KiB resident in `pid` and its descendants now (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[1])
        rss[int(entry.name)] = next((int(line.split()[1]) for line in status.splitlines()
                                     if line.startswith("VmRSS:")), 0)
    family, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(rss.get(p, 0) for p in family)


# --- memory ---------------------------------------------------------------------------------

_READ_ONCE = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from scraper.corpus import open_warc
n = sum(1 for _ in open_warc(Path(sys.argv[1])))
# VmHWM: this program's own peak (ru_maxrss would keep the forking parent's)
status = Path("/proc/self/status").read_text()
print(n, next(int(l.split()[1]) // 1024 for l in status.splitlines() if l.startswith("VmHWM:")))
"""


def memory(gz: Path, folder: Path) -> None:
    long = folder / "x4.warc.gz"
    with long.open("wb") as fh:
        for _ in range(4):
            fh.write(gz.read_bytes())  # per-record gzip files concatenate into one
    print("## Memory: peak RSS of a process reading the WARC once (scraper.corpus.open_warc)\n")
    print("| file | MB on disk | records | peak RSS MB |")
    print("|---|---|---|---|")
    for path in (gz, long):
        out = subprocess.run([sys.executable, "-c", _READ_ONCE, str(path), str(ROOT)],
                             capture_output=True, text=True, check=True).stdout.split()
        print(f"| {path.name} | {path.stat().st_size / 1e6:.0f} | {out[0]} | {out[1]} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="0: skip the command run")
    args = parser.parse_args()
    pages = [page for load in LOADERS.values() for page in load()]
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        folder = Path(tmp)
        gz, plain = folder / "pages.warc.gz", folder / "pages.warc"
        build_warc(gz, pages, args.pages, gzip=True)
        build_warc(plain, pages, args.pages, gzip=False)
        decompressed = plain.stat().st_size
        print(f"# WARC in: {args.pages} pages from {len(pages)} labelled pages "
              f"({', '.join(LOADERS)})\n")
        readers_alone(gz, plain, decompressed, args.pages)
        damage(gz, plain, folder, {gz.name: response_offsets(gz),
                                   plain.name: response_offsets(plain)})
        memory(gz, folder)
        records(gz, args.pages, args.workers, folder)


if __name__ == "__main__":
    main()

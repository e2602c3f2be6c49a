"""`scraper ccnews`: a month of CC-NEWS from a local server that serves a `warc.paths.gz`
and WARC files built here, read as they download, filtered, resumable with --state."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli
from tests.conftest import read_records as records
from tests.corpus.warcs import Response, write_warc
from tests.httpd import FAST, LocalServer, article_html, story

MONTH = "/crawl-data/CC-NEWS/2026/10/"


def _page(seed: int) -> bytes:
    title, paras = story(seed)
    return article_html(title, paras).encode()


def _archive(tmp_path: Path, server: LocalServer, name: str, uris: list[str],
             seed: int) -> bytes:
    path = tmp_path / name
    write_warc(path, [Response(uri, _page(seed + i)) for i, uri in enumerate(uris)])
    data = path.read_bytes()
    server.page(MONTH + name, data, "application/octet-stream")
    return data


@pytest.fixture
def month(tmp_path: Path, server: LocalServer) -> dict[str, bytes]:
    """Two WARC files of a month: Indonesian pages and others, in a listing."""
    first = _archive(tmp_path, server, "CC-NEWS-20261001-00001.warc.gz",
                     ["https://kabar.co.id/read/10001/banjir-melanda-kota-lama",
                      "https://news.example.com/2026/10/01/flood",
                      "https://www.berita.id/2026/10/01/harga-beras-naik"], 100)
    second = _archive(tmp_path, server, "CC-NEWS-20261002-00002.warc.gz",
                      ["https://kabar.co.id/read/10002/jalan-tol-baru-dibuka",
                       "https://www.berita.id/2026/10/02/pasar-saham-menguat",
                       "https://news.example.com/2026/10/02/markets"], 200)
    listing = "".join(f"crawl-data/CC-NEWS/2026/10/{name}\n" for name in
                      ("CC-NEWS-20261001-00001.warc.gz", "CC-NEWS-20261002-00002.warc.gz"))
    server.page(MONTH + "warc.paths.gz", gzip.compress(listing.encode()),
                "application/octet-stream")
    return {"first": first, "second": second}


def ccnews(server: LocalServer, *args: str):
    return run_cli("ccnews", "--month", "2026-10", "--base", server.base + "/", *FAST, *args)


def test_a_month_is_read_in_order_filtered_by_domain(server: LocalServer, tmp_path: Path,
                                                    month: dict[str, bytes]) -> None:
    out = tmp_path / "id.jsonl"
    result = ccnews(server, "--domain", "*.id", "-o", str(out), "--log-format", "json")
    assert result.returncode == 0, result.stderr
    got = records(out)
    assert [r["url"] for r in got] == [
        "https://kabar.co.id/read/10001/banjir-melanda-kota-lama",
        "https://www.berita.id/2026/10/01/harga-beras-naik",
        "https://kabar.co.id/read/10002/jalan-tol-baru-dibuka",
        "https://www.berita.id/2026/10/02/pasar-saham-menguat"]
    first = f"{server.base}{MONTH}CC-NEWS-20261001-00001.warc.gz#"
    assert got[0]["source"].startswith(first) and all(r["text"] for r in got)
    summary = [json.loads(line)["summary"] for line in result.stderr.splitlines()
               if '"summary"' in line][0]
    assert summary["skipped_by_reason"]["outside --domain"] == 2


def test_with_state_a_file_that_broke_off_is_resumed_and_nothing_is_written_twice(
        server: LocalServer, tmp_path: Path, month: dict[str, bytes]) -> None:
    second = month["second"]
    name = MONTH + "CC-NEWS-20261002-00002.warc.gz"

    def half(h) -> None:  # the second file's connection drops after its first record
        cut = len(second) * 2 // 3
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(len(second)))
        h.end_headers()
        h.wfile.write(second[:cut])
        h.wfile.flush()
        h.close_connection = True
    server.routes[name] = half
    state, out = tmp_path / "state", tmp_path / "all.jsonl"
    broken = ccnews(server, "--state", str(state), "-o", str(out), "--config",
                    str(_no_retries(tmp_path)))
    assert broken.returncode == 1, broken.stderr
    assert "download broke off" in broken.stderr or "cut short" in broken.stderr
    # The first file whole, and the second's records before the cut.
    written = len(records(out))
    assert 4 <= written < 6
    server.page(name, second, "application/octet-stream")
    again = ccnews(server, "--state", str(state), "-o", str(out))
    assert again.returncode == 0, again.stderr
    urls = [r["url"] for r in records(out)]
    assert len(urls) == 6 and len(set(urls)) == 6
    assert server.hits[MONTH + "CC-NEWS-20261001-00001.warc.gz"] == 1  # done: not again
    third = ccnews(server, "--state", str(state), "-o", str(out))
    assert third.returncode == 0 and len(records(out)) == 6
    assert server.hits[name] == 2


def _no_retries(tmp_path: Path) -> Path:
    config = tmp_path / "scraper.toml"
    config.write_text("[fetch]\nretries = 0\n")
    return config


def test_a_killed_run_resumes_where_it_stopped(server: LocalServer, tmp_path: Path,
                                              month: dict[str, bytes]) -> None:
    first = month["first"]
    name = MONTH + "CC-NEWS-20261001-00001.warc.gz"

    def trickle(h) -> None:  # slow enough to be killed in the middle of the first file
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(len(first)))
        h.end_headers()
        for start in range(0, len(first), 1024):
            h.wfile.write(first[start:start + 1024])
            h.wfile.flush()
            time.sleep(0.3)
    server.routes[name] = trickle
    state, out = tmp_path / "state", tmp_path / "all.jsonl"
    args = [sys.executable, "-m", "scraper", "ccnews", "--month", "2026-10", "--base",
            server.base + "/", *FAST, "--state", str(state), "-o", str(out)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not records_or_empty(out) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 1 <= len(records_or_empty(out)) < 3
    server.page(name, first, "application/octet-stream")
    again = ccnews(server, "--state", str(state), "-o", str(out))
    assert again.returncode == 0, again.stderr
    urls = [r["url"] for r in records(out)]
    assert len(urls) == 6 and len(set(urls)) == 6


def test_ctrl_c_stops_a_download_at_once(server: LocalServer, tmp_path: Path,
                                         month: dict[str, bytes]) -> None:
    first = month["first"]

    def stall(h) -> None:  # a few bytes, then nothing for a long while
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(len(first)))
        h.end_headers()
        h.wfile.write(first[:100])
        h.wfile.flush()
        time.sleep(20)
    server.routes[MONTH + "CC-NEWS-20261001-00001.warc.gz"] = stall
    args = [sys.executable, "-m", "scraper", "ccnews", "--month", "2026-10", "--base",
            server.base + "/", *FAST, "-o", str(tmp_path / "x.jsonl")]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(2.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err


def records_or_empty(path: Path) -> list[dict]:
    """The whole lines of a file being written (a line cut by the kill is left out)."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").split("\n")[:-1]
    return [json.loads(line) for line in lines]


def test_bad_month_and_a_missing_listing(server: LocalServer, tmp_path: Path) -> None:
    bad = run_cli("ccnews", "--month", "2026-13")
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr
    missing = ccnews(server, "-o", str(tmp_path / "x.jsonl"))
    assert missing.returncode == 1 and "warc.paths.gz" in missing.stderr
    assert "Traceback" not in missing.stderr

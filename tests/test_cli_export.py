"""`scraper export` through the real CLI against a real PostgreSQL: the summary, exit
codes and messages, a SIGKILL mid-export, a newer schema, an unreachable database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.conftest import ROOT, run_cli
from tests.store.pg_articles import article, ids_in, insert, insert_many, migrated


@pytest.fixture
def conn(pg_url: str):
    migrated(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as connection:
        yield connection


def test_export_twice_writes_each_record_once_and_says_so(pg_url, conn, tmp_path: Path) -> None:
    insert(conn, range(1, 6))
    out = tmp_path / "all.jsonl"
    first = run_cli("export", "--state", pg_url, "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert f"export: 5 records written (seq 1-5) to {out}; cursor 'default' at seq 5" \
        in first.stderr
    config = tmp_path / "scraper.toml"  # the state from [state] url this time
    config.write_text(f"[state]\nurl = '{pg_url}'\n")
    again = run_cli("export", "--config", str(config), "-o", str(out), "--log-format", "json")
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stderr.splitlines()[-1])["summary"]
    assert summary == {"written": 0, "first_seq": None, "last_seq": None, "out": str(out),
                       "name": "default", "cursor": 5, "cut": 0}
    assert ids_in(out) == [article(n).id for n in range(1, 6)]


def test_since_to_stdout_names_the_seq_for_next_time(pg_url, conn) -> None:
    insert(conn, range(1, 4))
    result = run_cli("export", "--state", pg_url, "--since", "1")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == \
        [article(n).id for n in (2, 3)]
    assert "2 records written (seq 2-3) to stdout; next time: --since 3" in result.stderr


def test_a_killed_export_run_again_repeats_nothing_and_loses_nothing(
        pg_url, conn, tmp_path: Path) -> None:
    total = 30_000
    insert_many(conn, 1, total)  # about 2.4 kB a record: 70 MB of lines
    out = tmp_path / "all.jsonl"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "scraper", "export", "--state", pg_url,
                             "-o", str(out), "-q"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and out.stat().st_size > 8_000_000:  # a few batches in
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, "the export ended before it was killed"
    seq, size = conn.execute("SELECT seq, size FROM exports").fetchone()
    assert 0 < seq < total
    past = out.stat().st_size - size  # written after the last cursor move: cut, then again
    assert past >= 0
    result = run_cli("export", "--state", pg_url, "-o", str(out), timeout=120)
    assert result.returncode == 0, result.stderr
    assert not past or f"cut {past} bytes an interrupted export wrote" in result.stderr
    assert f"export: {total - seq} records written (seq {seq + 1}-{total})" in result.stderr
    assert ids_in(out) == [f"b{n}" for n in range(1, total + 1)]


def test_parquet_to_a_file_that_exists_is_refused(pg_url, conn, tmp_path: Path) -> None:
    insert(conn, range(1, 4))
    out = tmp_path / "news.parquet"
    assert run_cli("export", "--state", pg_url, "-o", str(out)).returncode == 0
    insert(conn, [4])
    again = run_cli("export", "--state", pg_url, "-o", str(out))
    assert again.returncode == 2
    assert f"{out}: exists; a named export writes each run's parquet records into a new " \
        "file" in again.stderr
    csv = run_cli("export", "--state", pg_url, "-o", str(tmp_path / "news-2.csv"))
    assert csv.returncode == 0 and "1 record written (seq 4-4)" in csv.stderr


def test_a_newer_schema_is_refused(pg_url, conn, tmp_path: Path) -> None:
    conn.execute("UPDATE schema_version SET version = 99")
    result = run_cli("export", "--state", pg_url, "-o", str(tmp_path / "a.jsonl"))
    assert result.returncode == 1
    assert "schema is version 99, newer than this scraper knows" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "a.jsonl").exists()


def test_an_unreachable_database_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "scraper.toml"
    config.write_text("[state]\nretry_for = 0\n")
    url = f"postgresql://scraper:hunter2@127.0.0.1:{port}/news"
    result = run_cli("export", "--state", url, "--config", str(config), "-o",
                     str(tmp_path / "a.jsonl"))
    assert result.returncode == 1
    assert f"postgresql://scraper@127.0.0.1:{port}/news: cannot connect to the database" \
        in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--state", "{tmp}"], "export reads the articles a PostgreSQL state keeps"),
    (["--state", "postgresql://x@127.0.0.1:1/db", "--name", "a", "--since", "3"],
     "--since keeps no cursor and --name names one"),
    ([], "give --state postgresql://user@host/db"),
    (["--state", "postgresql://x@127.0.0.1:1/db", "--format", "parquet"],
     "Parquet is a binary file format"),
])
def test_bad_usage_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("export", *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr

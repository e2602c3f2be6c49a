"""`--format` and the --out suffix through the real CLI: Parquet and CSV files with the
records JSON Lines gets, refused where they cannot be written (stdout, --state)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from scraper.cli import RecordFormat
from scraper.record import FIELD_ORDER
from scraper.store import FORMATS, read_records
from tests.conftest import SEEDS, run_cli


def _same(records: list[dict]) -> list[dict]:
    """Records without the time they were made (two runs, two times)."""
    return [{k: v for k, v in r.items() if k != "extracted_at"} for r in records]


def test_clean_writes_parquet_and_csv_with_the_records_jsonl_gets(tmp_path: Path) -> None:
    jsonl, parquet, table = tmp_path / "x.jsonl", tmp_path / "x.parquet", tmp_path / "x.csv"
    for path in (jsonl, parquet, table):
        result = run_cli("clean", str(SEEDS), "-o", str(path))
        assert result.returncode == 0, result.stderr
    expected = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(expected) == 5
    assert _same(pq.read_table(parquet).to_pylist()) == _same(expected)
    with table.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["text"] for r in rows] == [r["text"] for r in expected]
    assert [json.loads(r["authors"]) for r in rows] == [r["authors"] for r in expected]


def test_format_wins_over_the_suffix_and_csv_goes_to_stdout(tmp_path: Path) -> None:
    odd = tmp_path / "named.jsonl"
    assert run_cli("clean", str(SEEDS), "-o", str(odd), "--format", "parquet").returncode == 0
    assert odd.read_bytes()[:4] == b"PAR1" and len(read_records(odd, "parquet")) == 5
    result = run_cli("clean", str(SEEDS), "--format", "csv", "-q")
    assert result.returncode == 0 and result.stderr == ""
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert list(rows[0]) == list(FIELD_ORDER) and len(rows) == 5


def test_parquet_to_stdout_and_an_unknown_format_are_usage_errors(tmp_path: Path) -> None:
    result = run_cli("clean", str(SEEDS), "--format", "parquet")
    assert result.returncode == 2 and result.stdout == ""
    assert "Parquet is a binary file format: give --out FILE.parquet" in result.stderr
    result = run_cli("clean", str(SEEDS), "--format", "xml")
    assert result.returncode == 2 and "'xml' is not one of" in result.stderr


@pytest.mark.parametrize("given", [["-o", "all.parquet"], ["-o", "all.jsonl", "--format", "csv"]])
def test_state_with_parquet_or_csv_is_a_usage_error(tmp_path: Path, given: list[str]) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text("")
    result = run_cli("dedup", str(records), "--state", str(tmp_path / "state"), *given,
                     cwd=tmp_path)
    assert result.returncode == 2
    assert "--state appends records as JSON Lines" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no state, no output


def test_a_failed_run_leaves_an_old_parquet_file_as_it_was(tmp_path: Path) -> None:
    keep = tmp_path / "keep.parquet"
    keep.write_bytes(b"an earlier run's file")
    result = run_cli("clean", str(tmp_path / "nosuch.txt"), "-o", str(keep))
    assert result.returncode == 1 and f"{keep}: nothing to write: left as it was" in result.stderr
    assert keep.read_bytes() == b"an earlier run's file"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.parquet"]


@pytest.mark.parametrize("command", ["crawl", "dedup", "demo"])
def test_help_says_state_keeps_to_json_lines(command: str) -> None:
    result = run_cli(command, "--help")
    text = re.sub(r"\s+", " ", result.stdout)
    assert "--format <jsonl|parquet|csv>" in text
    assert "JSON Lines only (not with --format parquet or csv)" in text


def test_demo_writes_and_lists_parquet(tmp_path: Path) -> None:
    out = tmp_path / "demo.parquet"
    result = run_cli("demo", "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"5 records in {out}" in result.stdout
    assert pq.read_table(out).num_rows == 5


def test_the_flag_offers_the_formats_the_store_writes() -> None:
    assert tuple(f.value for f in RecordFormat) == FORMATS

"""The real `scraper` command in a subprocess: output, bad input, exit codes, logs."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from scraper.record import FIELD_ORDER
from tests.conftest import SEEDS, run_cli

SEED = SEEDS / "003_6760c82734fcc8c4.txt"


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_help_explains_commands_examples_and_exit_codes() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for words in ("clean", "crawl", "dedup", "demo", "Examples:", "Exit codes:", "75",
                  "--quiet", "--log-format"):
        assert words in result.stdout
    clean_help = run_cli("clean", "--help").stdout
    assert "--out" in clean_help and "stdin" in clean_help
    crawl_help = run_cli("crawl", "--help").stdout
    for option in ("--state", "--follow", "--since", "--max-pages", "--refresh", "--warc",
                   "--allow-private", "--delay", "Examples:"):
        assert option in crawl_help
    assert "--report" in run_cli("dedup", "--help").stdout


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("scraper ")


def test_clean_folder_writes_one_json_record_per_seed_in_schema_order() -> None:
    result = run_cli("clean", "seeds/")
    assert result.returncode == 0, result.stderr
    found = records(result.stdout)
    assert len(found) == 5
    assert all(list(r) == list(FIELD_ORDER) for r in found)
    assert found[3]["source"] == "seeds/003_6760c82734fcc8c4.txt"
    assert "5 records written" in result.stderr


def test_stdin_and_gzip_inputs(tmp_path: Path) -> None:
    gz = tmp_path / "dump.txt.gz"
    gz.write_bytes(gzip.compress(SEED.read_bytes()))
    result = run_cli("clean", "-", str(gz), "--keep-duplicates", stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr
    first, second = records(result.stdout)
    assert first["source"] == "-" and second["source"] == str(gz)
    assert first["title"] == second["title"] == "Putin Keukeuh Tuntut Jaminan Keamanan kepada NATO"
    assert second["duplicate_of"] == first["id"] and second["similarity"] == 1.0


def test_exact_duplicate_inputs_are_written_once_by_default(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        shutil.copy(SEED, tmp_path / name)
    result = run_cli("clean", str(tmp_path))
    assert result.returncode == 0
    assert [r["source"] for r in records(result.stdout)] == [str(tmp_path / "a.txt")]
    assert "1 duplicate," in result.stderr


BAD_INPUTS = [  # (file name, its bytes: None = absent, "dir" = an empty folder, message)
    ("missing.txt", None, "no such file or folder"),
    ("nothing", "dir", "no .txt or .txt.gz files"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    ("empty.txt", b"", "empty input"),
    ("blank.txt", b" \n\n\t\n", "empty input"),
    ("bad.txt.gz", b"\x1f\x8b\x08\x00garbage", "gzip"),
    ("cut.txt.gz", gzip.compress("".join(f"baris {i}\n" for i in range(5000)).encode())[:2000],
     "truncated gzip"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_INPUTS)
def test_bad_input_is_one_line_on_stderr_and_the_rest_is_processed(
        tmp_path: Path, name: str, content, message: str) -> None:
    bad = tmp_path / name
    if content == "dir":
        bad.mkdir()
    elif content is not None:
        bad.write_bytes(content)
    result = run_cli("clean", str(bad), str(SEED))
    assert result.returncode == 1
    errors = [l for l in result.stderr.splitlines() if l.startswith("scraper: error:")]
    assert len(errors) == 1 and str(bad) in errors[0] and message in errors[0]
    assert "Traceback" not in result.stderr
    assert [r["source"] for r in records(result.stdout)] == [str(SEED)]


def test_out_file_is_written_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    out.write_text("old content\n")
    result = run_cli("clean", "seeds/", "--out", str(out))
    assert result.returncode == 0 and result.stdout == ""
    assert len(records(out.read_text(encoding="utf-8"))) == 5
    assert [p.name for p in tmp_path.iterdir()] == ["records.jsonl"]


def test_out_in_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("clean", "seeds/", "--out", str(tmp_path / "no" / "x.jsonl"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_quiet_prints_nothing_on_success_and_json_logs_parse() -> None:
    quiet = run_cli("--quiet", "clean", "seeds/")
    assert quiet.returncode == 0 and quiet.stderr == ""
    logged = run_cli("--log-format", "json", "clean", "seeds/", "nope.txt")
    lines = [json.loads(l) for l in logged.stderr.splitlines()]
    assert [l["level"] for l in lines] == ["error", "info"]
    assert lines[1]["summary"] == {"inputs": 6, "written": 5, "duplicates": 0, "seen": 0, "empty": 0,
                                   "skipped": 0, "failed": 1}


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run_cli("clean", "--bogus", "seeds/").returncode == 2
    assert run_cli("clean").returncode == 2
    config = tmp_path / "scraper.toml"
    config.write_text("[clean]\ntemplate_min_docs = -1\n")
    result = run_cli("clean", "seeds/", "--config", str(config))
    assert result.returncode == 2 and "template_min_docs" in result.stderr
    config.write_text("[clean]\ntypo = 1\n")
    result = run_cli("clean", "seeds/", "--config", str(config))
    assert result.returncode == 2 and "typo" in result.stderr


def test_settings_file_changes_the_cleaner(tmp_path: Path) -> None:
    config = tmp_path / "scraper.toml"
    config.write_text("keep_duplicates = true\n[clean]\ntemplate_min_docs = 0\n")
    result = run_cli("clean", str(SEED), str(SEED), "--config", str(config))
    assert result.returncode == 0 and len(records(result.stdout)) == 2

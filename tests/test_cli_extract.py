"""`scraper extract` through the real CLI."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, run_cli

PAGE = FIXTURES / "html" / "id_article.html"


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_extract_file_with_url() -> None:
    result = run_cli("extract", str(PAGE), "--url", "https://www.contoh-news.id/a")
    assert result.returncode == 0, result.stderr
    (record,) = records(result.stdout)
    assert record["source"] == str(PAGE) and record["url"] == "https://www.contoh-news.id/a"
    assert record["title"] == "Banjir Rendam Tiga Kecamatan di Kota Contoh"


def test_folder_gzip_stdin_and_workers_keep_input_order(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for i in range(6):
        html = PAGE.read_text(encoding="utf-8").replace("1.200 warga", f"{1200 + i} warga")
        (folder / f"p{i}.html").write_text(html, encoding="utf-8")
    (folder / "p6.html.gz").write_bytes(gzip.compress((FIXTURES / "html" / "en_table_article.html").read_bytes()))
    (folder / "notes.txt").write_text("not a page")
    result = run_cli("extract", str(folder), "-", "--workers", "3", "--keep-duplicates",
                     stdin=PAGE.read_bytes())
    assert result.returncode == 0, result.stderr
    got = records(result.stdout)
    assert [r["source"] for r in got] == [str(folder / f"p{i}.html") for i in range(6)] + \
        [str(folder / "p6.html.gz"), "-"]
    assert got[6]["language"] == "en"
    assert "8 records written" in result.stderr
    # One article (one canonical URL) in six versions: the first is the record.
    assert got[0]["duplicate_of"] is None
    assert all(r["duplicate_of"] == got[0]["id"] for r in got[1:6] + got[7:])


def test_exact_duplicate_pages_are_written_once(tmp_path: Path) -> None:
    shutil.copy(PAGE, tmp_path / "a.html")
    shutil.copy(PAGE, tmp_path / "b.html")
    result = run_cli("extract", str(tmp_path))
    assert len(records(result.stdout)) == 1 and "1 duplicate," in result.stderr


def test_bad_inputs_and_usage(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_bytes(b"")
    result = run_cli("extract", str(tmp_path / "empty.html"), str(tmp_path / "missing.html"),
                     str(PAGE))
    assert result.returncode == 1
    errors = [l for l in result.stderr.splitlines() if "error" in l]
    assert len(errors) == 2
    assert any("empty.html: empty input" in e for e in errors)
    assert any("missing.html: no such file" in e for e in errors)
    assert len(records(result.stdout)) == 1
    assert "Traceback" not in result.stderr
    two = run_cli("extract", str(PAGE), str(PAGE), "--url", "https://x.example/")
    assert two.returncode == 2 and "--url is the URL of one page" in two.stderr
    assert run_cli("extract", str(PAGE), "--workers", "0").returncode == 2


def test_binary_file_is_skipped_or_with_as_html_gives_a_record_with_a_warning(
        tmp_path: Path) -> None:
    (tmp_path / "x.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 100)
    skipped = run_cli("extract", str(tmp_path / "x.html"))
    assert skipped.returncode == 0 and skipped.stdout == ""
    assert "x.html: binary data, not an HTML page: skipped" in skipped.stderr
    result = run_cli("extract", str(tmp_path / "x.html"), "--as-html")
    assert result.returncode == 0
    (record,) = records(result.stdout)
    assert record["text"] == "" and "binary data, not an HTML page" in record["warnings"]

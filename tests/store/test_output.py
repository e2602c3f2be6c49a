"""JsonlOutput: a file appears whole or not at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from scraper import clean_text
from scraper.store import JsonlOutput

ARTICLE = clean_text("Judul Berita Contoh\nIsi berita yang cukup panjang untuk diuji.\n", "x")


def test_failed_run_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous run\n")
    with pytest.raises(RuntimeError):
        with JsonlOutput(target) as out:
            out.write(ARTICLE)
            raise RuntimeError("killed half-way")
    assert target.read_text() == "previous run\n"
    assert list(tmp_path.iterdir()) == [target]


def test_stream_gets_whole_lines() -> None:
    stream = io.StringIO()
    with JsonlOutput(None, stream) as out:
        out.write(ARTICLE)
        out.write(ARTICLE)
    assert out.count == 2
    assert stream.getvalue().count("\n") == 2 and stream.getvalue().endswith("}\n")

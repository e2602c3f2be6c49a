"""JsonlOutput: a file appears whole or not at all. AppendOutput: whole lines, recoverable."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scraper import clean_text
from scraper.errors import InputError
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


def test_append_output_cuts_a_torn_line_and_hands_back_uncommitted_ones(tmp_path: Path) -> None:
    from scraper.record import build_article
    from scraper.store import AppendOutput

    path = tmp_path / "out.jsonl"
    a, b, c = (build_article(source=n, text=f"Teks berita {n} yang berbeda.") for n in "abc")
    with AppendOutput(path, None) as out:
        out.write(a)
        committed = out.committed_size
        out.write(b)
    with path.open("ab") as fh:
        fh.write(c.to_json().encode()[:40])  # a kill in the middle of a line
    with AppendOutput(path, committed) as out:
        assert out.recovered == [b.to_json()]  # written after the last commit
        assert path.read_bytes().endswith(b"\n")  # the torn line is gone
        out.write(c)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"] for line in lines] == ["a", "b", "c"]


def test_append_output_refuses_a_device(tmp_path: Path) -> None:
    from scraper.store import AppendOutput

    with pytest.raises(InputError, match="regular file"):
        with AppendOutput(Path("/dev/null"), None):
            pass

"""`-o` files through the real CLI: a run with nothing to write leaves them as they were;
replaced files get the mode the umask asks for."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import SEEDS, run_cli
from tests.httpd import LocalServer

SEED = SEEDS / "003_6760c82734fcc8c4.txt"
OLD = '{"old": "records of an earlier run"}\n'


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """Run the block (and the CLI subprocesses it starts) under `mask`."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def test_a_failed_clean_leaves_the_output_untouched_and_says_so(tmp_path: Path) -> None:
    keep = tmp_path / "keep.jsonl"
    keep.write_text(OLD)
    result = run_cli("clean", str(tmp_path / "nosuch.txt"), "-o", str(keep))
    assert result.returncode == 1
    assert keep.read_text() == OLD
    assert f"{keep}: nothing to write: left as it was" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.jsonl"]  # no temporary file


def test_a_failed_dedup_leaves_the_output_and_report_untouched(tmp_path: Path) -> None:
    keep, report, bad = tmp_path / "keep.jsonl", tmp_path / "clusters.json", tmp_path / "bad.jsonl"
    keep.write_text(OLD)
    report.write_text('{"clusters": ["old"]}\n')
    bad.write_text("{not json\n")
    result = run_cli("dedup", str(bad), "-o", str(keep), "--report", str(report))
    assert result.returncode == 1
    assert keep.read_text() == OLD and report.read_text() == '{"clusters": ["old"]}\n'


def test_a_crawl_of_a_missing_feed_leaves_the_output_untouched(server: LocalServer,
                                                              tmp_path: Path) -> None:
    keep = tmp_path / "keep.jsonl"
    keep.write_text(OLD)
    result = run_cli("crawl", server.base + "/gone.xml", "--allow-private", "--delay", "0",
                     "-o", str(keep))
    assert result.returncode == 1 and "gone.xml: HTTP 404" in result.stderr
    assert keep.read_text() == OLD and "left as it was" in result.stderr


def test_force_empty_replaces_the_output_with_an_empty_file(tmp_path: Path) -> None:
    keep = tmp_path / "keep.jsonl"
    keep.write_text(OLD)
    result = run_cli("clean", str(tmp_path / "nosuch.txt"), "-o", str(keep), "--force-empty")
    assert result.returncode == 1 and keep.read_text() == ""


def test_a_run_with_records_still_replaces_the_output(tmp_path: Path) -> None:
    keep = tmp_path / "keep.jsonl"
    keep.write_text(OLD)
    result = run_cli("clean", str(tmp_path / "nosuch.txt"), str(SEED), "-o", str(keep))
    assert result.returncode == 1  # one input failed; the other's record replaces the file
    assert len(keep.read_text().splitlines()) == 1 and OLD not in keep.read_text()


def test_outputs_honour_the_umask(tmp_path: Path) -> None:
    out, report = tmp_path / "out.jsonl", tmp_path / "clusters.json"
    with umask(0o022):
        assert run_cli("clean", str(SEED), "-o", str(out)).returncode == 0
    with umask(0o027):
        assert run_cli("dedup", str(out), "--report", str(report)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644  # not mkstemp's 0600
    assert stat.S_IMODE(report.stat().st_mode) == 0o640


def test_a_replaced_output_keeps_its_own_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text(OLD)
    out.chmod(0o640)  # chosen by its owner: a new run keeps it (not 0600, not the umask)
    with umask(0o022):
        assert run_cli("clean", str(SEED), "-o", str(out)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and OLD not in out.read_text()

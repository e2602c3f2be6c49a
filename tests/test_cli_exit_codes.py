"""One test per exit code, through the real CLI (the table in scraper.cli.EXIT_CODES and
the README's "Exit codes")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scraper.cli import EXIT_CODES, ExitCode
from scraper.errors import (
    AlreadyRunning,
    ConfigError,
    FetchError,
    InputError,
    OutputError,
    ScraperError,
    StateError,
    UsageError,
)
from scraper.store import RunLock
from tests.conftest import FIXTURES, ROOT, SEEDS, run_cli

SEED = SEEDS / "003_6760c82734fcc8c4.txt"
PAGE = FIXTURES / "html" / "id_article.html"


def test_every_error_class_has_its_code_in_the_one_table() -> None:
    table = dict(EXIT_CODES)
    assert table[AlreadyRunning] == 75 and table[UsageError] == table[ConfigError] == 2
    for cls in (InputError, OutputError, StateError, FetchError, ScraperError):
        assert table[cls] == 1, cls
    from scraper.discover import SitemapError
    assert issubclass(SitemapError, FetchError) and issubclass(AlreadyRunning, StateError)


def test_0_every_input_processed() -> None:
    assert run_cli("clean", str(SEED)).returncode == ExitCode.OK


def test_1_an_input_an_output_or_the_state_failed(tmp_path: Path) -> None:
    missing = run_cli("clean", str(tmp_path / "nosuch.txt"))
    assert missing.returncode == 1 and "no such file" in missing.stderr
    output = run_cli("clean", str(SEED), "-o", str(tmp_path / "no" / "dir" / "out.jsonl"))
    assert output.returncode == 1 and "does not exist" in output.stderr
    (tmp_path / "file").write_text("not a folder")
    state = run_cli("dedup", str(tmp_path / "r.jsonl"), "--state", str(tmp_path / "file"))
    assert state.returncode == 1 and "state folder" in state.stderr
    assert "Traceback" not in missing.stderr + output.stderr + state.stderr


def test_2_bad_usage_a_bad_value_or_a_bad_table(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.html").write_text(PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    two = run_cli("extract", str(tmp_path / "a.html"), str(tmp_path / "b.html"), "--url",
                  "https://x.example/a")
    assert two.returncode == 2 and "--url is the URL of one page" in two.stderr
    assert run_cli("clean", "--bogus").returncode == 2
    config = tmp_path / "scraper.toml"
    config.write_text("[crawl]\nconcurrency = 0\n")
    bad = run_cli("crawl", "http://x.invalid/", "--config", str(config))
    assert bad.returncode == 2 and "crawl.concurrency must be a whole number >= 1" in bad.stderr
    config.write_text("[fetch]\ndelay = 1\n")
    moved = run_cli("crawl", "http://x.invalid/", "--config", str(config))
    assert moved.returncode == 2 and "fetch.delay is set as [crawl] delay now" in moved.stderr
    assert run_cli("crawl", "http://x.invalid/", "--follow", "(").returncode == 2


def test_70_an_internal_error_is_named_without_a_traceback() -> None:
    code = ("import sys, scraper.pipeline as p\n"
            "def boom(*a, **k): raise RuntimeError('a bug')\n"
            "p.run_clean = boom\n"
            f"sys.argv = ['scraper', 'clean', {str(SEED)!r}]\n"
            "from scraper.cli import main\nmain()\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 70
    assert "internal error: RuntimeError: a bug" in result.stderr
    assert "Traceback" not in result.stderr


def test_75_another_run_holds_the_state(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with RunLock(state):
        result = run_cli("clean", str(SEED), "-o", str(tmp_path / "o.jsonl"))
        assert result.returncode == 0  # clean takes no state
        held = run_cli("dedup", str(tmp_path / "r.jsonl"), "--state", str(state))
    assert held.returncode == 75 and f"PID {os.getpid()}" in held.stderr


def test_130_interrupted() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "scraper", "clean", "-"], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    # Wait until it blocks reading stdin (syscall 0, read, on x86-64 and a read on fd 0
    # elsewhere shows as well), so the signal lands inside the command.
    while time.monotonic() < deadline:
        try:
            call = Path(f"/proc/{proc.pid}/syscall").read_text().split()
        except OSError:
            call = []
        if call[:2] in (["0", "0x0"], ["63", "0x0"]):
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == "scraper: error: interrupted"

"""Shared paths and the helper that runs the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read_records(path: Path) -> list[dict]:
    """The JSON records of a JSONL file ([] when it does not exist)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] \
        if path.exists() else []


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path = ROOT,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run `python -m scraper ARGS` the way a user's shell would (no terminal)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "scraper", *args], input=stdin, cwd=cwd,
                          capture_output=True, timeout=timeout, env=env)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8"))


@pytest.fixture
def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 (tests/httpd.py) whose robots.txt disallows /private/."""
    from tests.httpd import LocalServer

    srv = LocalServer().start()
    srv.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server for this test session (tests/pgserver.py); the tests that
    use it are skipped, saying why, on a machine without PostgreSQL's server binaries."""
    from tests.pgserver import PostgresServer, server_bindir

    bindir = server_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (pg_config --bindir, "
                    "/usr/lib/postgresql/*/bin): PostgreSQL tests skipped")
    srv = PostgresServer(bindir).start()
    yield srv
    srv.stop()


@pytest.fixture
def pg_url(pg_server, monkeypatch) -> str:
    """The URL of a new, empty database on the session's server (no password in it:
    PGPASSWORD is set, for this process and the CLI subprocesses it starts)."""
    from tests.pgserver import PASSWORD

    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    return pg_server.create_db()


class Backend:
    """Where a test's state lives: `at` is the `--state` value (a folder or a database
    URL), `open()` the state object itself. Tests taking the `backend` fixture run once
    on each back-end: the same test, not a copy."""

    def __init__(self, name: str, at: str) -> None:
        self.name = name
        self.at = at

    def open(self, params=None):
        from scraper.store import State
        from scraper.store.pg.state import PgState

        if self.name == "sqlite":
            return State.open(Path(self.at), params)
        return PgState.open(self.at, params)

    def __repr__(self) -> str:
        return self.name


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path) -> Backend:
    """The state on SQLite (a folder) and on PostgreSQL (a new database)."""
    if request.param == "sqlite":
        return Backend("sqlite", str(tmp_path / "state"))
    return Backend("postgresql", request.getfixturevalue("pg_url"))

"""The state interface: staged changes are durable only at commit, all together with the
output's position; start_run commits at once; SQLite errors are StateError."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from scraper.errors import StateError
from scraper.store import State
from scraper.store.state import Validators


def test_staged_changes_land_together_at_commit_or_not_at_all(backend, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with backend.open() as state:
        assert state.start_run() == 1  # durable at once
        state.stage_fetch("https://a.example/1", Validators(200, '"e"', None))
        state.stage_failure("https://a.example/2", "HTTP 500", 1)
        # closed without a commit: as if killed here
    with backend.open() as state:
        assert state.last_fetch("https://a.example/1") is None
        assert state.failure("https://a.example/2") is None
        assert state.start_run() == 2
        state.stage_failure("https://a.example/2", "HTTP 500", 2)
        state.stage_fetch("https://a.example/1", Validators(200, '"e"', None))
        state.commit((out, 123))
    with backend.open() as state:
        assert state.last_fetch("https://a.example/1") == Validators(200, '"e"', None)
        assert state.failure("https://a.example/2").runs == 1
        assert state.output_size(out) == 123
        # logged as done: validators kept where a later answer has none, failures forgotten
        state.stage_fetch("https://a.example/2", Validators(304, None, None))
        state.stage_fetch("https://a.example/1", Validators(304, None, None))
        state.commit()
        assert state.failure("https://a.example/2") is None
        assert state.last_fetch("https://a.example/1") == Validators(304, '"e"', None)


def test_a_broken_state_file_is_a_state_error(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "state.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StateError, match="cannot open the state"):
        State.open(folder)
    assert issubclass(StateError, Exception) and not issubclass(StateError, sqlite3.Error)


def test_a_database_schema_newer_than_the_tool_is_refused_untouched(pg_url: str) -> None:
    import psycopg

    from scraper.store.pg.schema import VERSION
    from scraper.store.pg.state import PgState

    PgState.open(pg_url).close()  # created at this tool's version
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version = %s", (VERSION + 1,))
    with pytest.raises(StateError, match=rf"schema is version {VERSION + 1}, newer than "
                                         rf"this scraper knows \({VERSION}\)"):
        PgState.open(pg_url)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version FROM schema_version").fetchone() == (VERSION + 1,)


def test_two_workers_of_one_machine_cannot_write_one_output(pg_url: str, tmp_path: Path) -> None:
    from scraper.errors import AlreadyRunning
    from scraper.store.pg.state import PgState

    out = tmp_path / "share.jsonl"
    with PgState.open(pg_url) as one, PgState.open(pg_url) as two:
        with one.own_output(out):
            with pytest.raises(AlreadyRunning, match="another worker on this machine writes"):
                with two.own_output(out):
                    pass
            with two.own_output(tmp_path / "other.jsonl"):  # its own file: fine
                pass
        with two.own_output(out):  # free again once the first let go
            pass

"""`export_articles` against a real PostgreSQL: each record once per export name, across
runs, kills (bytes past the cursor), rows committed out of seq order, Parquet and CSV."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path

import psycopg
import pytest

from scraper.errors import AlreadyRunning, StateError, UsageError
from scraper.store import read_records
from scraper.store.pg.export import EXPORT_LOCK, export_articles, file_key
from tests.store.pg_articles import article, ids_in, insert


@pytest.fixture
def conn(pg_url: str):
    """A second connection, as a crawling worker's."""
    with psycopg.connect(pg_url, autocommit=True) as connection:
        yield connection


def ids(numbers) -> list[str]:
    return [article(n).id for n in numbers]


def cursor_row(conn, name: str = "default"):
    return conn.execute("SELECT seq, path, size FROM exports WHERE name = %s",
                        (name,)).fetchone()


def test_a_second_export_under_the_same_name_writes_nothing(db, conn, tmp_path: Path) -> None:
    insert(conn, range(1, 6))
    out = tmp_path / "all.jsonl"
    first = export_articles(db, out, batch=2)
    assert (first.written, first.first_seq, first.last_seq, first.seq) == (5, 1, 5, 5)
    assert ids_in(out) == ids(range(1, 6))
    assert cursor_row(conn) == (5, file_key(out), out.stat().st_size)
    before = out.read_bytes()
    again = export_articles(db, out)
    assert (again.written, again.seq) == (0, 5) and out.read_bytes() == before
    assert "0 records written; cursor 'default' at seq 5" in again.line()
    assert export_articles(db, tmp_path / "new.jsonl").written == 0
    assert not (tmp_path / "new.jsonl").exists()  # nothing new: no file made


def test_rows_committed_later_are_exported_once_by_the_next_run(db, conn, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    insert(conn, range(1, 4))
    export_articles(db, out)
    insert(conn, range(4, 8))
    later = export_articles(db, out, batch=3)
    assert (later.written, later.first_seq, later.last_seq) == (4, 4, 7)
    assert "4 records written (seq 4-7) to" in later.line()
    assert ids_in(out) == ids(range(1, 8))


def test_each_name_has_its_own_cursor(db, conn, tmp_path: Path) -> None:
    insert(conn, range(1, 4))
    export_articles(db, tmp_path / "a.jsonl", name="a")
    insert(conn, range(4, 6))
    export_articles(db, tmp_path / "b.jsonl", name="b")
    export_articles(db, tmp_path / "a.jsonl", name="a")
    assert ids_in(tmp_path / "a.jsonl") == ids_in(tmp_path / "b.jsonl") == ids(range(1, 6))


def test_a_row_committed_after_a_higher_one_is_waited_for_not_skipped(
        db, conn, pg_url: str, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    with psycopg.connect(pg_url) as slow:  # a worker whose commit is late
        insert(slow, [1])  # draws seq 1, transaction left open
        insert(conn, [2])  # seq 2, committed at once
        done: list = []
        export = threading.Thread(target=lambda: done.append(export_articles(db, out)))
        export.start()
        time.sleep(0.5)
        assert export.is_alive(), "the export must wait for the open insert"
        slow.commit()
        export.join(10)
    assert done[0].written == 2 and done[0].seq == 2
    assert set(ids_in(out)) == set(ids([1, 2]))
    insert(conn, [3])
    assert export_articles(db, out).written == 1
    assert sorted(ids_in(out)) == sorted(ids([1, 2, 3]))


def test_an_insert_held_open_too_long_stops_the_export_with_nothing_moved(
        db, conn, pg_url: str, tmp_path: Path) -> None:
    insert(conn, [1])
    out = tmp_path / "all.jsonl"
    with psycopg.connect(pg_url) as slow:
        insert(slow, [2])
        with pytest.raises(StateError, match="kept an insert into the articles table open"):
            export_articles(db, out, lock_wait=0.3)
        slow.rollback()
    assert cursor_row(conn)[0] == 0 and not out.exists()
    assert export_articles(db, out).written == 1


def test_bytes_past_the_cursor_are_cut_and_written_again_once(db, conn, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    insert(conn, range(1, 11))
    export_articles(db, out, batch=4)
    insert(conn, range(11, 16))
    # What an export killed after its write and before its cursor moved leaves: whole
    # lines of rows 11 and 12 and half of row 13's.
    past = "".join(article(n).to_json() + "\n" for n in (11, 12)) + article(13).to_json()[:40]
    with out.open("a", encoding="utf-8") as fh:
        fh.write(past)
    result = export_articles(db, out)
    assert result.cut == len(past.encode()) and result.written == 5
    assert ids_in(out) == ids(range(1, 16))


def test_another_file_continues_the_cursor_after_cutting_the_old_one(
        db, conn, tmp_path: Path) -> None:
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    insert(conn, range(1, 4))
    export_articles(db, old)
    insert(conn, range(4, 6))
    with old.open("a", encoding="utf-8") as fh:
        fh.write(article(4).to_json() + "\n")  # a killed run's line, past the cursor
    export_articles(db, new)
    assert ids_in(old) == ids(range(1, 4)) and ids_in(new) == ids([4, 5])
    assert cursor_row(conn)[1:] == (file_key(new), new.stat().st_size)


def test_a_cursor_file_moved_away_starts_anew(db, conn, tmp_path: Path) -> None:
    out = tmp_path / "news.jsonl"
    insert(conn, range(1, 4))
    export_articles(db, out)
    out.rename(tmp_path / "news-1.jsonl")
    insert(conn, range(4, 6))
    export_articles(db, out)
    assert ids_in(tmp_path / "news-1.jsonl") == ids(range(1, 4))
    assert ids_in(out) == ids([4, 5])


def test_a_file_that_is_not_json_lines_is_not_appended_to(db, conn, tmp_path: Path) -> None:
    out = tmp_path / "notes.jsonl"
    out.write_text("some notes without a newline")
    insert(conn, [1])
    with pytest.raises(Exception, match="not JSON Lines records"):
        export_articles(db, out)
    assert out.read_text() == "some notes without a newline"


def test_to_a_stream_the_cursor_moves_too(db, conn) -> None:
    insert(conn, range(1, 4))
    stream = io.StringIO()
    assert export_articles(db, None, stream=stream).written == 3
    assert [line for line in stream.getvalue().splitlines()] == \
        [article(n).to_json() for n in range(1, 4)]
    assert cursor_row(conn) == (3, None, None)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_parquet_and_csv_get_a_new_file_each_run(db, conn, tmp_path: Path, fmt: str) -> None:
    insert(conn, range(1, 6))
    first = tmp_path / f"n1.{fmt}"
    assert export_articles(db, first, fmt, batch=2).written == 5
    assert [r["id"] for r in read_records(first)] == ids(range(1, 6))
    assert read_records(first)[0]["title"] == "Judul 1"
    assert cursor_row(conn) == (5, file_key(first), first.stat().st_size)
    insert(conn, range(6, 9))
    with pytest.raises(UsageError, match="exists; a named export writes each run"):
        export_articles(db, first, fmt)
    second = tmp_path / f"n2.{fmt}"
    assert export_articles(db, second, fmt).written == 3
    assert [r["id"] for r in read_records(second)] == ids(range(6, 9))
    nothing = tmp_path / f"n3.{fmt}"
    assert export_articles(db, nothing, fmt).written == 0 and not nothing.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"n1.{fmt}", f"n2.{fmt}"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_file_renamed_into_place_before_the_cursor_moved_is_counted(
        db, conn, tmp_path: Path, fmt: str) -> None:
    insert(conn, range(1, 6))
    first = tmp_path / f"n1.{fmt}"
    export_articles(db, first, fmt)
    # As a run stopped (killed, or the database away) between the rename and the move.
    conn.execute("UPDATE exports SET seq = 0, size = NULL")
    insert(conn, range(6, 8))
    second = tmp_path / f"n2.{fmt}"
    assert export_articles(db, second, fmt).written == 2
    assert [r["id"] for r in read_records(second)] == ids([6, 7])
    assert cursor_row(conn)[0] == 7


def test_since_keeps_no_cursor_and_names_the_next_seq(db, conn, tmp_path: Path) -> None:
    insert(conn, range(1, 6))
    stream = io.StringIO()
    result = export_articles(db, None, since=2, stream=stream)
    assert (result.written, result.first_seq, result.seq) == (3, 3, 5)
    assert "next time: --since 5" in result.line()
    assert len(stream.getvalue().splitlines()) == 3
    assert conn.execute("SELECT count(*) FROM exports").fetchone()[0] == 0
    out = tmp_path / "since.parquet"
    assert export_articles(db, out, "parquet", since=0).written == 5
    assert len(read_records(out)) == 5
    assert export_articles(db, tmp_path / "none.jsonl", since=5).kept


def test_one_export_per_name_at_a_time(db, conn, tmp_path: Path) -> None:
    conn.execute("SELECT pg_advisory_lock(%s, hashtext('default'))", (EXPORT_LOCK,))
    with pytest.raises(AlreadyRunning, match="another export under the name 'default'"):
        export_articles(db, tmp_path / "a.jsonl")
    export_articles(db, tmp_path / "b.jsonl", name="other")  # another name runs


def test_a_server_restart_mid_export_is_retried_and_loses_nothing(
        db, conn, pg_url: str, pg_server, tmp_path: Path, monkeypatch, caplog) -> None:
    from scraper.store.pg import export as export_module

    insert(conn, range(1, 31))
    moves = []
    real_move = export_module.Cursor.move

    def move_then_restart(self, *args) -> None:
        real_move(self, *args)
        moves.append(args)
        if len(moves) == 2:  # after the first batch is counted: every connection is cut
            pg_server.restart()

    monkeypatch.setattr(export_module.Cursor, "move", move_then_restart)
    out = tmp_path / "all.jsonl"
    assert export_articles(db, out, batch=10).written == 30
    assert ids_in(out) == ids(range(1, 31))
    assert "the database went away" in caplog.text
    with psycopg.connect(pg_url, autocommit=True) as after:
        assert cursor_row(after)[0] == 30

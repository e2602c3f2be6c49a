"""`scraper export`: the records of a shared PostgreSQL state written out, each once per
export name.

Every record a worker writes is a row of `articles` (`seq`, `record`: its JSON line).
A named export keeps a cursor row in `exports`: the last `seq` it wrote, the file it
writes into (`host:/absolute/path`, as `outputs` names a worker's file: the same path on
two machines is two files) and that file's length with every row up to `seq` in it.

JSON Lines are appended, a batch at a time: the lines are written, flushed and fsynced,
then the cursor moves (seq and size in one UPDATE). A run killed between the two leaves
lines past the cursor's size; the next run cuts the file back to that size before it
writes (as `AppendOutput` recovers `--out`), so nothing is repeated and nothing lost.
Another file name continues from the cursor: the cursor's old file is cut back first,
then the cursor names the new file (its present length) before a line goes in. A cursor
file that is gone (moved away to be read, say) is started anew under its name.

Parquet and CSV cannot be appended: each run writes the rows after the cursor into one
new file (atomically, as `open_output` writes) and refuses a file that exists. Before
writing, the cursor names the file with no size ("being written"); after the rename it
moves to the last seq, with the size. A run stopped between the rename and that move
(killed, or the database away) is finished by the next one, which finds the named file
and moves the cursor to the seq of its last record.

`--since SEQ` keeps no cursor: the rows after SEQ, written as every command writes
`--out` (replaced atomically) or to stdout; the result names the seq to pass next time.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from scraper.errors import OutputError, StateError, UsageError
from scraper.store.formats import _large_fields, open_output
from scraper.store.pg.database import Database
from scraper.summary import phrase

log = logging.getLogger("scraper")

#: The cursor `--name` names when it is not given.
DEFAULT_NAME = "default"
#: Rows written, flushed and fsynced before the cursor moves: what a kill can cost the
#: next run to cut and write again, and what memory holds (about 10 MB of records).
BATCH = 1000
#: Seconds the high-water mark waits for workers' open inserts into `articles` (their
#: own new inserts queue behind it meanwhile; a commit holds the table for milliseconds,
#: and the server cancels an autovacuum of the table in our way after deadlock_timeout).
LOCK_WAIT = 10.0
#: The first key of the advisory lock held by an export under one name (the second is
#: the name's hash). The two-key space is apart from the one-key space, where the
#: schema, run and band-key locks live.
EXPORT_LOCK = 0x5C4AE7


@dataclass
class ExportResult:
    """What one export did. `seq` is the cursor after it (named) or the seq to pass as
    `--since` next time; `first_seq`/`last_seq` the range of the rows written."""

    name: str | None
    out: str
    seq: int
    written: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    #: Bytes cut from the cursor's file that an interrupted export wrote past the cursor.
    cut: int = 0
    #: --since to a file, nothing to write: the file was left as it was.
    kept: bool = False

    def as_dict(self) -> dict[str, Any]:
        figures: dict[str, Any] = {"written": self.written, "first_seq": self.first_seq,
                                   "last_seq": self.last_seq, "out": self.out}
        if self.name is not None:
            figures.update(name=self.name, cursor=self.seq, cut=self.cut)
        else:
            figures["next_since"] = self.seq
        return figures

    def line(self) -> str:
        """The closing summary line."""
        text = f"export: {phrase(self.written, 'written')}"
        if self.written:
            text += f" (seq {self.first_seq}-{self.last_seq}) to {self.out}"
        if self.name is not None:
            return f"{text}; cursor {self.name!r} at seq {self.seq}"
        return f"{text}; next time: --since {self.seq}"


def export_articles(db: Database, out: Path | None, fmt: str = "jsonl", *,
                    name: str = DEFAULT_NAME, since: int | None = None, batch: int = BATCH,
                    lock_wait: float = LOCK_WAIT, stream: TextIO | None = None) -> ExportResult:
    """Write the articles not yet exported under `name` to `out` (None: `stream`, else
    stdout) in `fmt` ("jsonl", "parquet", "csv"), and move the cursor (module doc); with
    `since`, the articles after that seq and no cursor. `db`'s schema must be migrated."""
    if since is not None:
        return _export_since(db, out, fmt, since, batch, lock_wait, stream)
    with _exclusive(db, name):
        cursor = Cursor.load(db, name)
        cut = _recover(db, cursor)
        if fmt == "jsonl":
            result = _append(db, cursor, out, batch, lock_wait, stream)
        else:
            result = _whole(db, cursor, out, fmt, batch, lock_wait, stream)
        result.cut = cut
        return result


def high_water(db: Database, lock_wait: float = LOCK_WAIT) -> int:
    """The highest `seq` below which every row of `articles` that will ever exist is
    committed now (0: none)."""
    psycopg = db._psycopg  # imported once, by Database

    # Rows commit out of seq order: a worker takes seq 7, another takes 8 and commits
    # first. An export that read max(seq) = 8 then would move its cursor past 7, whose
    # row commits a moment later and is never written. SHARE mode conflicts with the
    # ROW EXCLUSIVE lock every INSERT takes on the table before its default draws the
    # next seq, so LOCK waits until each transaction that drew a seq has committed or
    # rolled back; every seq up to max(seq) is then settled, and an insert after the
    # lock draws a higher one (the sequence hands out values in order: CACHE 1, the
    # BIGSERIAL default). Inserts wait behind the lock only for this one statement.
    def work(conn) -> int:
        conn.execute("SELECT set_config('lock_timeout', %s, true)",
                     (f"{max(int(lock_wait * 1000), 1)}ms",))
        try:
            conn.execute("LOCK TABLE articles IN SHARE MODE")
        except psycopg.errors.LockNotAvailable:
            raise _Busy() from None
        return int(conn.execute("SELECT coalesce(max(seq), 0) FROM articles").fetchone()[0])

    try:
        return db.transaction("read how far the articles are committed", work)
    except _Busy:
        raise StateError(f"{db.name}: a worker kept an insert into the articles table open "
                         f"for over {lock_wait:g} s, so how far they are committed is not "
                         "known; nothing was exported (try again)") from None


class _Busy(Exception):
    """The high-water mark's lock was not granted within its wait."""


def _batches(db: Database, after: int, upto: int, size: int) -> Iterator[list[tuple[int, str]]]:
    """The rows with `after` < seq <= `upto`, in seq order, `size` at a time."""
    while after < upto:
        rows = db.rows("SELECT seq, record FROM articles WHERE seq > %s AND seq <= %s "
                       "ORDER BY seq LIMIT %s", (after, upto, size), doing="read the articles")
        if not rows:
            return
        yield rows
        after = rows[-1][0]


class StoredRecord:
    """A record as the articles table keeps it (`Article.to_json()`'s line, ours or another
    tool's): written as it is to JSON Lines, read into a dict for Parquet and CSV columns
    (the writers take any object with `to_json` and `to_dict`)."""

    __slots__ = ("line",)

    def __init__(self, line: str) -> None:
        self.line = line

    def to_json(self) -> str:
        return self.line

    def to_dict(self) -> dict[str, Any]:
        return json.loads(self.line)


# --- the cursor ---

@dataclass
class Cursor:
    """One row of `exports`. `path` and `size`: the JSON Lines file being appended and
    its length with every row up to `seq` in it (or a Parquet/CSV file written whole);
    `path` without `size`: a Parquet or CSV file being written, holding the rows after
    `seq` once it exists; no `path`: nothing written yet, or to stdout."""

    name: str
    seq: int
    path: str | None
    size: int | None

    @classmethod
    def load(cls, db: Database, name: str) -> Cursor:
        """The cursor of `name` (a new one at seq 0 when there is none)."""
        def work(conn):
            conn.execute("INSERT INTO exports (name, seq) VALUES (%s, 0) "
                         "ON CONFLICT (name) DO NOTHING", (name,))
            return conn.execute("SELECT seq, path, size FROM exports WHERE name = %s",
                                (name,)).fetchone()
        seq, path, size = db.transaction("read the export cursor", work)
        return cls(name, int(seq), path, None if size is None else int(size))

    def file(self) -> Path | None:
        """The cursor's file when it is on this host."""
        if self.path is None:
            return None
        host, _, path = self.path.partition(":")
        return Path(path) if host == socket.gethostname() else None

    def move(self, db: Database, seq: int, path: str | None, size: int | None) -> None:
        """Set the cursor, if no one else moved it since it was read (the advisory lock
        keeps other exports out; this catches one that ran while a lost connection had
        dropped it). Setting it again to what it already is passes: a retried UPDATE
        whose first answer was lost."""
        row = db.rows(
            "UPDATE exports SET seq = %(seq)s, path = %(path)s, size = %(size)s, "
            "updated_at = now() WHERE name = %(name)s AND (seq = %(old)s OR (seq = %(seq)s "
            "AND path IS NOT DISTINCT FROM %(path)s AND size IS NOT DISTINCT FROM %(size)s)) "
            "RETURNING seq", {"seq": seq, "path": path, "size": size, "name": self.name,
                              "old": self.seq}, doing="move the export cursor")
        if not row:
            raise StateError(f"{db.name}: another export under the name {self.name!r} moved "
                             "its cursor meanwhile; stopped (what this one wrote past the "
                             "cursor is cut by the next run)")
        self.seq, self.path, self.size = seq, path, size


def file_key(path: Path) -> str:
    """How the cursor names a file: host and absolute path."""
    return f"{socket.gethostname()}:{path.resolve()}"


def _exclusive(db: Database, name: str):
    """One export under `name` at a time, over every host."""
    return db.exclusive(EXPORT_LOCK, name, f"another export under the name {name!r} is running")


def _recover(db: Database, cursor: Cursor) -> int:
    """Put right what an interrupted export under this cursor left: a JSON Lines file
    longer than the cursor's size is cut back to it, a Parquet or CSV file written but
    not yet counted moves the cursor past its rows. Returns the bytes cut."""
    path = cursor.file()
    if path is None or not path.is_file():
        return 0  # elsewhere, or a file never renamed into place: nothing was written
    if cursor.size is None:
        _count_whole_file(db, cursor, path)
        return 0
    size = path.stat().st_size
    if size <= cursor.size or not _is_jsonl(path):
        return 0  # a Parquet or CSV file written whole is never appended to, never cut
    try:
        with path.open("r+b") as fh:
            fh.truncate(cursor.size)
            os.fsync(fh.fileno())
    except OSError as exc:
        raise OutputError(f"{path}: cannot cut what an interrupted export wrote past its "
                          f"cursor: {exc.strerror or exc}") from exc
    log.warning("%s: cut %d bytes an interrupted export wrote past the cursor %r "
                "(their records are written again)", path, size - cursor.size, cursor.name)
    return size - cursor.size


def _is_jsonl(path: Path) -> bool:
    """Does the file start as our JSON Lines do (Parquet starts with PAR1, CSV with its
    header)?"""
    with path.open("rb") as fh:
        return fh.read(1) == b"{"


def _count_whole_file(db: Database, cursor: Cursor, path: Path) -> None:
    """A Parquet or CSV file an export renamed into place without moving the cursor:
    move it to the seq of the file's last record (the rows were written in seq order)."""
    last = _last_id(path)
    seq = db.one("SELECT seq FROM articles WHERE id = %s", (last,),
                 doing="read the articles") if last is not None else None
    if seq is None:
        raise StateError(f"{path}: the export {cursor.name!r} was writing this file when it "
                         "stopped, and its last record is not in the articles table; move "
                         "the file away if it is not the export's and run again")
    cursor.move(db, int(seq), cursor.path, path.stat().st_size)
    log.warning("%s: written by an export stopped before its cursor moved: cursor %r now "
                "at seq %d", path, cursor.name, seq)


def _last_id(path: Path) -> str | None:
    """The `id` of the last record of a Parquet or CSV file."""
    try:
        with path.open("rb") as fh:
            parquet = fh.read(4) == b"PAR1"
        if parquet:
            import pyarrow.parquet as pq

            parquet_file = pq.ParquetFile(path)
            if parquet_file.metadata.num_rows == 0:
                return None
            group = parquet_file.read_row_group(parquet_file.num_row_groups - 1,
                                                columns=["id"])
            return group.column("id")[-1].as_py()
        last = None
        with path.open(encoding="utf-8", newline="") as fh, _large_fields():
            for row in csv.DictReader(fh):
                last = row.get("id")
        return last
    except Exception as exc:  # any unreadable file is the same news
        raise OutputError(f"{path}: the export was writing this file when it stopped, and "
                          f"it cannot be read back ({exc}); move it away and run again") \
            from exc


# --- JSON Lines, appended ---

def _append(db: Database, cursor: Cursor, out: Path | None, batch: int, lock_wait: float,
            stream: TextIO | None) -> ExportResult:
    """Append the rows after the cursor to `out` (or write them to the stream), moving
    the cursor after each fsynced batch."""
    if out is None:
        if cursor.path is not None:
            cursor.move(db, cursor.seq, None, None)
        return _to_stream(db, cursor, stream or sys.stdout, batch, lock_wait)
    key, size = _adopt(db, cursor, out)
    result = ExportResult(cursor.name, str(out), cursor.seq)
    upto = high_water(db, lock_wait)
    fh = None  # opened at the first batch: nothing new, no new file
    try:
        for rows in _batches(db, cursor.seq, upto, batch):
            data = "".join(record + "\n" for _, record in rows).encode("utf-8")
            fh = fh or _open_append(out)
            try:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as exc:
                raise OutputError(f"{out}: cannot write: {exc.strerror or exc}") from exc
            size += len(data)
            # The lines are on disk before the cursor counts them. No cut on an error
            # here: the UPDATE may have landed with its answer lost, and only the next
            # run, reading the cursor, knows which.
            cursor.move(db, rows[-1][0], key, size)
            _count(result, rows)
    finally:
        if fh is not None:
            fh.close()
    result.seq = cursor.seq
    return result


def _adopt(db: Database, cursor: Cursor, out: Path) -> tuple[str, int]:
    """Make `out` the cursor's file at its present length (it continues from the cursor)
    before a line goes in; returns its key and length."""
    if out.exists() and not out.is_file():
        raise UsageError(f"{out}: a named export appends to a regular file (its length is "
                         "what the cursor remembers); write to stdout (no --out) to pipe")
    if not out.parent.is_dir():
        raise OutputError(f"{out}: folder {out.parent} does not exist")
    key = file_key(out)
    size = out.stat().st_size if out.exists() else 0
    if size:
        with out.open("rb") as fh:
            first = fh.read(1)
            fh.seek(size - 1)
            if first != b"{" or fh.read(1) != b"\n":
                raise OutputError(f"{out}: not JSON Lines records ending with a whole line; "
                                  "not appending to it")
    if key == cursor.path and cursor.size is not None and size != cursor.size:
        if size:
            log.warning("%s: %d bytes, shorter than the %d the cursor %r counted (cut or "
                        "replaced?): appending after its end", out, size, cursor.size,
                        cursor.name)
        else:
            log.info("%s: not there (moved away?): a new file, continuing the cursor %r",
                     out, cursor.name)
    if (key, size) != (cursor.path, cursor.size):
        cursor.move(db, cursor.seq, key, size)
    return key, size


def _open_append(out: Path) -> BinaryIO:
    """`out` opened for appending bytes; a new file's folder entry is fsynced too."""
    new = not out.exists()
    try:
        fh = out.open("ab")
        if new:
            folder = os.open(out.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write: {exc.strerror or exc}") from exc
    return fh


def _to_stream(db: Database, cursor: Cursor, stream: TextIO, batch: int,
               lock_wait: float) -> ExportResult:
    """Write the rows after the cursor to a pipe, moving the cursor after each batch is
    flushed to it (a pipe cannot be cut back: a kill between the two repeats the batch)."""
    result = ExportResult(cursor.name, "stdout", cursor.seq)
    upto = high_water(db, lock_wait)
    for rows in _batches(db, cursor.seq, upto, batch):
        try:
            stream.write("".join(record + "\n" for _, record in rows))
            stream.flush()
        except OSError as exc:
            raise OutputError(f"stdout: cannot write: {exc.strerror or exc}") from exc
        cursor.move(db, rows[-1][0], None, None)
        _count(result, rows)
    result.seq = cursor.seq
    return result


def _count(result: ExportResult, rows: list[tuple[int, str]]) -> None:
    result.written += len(rows)
    result.first_seq = result.first_seq if result.first_seq is not None else rows[0][0]
    result.last_seq = rows[-1][0]


# --- Parquet and CSV, a new file each run ---

def _whole(db: Database, cursor: Cursor, out: Path | None, fmt: str, batch: int,
           lock_wait: float, stream: TextIO | None) -> ExportResult:
    """Write the rows after the cursor into one new file, atomically; the cursor moves
    once it is renamed into place."""
    if out is not None and os.path.lexists(out):
        raise UsageError(f"{out}: exists; a named export writes each run's {fmt} records "
                         "into a new file (the records before are in the earlier files): "
                         "give a new name (news-$(date +%Y%m%d%H%M).parquet, say), or JSON "
                         "Lines to append to one file")
    result = ExportResult(cursor.name, str(out) if out is not None else "stdout", cursor.seq)
    upto = high_water(db, lock_wait)
    if upto <= cursor.seq:
        return result  # nothing new: no file
    key = file_key(out) if out is not None else None
    cursor.move(db, cursor.seq, key, None)  # being written: see _recover
    with open_output(out, fmt, stream=stream) as sink:
        for rows in _batches(db, cursor.seq, upto, batch):
            for _, record in rows:
                sink.write(StoredRecord(record))  # type: ignore[arg-type]
            _count(result, rows)
    if result.last_seq is not None:
        cursor.move(db, result.last_seq, key, out.stat().st_size if out is not None else None)
    result.seq = cursor.seq
    return result


# --- --since: no cursor ---

def _export_since(db: Database, out: Path | None, fmt: str, since: int, batch: int,
                  lock_wait: float, stream: TextIO | None) -> ExportResult:
    """The rows after `since`, written as any command writes records (no cursor)."""
    result = ExportResult(None, str(out) if out is not None else "stdout", since)
    upto = high_water(db, lock_wait)
    with open_output(out, fmt, stream=stream) as sink:
        for rows in _batches(db, since, upto, batch):
            for _, record in rows:
                sink.write(StoredRecord(record))  # type: ignore[arg-type]
            _count(result, rows)
    result.kept = getattr(sink, "kept", False)
    result.seq = max(since, upto)
    return result

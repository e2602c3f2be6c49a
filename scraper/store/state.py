"""The run state: one SQLite file (WAL) in the `--state` folder.

It keeps what cron runs need to pick up only what is new: HTTP validators and outcomes of
fetched URLs, article URLs that failed (in how many runs, and from which run on they are
tried again), the number of crawl runs, the duplicate index (canonical URL and text
hashes, MinHash signatures, LSH band keys in an indexed table, so a lookup reads a few
rows, never the whole index), and how far each output file was written when the state
was last committed.

`State` is a `DedupStore`: `scraper.dedup.DuplicateIndex` runs on it unchanged.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np
import xxhash

from scraper.dedup.index import Entry
from scraper.dedup.minhash import SignatureParams
from scraper.errors import ConfigError, InputError

STATE_FILE = "state.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fetched (
    url TEXT PRIMARY KEY, status INTEGER, etag TEXT, last_modified TEXT, fetched_at REAL);
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY, record_id TEXT NOT NULL, url64 INTEGER, hash64 INTEGER,
    size INTEGER, sig BLOB);
CREATE INDEX IF NOT EXISTS docs_url ON docs (url64);
CREATE INDEX IF NOT EXISTS docs_hash ON docs (hash64);
CREATE TABLE IF NOT EXISTS bands (key INTEGER, doc INTEGER, PRIMARY KEY (key, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outputs (path TEXT PRIMARY KEY, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS failures (
    url TEXT PRIMARY KEY, runs INTEGER NOT NULL, retry_at INTEGER NOT NULL, reason TEXT);
"""


@dataclass(frozen=True, slots=True)
class Failure:
    """An article URL that failed: in how many runs, from which run on it is tried again,
    and the last reason."""

    runs: int
    retry_at: int
    reason: str | None


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a URL last time, for a conditional GET."""

    status: int | None
    etag: str | None
    last_modified: str | None


def _key64(text: str) -> int:
    """A signed 64-bit key for a URL or a hash: half the bytes of the text in the index."""
    return xxhash.xxh3_64_intdigest(text.encode("utf-8")) - (1 << 63)


class State:
    """The state folder's database. Changes are grouped until `commit`."""

    def __init__(self, folder: Path, conn: sqlite3.Connection, params: SignatureParams) -> None:
        self.folder = folder
        self.params = params
        self._db = conn

    @classmethod
    def open(cls, folder: Path, params: SignatureParams | None = None) -> State:
        """Open (creating if needed) the state in `folder`. An index made with other
        signature settings is refused: its signatures cannot be compared with new ones."""
        params = params or SignatureParams()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(folder / STATE_FILE, isolation_level="DEFERRED",
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit survives the process being killed (the WAL is in the OS);
            # only a power cut can drop the last commits, and the output recovery below
            # rolls those forward from the output file.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{folder}: cannot open the state: {exc}") from exc
        row = conn.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        if row is None:
            conn.execute("INSERT INTO meta VALUES ('signature', ?)", (params.describe(),))
            conn.commit()
        elif row[0] != params.describe():
            conn.close()
            raise ConfigError(f"{folder}: the index was built with {row[0]}, not "
                              f"{params.describe()}; use another --state folder")
        return cls(folder, conn, params)

    def __enter__(self) -> State:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close without committing: what was not committed is rolled back."""
        self._db.close()

    def commit(self) -> None:
        """Make every change since the last commit durable, at once."""
        self._db.commit()

    # --- the duplicate index (DedupStore) ---

    def owner_of_url(self, url_key: str) -> str | None:
        return self._one("SELECT record_id FROM docs WHERE url64 = ? LIMIT 1", _key64(url_key))

    def owner_of_hash(self, content_hash: str) -> str | None:
        return self._one("SELECT record_id FROM docs WHERE hash64 = ? LIMIT 1",
                         _key64(content_hash))

    def candidates(self, bands: list[int]) -> Iterable[tuple[str, np.ndarray, int]]:
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self._db.execute(
            f"SELECT record_id, sig, size FROM docs WHERE id IN "
            f"(SELECT DISTINCT doc FROM bands WHERE key IN ({marks}))", bands).fetchall()
        return [(rid, np.frombuffer(sig, dtype=np.uint32), size) for rid, sig, size in rows]

    def add(self, entry: Entry) -> None:
        sig = entry.signature.astype(np.uint32).tobytes() if entry.signature is not None else None
        cur = self._db.execute(
            "INSERT INTO docs (record_id, url64, hash64, size, sig) VALUES (?, ?, ?, ?, ?)",
            (entry.record_id, _key64(entry.url_key) if entry.url_key else None,
             _key64(entry.content_hash) if entry.content_hash else None, entry.size, sig))
        if entry.bands:
            self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                                 [(key, cur.lastrowid) for key in entry.bands])

    def documents(self) -> int:
        """How many records the index holds."""
        return int(self._one("SELECT count(*) FROM docs") or 0)

    # --- fetched URLs ---

    def validators(self, url: str) -> Validators | None:
        """What the last fetch of `url` returned, or None when it was never fetched."""
        row = self._db.execute("SELECT status, etag, last_modified FROM fetched WHERE url = ?",
                               (url,)).fetchone()
        return Validators(*row) if row else None

    def record_fetch(self, url: str, status: int | None, etag: str | None,
                     last_modified: str | None) -> None:
        """Remember a fetch outcome (validators are kept from before on a 304)."""
        self._db.execute(
            "INSERT INTO fetched VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
            "status = excluded.status, fetched_at = excluded.fetched_at, "
            "etag = coalesce(excluded.etag, etag), "
            "last_modified = coalesce(excluded.last_modified, last_modified)",
            (url, status, etag, last_modified, time.time()))

    # --- crawl runs and URLs that keep failing ---

    def start_run(self) -> int:
        """Count a new crawl run and return its number (1 for the first), committed."""
        number = int(self._one("SELECT value FROM meta WHERE key = 'runs'") or 0) + 1
        self._db.execute("INSERT INTO meta VALUES ('runs', ?) ON CONFLICT (key) DO UPDATE "
                         "SET value = excluded.value", (str(number),))
        self._db.commit()
        return number

    def failure(self, url: str) -> Failure | None:
        """How often `url` failed in earlier runs, or None when it has not (since its
        last success)."""
        row = self._db.execute("SELECT runs, retry_at, reason FROM failures WHERE url = ?",
                               (url,)).fetchone()
        return Failure(*row) if row else None

    def record_failure(self, url: str, reason: str, run: int) -> Failure:
        """Count a failed run for `url`: after the n-th, it is tried again 2**(n-1) runs
        later (the next run, then after 2, 4, ...)."""
        known = self.failure(url)
        runs = (known.runs if known else 0) + 1
        failure = Failure(runs, run + 2 ** (runs - 1), reason)
        self._db.execute("INSERT INTO failures VALUES (?, ?, ?, ?) ON CONFLICT (url) DO UPDATE "
                         "SET runs = excluded.runs, retry_at = excluded.retry_at, "
                         "reason = excluded.reason", (url, *dataclasses.astuple(failure)))
        return failure

    def clear_failure(self, url: str) -> None:
        """Forget `url`'s failures (it succeeded, or was given up)."""
        self._db.execute("DELETE FROM failures WHERE url = ?", (url,))

    # --- output positions ---

    def output_size(self, path: Path) -> int | None:
        """How many bytes of `path` were written when the state was last committed."""
        value = self._one("SELECT size FROM outputs WHERE path = ?", str(path.resolve()))
        return None if value is None else int(value)

    def set_output_size(self, path: Path, size: int) -> None:
        self._db.execute("INSERT INTO outputs VALUES (?, ?) ON CONFLICT (path) DO UPDATE "
                         "SET size = excluded.size", (str(path.resolve()), size))

    def _one(self, sql: str, *args: object) -> object | None:
        row = self._db.execute(sql, args).fetchone()
        return row[0] if row else None

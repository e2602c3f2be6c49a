"""The run state: one SQLite file (WAL) in the `--state` folder.

It keeps what cron runs need to pick up only what is new: HTTP validators and outcomes of
fetched URLs, article URLs that failed (in how many runs, and from which run on they are
tried again), the number of crawl runs, the duplicate index (canonical URL and text
hashes, MinHash signatures, LSH band keys in an indexed table, so a lookup reads a few
rows, never the whole index), how far each output file was written when the state
was last committed, and for each site found by discovery, from when its sources are
read (its horizon) and which of the usual source paths exist on it.

`State` is a `DedupStore`: `scraper.dedup.DuplicateIndex` runs on it unchanged.

The interface a run needs (`RunState` below) is small, and each method says when it is
durable: `start_run` commits at once; every `stage_*` change and `add` is durable only
at the next `commit`, all of them together with the output's position (one SQLite
transaction), so a kill between two commits loses them all or none. A server back-end
implements the same methods.
"""

from __future__ import annotations

import dataclasses
import shlex
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from pathlib import Path
from types import TracebackType

import numpy as np
import xxhash

from scraper.dedup.index import DedupStore, Entry
from scraper.dedup.minhash import SignatureParams
from scraper.errors import ConfigError, StateError
from scraper.record import Article

if TYPE_CHECKING:
    from scraper.fetch.client import RobotsCache
    from scraper.fetch.politeness import HostGate
    from scraper.settings import FetchSettings

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
CREATE TABLE IF NOT EXISTS sites (host TEXT PRIMARY KEY, horizon REAL NOT NULL);
CREATE TABLE IF NOT EXISTS corpus_files (
    name TEXT PRIMARY KEY, offset INTEGER NOT NULL, done INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS probes (
    host TEXT NOT NULL, path TEXT NOT NULL, found INTEGER NOT NULL, PRIMARY KEY (host, path));
"""


@dataclass(frozen=True, slots=True)
class Failure:
    """An article URL that failed: in how many runs, from which run on it is tried again,
    and the last reason."""

    runs: int
    retry_at: int
    reason: str | None


def next_failure(known: Failure | None, reason: str, run: int) -> Failure:
    """A URL's failures after one more in `run`: after the n-th it waits 2**(n-1) runs
    (tried in the next run, then after 2, 4, ...)."""
    runs = (known.runs if known else 0) + 1
    return Failure(runs, run + 2 ** (runs - 1), reason)


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a URL last time, for a conditional GET."""

    status: int | None
    etag: str | None
    last_modified: str | None


class RunState(DedupStore, Protocol):
    """What a run needs from its state: the fetch log (by the one URL key,
    `scraper.dedup.url_key`), back-off of failing URLs, the output log, and the dedup
    store (`owner_of_url`, `owner_of_hash`, `candidates`, `add`)."""

    def start_run(self) -> int:
        """Count a new run and return its number; durable at once."""
    def last_fetch(self, key: str) -> Validators | None:
        """The fetch log's entry for `key` (committed or staged), or None: never fetched."""
    def failure(self, key: str) -> Failure | None:
        """How `key` failed in earlier runs, or None."""
    def output_size(self, path: Path) -> int | None:
        """How many bytes of `path` the state had seen at its last commit."""
    def stage_fetch(self, key: str, validators: Validators) -> None:
        """Log `key` as done: fetched (validators kept from before where these have
        none), its failures forgotten."""
    def stage_failure(self, key: str, reason: str, run: int) -> Failure:
        """Count a failed run for `key`; returns its failures so far."""
    def commit(self, output: tuple[Path, int] | None = None) -> None:
        """Make every staged change durable, with `output`'s (path, size), atomically."""
    def horizon(self, host: str) -> float | None:
        """The POSIX time from which discovered sources of `host` are crawled, or None:
        the site's first run."""
    def stage_horizon(self, host: str, when: float) -> None:
        """Move `host`'s horizon (after a run that handled all of the site)."""
    def probes(self, host: str) -> dict[str, bool]:
        """Usual source paths tried on `host` in earlier runs: path -> it exists."""
    def stage_probes(self, host: str, found: dict[str, bool]) -> None:
        """Remember usual paths tried on `host`."""
    def corpus_file(self, name: str) -> tuple[int, bool] | None:
        """(offset read to, read to the end) of a corpus file, or None: never started."""
    def frontier(self) -> object | None:
        """The run's frontier when workers share it (a server back-end, after
        `start_run`), else None: the run keeps its own in memory."""
    def politeness(self, settings: FetchSettings) -> tuple[HostGate, RobotsCache] | None:
        """The per-host gate and robots.txt cache workers share, or None: the fetcher's
        own."""
    def stage_record(self, article: Article) -> None:
        """Keep a record that was written (a shared back-end's articles table; a no-op
        where the records are in the run's own output only)."""
    def stage_corpus_file(self, name: str, offset: int, done: bool = False) -> None:
        """Note how far a corpus file was read."""


def _incompatible(folder: Path, built: str, wanted: str, outputs: list[str]) -> str:
    """Why an index made another way is refused, and how to rebuild one from the records
    it holds (the outputs its runs wrote)."""
    records = " ".join(shlex.quote(path) for path in outputs) or "RECORDS.jsonl"
    return (f"{folder}: the index was built with {built}, not {wanted}, and the two "
            f"signatures cannot be compared; use another --state folder (to carry over what "
            f"this one indexed, rebuild the index in the new folder from the records: "
            f"scraper dedup {records} --state NEW_FOLDER > /dev/null)")


def key64(text: str) -> int:
    """A signed 64-bit key for a URL or a hash: half the bytes of the text in the index."""
    return xxhash.xxh3_64_intdigest(text.encode("utf-8")) - (1 << 63)


class State:
    """The state folder's SQLite database (one connection): a `RunState` and a
    `DedupStore`. Changes are staged until `commit`."""

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
            row = conn.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        except (OSError, sqlite3.Error) as exc:
            raise StateError(f"{folder}: cannot open the state: {exc}") from exc
        if row is None:
            try:
                conn.execute("INSERT INTO meta VALUES ('signature', ?)", (params.describe(),))
                conn.commit()
            except sqlite3.Error as exc:
                conn.close()
                raise StateError(f"{folder}: cannot write the state: {exc}") from exc
        elif row[0] != params.describe():
            outputs = [path for (path,) in conn.execute("SELECT path FROM outputs ORDER BY path")]
            conn.close()
            raise ConfigError(_incompatible(folder, row[0], params.describe(), outputs))
        return cls(folder, conn, params)

    def __enter__(self) -> State:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close without committing: what was not committed is rolled back."""
        self._db.close()

    def commit(self, output: tuple[Path, int] | None = None) -> None:
        """Make every change staged since the last commit durable, together with how far
        `output` (path, size) was written, in one transaction."""
        with self._errors("commit"):
            if output is not None:
                path, size = output
                self._db.execute("INSERT INTO outputs VALUES (?, ?) ON CONFLICT (path) DO "
                                 "UPDATE SET size = excluded.size", (str(path.resolve()), size))
            self._db.commit()

    # --- the duplicate index (DedupStore) ---

    def owner_of_url(self, url_key: str) -> str | None:
        return self._one("SELECT record_id FROM docs WHERE url64 = ? LIMIT 1", key64(url_key))

    def owner_of_hash(self, content_hash: str) -> str | None:
        return self._one("SELECT record_id FROM docs WHERE hash64 = ? LIMIT 1",
                         key64(content_hash))

    def candidates(self, bands: list[int]) -> Iterable[tuple[str, np.ndarray, int]]:
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        with self._errors("read"):
            rows = self._db.execute(
                f"SELECT record_id, sig, size FROM docs WHERE id IN "
                f"(SELECT DISTINCT doc FROM bands WHERE key IN ({marks}))", bands).fetchall()
        return [(rid, np.frombuffer(sig, dtype=np.uint32), size) for rid, sig, size in rows]

    def reserve(self, url_key: str | None, content_hash: str | None, bands: list[int]) -> None:
        """Nothing to hold: one run at a time uses a state folder (its lock)."""

    def stage_record(self, article) -> None:
        """Nothing to keep: the records are in the run's --out file."""

    def frontier(self) -> None:
        """None: one run at a time, its frontier in memory."""
        return None

    def politeness(self, settings) -> None:
        """None: the fetcher's own gate and robots.txt cache serve the only run."""
        return None

    def add(self, entry: Entry) -> None:
        """Stage a record in the index (durable at the next commit)."""
        sig = entry.signature.astype(np.uint32).tobytes() if entry.signature is not None else None
        with self._errors("write"):
            cur = self._db.execute(
                "INSERT INTO docs (record_id, url64, hash64, size, sig) VALUES (?, ?, ?, ?, ?)",
                (entry.record_id, key64(entry.url_key) if entry.url_key else None,
                 key64(entry.content_hash) if entry.content_hash else None, entry.size, sig))
            if entry.bands:
                self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?)",
                                     [(key, cur.lastrowid) for key in entry.bands])

    def documents(self) -> int:
        """How many records the index holds."""
        return int(self._one("SELECT count(*) FROM docs") or 0)

    # --- the fetch log ---

    def last_fetch(self, key: str) -> Validators | None:
        """What the last fetch of the URL with this key returned, or None when it was
        never fetched."""
        with self._errors("read"):
            row = self._db.execute("SELECT status, etag, last_modified FROM fetched "
                                   "WHERE url = ?", (key,)).fetchone()
        return Validators(*row) if row else None

    def stage_fetch(self, key: str, validators: Validators) -> None:
        """Log the URL as done: fetched (validators are kept from before where these have
        none, as on a 304), its failures forgotten (it succeeded, was refused by policy,
        or was given up). Durable at the next commit."""
        with self._errors("write"):
            self._db.execute(
                "INSERT INTO fetched VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                "status = excluded.status, fetched_at = excluded.fetched_at, "
                "etag = coalesce(excluded.etag, etag), "
                "last_modified = coalesce(excluded.last_modified, last_modified)",
                (key, validators.status, validators.etag, validators.last_modified,
                 time.time()))
            self._db.execute("DELETE FROM failures WHERE url = ?", (key,))

    # --- crawl runs and URLs that keep failing ---

    def start_run(self) -> int:
        """Count a new crawl run and return its number (1 for the first), committed."""
        with self._errors("write"):
            number = int(self._one("SELECT value FROM meta WHERE key = 'runs'") or 0) + 1
            self._db.execute("INSERT INTO meta VALUES ('runs', ?) ON CONFLICT (key) DO UPDATE "
                             "SET value = excluded.value", (str(number),))
            self._db.commit()
        return number

    def failure(self, key: str) -> Failure | None:
        """How often the URL failed in earlier runs, or None when it has not (since its
        last success)."""
        with self._errors("read"):
            row = self._db.execute("SELECT runs, retry_at, reason FROM failures WHERE url = ?",
                                   (key,)).fetchone()
        return Failure(*row) if row else None

    def stage_failure(self, key: str, reason: str, run: int) -> Failure:
        """Count a failed run for the URL: after the n-th, it is tried again 2**(n-1) runs
        later (the next run, then after 2, 4, ...). Durable at the next commit."""
        failure = next_failure(self.failure(key), reason, run)
        with self._errors("write"):
            self._db.execute("INSERT INTO failures VALUES (?, ?, ?, ?) ON CONFLICT (url) DO "
                             "UPDATE SET runs = excluded.runs, retry_at = excluded.retry_at, "
                             "reason = excluded.reason", (key, *dataclasses.astuple(failure)))
        return failure

    # --- sites found by discovery ---

    def horizon(self, host: str) -> float | None:
        """From when (POSIX time) the discovered sources of `host` are crawled; None
        before the site's first run."""
        value = self._one("SELECT horizon FROM sites WHERE host = ?", host)
        return None if value is None else float(value)

    def stage_horizon(self, host: str, when: float) -> None:
        """Move the site's horizon; durable at the next commit."""
        with self._errors("write"):
            self._db.execute("INSERT INTO sites VALUES (?, ?) ON CONFLICT (host) DO UPDATE "
                             "SET horizon = excluded.horizon", (host, when))

    def probes(self, host: str) -> dict[str, bool]:
        """The usual source paths tried on `host` before: path -> it exists."""
        with self._errors("read"):
            rows = self._db.execute("SELECT path, found FROM probes WHERE host = ?",
                                    (host,)).fetchall()
        return {path: bool(found) for path, found in rows}

    def stage_probes(self, host: str, found: dict[str, bool]) -> None:
        """Remember the usual paths tried on `host`; durable at the next commit."""
        with self._errors("write"):
            self._db.executemany("INSERT INTO probes VALUES (?, ?, ?) ON CONFLICT (host, path) "
                                 "DO UPDATE SET found = excluded.found",
                                 [(host, path, int(hit)) for path, hit in found.items()])

    # --- corpus files read in batch (CC-NEWS WARC files) ---

    def corpus_file(self, name: str) -> tuple[int, bool] | None:
        """How far the corpus file `name` was read (the offset of the last record whose
        outcome was committed) and whether it was read to its end; None: never started."""
        with self._errors("read"):
            row = self._db.execute("SELECT offset, done FROM corpus_files WHERE name = ?",
                                   (name,)).fetchone()
        return (int(row[0]), bool(row[1])) if row else None

    def stage_corpus_file(self, name: str, offset: int, done: bool = False) -> None:
        """Note how far `name` was read; durable at the next commit, with the records
        read up to there."""
        with self._errors("write"):
            self._db.execute("INSERT INTO corpus_files VALUES (?, ?, ?) ON CONFLICT (name) DO "
                             "UPDATE SET offset = excluded.offset, done = excluded.done",
                             (name, offset, int(done)))

    # --- output positions ---

    def output_size(self, path: Path) -> int | None:
        """How many bytes of `path` were written when the state was last committed."""
        value = self._one("SELECT size FROM outputs WHERE path = ?", str(path.resolve()))
        return None if value is None else int(value)

    def _one(self, sql: str, *args: object) -> object | None:
        with self._errors("read"):
            row = self._db.execute(sql, args).fetchone()
        return row[0] if row else None

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """SQLite's errors (disk full, a locked or corrupt file) as StateError."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StateError(f"{self.folder}: cannot {doing} the state: {exc}") from exc

"""The run state on a PostgreSQL database that several workers (processes, machines)
share: the same `RunState` and `DedupStore` as the SQLite state, plus the records
themselves (`stage_record`, the `articles` table).

Staged changes are kept in this process (statements and an overlay that lookups read
first) until `commit`, which runs them in one transaction: a connection lost mid-run
loses nothing committed and nothing half-written, and the commit is replayed on a new
connection (every statement is an idempotent upsert, so a commit whose answer was lost
can run twice).

Two workers must not accept two copies of one story at once. Before a record is checked,
`reserve` opens its transaction and takes transaction-level advisory locks on its keys
(URL key, text hash, LSH band keys), in sorted order: two near duplicates share a band key,
so the second waits until the first is committed, then finds it. The locks go with the
commit.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from scraper.dedup.index import Entry
from scraper.dedup.minhash import SignatureParams
from scraper.errors import ConfigError, StateError
from scraper.record import Article
from scraper.settings import FetchSettings, StateSettings
from scraper.store.pg.database import Database, StateUnavailable
from scraper.store.pg.frontier import RUNS_LOCK, SharedFrontier
from scraper.store.pg.hosts import SharedGate, SharedRobots
from scraper.store.state import Failure, Validators, key64, next_failure

log = logging.getLogger("scraper")


#: The first key of the advisory lock on one worker's --out file (the second: its hash).
OUTPUT_LOCK = 0x5C4A07


def worker_name() -> str:
    """This worker's name in the shared tables: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


class PgState:
    """A `RunState` and `DedupStore` on a shared PostgreSQL database."""

    def __init__(self, db: Database, params: SignatureParams, settings: StateSettings) -> None:
        self.db = db
        self.params = params
        self.settings = settings
        self.folder = db.name  # how messages name the state
        self.worker = worker_name()
        self.run_number = 0  # the shared run this worker joined (start_run)
        self._staged: list[tuple[str, tuple]] = []
        self._fetched: dict[str, Validators] = {}
        self._failures: dict[str, Failure] = {}
        self._horizons: dict[str, float] = {}
        self._probes: dict[str, dict[str, bool]] = {}
        self._corpus: dict[str, tuple[int, bool]] = {}
        self._marked: list[str] = []  # frontier keys the staged changes mark done
        #: Frontier keys marked done by a commit of this worker (SharedFrontier reads it)
        self.done_keys: set[str] = set()
        self._held = None  # the connection of an open transaction (reserve .. commit)
        self._looked: _Looked | None = None  # what `reserve` read for the check
        self._keys: list[int] = []  # advisory locks it holds

    @classmethod
    def open(cls, url: str, params: SignatureParams | None = None,
             settings: StateSettings | None = None) -> PgState:
        """Connect, create or migrate the schema, and check that the duplicate index was
        built with the same signatures (one made otherwise is refused)."""
        params = params or SignatureParams()
        settings = settings or StateSettings()
        db = Database(url, retry_for=settings.retry_for)
        try:
            db.migrate()
            db.execute("INSERT INTO meta VALUES ('signature', %s) ON CONFLICT DO NOTHING",
                       (params.describe(),))
            built = db.one("SELECT value FROM meta WHERE key = 'signature'")
        except BaseException:
            db.close()
            raise
        if built != params.describe():
            db.close()
            raise ConfigError(f"{db.name}: the duplicate index was built with {built}, not "
                              f"{params.describe()}, and the two signatures cannot be "
                              f"compared; use another database, or the settings it was "
                              f"built with")
        return cls(db, params, settings)

    def __enter__(self) -> PgState:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close without committing: what was staged is dropped, and this worker has left
        its run (a run of its own that it did not finish is over)."""
        self._release(rollback=True)
        if self.run_number:
            try:
                self.db.execute("UPDATE run_workers SET left_at = now() WHERE run = %s AND "
                                "worker = %s AND left_at IS NULL",
                                (self.run_number, self.worker), retry=False)
            except StateError:
                pass  # the database is gone: the lease says it in time
        self.db.close()

    # --- commit ---

    def _stage(self, sql: str, params: tuple) -> None:
        self._staged.append((sql, params))

    def commit(self, output: tuple[Path, int] | None = None) -> None:
        """Everything staged since the last commit, with `output`'s (path, size), in one
        transaction (under the advisory locks `reserve` took)."""
        if output is not None:
            self._stage("INSERT INTO outputs VALUES (%s, %s) ON CONFLICT (path) DO UPDATE "
                        "SET size = excluded.size", (self._output_key(output[0]), output[1]))
        statements, keys = self._staged, self._keys
        if not statements and self._held is None:
            return
        psycopg = self.db._psycopg  # noqa: SLF001
        done = False
        # Pipelined: the statements and the COMMIT go out together, one round trip
        # instead of one each (bench/scale.py: commit 1.6 -> 1.0 ms at 100k documents).
        if self._held is not None:
            try:
                with self._held.pipeline(), self._held.cursor() as cur:
                    for sql, params in statements:
                        cur.execute(sql, params)
                    cur.execute("COMMIT")
                done = True
            except psycopg.OperationalError as exc:
                log.warning("%s: the database went away during a commit (%s); replaying it",
                            self.db.name, " ".join(str(exc).split()))
            except psycopg.Error as exc:
                self._release(rollback=True)
                raise StateError(f"{self.db.name}: cannot commit the state: "
                                 f"{' '.join(str(exc).split())}") from exc
            self._release(rollback=not done)
        if not done:
            def work(conn) -> None:
                with conn.pipeline(), conn.cursor() as cur:
                    _lock(cur, keys)
                    for sql, params in statements:
                        cur.execute(sql, params)
            self.db.transaction("commit the state", work)
        self._staged = []
        self.done_keys.update(self._marked)  # the frontier need not mark these again
        self._marked = []
        self._fetched.clear()
        self._failures.clear()
        self._horizons.clear()
        self._probes.clear()
        self._corpus.clear()

    def _release(self, *, rollback: bool) -> None:
        """Give the held connection back (rolled back unless it committed)."""
        conn, self._held, self._keys, self._looked = self._held, None, [], None
        if conn is None:
            return
        pool = self.db._pool  # noqa: SLF001
        try:
            if rollback and not conn.closed:
                conn.execute("ROLLBACK")
        except self.db._psycopg.Error:  # noqa: SLF001 - a broken connection: the pool drops it
            pass
        pool.putconn(conn)

    # --- the duplicate index ---

    def reserve(self, url_key: str | None, content_hash: str | None, bands: list[int]) -> None:
        """Open the transaction of the record about to be checked and hold its keys (see
        the module doc) until the next commit."""
        keys = sorted({*bands, *(key64(k) for k in (url_key, content_hash) if k)})
        new = sorted(set(keys) - set(self._keys))
        if not new:
            return
        opening = self._held is None
        self._keys = sorted({*self._keys, *new})
        # Opening the transaction takes every key held; an open one takes the new ones.
        self._on_held(lambda cur: None if opening else _lock(cur, new))
        # What the check will ask, read at once under the locks: one round trip, not three.
        self._looked = self._on_held(lambda cur: _look_up(cur, url_key, content_hash, bands))

    def _on_held(self, work):
        """`work(cursor)` inside the held transaction (opened if needed). A lost connection
        is replaced (the locks taken again) and `work` retried, for `retry_for` seconds
        (once, briefly, when the database was given up for already)."""
        from psycopg_pool import PoolTimeout

        psycopg = self.db._psycopg  # noqa: SLF001
        deadline = time.monotonic() + (0.0 if self.db.gone else self.settings.retry_for)
        warned = False
        while True:
            try:
                if self._held is None:
                    keys = self._keys
                    wait = max(0.1, min(10.0, deadline - time.monotonic()))
                    self._held = self.db._pool.getconn(timeout=wait)  # noqa: SLF001
                    self._keys = keys
                    with self._held.pipeline(), self._held.cursor() as cur:  # one round trip
                        cur.execute("BEGIN")
                        _lock(cur, self._keys)
                with self._held.cursor() as cur:
                    return work(cur)
            except (psycopg.OperationalError, PoolTimeout) as exc:
                keys = self._keys
                self._release(rollback=True)
                self._keys = keys
                if not warned and not self.db.gone:
                    # (as every other call says it: a log must show the outage it rode out)
                    self.db.warn_away(exc)
                    warned = True
                if time.monotonic() >= deadline:
                    self.db.gone = True
                    raise StateUnavailable(f"{self.db.name}: cannot read the state: the "
                                           f"database did not answer for "
                                           f"{self.settings.retry_for:g} s "
                                           f"({' '.join(str(exc).split())})") from exc
                time.sleep(0.5)
            except psycopg.Error as exc:
                self._release(rollback=True)
                raise StateError(f"{self.db.name}: cannot read the state: {exc}") from exc

    def _read(self, sql: str, params: tuple) -> list:
        """Rows, read inside the held transaction when there is one (so they see what its
        locks protect), else on any connection."""
        if self._held is not None:
            return self._on_held(lambda cur: cur.execute(sql, params).fetchall())
        return self.db.rows(sql, params)

    def owner_of_url(self, url_key: str) -> str | None:
        if self._looked is not None and self._looked.url_key == url_key:
            return self._looked.url_owner
        rows = self._read("SELECT record_id FROM docs WHERE url64 = %s LIMIT 1",
                          (key64(url_key),))
        return rows[0][0] if rows else None

    def owner_of_hash(self, content_hash: str) -> str | None:
        if self._looked is not None and self._looked.content_hash == content_hash:
            return self._looked.hash_owner
        rows = self._read("SELECT record_id FROM docs WHERE hash64 = %s LIMIT 1",
                          (key64(content_hash),))
        return rows[0][0] if rows else None

    def candidates(self, bands: list[int]) -> Iterable[tuple[str, np.ndarray, int]]:
        if not bands:
            return []
        if self._looked is not None and self._looked.bands == tuple(bands):
            return self._looked.candidates
        rows = self._read("SELECT record_id, sig, size FROM docs WHERE id IN "
                          "(SELECT doc FROM bands WHERE key = ANY(%s))", (list(bands),))
        return [(rid, np.frombuffer(sig, dtype=np.uint32), size) for rid, sig, size in rows]

    def add(self, entry: Entry) -> None:
        """Stage a record in the index (durable at the next commit)."""
        sig = entry.signature.astype(np.uint32).tobytes() if entry.signature is not None else None
        self._stage("INSERT INTO docs (record_id, url64, hash64, size, sig) VALUES "
                    "(%s, %s, %s, %s, %s) ON CONFLICT (record_id) DO NOTHING",
                    (entry.record_id, key64(entry.url_key) if entry.url_key else None,
                     key64(entry.content_hash) if entry.content_hash else None,
                     entry.size, sig))
        if entry.bands:
            self._stage("INSERT INTO bands SELECT k, d.id FROM docs d, unnest(%s::bigint[]) k "
                        "WHERE d.record_id = %s ON CONFLICT DO NOTHING",
                        (list(entry.bands), entry.record_id))

    def documents(self) -> int:
        """How many records the index holds."""
        return int(self.db.one("SELECT count(*) FROM docs") or 0)

    # --- the records themselves ---

    def stage_record(self, article: Article) -> None:
        """Keep a written record in the articles table (once per record id); durable at
        the next commit, with the URL marked done and the record's index entry."""
        self._stage("INSERT INTO articles (id, run, record) VALUES (%s, %s, %s) "
                    "ON CONFLICT (id) DO NOTHING",
                    (article.id, self.run_number or None, article.to_json()))

    # --- the fetch log ---

    def last_fetch(self, key: str) -> Validators | None:
        if key in self._fetched:
            return self._fetched[key]
        rows = self.db.rows("SELECT status, etag, last_modified FROM fetched WHERE url = %s",
                            (key,))
        return Validators(*rows[0]) if rows else None

    def stage_fetch(self, key: str, validators: Validators) -> None:
        """Log the URL as done (see State.stage_fetch); in a shared run its frontier entry
        is marked done in the same transaction."""
        known = self._fetched.get(key)
        self._fetched[key] = Validators(validators.status,
                                        validators.etag or (known.etag if known else None),
                                        validators.last_modified
                                        or (known.last_modified if known else None))
        self._failures.pop(key, None)
        self._stage("INSERT INTO fetched (url, status, etag, last_modified) VALUES "
                    "(%s, %s, %s, %s) ON CONFLICT (url) DO UPDATE SET status = excluded.status, "
                    "fetched_at = now(), etag = coalesce(excluded.etag, fetched.etag), "
                    "last_modified = coalesce(excluded.last_modified, fetched.last_modified)",
                    (key, validators.status, validators.etag, validators.last_modified))
        self._stage("DELETE FROM failures WHERE url = %s", (key,))
        if self.run_number:
            self._stage("UPDATE frontier SET state = 2 WHERE run = %s AND key = %s",
                        (self.run_number, key))
            self._marked.append(key)

    # --- runs and failures ---

    def start_run(self) -> int:
        """Join the shared run that live workers have open (one renewed its place within
        a lease), or start the next one (a run whose workers all left or died is over);
        durable at once."""
        lease = self.settings.lease

        def work(conn) -> int:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (RUNS_LOCK,))
            _free_dead_neighbours(conn)
            row = conn.execute(
                "SELECT number FROM runs r WHERE finished_at IS NULL AND EXISTS (SELECT 1 "
                "FROM run_workers w WHERE w.run = r.number AND w.left_at IS NULL AND "
                "w.seen_at > now() - make_interval(secs => %s)) ORDER BY number DESC LIMIT 1",
                (lease,)).fetchone()
            if row is not None:
                number = int(row[0])
                conn.execute("UPDATE runs SET seen_at = now() WHERE number = %s", (number,))
            else:
                conn.execute("UPDATE runs SET finished_at = now() WHERE finished_at IS NULL")
                number = int(conn.execute("INSERT INTO runs DEFAULT VALUES RETURNING number")
                             .fetchone()[0])
            conn.execute("INSERT INTO run_workers (run, worker) VALUES (%s, %s) ON CONFLICT "
                         "(run, worker) DO UPDATE SET seen_at = now(), left_at = NULL",
                         (number, self.worker))
            return number
        self.run_number = self.db.transaction("start a run", work)
        return self.run_number

    def politeness(self, settings: FetchSettings) -> tuple[SharedGate, SharedRobots]:
        """The per-host next start and robots.txt, shared with the other workers."""
        hold = settings.connect_timeout + settings.total_timeout
        return (SharedGate(self.db, settings.delay, settings.per_host, worker=self.worker,
                           hold=hold), SharedRobots(self.db, hold))

    def frontier(self) -> SharedFrontier:
        """The run's frontier, shared with the other workers (after `start_run`)."""
        return SharedFrontier(self.db, self.run_number, self.worker, self.settings.lease,
                              done=self.done_keys)

    def failure(self, key: str) -> Failure | None:
        if key in self._failures:
            return self._failures[key]
        if key in self._fetched:
            return None
        rows = self.db.rows("SELECT runs, retry_at, reason FROM failures WHERE url = %s",
                            (key,))
        return Failure(*rows[0]) if rows else None

    def stage_failure(self, key: str, reason: str, run: int) -> Failure:
        """Count a failed run for the URL (as State.stage_failure); the counts are written
        as values, so a replayed commit does not count twice."""
        failure = self._failures[key] = next_failure(self.failure(key), reason, run)
        self._stage("INSERT INTO failures VALUES (%s, %s, %s, %s) ON CONFLICT (url) DO UPDATE "
                    "SET runs = excluded.runs, retry_at = excluded.retry_at, "
                    "reason = excluded.reason", (key, failure.runs, failure.retry_at, reason))
        return failure

    # --- sites found by discovery ---

    def horizon(self, host: str) -> float | None:
        if host in self._horizons:
            return self._horizons[host]
        value = self.db.one("SELECT horizon FROM sites WHERE host = %s", (host,))
        return None if value is None else float(value)

    def stage_horizon(self, host: str, when: float) -> None:
        self._horizons[host] = when
        self._stage("INSERT INTO sites VALUES (%s, %s) ON CONFLICT (host) DO UPDATE "
                    "SET horizon = excluded.horizon", (host, when))

    def probes(self, host: str) -> dict[str, bool]:
        rows = self.db.rows("SELECT path, found FROM probes WHERE host = %s", (host,))
        return {**{path: bool(found) for path, found in rows}, **self._probes.get(host, {})}

    def stage_probes(self, host: str, found: dict[str, bool]) -> None:
        self._probes.setdefault(host, {}).update(found)
        for path, hit in found.items():
            self._stage("INSERT INTO probes VALUES (%s, %s, %s) ON CONFLICT (host, path) "
                        "DO UPDATE SET found = excluded.found", (host, path, bool(hit)))

    # --- corpus files ---

    def corpus_file(self, name: str) -> tuple[int, bool] | None:
        if name in self._corpus:
            return self._corpus[name]
        rows = self.db.rows('SELECT "offset", done FROM corpus_files WHERE name = %s', (name,))
        return (int(rows[0][0]), bool(rows[0][1])) if rows else None

    def stage_corpus_file(self, name: str, offset: int, done: bool = False) -> None:
        self._corpus[name] = (offset, done)
        self._stage('INSERT INTO corpus_files VALUES (%s, %s, %s) ON CONFLICT (name) DO '
                    'UPDATE SET "offset" = excluded."offset", done = excluded.done',
                    (name, offset, done))

    # --- this worker's own output file ---

    def own_output(self, path: Path):
        """Hold `path` for this run: a second worker of this machine writing the same file
        (which would interleave the two) is refused with AlreadyRunning (exit 75)."""
        return self.db.exclusive(OUTPUT_LOCK, self._output_key(path),
                                 f"another worker on this machine writes {path}")

    def output_size(self, path: Path) -> int | None:
        value = self.db.one("SELECT size FROM outputs WHERE path = %s",
                            (self._output_key(path),))
        return None if value is None else int(value)

    @staticmethod
    def _output_key(path: Path) -> str:
        """An output file is one host's: the same path on two machines is two files."""
        return f"{socket.gethostname()}:{path.resolve()}"


def _free_dead_neighbours(conn) -> None:
    """Workers of this machine that are gone (killed: their process no longer exists)
    leave the run now, their jobs free at once and their hosts the delay after now,
    instead of when their leases and requests' timeouts run out. Other machines' workers
    are judged by their leases (jobs) and their requests' timeouts (hosts) only."""
    host = socket.gethostname()
    for run, worker in conn.execute(
            "SELECT run, worker FROM run_workers WHERE left_at IS NULL AND worker LIKE %s",
            (host + ":%",)).fetchall():
        pid = worker.rsplit(":", 1)[1]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        conn.execute("UPDATE run_workers SET left_at = now() WHERE run = %s AND worker = %s",
                     (run, worker))
        conn.execute("UPDATE frontier SET state = 0, worker = NULL WHERE run = %s AND "
                     "worker = %s AND state = 1", (run, worker))
        # its request ended by now: the next one the delay after (hosts._FREE)
        conn.execute("UPDATE hosts SET busy_until = least(busy_until, clock_timestamp()) "
                     "WHERE busy = %s", (worker,))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@dataclass(frozen=True, slots=True)
class _Looked:
    """The index's answers for one record, read under its locks."""

    url_key: str | None
    content_hash: str | None
    bands: tuple[int, ...]
    url_owner: str | None
    hash_owner: str | None
    candidates: list[tuple[str, np.ndarray, int]]


def _look_up(cur, url_key: str | None, content_hash: str | None, bands: list[int]) -> _Looked:
    """The owners of the URL key and the text hash and the band candidates, in one query."""
    rows = cur.execute(
        "(SELECT 'u', record_id, NULL::bytea, 0 FROM docs WHERE url64 = %s LIMIT 1) "
        "UNION ALL (SELECT 'h', record_id, NULL::bytea, 0 FROM docs WHERE hash64 = %s LIMIT 1) "
        "UNION ALL (SELECT 'c', record_id, sig, size FROM docs WHERE id IN "
        "(SELECT doc FROM bands WHERE key = ANY(%s)))",
        (key64(url_key) if url_key else None, key64(content_hash) if content_hash else None,
         list(bands))).fetchall()
    found = {kind: rid for kind, rid, _, _ in rows if kind in "uh"}
    return _Looked(url_key, content_hash, tuple(bands), found.get("u"), found.get("h"),
                   [(rid, np.frombuffer(sig, dtype=np.uint32), size)
                    for kind, rid, sig, size in rows if kind == "c"])


def _lock(cur, keys: list[int]) -> None:
    """Take transaction-level advisory locks on `keys`, in the (sorted) order given: two
    transactions locking overlapping sets in one order cannot deadlock."""
    if keys:
        cur.execute("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k",
                    (list(keys),))



"""One PostgreSQL database shared by every worker: the connection pool (psycopg 3 and
psycopg_pool), the schema check and migration, and retries when the server goes away.

The URL is handed to libpq as it is, so a password comes from libpq's usual sources
(PGPASSWORD, ~/.pgpass, PGPASSFILE, a service file) and may also be in the URL; messages
and logs name the database by `redact(url)`, never with its password.

A lost server (a restart, a network cut) is retried with backoff for `retry_for` seconds
(`[state] retry_for`), each retry on a new connection and from the start of what was being
done (a transaction is replayed whole, never resumed), then `StateUnavailable` ends the run.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from scraper.errors import AlreadyRunning, ConfigError, StateError
from scraper.store.pg.schema import MIGRATIONS, VERSION

log = logging.getLogger("scraper")
# The pool logs each failed reconnection; `Database.run` says once what happened instead.
logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
T = TypeVar("T")
SCHEMES = ("postgresql://", "postgres://")
#: The advisory lock key of schema changes and run bookkeeping (any constant of ours).
SCHEMA_LOCK = 0x5C4A_9E12


class StateUnavailable(StateError):
    """The database could not be reached for longer than `retry_for`."""


def is_database_url(value: str | None) -> bool:
    """Is this `--state` value a PostgreSQL URL (not a folder)?"""
    return bool(value) and value.lower().startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


class Database:
    """A small pool of autocommit connections to one database, with retries."""

    def __init__(self, url: str, *, retry_for: float = 60.0, size: int = 6) -> None:
        import psycopg
        from psycopg_pool import ConnectionPool

        if not is_database_url(url):
            raise ConfigError(f"{url!r} is not a PostgreSQL URL (postgresql://user@host/db)")
        self.url = url
        self.name = redact(url)
        self.retry_for = retry_for
        self.gone = False  # the last call gave the server up
        self._psycopg = psycopg
        self._pool = ConnectionPool(url, min_size=1, max_size=size, open=False,
                                    kwargs={"autocommit": True}, timeout=10,
                                    reconnect_timeout=max(retry_for, 1.0), name="scraper")
        self.run("connect to the database", lambda conn: None, first=True)

    def _connect_once(self) -> None:
        """One direct connection, for libpq's own message (the pool only says that it
        timed out): a refused password or a missing database fails at once."""
        psycopg = self._psycopg
        try:
            psycopg.connect(self.url, connect_timeout=10).close()
        except psycopg.OperationalError as exc:
            text = _scrub(_one_line(exc), self.url)
            if any(sign in text for sign in _FINAL):
                raise StateError(f"{self.name}: cannot connect to the database: {text}") \
                    from None
            raise
        self._pool.open(wait=True, timeout=10)

    def close(self) -> None:
        self._pool.close()

    # --- running SQL with retries ---

    def run(self, doing: str, work: Callable[[object], T], *, first: bool = False,
            retry: bool = True) -> T:
        """`work(connection)`, retried from its start on a new connection while the server
        is away (up to `retry_for` seconds). Other database errors are StateError."""
        from psycopg_pool import PoolTimeout

        psycopg = self._psycopg
        # Once the server was given up for, later calls (a stopping run's) try once, briefly.
        retry = retry and not self.gone
        deadline = None
        cause = None
        attempt = 0
        while True:
            wait = 10.0 if deadline is None else max(0.1, deadline - time.monotonic())
            try:
                if first:
                    self._connect_once()
                    first = False
                with self._pool.connection(timeout=wait if retry else 1.0) as conn:
                    result = work(conn)
                self.gone = False
                return result
            except (psycopg.OperationalError, PoolTimeout) as exc:
                now = time.monotonic()
                if cause is None:  # the pool's later timeouts say less than the first error
                    cause = _scrub(_one_line(exc), self.url)
                if deadline is None and retry:
                    deadline = now + self.retry_for
                    self.warn_away(exc)
                if not retry or now >= deadline:
                    # (not retried: the server was given up for already, after retry_for)
                    waited = f" for {self.retry_for:g} s"
                    self.gone = True
                    raise StateUnavailable(
                        f"{self.name}: cannot {doing}: the database did not answer{waited} "
                        f"({cause}); nothing uncommitted was kept, "
                        f"and the next run resumes from the last commit") from exc
                attempt += 1
                time.sleep(min(deadline - now, min(5.0, 0.2 * 2 ** attempt) *
                               random.uniform(0.5, 1.0)))
            except psycopg.Error as exc:
                raise StateError(f"{self.name}: cannot {doing}: {_one_line(exc)}") from exc

    def warn_away(self, exc: BaseException) -> None:
        """Say, once per lost connection, that the server went away (`exc`, without the
        URL's password) and for how long the calls are retried: the one line a log shows
        for an outage that was ridden out."""
        log.warning("%s: the database went away (%s); retrying for up to %g s",
                    self.name, _scrub(_one_line(exc), self.url), self.retry_for)

    def execute(self, sql: str, params: object = None, *, doing: str = "write the state",
                retry: bool = True) -> None:
        self.run(doing, lambda conn: conn.execute(sql, params), retry=retry)

    def rows(self, sql: str, params: object = None, *, doing: str = "read the state") -> list:
        return self.run(doing, lambda conn: conn.execute(sql, params).fetchall())

    def one(self, sql: str, params: object = None, *, doing: str = "read the state"):
        """The first column of the first row, or None."""
        row = self.run(doing, lambda conn: conn.execute(sql, params).fetchone())
        return row[0] if row else None

    def transaction(self, doing: str, work: Callable[[object], T]) -> T:
        """`work(connection)` in one transaction: all of it lands, or none (replayed
        whole after a lost connection, so `work` must only depend on its own reads)."""
        def whole(conn) -> T:
            with conn.transaction():
                return work(conn)
        return self.run(doing, whole)

    @contextmanager
    def connection(self) -> Iterator[object]:
        """A connection held for a caller's own transaction (no retries)."""
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def exclusive(self, space: int, name: str, busy: str) -> Iterator[None]:
        """Hold the session advisory lock (`space`, hash of `name`) for the block, on a
        connection kept for it (a killed process's connection takes the lock with it);
        AlreadyRunning(`busy`) when another session holds it."""
        from psycopg_pool import PoolTimeout

        psycopg = self._psycopg
        try:
            with self._pool.connection() as conn:
                got = conn.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))",
                                   (space, name)).fetchone()[0]
                if not got:
                    raise AlreadyRunning(f"{self.name}: {busy}; nothing was done (try again "
                                         f"later)")
                try:
                    yield
                finally:
                    with suppress(psycopg.Error):  # a lost connection took the lock with it
                        conn.execute("SELECT pg_advisory_unlock(%s, hashtext(%s))",
                                     (space, name))
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise StateUnavailable(f"{self.name}: cannot take the lock of {name!r}: "
                                   f"{_scrub(_one_line(exc), self.url)}") from exc

    # --- the schema ---

    def migrate(self) -> int:
        """Create or bring the schema to this tool's version; refuse a newer one. Returns
        the version the database was at (0: new)."""
        def work(conn) -> int:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                row = conn.execute("SELECT version FROM schema_version").fetchone()
                found = row[0] if row else 0
                if found > VERSION:
                    raise _Newer(found)
                for step in MIGRATIONS[found:]:
                    conn.execute(step)
                if row is None:
                    conn.execute("INSERT INTO schema_version VALUES (%s)", (VERSION,))
                elif found < VERSION:
                    conn.execute("UPDATE schema_version SET version = %s", (VERSION,))
                return found
        try:
            return self.run("create the schema", work)
        except _Newer as newer:
            raise StateError(f"{self.name}: the database's schema is version {newer.version}, "
                             f"newer than this scraper knows ({VERSION}): upgrade scraper on "
                             f"this host (pip install -U scraper) before using it") from None


class _Newer(Exception):
    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _scrub(text: str, url: str) -> str:
    """`text` with the URL's password (if any) blotted out."""
    password = urlsplit(url).password
    return text.replace(password, "***") if password else text


#: libpq messages that no retry can change.
_FINAL = ("password authentication failed", "does not exist", "no password supplied",
          "role ", "invalid dsn", "invalid connection option", "SSL")

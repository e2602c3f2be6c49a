"""Politeness across workers: one next-allowed time per host in the `hosts` table,
reserved atomically, and robots.txt read once per origin for every worker.

`SharedGate` is the fetcher's `HostGate` with its clock in the database: a request to a
host may start when the host's `next_at` (the database server's clock) has passed, and
starting moves `next_at` on by the host's delay in the same statement, so of N workers
asking at once exactly one goes and the others wait for the next turn. Retry-After, backoff
and the delay counted again from each response's arrival (`defer`) push `next_at` back
for every worker. Crawl-delay comes from robots.txt, which every worker reads the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scraper.fetch.politeness import HostGate
from scraper.store.pg.database import Database

#: How long a robots.txt read by one worker serves the others (seconds).
ROBOTS_TTL = 3600.0


class SharedGate(HostGate):
    """A `HostGate` whose next start per host is kept in the database."""

    def __init__(self, db: Database, delay: float, per_host: int) -> None:
        super().__init__(delay, per_host)
        self.db = db
        self._known: set[str] = set()  # hosts with a row

    def defer(self, host: str, seconds: float) -> None:
        super().defer(host, seconds)
        if seconds > 0:
            self.db.execute(
                "INSERT INTO hosts VALUES (%s, clock_timestamp() + make_interval(secs => %s)) "
                "ON CONFLICT (host) DO UPDATE SET next_at = greatest(hosts.next_at, "
                "excluded.next_at)", (host, seconds), doing="note a host's delay")
            self._known.add(host)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """One of this worker's request slots for `host`, entered when the shared next
        start has come (and moved on by the delay)."""
        slots = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        async with slots:
            async with self._locks[host]:  # one local waiter at a time asks the database
                while (wait := self._reserve(host)) > 0:
                    await asyncio.sleep(wait)
            yield

    def _reserve(self, host: str) -> float:
        """0 when this worker may start a request to `host` now (the next start moved on
        by the delay, atomically); else the seconds until the next start."""
        if host not in self._known:
            self.db.execute("INSERT INTO hosts VALUES (%s, '-infinity') ON CONFLICT DO NOTHING",
                            (host,), doing="note a host")
            self._known.add(host)

        def work(conn) -> float:
            won = conn.execute(
                "UPDATE hosts SET next_at = clock_timestamp() + make_interval(secs => %s) "
                "WHERE host = %s AND next_at <= clock_timestamp() RETURNING 1",
                (self.delay_for(host), host)).fetchone()
            if won:
                return 0.0
            left = conn.execute("SELECT extract(epoch FROM next_at - clock_timestamp()) "
                                "FROM hosts WHERE host = %s", (host,)).fetchone()
            return max(0.001, float(left[0])) if left else 0.001
        return self.db.run("reserve a request to a host", work)


class SharedRobots:
    """robots.txt per origin for all workers: (body, problem) as the fetcher read it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, origin: str) -> tuple[str | None, str | None] | None:
        """What a worker read within ROBOTS_TTL, or None."""
        rows = self.db.rows("SELECT body, problem FROM robots WHERE origin = %s AND "
                            "fetched_at > now() - make_interval(secs => %s)",
                            (origin, ROBOTS_TTL), doing="read robots.txt rules")
        return (rows[0][0], rows[0][1]) if rows else None

    def put(self, origin: str, body: str | None, problem: str | None) -> None:
        self.db.execute("INSERT INTO robots VALUES (%s, %s, %s, now()) ON CONFLICT (origin) "
                        "DO UPDATE SET body = excluded.body, problem = excluded.problem, "
                        "fetched_at = now()", (origin, body, problem),
                        doing="keep robots.txt rules")

"""Politeness across workers: per host, one next-allowed start and the request in flight
in the `hosts` table, reserved atomically; robots.txt read once per origin for all.

`SharedGate` is the fetcher's `HostGate` with its clock in the database. With a delay, a
request to a host starts only when no worker has one in flight there and the host's
`next_at` (the database server's clock) has passed; its end moves `next_at` to the delay
after it. So the requests of N workers reach a host one at a time, each at least the delay
after the previous one was answered: by the site's own clock too, whatever the latency
of each worker (spacing the starts alone let a request that left late on a slow new
connection arrive just after the next one). One request in flight per host is what one
polite crawler sends; the run's `per_host` still caps each worker. A request that never
said it ended (its worker was killed, or is alive but cut from the database) is taken to
have lasted until `busy_until` (the fetch's timeouts; sooner for a dead worker of this
machine, `state._free_dead_neighbours`), and the next one waits the delay after that: a
late heartbeat frees no host (a live worker's request could still be arriving). Retry-After
and backoff (`defer`) push `next_at` back for every worker. Without a delay, only those apply.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from scraper.fetch.politeness import HostGate
from scraper.store.pg.database import Database

#: How long a robots.txt read by one worker serves the others (seconds); one that could
#: not be read (the site down) is tried again sooner.
ROBOTS_TTL = 3600.0
PROBLEM_TTL = 60.0
# rules read within ROBOTS_TTL, an unreachable file's problem within PROBLEM_TTL
_FRESH = ("robots.fetched_at > now() - make_interval(secs => CASE WHEN robots.problem IS "
          "NULL THEN %s ELSE %s END)")
#: Longest wait between two looks at a host another worker is using (seconds).
POLL = 0.25


#: A host no worker holds: nobody, or a holder that never released it, whose request
#: ended by `busy_until` at the latest, the delay (the parameter) ago.
_FREE = "busy IS NULL OR busy_until + make_interval(secs => %s) <= clock_timestamp()"


class SharedGate(HostGate):
    """A `HostGate` whose next start per host is kept in the database."""

    def __init__(self, db: Database, delay: float, per_host: int, *, worker: str,
                 hold: float) -> None:
        """`hold`: the longest a request can take (a holder that never released its host
        frees it that long after its start, and the delay after that)."""
        super().__init__(delay, per_host)
        self.db = db
        self.worker = worker
        self.hold = hold
        self._known: set[str] = set()  # hosts with a row

    def answered(self, host: str) -> None:
        """Nothing to do here: the end of the request frees the host and sets its next
        start (`_release`), for every worker."""

    def defer(self, host: str, seconds: float) -> None:
        super().defer(host, seconds)
        if seconds > 0:
            self._row(host)
            self.db.execute(
                "UPDATE hosts SET next_at = greatest(next_at, clock_timestamp() + "
                "make_interval(secs => %s)) WHERE host = %s", (seconds, host),
                doing="note a host's delay")

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """One of this worker's request slots for `host`, entered when the host is free
        and its next start has come, for every worker (see the module doc)."""
        slots = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        async with slots:
            async with self._locks[host]:  # one local waiter at a time asks the database
                # In a thread, as below: the loop goes on with the other requests.
                while (wait := await asyncio.to_thread(self._reserve, host)) > 0:
                    await asyncio.sleep(wait)
            try:
                yield
            finally:
                if self.delay_for(host) > 0:
                    await asyncio.to_thread(self._release, host)

    def _row(self, host: str) -> None:
        if host not in self._known:
            self.db.execute("INSERT INTO hosts (host, next_at) VALUES (%s, to_timestamp(0)) "
                            "ON CONFLICT DO NOTHING", (host,), doing="note a host")
            self._known.add(host)

    def _reserve(self, host: str) -> float:
        """0 when this worker may start a request to `host` now (taken atomically); else
        the seconds to wait before asking again."""
        self._row(host)
        delay = self.delay_for(host)
        if delay <= 0:  # no turns to take: only a Retry-After or backoff holds it back
            left = self.db.one("SELECT extract(epoch FROM next_at - clock_timestamp()) FROM "
                               "hosts WHERE host = %s", (host,), doing="read a host's delay")
            return 0.0 if left is None or left <= 0 else float(left)
        hold = self.hold

        def work(conn) -> float:
            won = conn.execute(
                "UPDATE hosts SET next_at = clock_timestamp() + make_interval(secs => %s), "
                "busy = %s, busy_until = clock_timestamp() + make_interval(secs => %s) "
                "WHERE host = %s AND next_at <= clock_timestamp() AND (" + _FREE + ") "
                "RETURNING 1", (delay, self.worker, hold, host, delay)).fetchone()
            if won:
                return 0.0
            row = conn.execute(
                "SELECT extract(epoch FROM next_at - clock_timestamp()), NOT (" + _FREE + ") "
                "FROM hosts WHERE host = %s", (delay, host)).fetchone()
            if row is None:
                return 0.001
            left, busy = float(row[0]), row[1]
            return min(POLL, max(0.01, delay / 4)) if busy else max(0.001, left)
        return self.db.run("reserve a request to a host", work)

    def _release(self, host: str) -> None:
        """The request ended: the host is free, its next start the delay from now."""
        delay = self.delay_for(host)
        if delay <= 0:
            return
        self.db.execute("UPDATE hosts SET busy = NULL, next_at = greatest(next_at, "
                        "clock_timestamp() + make_interval(secs => %s)) "
                        "WHERE host = %s AND busy = %s", (delay, host, self.worker),
                        doing="free a host")


class SharedRobots:
    """robots.txt per origin for all workers: (body, problem) as the fetcher read it. One
    worker claims an origin's file and reads it; the others wait for what it found."""

    def __init__(self, db: Database, hold: float) -> None:
        """`hold`: the longest a read can take (a claim older than that is void)."""
        self.db = db
        self.hold = hold

    def get(self, origin: str) -> tuple[str | None, str | None] | None:
        """What a worker read within ROBOTS_TTL (an unreachable file: within
        PROBLEM_TTL), or None."""
        rows = self.db.rows("SELECT body, problem FROM robots WHERE origin = %s AND ready AND "
                            + _FRESH, (origin, ROBOTS_TTL, PROBLEM_TTL),
                            doing="read robots.txt rules")
        return (rows[0][0], rows[0][1]) if rows else None

    def claim(self, origin: str) -> bool:
        """True: this worker reads the origin's robots.txt now (and `put`s it); False:
        another one is reading it (ask `get` again shortly)."""
        # Not while fresh rules are there: another worker may have read and put them
        # between this worker's `get` and its claim (seen in CI: one file read twice).
        rows = self.db.rows(
            "INSERT INTO robots (origin, loading_until) VALUES (%s, now() + make_interval("
            "secs => %s)) ON CONFLICT (origin) DO UPDATE SET loading_until = "
            "excluded.loading_until WHERE (robots.loading_until IS NULL OR "
            "robots.loading_until < now()) AND NOT (robots.ready AND " + _FRESH + ") "
            "RETURNING 1", (origin, self.hold, ROBOTS_TTL, PROBLEM_TTL),
            doing="claim robots.txt")
        return bool(rows)

    def put(self, origin: str, body: str | None, problem: str | None) -> None:
        self.db.execute("INSERT INTO robots (origin, body, problem, ready) VALUES (%s, %s, %s, "
                        "true) ON CONFLICT (origin) DO UPDATE SET body = excluded.body, "
                        "problem = excluded.problem, ready = true, fetched_at = now(), "
                        "loading_until = NULL", (origin, body, problem),
                        doing="keep robots.txt rules")

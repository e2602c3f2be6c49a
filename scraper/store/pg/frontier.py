"""The frontier that workers on several machines share: the run's jobs in the `frontier`
table, claimed with `FOR UPDATE SKIP LOCKED` and a lease.

The same interface as the in-process `scraper.crawl.scheduler.Frontier` (`put`, `get`,
`task_done`, `join`) and the same order: sources first, then articles newest first, an
article only once no source of its root is waiting or being read. Each job is in the
table once per run (by the one URL key), so every worker may offer it and only one gets
it. A claimed job is leased for `lease` seconds, renewed every quarter of that while the
worker lives; a killed worker's jobs go back to the others when their lease runs out.
An article is marked done in the transaction that stores its record (`PgState.stage_fetch`),
any other job when it is handled. The run is over when no job of it is waiting or leased.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections import Counter
from datetime import datetime, timezone
from urllib.parse import urlsplit

from scraper.crawl.scheduler import Job
from scraper.crawl.windows import Site
from scraper.discover import Link
from scraper.store.pg.database import SCHEMA_LOCK, Database
from scraper.store.state import Validators

log = logging.getLogger("scraper")
#: Jobs inserted at once (a sitemap lists thousands).
PUT_BATCH = 500
#: The advisory lock key under which runs are started, joined and ended.
RUNS_LOCK = SCHEMA_LOCK + 1
#: Seconds between two looks at the table when nothing can be claimed.
POLL = 0.2

_CLAIM = """
WITH next AS (
    SELECT run, key FROM frontier f
    WHERE run = %(run)s AND state = 0
      AND (is_source OR NOT EXISTS (
          SELECT 1 FROM frontier s
          WHERE s.run = f.run AND s.root = f.root AND s.is_source AND s.state < 2))
    ORDER BY is_source DESC, published DESC NULLS LAST, turn, seq
    LIMIT %(n)s FOR UPDATE SKIP LOCKED)
UPDATE frontier f SET state = 1, worker = %(me)s,
    lease_until = now() + make_interval(secs => %(lease)s)
FROM next WHERE f.run = next.run AND f.key = next.key
RETURNING f.url, f.root, f.depth, f.is_source, f.published, f.title, f."window"
"""


class SharedFrontier:
    """The run's jobs in PostgreSQL (see the module doc)."""

    def __init__(self, db: Database, run: int, worker: str, lease: float, *,
                 done: set[str] | None = None) -> None:
        """`done`: keys the state marks done in the commits of their records (filled by
        `PgState`), which `task_done` then need not mark again."""
        self.db = db
        self.done = done if done is not None else set()
        self._turns: Counter[str] = Counter()  # jobs put per host (interleaves hosts)
        self.run = run
        self.worker = worker
        self.lease = lease
        self._buffer: list[Job] = []  # put, not inserted yet
        self._claimed: list[Job] = []  # claimed, not handed out yet
        self._out = 0  # handed out, not done
        self._finished = asyncio.Event()
        self._claiming = asyncio.Lock()
        self._heartbeat: asyncio.Task | None = None

    # --- putting jobs ---

    def put(self, job: Job) -> None:
        self._buffer.append(job)
        if len(self._buffer) >= PUT_BATCH:
            self._flush()

    def _flush(self) -> None:
        jobs, self._buffer = self._buffer, []
        if not jobs:
            return
        rows = [(self.run, job.key, job.url, job.root, job.depth, job.is_source,
                 job.link.published, job.link.title, job.window, self._turn(job))
                for job in jobs]

        def work(conn) -> None:
            with conn.cursor() as cur:
                cur.executemany(
                    'INSERT INTO frontier (run, key, url, root, depth, is_source, published, '
                    'title, "window", turn) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) '
                    'ON CONFLICT DO NOTHING', rows)
        self.db.transaction("queue URLs", work)

    def _turn(self, job: Job) -> int:
        """The job's place among its host's (1, 2, 3, ...): jobs of one date (undated
        ones) are handed out a host at a time in turn, not one host's all together,
        which left the workers queueing at that host's gate while the others waited
        (bench/scale.py, 4 workers, 0.2 s delay: 24 pages/s, 40 with the hosts mixed)."""
        host = urlsplit(job.url).hostname or ""
        self._turns[host] += 1
        return self._turns[host]

    # --- taking jobs ---

    async def get(self) -> Job:
        """The next job this worker may take; waits while other workers hold the rest."""
        if self._heartbeat is None:
            self._heartbeat = asyncio.create_task(self._renew_forever())
        while True:
            async with self._claiming:  # one claim at a time; the others take from it
                if not self._claimed:  # in a thread: the loop goes on with the requests
                    self._flush()
                    self._claimed.extend(await asyncio.to_thread(self._claim, 4))
            job = self.take()
            if job is not None:
                return job
            if not self._out and not self._buffer and self._run_is_over():
                self._finished.set()
            await asyncio.sleep(POLL)

    def take(self) -> Job | None:
        """A job claimed for this worker and not handed out yet, or None."""
        if not self._claimed:
            return None
        self._out += 1
        return self._claimed.pop(0)

    def _claim(self, n: int) -> list[Job]:
        rows = self.db.rows(_CLAIM, {"run": self.run, "n": n, "me": self.worker,
                                     "lease": self.lease}, doing="claim URLs")
        rows.sort(key=lambda r: (not r[3], -(r[4].timestamp()) if r[4] else float("inf")))
        return [Job(Link(url, published, title), root, depth, is_source, window)
                for url, root, depth, is_source, published, title, window in rows]

    def _run_is_over(self) -> bool:
        """No job waiting or leased; a lease that ran out (its worker died) is given back
        to the waiting ones first."""
        self.db.execute("UPDATE frontier SET state = 0, worker = NULL WHERE run = %s "
                        "AND state = 1 AND lease_until < now()", (self.run,),
                        doing="take back expired leases")
        return not self.db.one("SELECT EXISTS (SELECT 1 FROM frontier WHERE run = %s AND "
                               "state < 2)", (self.run,))

    def task_done(self, job: Job, handled: bool = True) -> None:
        """`job` is handled (what it led to is queued first, so the run cannot look over
        while it is not). Not `handled` (its record could not be stored): it stays leased,
        and goes back to the others when the lease runs out."""
        self._out -= 1
        if job.key in self.done:  # marked in the commit of its record
            self.done.discard(job.key)
            self._flush()
            return
        if handled:
            self._flush()
            self.db.execute("UPDATE frontier SET state = 2 WHERE run = %s AND key = %s AND "
                            "state < 2", (self.run, job.key), doing="mark a URL done")

    async def join(self) -> None:
        """Until no job of the run is waiting or leased, by any worker."""
        await self._finished.wait()

    def close(self) -> None:
        """Stop renewing; the claimed jobs not handed out go back at once."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._claimed:
            self.db.execute("UPDATE frontier SET state = 0, worker = NULL WHERE run = %s AND "
                            "key = ANY(%s) AND state = 1", (self.run, [j.key for j in self._claimed]))
            self._claimed = []

    def __len__(self) -> int:
        return len(self._buffer) + len(self._claimed)

    # --- leases ---

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.lease / 4)
            try:
                await asyncio.to_thread(self.renew)
            except Exception as exc:  # noqa: BLE001 - the next call that needs the database says
                log.debug("lease renewal failed: %s", exc)

    def renew(self) -> None:
        """Keep this worker's leases and its place in the run."""
        def work(conn) -> None:
            conn.execute("UPDATE frontier SET lease_until = now() + make_interval(secs => %s) "
                         "WHERE run = %s AND worker = %s AND state = 1",
                         (self.lease, self.run, self.worker))
            conn.execute("UPDATE run_workers SET seen_at = now() WHERE run = %s AND "
                         "worker = %s", (self.run, self.worker))
            conn.execute("UPDATE runs SET seen_at = now() WHERE number = %s", (self.run,))
        self.db.transaction("renew leases", work)

    # --- the end of the run ---

    def leave(self, *, incomplete: set[str], validators: dict[str, tuple[str, Validators]],
              sites: dict[str, Site]) -> tuple[dict[str, Site], set[str]] | None:
        """This worker is done with the run: what it could not finish, the validators of
        the sources it read and the sites it discovered go to the table; the last worker
        to leave (the others left or stopped renewing) ends the run and gets every
        worker's sites and unfinished roots back, to move the horizons (the sources'
        validators it saves here). None for the others."""
        lease = self.lease

        def work(conn) -> tuple[dict[str, Site], set[str]] | None:
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO run_roots VALUES (%s, %s) ON CONFLICT DO NOTHING",
                                [(self.run, root) for root in incomplete])
                cur.executemany("UPDATE frontier SET validators = %s WHERE run = %s AND key = %s",
                                [(json.dumps(list(dataclasses.astuple(v))), self.run, key)
                                 for key, (_, v) in validators.items()])
                cur.executemany(
                    'INSERT INTO run_sites VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING',
                    [(self.run, host, self.worker, json.dumps(sorted(site.roots)),
                      site.window.timestamp()) for host, site in sites.items()])
                cur.execute("UPDATE run_workers SET left_at = now() WHERE run = %s AND "
                            "worker = %s", (self.run, self.worker))
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (RUNS_LOCK,))
                still = cur.execute(
                    "SELECT count(*) FROM run_workers WHERE run = %s AND left_at IS NULL AND "
                    "seen_at > now() - make_interval(secs => %s)", (self.run, lease)).fetchone()[0]
                if still or cur.execute("UPDATE runs SET finished_at = now() WHERE number = %s "
                                        "AND finished_at IS NULL", (self.run,)).rowcount == 0:
                    return None
                cur.execute(_SAVE_VALIDATORS, {"run": self.run})
                unfinished = {root for (root,) in cur.execute(
                    "SELECT root FROM run_roots WHERE run = %s", (self.run,))}
                merged: dict[str, Site] = {}
                for host, roots, window in cur.execute(
                        'SELECT host, roots, "window" FROM run_sites WHERE run = %s',
                        (self.run,)).fetchall():
                    when = datetime.fromtimestamp(window, tz=timezone.utc)
                    site = merged.setdefault(host, Site(when))
                    site.window = min(site.window, when)
                    site.roots.update(json.loads(roots))
                return merged, unfinished
        return self.db.transaction("end the run", work)


#: The validators of the run's sources whose roots were all handled, into the fetch log.
_SAVE_VALIDATORS = """
INSERT INTO fetched (url, status, etag, last_modified)
SELECT key, (validators::json->>0)::integer, validators::json->>1, validators::json->>2
FROM frontier
WHERE run = %(run)s AND validators IS NOT NULL
  AND root NOT IN (SELECT root FROM run_roots WHERE run = %(run)s)
ON CONFLICT (url) DO UPDATE SET status = excluded.status, fetched_at = now(),
    etag = coalesce(excluded.etag, fetched.etag),
    last_modified = coalesce(excluded.last_modified, fetched.last_modified)
"""

"""Per-host politeness: at most N requests in flight to one host, and request starts spaced
by the host's delay (the configured one, raised to robots.txt Crawl-delay, pushed back by
Retry-After)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostGate:
    """Admits requests to each host no faster than its delay allows."""

    def __init__(self, delay: float, per_host: int) -> None:
        self.delay = delay
        self.per_host = per_host
        self._delays: dict[str, float] = {}
        self._base: dict[str, float] = {}  # a site's own delay ([sites]), instead of `delay`
        self._next: dict[str, float] = defaultdict(float)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._slots: dict[str, asyncio.Semaphore] = {}

    def set_base_delay(self, host: str, seconds: float) -> None:
        """`host`'s configured delay, in place of the run's (a `[sites]` table)."""
        if self._base.get(host) != seconds:
            self._base[host] = seconds
            if host in self._delays:
                self._delays[host] = max(seconds, self._delays[host])

    def set_delay(self, host: str, seconds: float) -> None:
        """Raise `host`'s delay (robots.txt Crawl-delay); never below the configured one."""
        self._delays[host] = max(self._base.get(host, self.delay), seconds)

    def delay_for(self, host: str) -> float:
        return self._delays.get(host, self._base.get(host, self.delay))

    def defer(self, host: str, seconds: float) -> None:
        """No request to `host` before `seconds` from now (Retry-After, backoff; and the
        delay again from a response's arrival, so a request that left late on a slow new
        connection and one that leaves on time on a warm one still reach the server at
        least the delay apart)."""
        self._next[host] = max(self._next[host], time.monotonic() + seconds)

    def answered(self, host: str) -> None:
        """A response from `host` arrived: its next request starts no sooner than the
        delay from now (so a request that left late on a slow new connection and one
        that leaves on time on a warm one still reach the server the delay apart)."""
        delay = self.delay_for(host)
        if delay:
            self.defer(host, delay)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's request slots, entered no earlier than its delay allows."""
        slots = self._slots.setdefault(host, asyncio.Semaphore(self.per_host))
        async with slots:
            async with self._locks[host]:  # one waiter at a time decides the next start
                # Re-checked after each sleep: a response or Retry-After may push it back.
                while (wait := self._next[host] - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                self._next[host] = time.monotonic() + self.delay_for(host)
            yield

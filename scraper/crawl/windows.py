"""From when each discovered site is read: its window in this run, and its horizon
across runs.

A site's window is `--since` when given; else its horizon in the state (where its last
whole run started, less a day for late listings); else, on its first run (and in every
run without a state), `[crawl] first_run_days` back. The horizon moves only after a run
that read all of the site back to its usual window: a narrower `--since`, a source that
failed or articles left for later (`--max-pages`) keep it where it was, and a first run
cut short stores its window, so the next run goes on from there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from scraper.store.state import RunState

DAY = 86400.0


@dataclass
class Site:
    """A site discovered in this run: its window and the sources given that led to it."""

    window: datetime
    roots: set[str] = field(default_factory=set)


class SiteWindows:
    """The windows of the sites a run discovers, and their horizons at its end."""

    def __init__(self, state: RunState | None, since: datetime | None,
                 first_run_days: float, started: float | None = None) -> None:
        self.state = state
        self.since = since
        self.started = time.time() if started is None else started
        self.first_window = self.started - first_run_days * DAY
        self.sites: dict[str, Site] = {}  # host -> what this run knows of it

    def __contains__(self, host: str) -> bool:
        return host in self.sites

    def join(self, host: str, root: str) -> Site:
        """The run's record of `host`, with `root` (a source given) among those that led
        to it: its horizon moves only when all of them were handled."""
        site = self.sites.get(host)
        if site is None:
            site = self.sites[host] = Site(self._window(host))
        site.roots.add(root)
        return site

    def _window(self, host: str) -> datetime:
        if self.since is not None:
            return self.since
        horizon = self.state.horizon(host) if self.state is not None else None
        return datetime.fromtimestamp(self.first_window if horizon is None else horizon,
                                      tz=timezone.utc)

    def stage_horizons(self, incomplete: set[str]) -> None:
        """Stage each site's next horizon (`incomplete`: the roots not all handled)."""
        if self.state is None:
            return
        for host, site in self.sites.items():
            before = self.state.horizon(host)
            usual = before if before is not None else self.first_window
            if not site.roots & incomplete and site.window.timestamp() <= usual + 1:
                self.state.stage_horizon(host, self.started - DAY)
            elif before is None:
                self.state.stage_horizon(host, min(site.window.timestamp(), usual))

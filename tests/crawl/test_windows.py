"""Site windows and horizons over a real state file: when a horizon moves, when not."""

from __future__ import annotations

from datetime import datetime, timezone

from scraper.crawl.windows import DAY, SiteWindows
from scraper.store import State

NOW = 1_800_000_000.0
HOST = "www.kabar.co.id"


def _run(state: State, incomplete: bool = False, since: datetime | None = None,
         now: float = NOW) -> datetime:
    windows = SiteWindows(state, since, first_run_days=3, started=now)
    window = windows.join(HOST, "https://www.kabar.co.id/").window
    windows.stage_horizons({"https://www.kabar.co.id/"} if incomplete else set())
    state.commit()
    return window


def test_first_run_window_then_horizon_after_a_whole_run(backend) -> None:
    with backend.open() as state:
        assert _run(state, incomplete=True).timestamp() == NOW - 3 * DAY
        # Cut short: the next run starts from the same place, not from its own now - 3 days.
        assert _run(state, now=NOW + DAY).timestamp() == NOW - 3 * DAY
        # That run was whole: the next reads from its start, less a day.
        assert _run(state, now=NOW + 2 * DAY).timestamp() == NOW + DAY - DAY


def test_a_narrower_since_does_not_move_the_horizon(backend) -> None:
    with backend.open() as state:
        _run(state)
        narrow = datetime.fromtimestamp(NOW + 0.5 * DAY, tz=timezone.utc)
        assert _run(state, since=narrow, now=NOW + DAY) == narrow
        assert state.horizon(HOST) == NOW - DAY  # still the first whole run's

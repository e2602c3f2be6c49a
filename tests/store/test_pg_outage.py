"""A server restart while a record's transaction holds its keys: the connection is
replaced, the keys taken again, and the log says the database went away, as every other
call that rides out an outage says it."""

from __future__ import annotations

import logging


def test_a_connection_lost_inside_a_records_transaction_is_replaced_and_logged(
        pg_server, pg_url: str, caplog) -> None:
    from scraper.store.pg.state import PgState

    with PgState.open(pg_url) as state:
        state.reserve("a.example/1", "hash-1", [1, 2])
        pg_server.restart()  # the held connection is cut
        with caplog.at_level(logging.WARNING, logger="scraper"):
            state.reserve("a.example/2", "hash-2", [3, 4])
        assert "the database went away" in caplog.text
        assert state.owner_of_url("a.example/2") is None  # the new transaction reads

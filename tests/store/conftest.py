"""Fixtures of the state tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def db(pg_url: str):
    """The tool's own handle on a new, migrated PostgreSQL database."""
    from scraper.store.pg.database import Database

    database = Database(pg_url, retry_for=5)
    database.migrate()
    yield database
    database.close()

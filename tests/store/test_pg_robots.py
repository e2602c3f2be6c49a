"""robots.txt shared by the workers of a crawl on PostgreSQL: read by one, once."""
from __future__ import annotations

from scraper.store.pg.hosts import SharedRobots


def test_one_worker_claims_an_origin_the_others_wait(db) -> None:
    a, b = SharedRobots(db, hold=30), SharedRobots(db, hold=30)
    assert a.get("http://x.test") is None
    assert a.claim("http://x.test")
    assert not b.claim("http://x.test")
    assert b.get("http://x.test") is None  # still being read


def test_rules_put_between_a_look_and_a_claim_are_not_read_again(db) -> None:
    """Worker b finds nothing, a claims, reads and puts the file, then b claims: b
    must be told to look again (seen in CI: one robots.txt read twice)."""
    a, b = SharedRobots(db, hold=30), SharedRobots(db, hold=30)
    assert b.get("http://x.test") is None
    assert a.claim("http://x.test")
    a.put("http://x.test", "User-agent: *\nDisallow: /private\n", None)
    assert not b.claim("http://x.test")
    assert b.get("http://x.test") == ("User-agent: *\nDisallow: /private\n", None)


def test_stale_rules_and_a_void_claim_are_claimed_again(db) -> None:
    a, b = SharedRobots(db, hold=30), SharedRobots(db, hold=0)
    assert b.claim("http://down.test")  # holds for 0 s: void at once
    assert a.claim("http://down.test")
    a.put("http://down.test", None, "connection refused")
    db.execute("UPDATE robots SET fetched_at = now() - interval '2 minutes'")
    assert a.get("http://down.test") is None  # a problem is kept for a minute only
    assert b.claim("http://down.test")

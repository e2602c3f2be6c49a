"""Rows of the shared `articles` table for the export tests, inserted through SQL as
PgState inserts them (`Article.to_json()` lines)."""

from __future__ import annotations

import dataclasses
import json

from scraper.record import Article, build_article

#: One extraction time for every record: the tests build a record again to compare with
#: what was stored, and `build_article` stamps the clock (a second boundary between the
#: two calls once failed test_to_a_stream_the_cursor_moves_too on CI).
EXTRACTED_AT = "2024-03-05T10:00:00+00:00"


def article(n: int, words: int = 40) -> Article:
    """A real record, told apart by `n`."""
    text = f"Berita nomor {n} dari Jakarta. " + " ".join(f"kata{i}" for i in range(words))
    record = build_article(source=f"https://news.example/{n}", text=text, title=f"Judul {n}",
                           canonical_url=f"https://news.example/{n}",
                           url=f"https://news.example/{n}")
    return dataclasses.replace(record, extracted_at=EXTRACTED_AT)


def migrated(url: str) -> None:
    """Create the schema in the database at `url`."""
    from scraper.store.pg.database import Database

    db = Database(url, retry_for=5)
    try:
        db.migrate()
    finally:
        db.close()


def insert(conn, numbers) -> list[str]:
    """Insert the records of `numbers` on `conn` (in its transaction, if any); their ids."""
    ids = []
    with conn.cursor() as cur:
        for n in numbers:
            record = article(n)
            cur.execute("INSERT INTO articles (id, record) VALUES (%s, %s)",
                        (record.id, record.to_json()))
            ids.append(record.id)
    return ids


def insert_many(conn, first: int, count: int, words: int = 300) -> None:
    """`count` records made on the server from one template (fast: no round trip each),
    ids `b<first>` .. `b<first + count - 1>`."""
    template = article(0, words).to_json().replace(article(0, words).id, "__ID__")
    conn.execute("INSERT INTO articles (id, record) SELECT 'b' || g, replace(%s, '__ID__', "
                 "'b' || g) FROM generate_series(%s::int, %s::int) g",
                 (template, first, first + count - 1))


def ids_in(path) -> list[str]:
    """The record ids of a JSON Lines file, in order."""
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]

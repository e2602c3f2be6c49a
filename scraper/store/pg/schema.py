"""The PostgreSQL schema, created and migrated by the tool.

`MIGRATIONS[n]` takes a database from version n to n + 1; `schema_version` holds the
version a database is at. A database at a version this tool does not know (made by a newer
scraper) is refused, never written to.

What the tables hold (the SQLite state's tables, plus what workers share):
- meta: the signature scheme of the duplicate index, as in SQLite;
- runs: crawl runs; workers that start while a run is open join it;
- fetched, failures, sites, probes, corpus_files: as in SQLite (by the one URL key);
- docs, bands: the duplicate index (band keys in an indexed table);
- outputs: how far each worker's own `--out` file was committed (per host and path);
- articles: every record written, once (by record id), in commit order (`seq`);
- exports: one cursor per export name (how far it wrote, into which file, what size);
- frontier: the run's jobs (sources and articles) claimed with a lease;
- run_workers: who joined a run, last seen when, left when (the last to leave ends it);
- run_roots: roots of a run that a worker could not finish (their sources' validators and
  their sites' horizons are not saved);
- run_sites: the sites each worker discovered in a run, with their window and roots (the
  last worker moves their horizons);
- hosts: per host, across all workers, the next time a request may start and who has
  one in flight (until when at most);
- robots: robots.txt per origin, read once for all workers (who is reading it, until).
"""

from __future__ import annotations

SCHEMA_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    number SERIAL PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ);
CREATE TABLE fetched (
    url TEXT PRIMARY KEY, status INTEGER, etag TEXT, last_modified TEXT,
    fetched_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE failures (
    url TEXT PRIMARY KEY, runs INTEGER NOT NULL, retry_at INTEGER NOT NULL, reason TEXT);
CREATE TABLE sites (host TEXT PRIMARY KEY, horizon DOUBLE PRECISION NOT NULL);
CREATE TABLE probes (
    host TEXT NOT NULL, path TEXT NOT NULL, found BOOLEAN NOT NULL, PRIMARY KEY (host, path));
CREATE TABLE corpus_files (
    name TEXT PRIMARY KEY, "offset" BIGINT NOT NULL, done BOOLEAN NOT NULL);
CREATE TABLE docs (
    id BIGSERIAL PRIMARY KEY, record_id TEXT NOT NULL UNIQUE, url64 BIGINT, hash64 BIGINT,
    size INTEGER NOT NULL DEFAULT 0, sig BYTEA);
CREATE INDEX docs_url ON docs (url64);
CREATE INDEX docs_hash ON docs (hash64);
CREATE TABLE bands (key BIGINT NOT NULL, doc BIGINT NOT NULL, PRIMARY KEY (key, doc));
CREATE TABLE outputs (path TEXT PRIMARY KEY, size BIGINT NOT NULL);
CREATE TABLE articles (
    seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE, run INTEGER,
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(), record TEXT NOT NULL);
CREATE TABLE exports (
    name TEXT PRIMARY KEY, seq BIGINT NOT NULL, path TEXT, size BIGINT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE frontier (
    run INTEGER NOT NULL, key TEXT NOT NULL, url TEXT NOT NULL, root TEXT NOT NULL,
    depth INTEGER NOT NULL, is_source BOOLEAN NOT NULL, published TIMESTAMPTZ,
    title TEXT, "window" TIMESTAMPTZ, turn INTEGER NOT NULL DEFAULT 0, seq BIGSERIAL,
    state SMALLINT NOT NULL DEFAULT 0,  -- 0 waiting, 1 leased, 2 done
    worker TEXT, lease_until TIMESTAMPTZ, validators TEXT,
    PRIMARY KEY (run, key));
CREATE INDEX frontier_next ON frontier
    (run, state, is_source DESC, published DESC NULLS LAST, turn, seq);
CREATE INDEX frontier_root ON frontier (run, root) WHERE is_source AND state < 2;
CREATE TABLE run_workers (
    run INTEGER NOT NULL, worker TEXT NOT NULL, seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    left_at TIMESTAMPTZ, PRIMARY KEY (run, worker));
CREATE TABLE run_roots (
    run INTEGER NOT NULL, root TEXT NOT NULL, PRIMARY KEY (run, root));
CREATE TABLE run_sites (
    run INTEGER NOT NULL, host TEXT NOT NULL, worker TEXT NOT NULL, roots TEXT NOT NULL,
    "window" DOUBLE PRECISION NOT NULL, PRIMARY KEY (run, host, worker));
CREATE TABLE hosts (
    host TEXT PRIMARY KEY, next_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    busy TEXT, busy_until TIMESTAMPTZ);
CREATE TABLE robots (
    origin TEXT PRIMARY KEY, body TEXT, problem TEXT, ready BOOLEAN NOT NULL DEFAULT false,
    fetched_at TIMESTAMPTZ NOT NULL DEFAULT now(), loading_until TIMESTAMPTZ);
"""

#: Version n -> n + 1, in order. Append; never edit one that was released.
MIGRATIONS: tuple[str, ...] = (SCHEMA_V1,)
#: The version this tool writes.
VERSION = len(MIGRATIONS)

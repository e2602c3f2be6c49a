"""The state on a PostgreSQL server, shared by crawl workers on several machines: the
schema (`schema`), the connection pool with retries (`database`), the RunState and
duplicate index (`state`), the shared frontier (`frontier`), per-host politeness and
robots.txt across workers (`hosts`), and `export`.

psycopg is imported only when a database URL is used: a folder state never needs it.
"""

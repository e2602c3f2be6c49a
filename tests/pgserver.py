"""A real PostgreSQL server for the tests: initdb into a temporary folder, run as an
unprivileged user on a free port of 127.0.0.1, stopped at the end.

The server binaries are the ones `pg_config --bindir` names (Debian's postgresql-15 puts
them outside PATH). Without them, tests that need the server are skipped, saying so.
Passwords go through libpq's usual source (PGPASSWORD), never into the URL.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

USER = "scraper"
PASSWORD = "test-secret-4711"


def server_bindir() -> Path | None:
    """Where initdb, pg_ctl and postgres are, or None."""
    candidates = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(Path(out.stdout.strip()))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _unprivileged() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) exists")


class PostgresServer:
    """One server: `url(db)` for a database on it, `create_db()`, `restart()`, `stop()`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="scraper-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._ids = _unprivileged()
        self._databases = 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        def demote() -> None:
            if self._ids is not None:
                os.setgid(self._ids[1])
                os.setuid(self._ids[0])

        env = {**os.environ, "LC_ALL": "C", "PGPASSWORD": PASSWORD}
        return subprocess.run(list(args), capture_output=True, text=True, check=check,
                              preexec_fn=demote, env=env, cwd=self.root, timeout=120)

    def start(self) -> PostgresServer:
        if self._ids is not None:
            os.chown(self.root, *self._ids)
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self._ids is not None:
            os.chown(pwfile, *self._ids)
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", USER,
                  "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            # fsync off: the tests' restarts are clean shutdowns, never power cuts.
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.root}'\nfsync = off\n"
                       f"full_page_writes = off\n"
                       f"max_connections = 200\n")
        self._ctl("start")
        return self

    def _ctl(self, action: str, *extra: str) -> None:
        self._run(str(self.bindir / "pg_ctl"), action, "-D", str(self.data), "-l",
                  str(self.log), "-w", "-t", "60", *extra)

    def restart(self) -> None:
        """Stop at once (every connection cut) and start again."""
        self._ctl("restart", "-m", "immediate")

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m",
                  "immediate", "-w", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        """A URL without the password (libpq takes it from PGPASSWORD)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_db(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        self._databases += 1
        name = f"t{os.getpid()}_{self._databases}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(self.url(), password=PASSWORD, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

"""One run per state folder: an exclusive lock on `<state>/lock` holding the owner's PID.

The lock is `flock(2)` on the open file, so the kernel drops it when its process dies by
any means, SIGKILL included: a lock file left by a dead run is simply taken over (stale
recovery needs no guessing from PIDs). The PID inside only tells the refused run who
holds it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from scraper.errors import AlreadyRunning, StateError

LOCK_FILE = "lock"
__all__ = ["LOCK_FILE", "AlreadyRunning", "RunLock"]


class RunLock:
    """Context manager: hold the lock of a state folder for the life of the block."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StateError(f"{self.path.parent}: cannot use as the state folder: "
                             f"{exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise AlreadyRunning(f"another run (PID {holder}) is using the state folder "
                                 f"{self.path.parent}; not starting a second one") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

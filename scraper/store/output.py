"""JSON Lines output: to stdout line by line, or to a file that appears whole or not at all."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TextIO

from scraper.errors import InputError, OutputError
from scraper.record import Article


def _temp_beside(path: Path) -> tuple[Path, TextIO]:
    """A new temporary text file in `path`'s folder (same file system: rename is atomic),
    with the mode `path` will have: its own when it exists, else what the umask gives a
    new file (0644 under umask 022), not mkstemp's 0600."""
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"{path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.fchmod(fd, _mode_for(path))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return Path(tmp), os.fdopen(fd, "w", encoding="utf-8", newline="\n")


def _mode_for(path: Path) -> int:
    """Permission bits for a file written over `path`."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process's umask, read without changing it where Linux tells (os.umask can only
    be read by setting it, which races with other threads creating files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_json_atomic(path: Path, data: object) -> None:
    """Write `data` as pretty JSON to `path`, whole or not at all."""
    tmp, fh = _temp_beside(path)
    try:
        with fh:
            json.dump(data, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)


class JsonlOutput:
    """Context manager writing one record per line.

    With a path, lines go to a temporary file beside it that is fsynced and renamed over
    the target when the block ends without an exception and at least one record was
    written (or `force_empty`), so readers never see half a file and a failed run, or one
    with nothing to write, leaves the old file untouched (`kept` then says so). Without a
    path, lines go to `stream` (stdout), flushed one by one so a pipe reader gets whole
    lines as they are made.
    """

    def __init__(self, path: Path | None, stream: TextIO | None = None, *,
                 force_empty: bool = False) -> None:
        self.path = path
        self._stream = stream
        self._force_empty = force_empty
        self._tmp: Path | None = None
        self._fh: TextIO | None = None
        self.count = 0
        #: True when the block ended with nothing to write and the file was left as it was.
        self.kept = False

    def __enter__(self) -> JsonlOutput:
        if self.path is None:
            self._fh = self._stream or sys.stdout
            return self
        if self.path.exists() and not self.path.is_file():
            # A pipe or device (/dev/stdout, a FIFO): written straight, never replaced.
            try:
                self._fh = self.path.open("w", encoding="utf-8", newline="\n")
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from exc
            return self
        self._tmp, self._fh = _temp_beside(self.path)
        return self

    def write(self, article: Article) -> None:
        """Write one record as one line."""
        assert self._fh is not None, "use JsonlOutput as a context manager"
        try:
            self._fh.write(article.to_json() + "\n")
            if self.path is None:
                self._fh.flush()
        except OSError as exc:
            raise OutputError(f"{self.path or 'stdout'}: cannot write: "
                              f"{exc.strerror or exc}") from exc
        self.count += 1

    #: Lines a killed run wrote after its last commit: none, the file is written whole.
    recovered: tuple[str, ...] = ()

    def position(self) -> tuple[Path, int] | None:
        """What the state keeps of this output at a commit: nothing (see AppendOutput)."""
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._tmp is None:
            if self._fh is not None:
                self._fh.flush()
                if self.path is not None:
                    self._fh.close()
            return
        assert self._fh is not None
        try:
            try:
                if exc_type is None:
                    self._fh.flush()
                    os.fsync(self._fh.fileno())
            finally:
                self._fh.close()
            if exc_type is None and (self.count or self._force_empty):
                os.replace(self._tmp, self.path)  # atomic on POSIX within one file system
                return
        except OSError as exc:  # a full disk at the last flush: the old file stays
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from exc
        self._tmp.unlink(missing_ok=True)
        self.kept = exc_type is None


class AppendOutput:
    """Context manager appending records to a file whose committed length the state keeps.

    For cron runs with `--state`: each record is written as one whole line and flushed to
    the OS before the caller commits the state (with `committed_size`), so a run killed at
    any moment leaves at most (a) a cut last line, which is removed on the next start,
    and (b) whole lines written after the last commit, which are handed back as `recovered`
    for the caller to enter into the state instead of writing them again.
    """

    def __init__(self, path: Path, committed: int | None) -> None:
        self.path = path
        self._committed = committed
        self._fh: BinaryIO | None = None
        self.recovered: list[str] = []
        self.count = 0

    def __enter__(self) -> AppendOutput:
        folder = self.path.parent
        if not folder.is_dir():
            raise OutputError(f"{self.path}: folder {folder} does not exist")
        if self.path.exists() and not self.path.is_file():
            raise InputError(f"{self.path}: with --state, --out must be a regular file "
                             "(its length is what the state remembers)")
        try:
            fh = self.path.open("ab+")
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write: {exc}") from exc
        fh.seek(0)
        data = fh.read()
        whole = data.rfind(b"\n") + 1  # bytes up to the last complete line
        if whole < len(data):
            fh.truncate(whole)  # a line cut by a kill: its record was never committed
        start = whole if self._committed is None or self._committed > whole else self._committed
        self.recovered = [line for line in data[start:whole].decode("utf-8").splitlines()
                          if line.strip()]
        self._fh = fh
        return self

    @property
    def committed_size(self) -> int:
        """The file's length with every written line in it."""
        assert self._fh is not None
        return self._fh.tell()

    def write(self, article: Article) -> None:
        """Append one record as one line and hand it to the OS (survives SIGKILL)."""
        assert self._fh is not None, "use AppendOutput as a context manager"
        try:
            self._fh.seek(0, os.SEEK_END)
            self._fh.write((article.to_json() + "\n").encode("utf-8"))
            self._fh.flush()
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") from exc
        self.count += 1

    def position(self) -> tuple[Path, int] | None:
        """The file and its length with every written line in it: committed with the
        state, so the next run knows which lines the state has."""
        return self.path, self.committed_size

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
            try:
                fh.flush()
                os.fsync(fh.fileno())
            except OSError as exc:
                if exc_type is None:  # else the error that ended the block is the news
                    raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") \
                        from exc
            finally:
                fh.close()

"""JSON Lines output: to stdout line by line, or to a file that appears whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TextIO

from scraper.errors import InputError
from scraper.record import Article


class JsonlOutput:
    """Context manager writing one record per line.

    With a path, lines go to a temporary file beside it that is fsynced and renamed over
    the target when the block ends without an exception, so readers never see half a file
    and a failed run leaves the old file untouched. Without a path, lines go to `stream`
    (stdout), flushed one by one so a pipe reader gets whole lines as they are made.
    """

    def __init__(self, path: Path | None, stream: TextIO | None = None) -> None:
        self.path = path
        self._stream = stream
        self._tmp: Path | None = None
        self._fh: TextIO | None = None
        self.count = 0

    def __enter__(self) -> JsonlOutput:
        if self.path is None:
            self._fh = self._stream or sys.stdout
            return self
        folder = self.path.parent
        if not folder.is_dir():
            raise InputError(f"{self.path}: folder {folder} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        self._tmp = Path(tmp)
        self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    def write(self, article: Article) -> None:
        """Write one record as one line."""
        assert self._fh is not None, "use JsonlOutput as a context manager"
        self._fh.write(article.to_json() + "\n")
        if self.path is None:
            self._fh.flush()
        self.count += 1

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._tmp is None:
            if self._fh is not None:
                self._fh.flush()
            return
        assert self._fh is not None
        try:
            if exc_type is None:
                self._fh.flush()
                os.fsync(self._fh.fileno())
        finally:
            self._fh.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)  # atomic on POSIX within one file system
        else:
            self._tmp.unlink(missing_ok=True)

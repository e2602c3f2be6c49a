"""CC-NEWS as a source: Common Crawl's monthly news WARC files, fetched in order with the
polite fetcher and read as they arrive (no file is kept on disk).

A month is listed by `crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz` under the archive's base
URL; each line names one WARC file. The download runs on the event loop and hands its
bytes to a reader thread through a bounded queue (`ChunkStream`), where `read_warc` parses
them: memory holds a few chunks and the record being read, whatever the file's size.
"""

from __future__ import annotations

import gzip
import io
import queue
import re
import threading
import zlib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from scraper.errors import InputError, UsageError

#: Where Common Crawl serves its files (`[ccnews] base`; a mirror, or a test server).
DEFAULT_BASE = "https://data.commoncrawl.org/"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
#: What a listing or a WARC file may be served as (servers label them every way).
LISTING_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream",
                 "text/plain", "binary/octet-stream")


def month_listing(month: str, base: str = DEFAULT_BASE) -> str:
    """The URL of a month's `warc.paths.gz` ("2026-10")."""
    match = _MONTH.match(month)
    if match is None:
        raise UsageError(f"--month {month!r}: give a month as YYYY-MM (2026-10)")
    year, number = match.groups()
    return urljoin(_folder(base), f"crawl-data/CC-NEWS/{year}/{number}/warc.paths.gz")


def parse_listing(data: bytes, base: str, name: str) -> list[str]:
    """The WARC URLs of a `warc.paths[.gz]` listing, in its order (paths are resolved
    against `base`; full URLs are kept)."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{name}: not a readable gzip listing ({exc})") from None
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{name}: not a listing of WARC paths (not text)") from None
    urls = []
    for number, line in enumerate(lines, 1):
        path = line.strip()
        if not path or path.startswith("#"):
            continue
        if not path.lower().endswith((".warc", ".warc.gz")):
            raise InputError(f"{name}:{number}: not a WARC path: {path[:80]!r}")
        urls.append(path if urlsplit(path).scheme in ("http", "https")
                    else urljoin(_folder(base), path.lstrip("/")))
    return urls


def read_listing_file(path: Path, base: str) -> list[str]:
    """`parse_listing` of a listing saved on disk."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return parse_listing(data, base, str(path))


def _folder(base: str) -> str:
    return base if base.endswith("/") else base + "/"


class Abandoned(Exception):
    """The reader stopped before the end of the download (it failed, or the run ends)."""


class DownloadFailed(OSError):
    """The download of a WARC file failed or broke off: to the reader, a failed read
    (the records before it are still read)."""


class ChunkStream(io.RawIOBase):
    """A readable byte stream fed from another thread: `put` chunks (blocking while
    `depth` chunks wait), then `finish` (with the download's error, if any), which the
    reader sees as its end, or as a failed read (DownloadFailed). `cancel` (the run is
    interrupted) ends a read waiting for bytes at once."""

    def __init__(self, name: str, depth: int = 16) -> None:
        super().__init__()
        self.name = name
        self._chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._buffer = b""
        self._ended = False
        self._error: str | None = None
        self._abandoned = threading.Event()
        self._cancelled = threading.Event()

    def readable(self) -> bool:
        return True

    def put(self, chunk: bytes) -> None:
        """Hand over a chunk; raises Abandoned once the reader stopped reading."""
        if not self._hand_over(chunk):
            raise Abandoned(self.name)

    def finish(self, error: str | None = None) -> None:
        """The download ended; `error` says why it broke off, when it did."""
        self._error = error
        self._hand_over(None)

    def _hand_over(self, item: bytes | None) -> bool:
        """Queue `item` once there is room; False when the reader stopped first."""
        while not self._abandoned.is_set():
            try:
                self._chunks.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def abandon(self) -> None:
        """The reader stops: a `put` waiting or to come raises Abandoned."""
        self._abandoned.set()

    def cancel(self) -> None:
        """The run stops (Ctrl-C, an error): the reader's next or current read fails."""
        self._cancelled.set()
        self._abandoned.set()

    def readinto(self, target: bytearray | memoryview) -> int:
        """What has arrived, up to `target`'s size: waits for the first bytes (at least
        a few, so a reader can tell gzip from plain), not for the buffer to fill, so that
        records are read as they arrive. 0 at the end; DownloadFailed when the download
        broke off (after the bytes before it were read) or the run was cancelled."""
        size = 0
        while size < len(target):
            if not self._buffer:
                wait = size < 8
                if self._ended or not self._next_chunk(wait=wait):
                    break
            take = min(len(target) - size, len(self._buffer))
            target[size:size + take] = self._buffer[:take]
            self._buffer = self._buffer[take:]
            size += take
        if not size and self._ended and self._error:
            raise DownloadFailed(self._error)
        return size

    def _next_chunk(self, *, wait: bool) -> bool:
        """The next chunk into the buffer (waiting for one when `wait`); False when none
        is there (the end, or not yet)."""
        while True:
            if self._cancelled.is_set():
                raise DownloadFailed("the run was interrupted")
            try:
                chunk = self._chunks.get(timeout=0.2) if wait else self._chunks.get_nowait()
            except queue.Empty:
                if not wait:
                    return False
                continue
            if chunk is None:
                self._ended = True
                return False
            self._buffer = chunk
            return True


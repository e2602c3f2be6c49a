"""WARC files read back as pages: each HTTP response record with its URL, date, status,
headers, body and byte offset, streamed (memory stays flat whatever the file's size).

FastWARC parses the records (bench/corpus.py: 2.2 times warcio's speed on gzip, 2.3-2.5
uncompressed); `scraper.corpus.integrity` finds the damage neither library reports.
Every record is held back until the next one shows it whole, so a damaged file yields
the records before the damage, then one `WarcError` naming the file and offset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecordType

from scraper.content_type import charset_of, media_type
from scraper.corpus.integrity import (
    GZIP_MAGIC,
    MAX_HEADER,
    Checks,
    Seen,
    Tail,
    WarcError,
    cut_short,
    damaged,
)
from scraper.corpus.payload import BodyRefused, decode_payload, split_response
from scraper.errors import InputError
from scraper.settings import FetchSettings

#: The fetcher's caps (scraper.settings.FetchSettings): bytes stored, bytes decoded.
MAX_BYTES = FetchSettings().max_bytes
MAX_DECOMPRESSED = FetchSettings().max_decompressed
_MIN_KEEP = 4 << 20  # bytes of the latest record kept for the checks, at least


@dataclass(frozen=True, slots=True)
class WarcHead:
    """A response record before its body is read: what `select` decides on."""

    #: WARC-Target-URI.
    uri: str
    #: WARC-Date (aware, UTC); None when missing or not a date.
    date: datetime | None
    #: The HTTP status code (None when the status line has none).
    status: int | None
    #: The HTTP headers, names in lower case (a repeated header's values joined by ", ").
    headers: dict[str, str]
    #: Byte offset of the record in the file (of its gzip member): `FILE#offset`.
    offset: int
    #: Bytes of the payload as stored (before the content coding is undone).
    length: int

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, lower case ("" when absent)."""
        return media_type(self.headers.get("content-type", ""))

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        return charset_of(self.headers.get("content-type", ""))


@dataclass(frozen=True, slots=True)
class WarcPage(WarcHead):
    """A response record read whole: `body` is the page's bytes (transfer and content
    codings undone)."""

    body: bytes = b""


@dataclass(frozen=True, slots=True)
class WarcSkip:
    """A response or revisit record that gives no page, and why ("too large", a reason
    from `select`)."""

    offset: int
    uri: str | None
    reason: str


#: Decides on a record before its body is read: a reason to skip it, or None to read it.
Select = Callable[[WarcHead], str | None]


def open_warc(path: Path, name: str | None = None, *, select: Select | None = None,
              max_bytes: int = MAX_BYTES,
              max_decompressed: int = MAX_DECOMPRESSED) -> Iterator[WarcPage | WarcSkip]:
    """`read_warc` over the file at `path` (`name` in messages, default the path). A file
    that cannot be opened or read is an InputError."""
    name = name or str(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    with fh:
        yield from read_warc(fh, name, select=select, max_bytes=max_bytes,
                             max_decompressed=max_decompressed)


def read_warc(stream: BinaryIO, name: str, *, select: Select | None = None,
              max_bytes: int = MAX_BYTES,
              max_decompressed: int = MAX_DECOMPRESSED) -> Iterator[WarcPage | WarcSkip]:
    """The pages of a WARC file (gzipped record by record, or not at all), in file order.

    `stream` needs `read(n)` only (a file, a pipe, an HTTP body) and is read once, from
    its start (offsets count from there). Each `response` record is a `WarcPage`, or a
    `WarcSkip` when `select` gives a reason, when it stores more than `max_bytes` or
    decodes to more than `max_decompressed` ("too large", as for a fetched page), or it
    is not an HTTP response; a `revisit` record is a WarcSkip; other records (warcinfo,
    request, metadata, resource) are passed over. A damaged file yields the records
    before the damage, then raises WarcError; a stream that fails to read, InputError.
    """
    tail = Tail(stream, keep=max(2 * max_bytes, _MIN_KEEP) + MAX_HEADER, name=name)
    gzipped = tail.first[:2] == GZIP_MAGIC
    if not gzipped and not tail.first.lstrip(b"\r\n").startswith(b"WARC/"):
        raise WarcError(f"{name}: not a WARC file (neither gzip nor a WARC/1.x record)"
                        if tail.first else f"{name}: empty input", 0)
    try:
        yield from _pages(tail, Checks(tail, name, gzipped), select, max_bytes,
                          max_decompressed)
    except WarcError:
        if tail.failure is None:
            raise
    if tail.failure is not None:  # the stream failed: what looked like its end was not
        raise tail.failure


def _pages(tail: Tail, check: Checks, select: Select | None, max_bytes: int,
           max_decompressed: int) -> Iterator[WarcPage | WarcSkip]:
    """read_warc's records, each held back until the next one shows it whole."""
    records = iter(ArchiveIterator(tail, parse_http=False, stream_detect=check.gzipped,
                                   max_content_length=None))
    held: WarcPage | WarcSkip | None = None
    last: Seen | None = None
    while True:
        record, failure = _next(records)
        if record is None:
            end = check.last_end(last)
            if isinstance(end, WarcError):
                raise end
            if held is not None:
                yield held
            check.finish(end, failure)
            return
        seen = Seen(record.stream_pos, record.content_length)
        damage = check.between(last, seen) or check.header(record, seen)
        if damage is not None:
            if held is not None and last is not None and damage.offset > last.offset:
                yield held
            raise damage
        tail.trim(seen.offset)
        if held is not None:
            yield held
        held = _page(record, seen, check.name, select, max_bytes, max_decompressed)
        last = seen


def _next(records: Iterator) -> tuple[object | None, str | None]:
    """The next record, or None and why the library stopped (None: the end)."""
    try:
        return next(records), None
    except StopIteration:
        return None, None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - FastWARC's Rust panics are BaseException
        return None, str(exc) or type(exc).__name__


def _page(record, seen: Seen, name: str, select: Select | None, max_bytes: int,
          max_decompressed: int) -> WarcPage | WarcSkip | None:
    """What one record gives: a page, a skip, or None (not a page record)."""
    kind = record.record_type
    if kind not in (WarcRecordType.response, WarcRecordType.revisit):
        return None
    uri = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>") or None
    if kind == WarcRecordType.revisit:
        return WarcSkip(seen.offset, uri, "revisit record")
    if uri is None:
        return WarcSkip(seen.offset, None, "no WARC-Target-URI")
    http = _http(record, seen, name, max_bytes + MAX_HEADER)
    if http is None:
        return WarcSkip(seen.offset, uri, "not an HTTP response")
    status, headers, length, raw = http
    head = WarcHead(uri=uri, date=record.record_date, status=status, headers=headers,
                    offset=seen.offset, length=length)
    reason = select(head) if select is not None else None
    if reason is None and head.length > max_bytes:
        reason = "too large"
    if reason is not None:
        return WarcSkip(seen.offset, uri, reason)
    if raw is None:
        raw = _read(record, seen, name, head.length)
    try:
        body = decode_payload(raw, head.headers, max_decompressed)
    except BodyRefused as exc:
        return WarcSkip(seen.offset, uri, exc.reason)
    return WarcPage(uri=head.uri, date=head.date, status=head.status, headers=head.headers,
                    offset=head.offset, length=head.length, body=body)


def _http(record, seen: Seen, name: str,
          limit: int) -> tuple[int | None, dict[str, str], int, bytes | None] | None:
    """The record's HTTP status, headers, payload length and, when it had to be read to
    find them, payload; None when the block is no HTTP response."""
    try:
        record.parse_http()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - as in _next
        raise damaged(name, seen.offset, f"unreadable HTTP headers: {exc}") from None
    http = record.http_headers
    if http is not None:
        return http.status_code, _headers(http.items()), record.content_length, None
    # FastWARC reads UTF-8 headers only and leaves a record with a Latin-1 byte in one
    # (HTTP allows them, servers send them) unparsed, its reader at the block's start.
    block = _read(record, seen, name, min(record.content_length, limit))
    message = split_response(block)
    if message is None:
        return None
    status, headers, payload = message
    if len(block) < record.content_length:  # over the cap: the block's length says so
        return status, headers, record.content_length, None
    return status, headers, len(payload), payload


def _read(record, seen: Seen, name: str, length: int) -> bytes:
    """`length` bytes of the record's block, as the file holds them."""
    raw = bytearray()
    try:
        while len(raw) < length and (chunk := record.reader.read(length - len(raw))):
            raw += chunk
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - as in _next
        raise damaged(name, seen.offset, str(exc)) from None
    if len(raw) < length:
        raise cut_short(name, seen.offset)
    return bytes(raw)


def _headers(items) -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in items:
        key = key.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers

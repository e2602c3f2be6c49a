"""What FastWARC does not report: where a WARC file is damaged.

Cut short, FastWARC (and warcio alike: bench/corpus.py) ends quietly, sometimes giving half
a record; an uncompressed file with bytes lost or added inside is read on past the damage.
`Checks` finds it from the bytes `Tail` keeps of the latest record: each record must end
where the next begins (uncompressed), the file where its last record does (a whole gzip
member holding the whole block, or the block's declared length), and a record must
declare its length. An error's offset is the first record not known to be whole.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import BinaryIO

from scraper.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
#: FastWARC's own limit on a header block.
MAX_HEADER = 32 << 10
_INFLATE_STEP = 1 << 20


class WarcError(InputError):
    """A WARC file is damaged (cut short, corrupt) or is not one; `offset` is the byte
    where the trouble starts (the records before it were read)."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Seen:
    """Where a record starts, and how long its block says it is (its Content-Length)."""

    offset: int
    block: int


def cut_short(name: str, offset: int) -> WarcError:
    """The file ends inside the record at `offset`."""
    return WarcError(f"{name}: truncated WARC file: the record at byte {offset} is cut "
                     "short (the records before it were read)", offset)


def damaged(name: str, offset: int, detail: str) -> WarcError:
    """The record at `offset` is not as WARC says (`detail`: how)."""
    if offset == 0:
        return WarcError(f"{name}: not a WARC file, or damaged at its start ({detail})", 0)
    return WarcError(f"{name}: corrupt WARC data at byte {offset} ({detail}; the records "
                     "before it were read)", offset)


class Tail:
    """The stream as FastWARC reads it, keeping the bytes from the start of the latest
    record on, which the checks of where records end read: at most the last `keep` of
    them (a record longer than that goes unchecked)."""

    def __init__(self, raw: BinaryIO, *, keep: int, name: str) -> None:
        self._raw, self._keep, self._name = raw, keep, name
        self.kept = bytearray()
        self.kept_from = 0  # the file offset of kept[0]
        self.pos = 0
        #: Why the stream stopped giving bytes, when it failed (FastWARC is told it ended).
        self.failure: InputError | None = None
        self.first = self._read_raw(1 << 16)
        if self.failure is not None:
            raise self.failure
        self._ahead = self.first

    def _read_raw(self, n: int) -> bytes:
        if self.failure is not None:
            return b""
        try:
            return self._raw.read(n)
        except OSError as exc:
            self.failure = InputError(f"{self._name}: cannot read at byte {self.pos}: "
                                      f"{exc.strerror or exc}")
            return b""

    def read(self, n: int = -1) -> bytes:
        if self._ahead:
            data, self._ahead = self._ahead, b""
            if 0 <= n < len(data):
                data, self._ahead = data[:n], data[n:]
        else:
            data = self._read_raw(n if n >= 0 else 1 << 16)
        self.kept += data
        self.pos += len(data)
        if len(self.kept) > self._keep:  # a record too large to keep: its start goes
            excess = len(self.kept) - self._keep
            del self.kept[:excess]
            self.kept_from += excess
        return data

    def tell(self) -> int:  # FastWARC asks (and panics without it)
        return self.pos

    def trim(self, offset: int) -> None:
        """Forget what comes before `offset` (where the latest record starts)."""
        if offset > self.kept_from:
            del self.kept[:offset - self.kept_from]
            self.kept_from = offset

    def since(self, offset: int, length: int | None = None) -> bytes | None:
        """`length` bytes from `offset` (all read so far by default); None when they
        were not kept."""
        if offset < self.kept_from:
            return None
        start = offset - self.kept_from
        return bytes(self.kept[start:None if length is None else start + max(0, length)])


class Checks:
    """Where records end, against where the next begins and where the file ends. An
    error's offset is the first record not known to be whole."""

    def __init__(self, tail: Tail, name: str, gzipped: bool) -> None:
        self.tail, self.name, self.gzipped = tail, name, gzipped

    def between(self, last: Seen | None, seen: Seen) -> WarcError | None:
        """The damage between the record before and `seen`, if any: `seen` must start
        where that one ends (past line breaks)."""
        if self.gzipped:
            start = self.tail.since(seen.offset, 2)
            if (last is not None and seen.offset <= last.offset) or \
                    (start is not None and start != GZIP_MAGIC):
                return WarcError(f"{self.name}: gzipped as a whole, not record by record: "
                                 "records cannot be found again by offset (gunzip it and "
                                 "give the .warc)", seen.offset)
            return None
        end = self._block_end(last) if last is not None else 0
        gap = self.tail.since(end, seen.offset - end) if end is not None else None
        if gap is not None and (seen.offset < end or gap.strip(b"\r\n")):
            # Its Content-Length is wrong, or bytes were lost or added after it: either
            # way the record is not known to be whole.
            return damaged(self.name, last.offset if last else 0,
                           "the record does not end where the next one begins")
        return None

    def header(self, record, seen: Seen) -> WarcError | None:
        """A record without a Content-Length (FastWARC reads it as 0) is cut short in its
        header, or damaged."""
        if (record.headers.get("Content-Length") or "").strip().isdigit():
            return None
        try:
            cut = self._gzip_end(seen.offset) is None if self.gzipped else \
                b"\r\n\r\n" not in (self.tail.since(seen.offset, MAX_HEADER) or b"\r\n\r\n")
        except WarcError as exc:
            return exc
        return cut_short(self.name, seen.offset) if cut else \
            damaged(self.name, seen.offset, "a record without a valid Content-Length")

    def last_end(self, last: Seen | None) -> int | WarcError:
        """Where the last record read ends, or why it is not whole. A record whose bytes
        were too many to keep is taken to end with the file."""
        if last is None:
            return 0
        if self.tail.since(last.offset, 0) is None:
            return self.tail.pos
        if self.gzipped:
            try:
                end = self._gzip_end(last.offset, last.block)
            except WarcError as exc:
                return exc
            return end if end is not None else cut_short(self.name, last.offset)
        end = self._block_end(last)
        if end is None or end > self.tail.pos:
            return cut_short(self.name, last.offset)
        after = (self.tail.since(end, 64) or b"").lstrip(b"\r\n")[:5]
        if after and after != b"WARC/"[:len(after)]:
            return damaged(self.name, last.offset, "the record does not end where its "
                           "Content-Length says")
        return end

    def finish(self, end: int, failure: str | None) -> None:
        """Raise WarcError unless the file ends where its last record does and the
        library stopped because it was done."""
        rest = self.tail.since(end) or b""
        if self.gzipped:
            if failure is not None:
                raise damaged(self.name, end, failure)
            if rest:
                if self._gzip_end(end) is None:
                    raise cut_short(self.name, end)
                raise damaged(self.name, end, "a gzip member that holds no WARC record")
            return
        stripped = rest.lstrip(b"\r\n")
        at = end + len(rest) - len(stripped)
        if stripped.startswith(b"WARC/") and b"\r\n\r\n" not in stripped[:MAX_HEADER]:
            raise cut_short(self.name, at)
        if failure is not None or stripped:
            raise damaged(self.name, at, failure or "not a WARC record")

    def _block_end(self, seen: Seen) -> int | None:
        """Where an uncompressed record's block ends, by its header's Content-Length
        (None when its header was not kept or has no end)."""
        head = self.tail.since(seen.offset, MAX_HEADER)
        at = head.find(b"\r\n\r\n") if head is not None else -1
        return seen.offset + at + 4 + seen.block if at >= 0 else None

    def _gzip_end(self, offset: int, block: int | None = None) -> int | None:
        """The end of the gzip member at `offset`; None when it is cut short, or when it
        holds less than the header and the `block` bytes its record declares."""
        data = self.tail.since(offset) or b""
        inflater = zlib.decompressobj(wbits=31)
        head, size = b"", 0
        try:
            chunk = data
            while chunk and not inflater.eof:
                out = inflater.decompress(chunk, _INFLATE_STEP)
                head, size = head or out[:MAX_HEADER], size + len(out)
                chunk = inflater.unconsumed_tail
        except zlib.error as exc:
            raise damaged(self.name, offset, f"gzip: {exc}") from None
        if not inflater.eof:
            return None
        if block is not None:
            at = head.find(b"\r\n\r\n")
            if at < 0 or size < at + 4 + block:
                return None
        return offset + len(data) - len(inflater.unused_data)

"""An HTTP payload as a WARC record stores it, made into the page's bytes: the transfer
coding (chunked) and the content coding (gzip, deflate) undone, under the fetcher's caps.

Archives disagree on what they store: a crawler that keeps the wire bytes (`crawl --warc`,
wget) leaves `Content-Encoding: gzip` bodies compressed, others (Common Crawl) store the
body decoded but keep or rename the headers. So a coding is undone only when the bytes
carry it; a header that promises one the bytes do not have is ignored.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping

#: Content codings undone here, as the fetcher takes them (scraper.fetch.client).
_INFLATE = {"gzip": 31, "x-gzip": 31, "deflate": 15}
_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]+")
_STATUS = re.compile(r"HTTP/\S+\s+(\d{3})\b")
_STEP = 1 << 20  # output per inflate call: a bomb stops at the cap, not at memory's end


class BodyRefused(Exception):
    """The payload cannot be made into a page; `reason` is the skip's category, as the
    fetcher names its own ("too large", "unsupported encoding")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def split_response(block: bytes) -> tuple[int | None, dict[str, str], bytes] | None:
    """An HTTP response message as (status, headers with lower-case names, payload), its
    header read as Latin-1 (what HTTP allows besides ASCII); None when `block` is none."""
    end, gap = block.find(b"\r\n\r\n"), 4
    if end < 0:
        end, gap = block.find(b"\n\n"), 2
    if not block.startswith(b"HTTP/") or end < 0:
        return None
    status_line, *lines = block[:end].decode("latin-1").splitlines()
    code = _STATUS.match(status_line)
    headers: dict[str, str] = {}
    for line in lines:
        key, colon, value = line.partition(":")
        if colon:
            key, value = key.strip().lower(), value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return (int(code.group(1)) if code else None), headers, block[end + gap:]


def decode_payload(raw: bytes, headers: Mapping[str, str], max_decompressed: int) -> bytes:
    """The page's bytes from a stored payload (`headers`: HTTP headers, lower-case names).
    Raises BodyRefused when it decodes to more than `max_decompressed` bytes, is a coding
    not handled here, or is corrupt."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raw = _dechunk(raw)
    coding = headers.get("content-encoding", "").strip().lower()
    if coding in ("", "identity"):
        return raw
    if coding not in _INFLATE:
        if _looks_like_markup(raw):
            return raw  # stored decoded under the original header
        raise BodyRefused(f"unsupported encoding ({coding})")
    if not _carries(coding, raw):
        return raw
    inflater = zlib.decompressobj(wbits=_INFLATE[coding])
    out = bytearray()
    data = raw
    try:
        while data and not inflater.eof:
            out += inflater.decompress(data, _STEP)
            if len(out) > max_decompressed:
                raise BodyRefused("too large")
            data = inflater.unconsumed_tail
    except zlib.error:
        raise BodyRefused(f"corrupt {coding} body") from None
    return bytes(out)


def _carries(coding: str, raw: bytes) -> bool:
    """Do the bytes begin as the coding's stream does (gzip magic, a zlib header)?"""
    if coding != "deflate":
        return raw[:2] == b"\x1f\x8b"
    return len(raw) >= 2 and raw[0] & 0x0F == 8 and (raw[0] << 8 | raw[1]) % 31 == 0


def _looks_like_markup(raw: bytes) -> bool:
    return raw.lstrip()[:1] == b"<"


def _dechunk(raw: bytes) -> bytes:
    """The body without chunked framing; `raw` itself when it is not framed so (stored
    already joined, under the original Transfer-Encoding header)."""
    out = bytearray()
    pos = 0
    while True:
        line_end = raw.find(b"\r\n", pos)
        if line_end < 0:
            return raw if not out else bytes(out)  # cut short: keep what the chunks held
        size_field = raw[pos:line_end].split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size_field):
            return raw if not out else bytes(out)
        size = int(size_field, 16)
        if size == 0:
            return bytes(out)
        start = line_end + 2
        out += raw[start:start + size]
        pos = start + size + 2
        if pos > len(raw):
            return bytes(out)

"""Local inputs: paths, folders and stdin expanded into named sources, read as text."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from scraper.errors import InputError
from scraper.extract.charset import decode_html, looks_binary

#: Inputs larger than this (after gunzip) are refused: a text dump is never this big.
MAX_INPUT_BYTES = 64 * 1024 * 1024
_SNIFF_BYTES = 8192


@dataclass(frozen=True, slots=True)
class Source:
    """One input. `name` is the path as the user gave it (or as found under a folder they
    gave); it becomes the record's `source`. `path` is None for stdin ("-")."""

    name: str
    path: Path | None


def expand(args: list[str], suffixes: tuple[str, ...]) -> Iterator[Source | InputError]:
    """Each argument as sources: a file as itself, a folder as its files ending in one of
    `suffixes` (recursively, sorted), "-" as stdin. A bad argument yields an InputError."""
    for arg in args:
        if arg == "-":
            yield Source("-", None)
            continue
        path = Path(arg)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*")
                           if p.is_file() and p.name.lower().endswith(suffixes))
            if not found:
                yield InputError(f"{arg}: no {' or '.join(suffixes)} files in this folder")
            for p in found:
                yield Source(os.path.join(arg, str(p.relative_to(path))), p)
        elif path.is_file():
            yield Source(arg, path)
        elif path.exists():
            yield InputError(f"{arg}: not a regular file")
        else:
            yield InputError(f"{arg}: no such file or folder")


def read_bytes(source: Source, stdin: BinaryIO | None = None) -> bytes:
    """The source's bytes, gunzipped when they are gzip data, at most MAX_INPUT_BYTES."""
    try:
        if source.path is None:
            data = (stdin or sys.stdin.buffer).read(MAX_INPUT_BYTES + 1)
        else:
            with source.path.open("rb") as fh:
                data = fh.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise InputError(f"{source.name}: cannot read: {exc.strerror or exc}") from exc
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, source.name)
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(f"{source.name}: larger than {MAX_INPUT_BYTES // 2**20} MiB")
    return data


def _gunzip(data: bytes, name: str) -> bytes:
    # Decompress in bounded steps so a gzip bomb stops at the cap instead of filling memory.
    inflater = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    try:
        out = inflater.decompress(data, MAX_INPUT_BYTES + 1)
    except zlib.error as exc:
        raise InputError(f"{name}: corrupt gzip data ({exc})") from exc
    if len(out) <= MAX_INPUT_BYTES and not inflater.eof:
        raise InputError(f"{name}: truncated gzip data")
    return out


def decode_text(data: bytes, name: str) -> str:
    """Bytes of a text dump as str, in any charset, detected the way pages are (BOM,
    UTF-8, detection: scraper.extract.charset); not binary, not empty."""
    if looks_binary(data):
        raise InputError(f"{name}: binary file, not text")
    text, _encoding = decode_html(data)
    if not text.strip():
        raise InputError(f"{name}: empty input")
    return text


def read_text(source: Source, stdin: BinaryIO | None = None) -> str:
    """`read_bytes` then `decode_text`."""
    return decode_text(read_bytes(source, stdin), source.name)


#: Marks of an HTML document (or fragment) in its first bytes.
_HTML_DOCUMENT = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_XML_DOCUMENT = re.compile(r"\A\s*(<\?xml|<(rss|feed|urlset|sitemapindex|rdf:rdf)[\s>])",
                           re.IGNORECASE)
_HTML_TAG = re.compile(r"<(head|body|meta|title|div|p|article|main|section|span|a|table|ul|ol"
                       r"|li|h[1-6]|br|img|script|style|link|!--)[\s>/]", re.IGNORECASE)


def sniff_page(data: bytes) -> str | None:
    """What `data` is when it is not an HTML page ("JSON", "PDF", "plain text", "XML",
    "binary data"), or None for HTML (a whole page or a fragment with tags)."""
    if data.startswith(b"%PDF-"):
        return "PDF"
    if looks_binary(data):
        return "binary data"
    head = decode_html(data[:_SNIFF_BYTES])[0]
    if _HTML_DOCUMENT.search(head):
        return None
    if _XML_DOCUMENT.match(head):
        return "XML"
    stripped = head.lstrip()
    if stripped[:1] in ("{", "[") and _is_json(data):
        return "JSON"
    return None if _HTML_TAG.search(head) else "plain text"


def _is_json(data: bytes) -> bool:
    """A JSON document, or JSON Lines (its first line is one)."""
    text = data.decode("utf-8-sig", "replace")
    for candidate in (text, text.split("\n", 1)[0]):
        try:
            json.loads(candidate)
            return True
        except ValueError:
            continue
    return False


def byte_lines(source: Source, stdin: BinaryIO | None = None) -> Iterator[tuple[int, bytes]]:
    """(line number, line with its end) of a file of any size, gzip or not, read as a
    stream: for record files, which can be far larger than one text dump. Decoding is the
    caller's, a line at a time, so that a line that is not text is told by its number.

    Raises InputError for a file that cannot be read, or gzip data that breaks off.
    """
    try:
        raw: BinaryIO = stdin or sys.stdin.buffer if source.path is None else source.path.open("rb")
    except OSError as exc:
        raise InputError(f"{source.name}: cannot read: {exc.strerror or exc}") from exc
    with raw:
        buffered = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw
        stream = gzip.GzipFile(fileobj=buffered) if buffered.peek(2)[:2] == b"\x1f\x8b" else buffered
        number = 0
        try:
            for number, line in enumerate(stream, 1):
                yield number, line
        except (OSError, EOFError) as exc:
            raise InputError(f"{source.name}:{number + 1}: cannot read: {exc}") from exc


__all__ = ["MAX_INPUT_BYTES", "Source", "byte_lines", "decode_text", "expand", "read_bytes",
           "read_text", "sniff_page"]


def read_url_file(path: Path) -> list[str]:
    """URLs listed in a file (one per line; blank lines and # comments ignored)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the URL list: {exc}") from exc
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def expand_sources(args: list[str]) -> list[str]:
    """Command-line crawl sources: URLs as they are, `@FILE` as the URLs it lists."""
    urls: list[str] = []
    for arg in args:
        urls.extend(read_url_file(Path(arg[1:])) if arg.startswith("@") else [arg])
    return urls

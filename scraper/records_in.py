"""Records in: JSON Lines, JSON, CSV and Parquet files of our records or any other
tool's (trafilatura, news-please, a Hugging Face dataset dump), read as Articles.

A record with a `schema_version` is ours and is read as the schema says
(`Article.from_dict`). Any other record is foreign: its text, id, URL and title are found
by name (`FieldNames`), and the Article made of it carries the whole record as `origin`,
so that it is written back with its own fields, plus `duplicate_of` and `similarity`
(docs/records.md, "Records of other tools").

The format is told by the file's suffix (`record_format`); stdin is JSON Lines. Every
format is read as a stream (Parquet a batch of rows at a time), except a `.json` file
that is one JSON array or pretty-printed objects, which is read whole (at most
MAX_INPUT_BYTES). A line or row that cannot be read, or a record without text, is
reported with its file and line (or row) and skipped; a file that cannot be read at all
is reported once.
"""

from __future__ import annotations

import base64
import csv
import json
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, BinaryIO

from scraper.errors import InputError
from scraper.inputs import MAX_INPUT_BYTES, Source, byte_lines, read_bytes
from scraper.record import Article, record_id, tokens_hash
from scraper.textnorm import match_tokens

#: Where a foreign record's text is looked for: the first of these that is a non-empty
#: string (news-please writes `"text": null` beside `maintext`).
TEXT_FIELDS = ("text", "maintext", "content", "body", "raw_content", "article")
ID_FIELDS = ("id",)
#: `source` last: trafilatura's JSON puts the page's URL there (and no `url`). Looked-for
#: URLs must start with http:// or https:// (news-please writes "None" for none).
URL_FIELDS = ("url", "link", "source_url", "source")
TITLE_FIELDS = ("title", "headline")

#: Suffixes of record files (found under folders); any other file given by name is read
#: as JSON Lines.
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz",
                   ".csv", ".csv.gz", ".parquet")

#: Parquet rows converted to dicts at a time: memory holds one batch, not the file.
PARQUET_BATCH = 1024


@dataclass(frozen=True, slots=True)
class FieldNames:
    """Which field of a foreign record holds what: a name the user gave (`--text-field`,
    ...), or None to take the first of the usual names (TEXT_FIELDS, ...) that has a value.
    Our own records (with `schema_version`) are read by the schema, whatever these say."""

    text: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None

    def texts(self) -> tuple[str, ...]:
        """The names the text is looked for under, in order."""
        return (self.text,) if self.text else TEXT_FIELDS


def record_format(name: str) -> str:
    """"jsonl", "json", "csv" or "parquet", from a file name's suffix (gzip or not);
    anything else, stdin ("-") included, is JSON Lines."""
    lower = name.lower().removesuffix(".gz")
    for suffix, kind in ((".csv", "csv"), (".parquet", "parquet"), (".json", "json")):
        if lower.endswith(suffix):
            return kind
    return "jsonl"


def read_records(source: Source, fields: FieldNames, *,
                 on_error: Callable[[InputError], None],
                 stdin: BinaryIO | None = None) -> Iterator[Article]:
    """The records of one input, in order, ours or any tool's. Each line (or row) that is
    not a record goes to `on_error` as an InputError naming the file and line, and is
    skipped; so does a whole file that cannot be read, after the records before it."""
    kind = "jsonl" if source.path is None else record_format(source.name)
    rows = _READERS[kind](source, fields, stdin)
    made_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        for where, row in rows:
            try:
                if isinstance(row, _Unreadable):
                    raise ValueError(str(row))
                yield to_article(row, fields, source=source.name, where=where,
                                 extracted_at=made_at)
            except ValueError as exc:
                on_error(InputError(f"{source.name}:{where}: not a record: {exc}"))
    except InputError as exc:
        on_error(exc)


def parse_line(line: str, fields: FieldNames, *, source: str = "") -> Article:
    """One JSON Lines line as an Article, ours or foreign (a line `to_json` wrote of
    either reads back as the same record). Raises ValueError with the reason."""
    return to_article(_json_value(line), fields, source=source, where="",
                      extracted_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def to_article(data: Any, fields: FieldNames, *, source: str, where: str,
               extracted_at: str) -> Article:
    """A decoded record as an Article: ours by the schema, another tool's by `fields`.
    `source` (the input) and `where` (line or row) make the id of a foreign record that
    has none. Raises ValueError with the reason."""
    if not isinstance(data, dict):
        raise ValueError(f"not a JSON object (a JSON {_json_kind(data)})")
    if data.get("schema_version") not in (None, ""):
        return Article.from_dict(data)
    return _foreign(data, fields, source, where, extracted_at)


def _foreign(data: dict[str, Any], fields: FieldNames, source: str, where: str,
             extracted_at: str) -> Article:
    text = _text(data, fields)
    url = _value(data, fields.url, URL_FIELDS, _is_url)
    title = _value(data, fields.title, TITLE_FIELDS, None)
    id_name = fields.id or ID_FIELDS[0]
    given = data.get(id_name)
    # One pass over the text for both (the tokenising is most of the cost of a foreign
    # record): the word count is that of the hash's tokens, which differs from
    # `words(text)` only for invisible characters inside words; it is never written.
    tokens = match_tokens(text)
    text_hash = tokens_hash(tokens)
    origin = data
    if given is None or given == "":
        # The record has no id: make one as ours are made, and write it into the record
        # (its `duplicate_of` must name something the user can find).
        given = record_id(text_hash, url, f"{source}:{where}")
        origin = {**data, id_name: given}
    duplicate_of = data.get("duplicate_of")
    return Article(
        id=given if isinstance(given, str) else json.dumps(given, ensure_ascii=False),
        source=source, text=text, word_count=len(tokens), content_hash=text_hash,
        extracted_at=extracted_at, url=url, title=title,
        duplicate_of=duplicate_of if isinstance(duplicate_of, str) and duplicate_of else None,
        similarity=_number(data.get("similarity")), origin=origin,
    )


def _text(data: dict[str, Any], fields: FieldNames) -> str:
    for name in fields.texts():
        value = data.get(name)
        if isinstance(value, str) and value.strip():
            return value
        if fields.text and value is not None and not isinstance(value, str):
            raise ValueError(f"field {name} is a {_json_kind(value)}, not text")
    if fields.text:
        raise ValueError(f"no text in field {fields.text} (--text-field)")
    raise ValueError(f"no text: none of {', '.join(TEXT_FIELDS)} has any "
                     "(--text-field names the field)")


def _value(data: dict[str, Any], given: str | None, names: tuple[str, ...],
           usable: Callable[[str], bool] | None) -> str | None:
    """The named field's string value, or the first usable one of `names`; None if none."""
    if given:
        value = data.get(given)
        return value if isinstance(value, str) and value else None
    for name in names:
        value = data.get(name)
        if isinstance(value, str) and value.strip() and (usable is None or usable(value)):
            return value
    return None


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _number(value: Any) -> float | None:
    """A similarity read back: a number, or one written as text (CSV)."""
    if isinstance(value, str) and value:
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value):
        return value
    return None


def _json_kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", dict: "object",
            type(None): "null"}.get(type(value), "number")


class _Unreadable(str):
    """A line or row that cannot be decoded, in place of its record: the reason."""


Rows = Iterator[tuple[str, Any]]


def _json_value(line: str) -> Any:
    try:
        value = json.loads(line)
        if "\\u" in line and _LONE_SURROGATE_ESCAPE.search(line):
            _check_unicode(value)
        return value
    except RecursionError:  # "[[[[..." nested deeper than the parser goes
        raise ValueError("not JSON: nested too deeply") from None
    except json.JSONDecodeError as exc:  # its "line 1" of a line would contradict the file
        where = f"line {exc.lineno}, column" if exc.lineno > 1 else "column"
        raise ValueError(f"not JSON: {exc.msg} ({where} {exc.colno})") from None


#: A \\uD800-\\uDFFF escape: half of a pair, or (alone) a string no UTF-8 can hold.
_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _check_unicode(value: Any) -> None:
    """Refuse strings with a lone surrogate (JSON lets `"\\ud800"` through): they could
    not be written out, nor hashed."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"a string holds {value[exc.start]!r}, half of a UTF-16 "
                             "surrogate pair: not text") from None
    elif isinstance(value, list):
        for item in value:
            _check_unicode(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_unicode(key)
            _check_unicode(item)


def _jsonl_rows(source: Source, fields: FieldNames, stdin: BinaryIO | None) -> Rows:
    """(line number, decoded value) of each non-blank line."""
    for number, raw in byte_lines(source, stdin):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            if line.strip():
                yield str(number), _json_value(line)
        except UnicodeDecodeError as exc:
            yield str(number), _Unreadable(_not_utf8(exc))
        except ValueError as exc:
            yield str(number), _Unreadable(exc)


def _json_rows(source: Source, fields: FieldNames, stdin: BinaryIO | None) -> Rows:
    """A `.json` file: a JSON array of records (item numbers), or records one after
    another, one a line or pretty-printed (the line each starts on). Read whole, so a
    large or gzipped one is read as JSON Lines, a line at a time."""
    assert source.path is not None
    try:
        small = source.path.stat().st_size <= MAX_INPUT_BYTES
    except OSError as exc:
        raise InputError(f"{source.name}: cannot read: {exc.strerror or exc}") from exc
    if not small or source.name.lower().endswith(".gz"):
        yield from _jsonl_rows(source, fields, stdin)
        return
    try:
        text = read_bytes(source).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source.name}: not UTF-8 text ({exc.reason} at byte "
                         f"{exc.start})") from exc
    start = _skip_space(text, 0)
    decoder = json.JSONDecoder()
    if text.startswith("[", start):
        try:
            items = _json_value(text)
        except ValueError as exc:
            raise InputError(f"{source.name}: not a JSON array of records: {exc}") from exc
        for number, item in enumerate(items, 1):
            yield f"item {number}", item
        return
    line, counted, pos = 1, 0, start
    while pos < len(text):
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, end = decoder.raw_decode(text, pos)
        except RecursionError:
            value, end = _Unreadable("not JSON: nested too deeply"), text.find("\n", pos)
        except json.JSONDecodeError as exc:  # where it went wrong, which may be lines on
            yield str(exc.lineno), _Unreadable(f"not JSON: {exc.msg} (column {exc.colno})")
            value, end = None, text.find("\n", exc.pos)
        if value is not None:
            yield str(line), value
        if end < 0:
            return  # go on at the next line, when there is one
        pos = _skip_space(text, end)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _csv_rows(source: Source, fields: FieldNames, stdin: BinaryIO | None) -> Rows:
    """(line the row starts on, {column: cell}) of each row under the header. Cells of
    our records are decoded as `scraper.store.formats` writes them (empty: null, numbers
    and lists: JSON); other tools' cells stay strings."""
    bad: list[tuple[int, str]] = []  # lines of the row being read that are not UTF-8
    with _field_limit(MAX_INPUT_BYTES):
        reader = csv.reader(_utf8_lines(byte_lines(source), bad))
        header: list[str] | None = None
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield str(line), _Unreadable(f"not CSV: {exc}")
                bad.clear()
                continue
            if bad:
                yield str(bad[0][0]), _Unreadable(bad[0][1])
                bad.clear()
                continue
            if not row:
                continue  # a blank line
            if header is None:
                header = _csv_header(row, source.name, fields)
                ours = "schema_version" in header
            elif len(row) != len(header):
                yield str(line), _Unreadable(f"{len(row)} cells, the header has "
                                             f"{len(header)}")
            else:
                record = dict(zip(header, row))
                if ours and record["schema_version"]:
                    record = _our_csv_row(record)
                yield str(line), record


def _utf8_lines(lines: Iterator[tuple[int, bytes]],
                bad: list[tuple[int, str]]) -> Iterator[str]:
    """Lines with their ends (as csv wants them), decoded one by one: a line that is not
    UTF-8 is passed on with its bad bytes replaced and the reason put in `bad`, so that
    the row it belongs to is skipped, not the rest of the file."""
    for number, line in lines:
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            bad.append((number, _not_utf8(exc)))
            yield line.decode("utf-8", "replace")


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 text ({exc.reason} at byte {exc.start + 1} of the line)"


def _csv_header(row: list[str], name: str, fields: FieldNames) -> list[str]:
    doubled = sorted({cell for cell in row if row.count(cell) > 1})
    if doubled:
        raise InputError(f"{name}: the header names {', '.join(doubled)} twice")
    _check_columns(row, name, fields)
    return row


def _check_columns(columns: list[str], name: str, fields: FieldNames) -> None:
    """A file of columns none of which can hold the text is refused once, not a row at
    a time (a file of our records has `text`)."""
    if "schema_version" in columns or any(n in columns for n in fields.texts()):
        return
    if fields.text:
        raise InputError(f"{name}: no column {fields.text} (--text-field)")
    raise InputError(f"{name}: no text column: none of {', '.join(TEXT_FIELDS)} "
                     "(--text-field names it)")


#: CSV cells of our records that hold JSON (formats.py writes numbers and lists so).
_JSON_CELLS = frozenset({"schema_version", "word_count", "similarity", "authors", "tags",
                         "warnings"})


def _our_csv_row(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row of our record with the schema's types: text as it is, JSON cells
    decoded, other empty cells null."""
    typed: dict[str, Any] = {}
    for name, cell in row.items():
        if name == "text":
            typed[name] = cell
        elif name in _JSON_CELLS:
            typed[name] = _json_value(cell) if cell else None
        else:
            typed[name] = cell or None
    for name in ("authors", "tags", "warnings"):
        if typed.get(name, []) is None:
            typed[name] = []
    return typed


def _parquet_rows(source: Source, fields: FieldNames, stdin: BinaryIO | None) -> Rows:
    """("row N", {column: value}) of each row, PARQUET_BATCH rows decoded at a time.
    Values JSON has no type for become strings: timestamps and dates ISO 8601, bytes as
    UTF-8 text (base64 when they are not), decimals as written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    assert source.path is not None
    try:
        # No read-ahead: with it (pre_buffer, threads) memory grew with the file (560 MB
        # peak for 160,000 records of 690 words); without, it stays at one batch (166 MB
        # peak, 140 of them pyarrow's own), however large the file or its row groups.
        parquet = pq.ParquetFile(source.path, pre_buffer=False, buffer_size=1 << 20)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{source.name}: not a Parquet file ({exc})") from exc
    number = 0
    try:
        _check_columns(parquet.schema_arrow.names, source.name, fields)
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH, use_threads=False):
            for row in batch.to_pylist():
                number += 1
                yield f"row {number}", {key: _plain(value) for key, value in row.items()}
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{source.name}:row {number + 1}: cannot read: {exc}") from exc
    finally:
        parquet.close()


def _plain(value: Any) -> Any:
    """A Parquet value as JSON can hold it."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(value).decode("ascii")
    return str(value)  # Decimal, and whatever else Arrow may hold


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Let the csv module read cells up to `limit` characters (its default, 128 KiB, is
    less than a long article; a bound still stops an unclosed quote from taking the
    rest of a large file into memory)."""
    old = csv.field_size_limit(max(limit, csv.field_size_limit()))
    try:
        yield
    finally:
        csv.field_size_limit(old)


_READERS: dict[str, Callable[[Source, FieldNames, BinaryIO | None], Rows]] = {
    "jsonl": _jsonl_rows, "json": _json_rows, "csv": _csv_rows, "parquet": _parquet_rows}

__all__ = ["ID_FIELDS", "RECORD_SUFFIXES", "TEXT_FIELDS", "TITLE_FIELDS", "URL_FIELDS",
           "FieldNames", "parse_line", "read_records", "record_format", "to_article"]

"""Records as Parquet or CSV (JSON Lines is `scraper.store.output`), and the choice of
format from `--format` or the `--out` suffix.

Both are written as JsonlOutput writes a file: into a temporary file beside the target,
fsynced and renamed over it when the block ends without an exception and at least one
record was written (or `force_empty`); a failed run, or one with nothing to write, leaves
the old file as it was.

Columns are the keys of the records' dicts (`Article.to_dict`): the record fields
(FIELD_ORDER, in that order), then any other keys (fields of records read from other
tools) in the order first met; our own records give exactly FIELD_ORDER. Parquet types
are the documented ones (docs/records.md, "Parquet and CSV"); a column of another key, or
a record field holding a value its type cannot (another tool's `tags` as one string),
is a string column, the values JSON-encoded when not strings. Columns are fixed by the
first row group (Parquet) or the first ROW_GROUP rows (CSV); a key first met later, or a
value that does not fit, makes the writer copy what it wrote into a new temporary file
with the new layout (null in the earlier rows), one row group at a time: rare, and
memory stays flat.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TextIO, Union

from scraper.errors import OutputError, UsageError
from scraper.record import FIELD_ORDER, Article
from scraper.store.output import JsonlOutput, _temp_beside

#: Formats `open_output` writes (the CLI's --format choices).
FORMATS = ("jsonl", "parquet", "csv")

#: The format an --out suffix implies (any other suffix: JSON Lines, as before).
SUFFIXES = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl",
            ".parquet": "parquet", ".csv": "csv"}

#: Records per Parquet row group, and CSV rows read before the header is fixed; fewer
#: when their strings (mostly the text) reach ROW_GROUP_CHARS first. 10,000 records of
#: 860 words (66 MB of text) took the Parquet writer 160 MB, the same at 40,000.
ROW_GROUP = 10_000
ROW_GROUP_CHARS = 64_000_000

_RECORD_FIELDS = frozenset(FIELD_ORDER)


def _whole(bits: int) -> Callable[[Any], bool]:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    return lambda v: v is None or type(v) is int and low <= v <= high


def _number(value: Any) -> bool:
    return value is None or isinstance(value, (int, float)) and not isinstance(value, bool)


def _list_of_strings(value: Any) -> bool:
    return value is None or isinstance(value, (list, tuple)) and all(
        item is None or isinstance(item, str) for item in value)


#: Record fields with a Parquet type other than string, and the values that fit it
#: (None everywhere: every column is nullable, for records of other tools that lack it).
_FITS: dict[str, Callable[[Any], bool]] = {
    "schema_version": _whole(32), "word_count": _whole(64), "similarity": _number,
    "authors": _list_of_strings, "tags": _list_of_strings, "warnings": _list_of_strings}


def format_for(path: Path | None, fmt: str | None) -> str:
    """The format records are written in: `fmt` when given (it wins over the suffix),
    else the one `path`'s suffix names (SUFFIXES), else "jsonl"."""
    if path is not None and path.suffix.lower() in (".gz", ".bz2", ".xz", ".zst"):
        # Written as it is named, it would be uncompressed bytes under a compressed name.
        raise UsageError(f"{path}: records are not written compressed; write "
                         f"{path.with_suffix('')} and compress it afterwards (Parquet is "
                         "compressed already)")
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
        return fmt
    return SUFFIXES.get(path.suffix.lower(), "jsonl") if path is not None else "jsonl"


Output = Union[JsonlOutput, "ParquetOutput", "CsvOutput"]


def open_output(path: Path | None, fmt: str | None = None, *, stream: TextIO | None = None,
                force_empty: bool = False) -> Output:
    """A record writer (a context manager and a `Sink`) for `path` (None: `stream`, else
    stdout) in `fmt` (None: from the suffix, see `format_for`). Parquet needs a path: it
    is binary, and its footer is written last."""
    fmt = format_for(path, fmt)
    if fmt == "parquet":
        if path is None:
            raise UsageError("Parquet is a binary file format: give --out FILE.parquet")
        return ParquetOutput(path, force_empty=force_empty)
    if fmt == "csv":
        return CsvOutput(path, stream, force_empty=force_empty)
    return JsonlOutput(path, stream, force_empty=force_empty)


def as_text(value: Any) -> str | None:
    """A value of a string column: strings as they are, null as null, anything else
    JSON-encoded (`["A", "B"]`, `288`, `{"n": 1}`; what JSON has no form for: str())."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def columns_for(known: Sequence[str], rows: Sequence[dict[str, Any]]) -> list[str]:
    """The columns for `rows` written after `known` ones: the record fields any of them
    carries in FIELD_ORDER, then the other keys in the order first met."""
    seen = set(known)
    keys = list(known)
    for row in rows:
        if not seen.issuperset(row):
            for key in row:
                if key not in seen:
                    seen.add(key)
                    keys.append(key)
    return [name for name in FIELD_ORDER if name in seen] + \
        [key for key in keys if key not in _RECORD_FIELDS]


class _FileOutput:
    """The file handling ParquetOutput and CsvOutput share, as JsonlOutput does it: a
    temporary file beside the target renamed over it at a clean end, or a pipe or device
    written straight, and `kept` when nothing was written and the old file stayed.
    Records wait in `_pending` (as dicts) until a subclass's `_drain` writes them."""

    def __init__(self, path: Path | None, stream: TextIO | None, *, force_empty: bool,
                 batch: int) -> None:
        self.path = path
        self._stream = stream
        self._force_empty = force_empty
        self._batch = batch
        self._tmp: Path | None = None
        self._fh: TextIO | None = None
        self._pending: list[dict[str, Any]] = []
        self._pending_chars = 0  # of strings: the bulk of a record is its text
        self.count = 0
        #: True when the block ended with nothing to write and the file was left as it was.
        self.kept = False

    #: Lines a killed run wrote after its last commit: none, the file is written whole.
    recovered: tuple[str, ...] = ()

    def position(self) -> tuple[Path, int] | None:
        """What the state keeps of this output at a commit: nothing (--state appends
        JSON Lines only)."""
        return None

    def __enter__(self) -> Self:
        if self.path is None:
            self._fh = self._stream or sys.stdout
        elif self.path.exists() and not self.path.is_file():
            # A pipe or device (/dev/stdout, a FIFO): written straight, never replaced.
            try:
                self._fh = self.path.open("w", encoding="utf-8", newline="")
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot write: {exc.strerror or exc}") \
                    from exc
        else:
            self._tmp, self._fh = _temp_beside(self.path)
        return self

    def write(self, article: Article) -> None:
        """Take one record; it is written with the others of its row group."""
        assert self._fh is not None, f"use {type(self).__name__} as a context manager"
        row = article.to_dict()
        self._pending.append(row)
        self._pending_chars += sum(len(v) for v in row.values() if isinstance(v, str))
        self.count += 1
        if len(self._pending) >= self._batch or self._pending_chars >= ROW_GROUP_CHARS:
            self._pending_chars = 0
            self._guarded(self._drain)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._fh is not None
        if exc_type is not None:
            self._abandon()
            return
        try:
            self._guarded(self._end)
        except BaseException:
            self._abandon()
            raise
        if self._tmp is None:  # stdout, a pipe or a device
            if self.path is not None:
                self._fh.close()
            return
        try:
            try:
                os.fsync(self._fh.fileno())
            finally:
                self._fh.close()
            if self.count or self._force_empty:
                os.replace(self._tmp, self.path)  # atomic on POSIX within one file system
                return
        except OSError as err:  # a full disk at the last flush: the old file stays
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"{self.path}: cannot write: {err.strerror or err}") from err
        self._tmp.unlink(missing_ok=True)
        self.kept = True

    def _end(self) -> None:
        self._drain()
        self._finish()
        assert self._fh is not None
        self._fh.flush()

    def _abandon(self) -> None:
        """The run failed: drop the temporary file (the old one stays)."""
        with suppress(Exception):  # the error that ended the block is the news
            self._close_writer()
        if self._fh is not None and self.path is not None:
            self._fh.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)

    def _guarded(self, step: Callable[[], None]) -> None:
        """Run a writing step; an OS error is an OutputError naming the file."""
        try:
            step()
        except OSError as exc:
            raise OutputError(f"{self.path or 'stdout'}: cannot write: "
                              f"{exc.strerror or exc}") from exc

    def _swap_temp(self) -> Path:
        """Go on in a new temporary file (for a new layout); returns the old one, closed,
        for the caller to copy and remove. Refused for a pipe or stdout: what was written
        there cannot be rewritten."""
        if self._tmp is None or self.path is None or self._fh is None:
            raise OutputError(f"{self.path or 'stdout'}: a record has fields the first "
                              f"{ROW_GROUP:,} did not, and the columns are already "
                              "written; write to a file (--out) to get every column")
        tmp, fh = _temp_beside(self.path)
        old, self._tmp = self._tmp, tmp
        self._close_writer()
        self._fh.close()
        self._fh = fh
        return old

    # What each format does.
    def _drain(self) -> None:
        """Write the pending records."""
        raise NotImplementedError

    def _finish(self) -> None:
        """Complete the file once every record is written."""
        raise NotImplementedError

    def _close_writer(self) -> None:
        """Close the format's writer, if it has one."""


class ParquetOutput(_FileOutput):
    """Context manager writing records to a Parquet file, `row_group` records per row
    group (so memory holds one row group, not the run), compressed with zstd: 0.4 of the
    JSON Lines file's size, written as fast."""

    def __init__(self, path: Path, *, force_empty: bool = False, row_group: int = ROW_GROUP,
                 compression: str = "zstd") -> None:
        super().__init__(path, None, force_empty=force_empty, batch=row_group)
        self._compression = compression
        self._writer: Any = None
        self._columns: list[str] = []
        self._strings: frozenset[str] = frozenset()  # record fields kept as strings

    def _drain(self) -> None:
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        columns = columns_for(self._columns, rows)
        strings = self._strings | {name for name in columns if name in _FITS and not
                                   all(_FITS[name](row.get(name)) for row in rows)}
        if self._writer is not None and (columns, strings) != (self._columns, self._strings):
            self._rewrite(columns, strings)
        self._columns, self._strings = columns, strings
        self._write_table(self._table(rows))

    def _finish(self) -> None:
        if self._writer is None:  # nothing written: an empty file still has the schema
            self._columns = list(FIELD_ORDER)
            self._write_table(self._table([]))
        self._close_writer()

    def _close_writer(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.close()

    def _schema(self):
        return parquet_schema(self._columns, self._strings)

    def _write_table(self, table) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        assert self._fh is not None
        try:
            if self._writer is None:
                self._writer = pq.ParquetWriter(self._fh.buffer, table.schema,
                                                compression=self._compression)
            self._writer.write_table(table, row_group_size=max(len(table), 1))
        except pa.ArrowException as exc:
            raise OutputError(f"{self.path}: a record cannot be written as Parquet: "
                              f"{exc}") from exc

    def _table(self, rows: list[dict[str, Any]]):
        """`rows` as a table of this file's schema."""
        import pyarrow as pa

        data = {}
        for name in self._columns:
            values = [row.get(name) for row in rows]
            data[name] = values if name in _FITS and name not in self._strings \
                else [as_text(v) for v in values]
        try:
            return pa.Table.from_pydict(data, schema=self._schema())
        except pa.ArrowException as exc:
            raise OutputError(f"{self.path}: a record cannot be written as Parquet: "
                              f"{exc}") from exc

    def _rewrite(self, columns: list[str], strings: frozenset[str]) -> None:
        """Copy the row groups written so far into a new file of `columns` (null in the
        new ones), with the fields in `strings` now strings, one row group at a time,
        and go on writing there."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        old = self._swap_temp()  # closes the writer: its footer makes the old file readable
        retyped = strings - self._strings
        self._columns, self._strings = columns, strings
        schema = self._schema()
        try:
            written = pq.ParquetFile(old)
            for group in range(written.num_row_groups):
                table = written.read_row_group(group)
                arrays = []
                for name in columns:
                    if name not in table.column_names:
                        arrays.append(pa.nulls(len(table), schema.field(name).type))
                    elif name in retyped:
                        arrays.append(pa.array([as_text(v) for v in
                                                table.column(name).to_pylist()], pa.string()))
                    else:
                        arrays.append(table.column(name))
                # Cast: lists are read back as list<element>, not list<item>.
                self._write_table(pa.table(arrays, names=columns).cast(schema))
        finally:
            old.unlink(missing_ok=True)


def parquet_schema(columns: Sequence[str] = FIELD_ORDER,
                   strings: frozenset[str] = frozenset()):
    """The Parquet schema of `columns` (docs/records.md): int32 `schema_version`, int64
    `word_count`, float64 `similarity`, list<string> `authors`, `tags` and `warnings`
    (unless in `strings`), strings for every other column; all nullable."""
    import pyarrow as pa

    types = {"schema_version": pa.int32(), "word_count": pa.int64(),
             "similarity": pa.float64(), "authors": pa.list_(pa.string()),
             "tags": pa.list_(pa.string()), "warnings": pa.list_(pa.string())}
    return pa.schema([pa.field(name, pa.string() if name in strings
                               else types.get(name, pa.string())) for name in columns])


class CsvOutput(_FileOutput):
    """Context manager writing records as CSV: UTF-8 (no BOM), a header row, one row per
    record, the csv module's quoting (RFC 4180: a cell with a comma, quote or line break
    is quoted, so texts keep their newlines). Cells: strings as they are, null as an empty
    cell, lists and numbers JSON-encoded (`["A", "B"]`, `288`, `0.87`). To stdout, rows
    go out one by one once the header is fixed (after `header_after` records)."""

    def __init__(self, path: Path | None, stream: TextIO | None = None, *,
                 force_empty: bool = False, header_after: int = ROW_GROUP) -> None:
        super().__init__(path, stream, force_empty=force_empty, batch=header_after)
        self._header: list[str] | None = None
        self._known: frozenset[str] = frozenset()
        self._writer: Any = None

    def write(self, article: Article) -> None:
        """Take one record: held until the header is fixed, then written at once."""
        if self._header is None:
            super().write(article)
            return
        row = article.to_dict()
        self.count += 1
        self._guarded(lambda: self._write_rows([row]))

    def _drain(self) -> None:
        rows, self._pending = self._pending, []
        if self._header is None and rows:
            self._start(columns_for((), rows))
        if rows:
            self._write_rows(rows)

    def _finish(self) -> None:
        if self._header is None:  # nothing written: a header alone
            self._start(list(FIELD_ORDER))

    def _start(self, header: list[str]) -> None:
        self._header, self._known = header, frozenset(header)
        self._writer = csv.writer(self._fh)
        self._writer.writerow(header)

    def _write_rows(self, rows: list[dict[str, Any]]) -> None:
        assert self._header is not None and self._fh is not None
        if not all(self._known.issuperset(row) for row in rows):
            self._rewrite(columns_for(self._header, rows))
        header = self._header
        self._writer.writerows([[_cell(row.get(name)) for name in header] for row in rows])
        if self._tmp is None:
            self._fh.flush()  # a pipe reader gets whole rows as they are made

    def _rewrite(self, header: list[str]) -> None:
        """Copy the rows written so far into a new file with `header` (empty cells in
        the new columns), and go on writing there."""
        assert self._header is not None
        old_header = self._header
        old = self._swap_temp()
        self._start(header)
        where = {name: i for i, name in enumerate(old_header)}
        picks = [where.get(name) for name in header]
        try:
            with old.open(encoding="utf-8", newline="") as fh, _large_fields():
                rows = csv.reader(fh)
                next(rows, None)  # the old header
                self._writer.writerows([row[i] if i is not None else "" for i in picks]
                                       for row in rows)
        finally:
            old.unlink(missing_ok=True)


def _cell(value: Any) -> str:
    """A CSV cell: a string as it is, null as empty, anything else JSON-encoded."""
    return "" if value is None else as_text(value)  # type: ignore[return-value]


@contextmanager
def _large_fields() -> Iterator[None]:
    """Let the csv module read cells of any length (its limit is 128 KiB, less than a
    long article) for the block."""
    old = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(old)


_JSON_CELLS = frozenset(_FITS)


def read_records(path: Path, fmt: str | None = None) -> list[dict[str, Any]]:
    """The records of a file this module (or JsonlOutput) wrote, as dicts with the
    record's types: CSV cells of record fields decoded as written (empty: null, lists
    and numbers: JSON); other CSV columns stay strings. For reading a run back (demo)."""
    fmt = format_for(path, fmt)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    with path.open(encoding="utf-8", newline="") as fh, _large_fields():
        return [{name: _field(name, cell) for name, cell in row.items()}
                for row in csv.DictReader(fh)]


def _field(name: str, cell: str) -> Any:
    if name == "text":
        return cell
    if not cell:
        return None if name in _RECORD_FIELDS else cell
    if name in _JSON_CELLS:
        with suppress(ValueError):  # another tool's value there is a string as it is
            return json.loads(cell)
    return cell

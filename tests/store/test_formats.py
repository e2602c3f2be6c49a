"""ParquetOutput and CsvOutput: typed columns, round trips, row groups, files that appear
whole or not at all, and columns for the fields of other tools' records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from scraper.errors import OutputError, UsageError
from scraper.record import FIELD_ORDER, Article, build_article
from scraper.store import (
    CsvOutput,
    JsonlOutput,
    ParquetOutput,
    format_for,
    open_output,
    read_records,
)

TEXT = ('Jakarta - Presiden berkata, "kita siap".\n\nParagraf kedua: rakyat, DPR; '
        'kutipan \u201cganda\u201d, \u2019tunggal\u2019 dan koma, di sini.\r\nBaris ketiga '
        '\u00e9\u00fc\u2014 "selesai"')


def _articles(n: int) -> list[Article]:
    """`n` records with every kind of value: lists empty and full, nulls and floats."""
    return [build_article(source=f"dump/{i}.txt", text=f"{TEXT} {i}", title=f"Judul {i}",
                          authors=["Rina Sari", "Budi"] if i % 2 else [],
                          tags=["politik"] if i % 3 == 0 else [],
                          published="2024-05-01T06:00:00+07:00" if i % 2 else None,
                          language="id").replace(
        duplicate_of="6762113fc0304500" if i % 4 == 1 else None,
        similarity=0.8671875 if i % 4 == 1 else None)
        for i in range(n)]


class Carrying:
    """A record that carries another tool's fields besides its own (what to_dict gives
    for records read from other tools)."""

    def __init__(self, article: Article, **extra: Any) -> None:
        self.article, self.extra = article, extra

    def to_dict(self) -> dict[str, Any]:
        return {**self.article.to_dict(), **self.extra}


def test_parquet_round_trip_keeps_types_lists_and_nulls(tmp_path: Path) -> None:
    path = tmp_path / "out.parquet"
    articles = _articles(2_500)
    with ParquetOutput(path, row_group=1_000) as out:
        for article in articles:
            out.write(article)
    assert pq.ParquetFile(path).num_row_groups == 3  # 1,000 + 1,000 + 500
    table = pq.read_table(path)
    schema = table.schema
    assert schema.names == list(FIELD_ORDER)
    assert schema.field("schema_version").type == pa.int32()
    assert schema.field("word_count").type == pa.int64()
    assert schema.field("similarity").type == pa.float64()
    for name in ("authors", "tags", "warnings"):
        assert pa.types.is_list(schema.field(name).type)
        assert schema.field(name).type.value_type == pa.string()
    assert all(field.nullable for field in schema)  # other tools' records may lack ours
    assert table.to_pylist() == [a.to_dict() for a in articles]


def test_csv_round_trip_keeps_newlines_quotes_and_indonesian_text(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    articles = _articles(6)
    with CsvOutput(path) as out:
        for article in articles:
            out.write(article)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(FIELD_ORDER)
    for row, article in zip(rows, articles, strict=True):
        assert row["text"] == article.text  # "\n\n", "\r\n", quotes and commas intact
        assert json.loads(row["authors"]) == article.authors
        assert row["published"] == (article.published or "")  # null: an empty cell
        assert row["similarity"] == ("" if article.similarity is None else "0.8671875")
        assert row["word_count"] == str(article.word_count)
    assert read_records(path) == [a.to_dict() for a in articles]  # decoded as written


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_run_that_fails_midway_leaves_the_old_file(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    target.write_bytes(b"records of an earlier run\n")
    with pytest.raises(RuntimeError), open_output(target) as out:
        for article in _articles(5):
            out.write(article)
        raise RuntimeError("killed half-way")
    assert target.read_bytes() == b"records of an earlier run\n"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_nothing_to_write_keeps_the_file_and_force_empty_replaces_it(tmp_path: Path,
                                                                    suffix: str) -> None:
    target = tmp_path / f"out{suffix}"
    target.write_bytes(b"old\n")
    with open_output(target) as out:
        pass
    assert out.kept and target.read_bytes() == b"old\n"
    with open_output(target, force_empty=True) as out:
        pass
    assert not out.kept
    assert read_records(target) == []
    if suffix == ".parquet":  # an empty file still says what its columns are
        assert pq.read_schema(target).names == list(FIELD_ORDER)
    else:
        assert target.read_text(encoding="utf-8").rstrip() == ",".join(FIELD_ORDER)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_fields_of_other_tools_become_columns_in_first_seen_order(tmp_path: Path,
                                                                  suffix: str) -> None:
    """`score` is first met after the columns were fixed (group of 2): the file is
    widened, the earlier records getting null there."""
    path = tmp_path / f"out{suffix}"
    a, b, c, d, e = _articles(5)
    records = [Carrying(a, maintext="teks asli", meta={"n": 1}), Carrying(b),
               Carrying(c, maintext="x"), Carrying(d, score=0.5), Carrying(e)]
    out = (ParquetOutput(path, row_group=2) if suffix == ".parquet"
           else CsvOutput(path, header_after=2))
    with out:
        for record in records:
            out.write(record)
    rows = read_records(path)
    assert list(rows[0]) == [*FIELD_ORDER, "maintext", "meta", "score"]
    # Not strings: JSON-encoded (Parquet and CSV alike). Missing: null (CSV: empty).
    missing = None if suffix == ".parquet" else ""
    assert [(r["maintext"], r["meta"], r["score"]) for r in rows] == [
        ("teks asli", '{"n": 1}', missing), (missing, missing, missing),
        ("x", missing, missing), (missing, missing, "0.5"), (missing, missing, missing)]
    assert [r["id"] for r in rows] == [x.id for x in (a, b, c, d, e)]
    if suffix == ".parquet":
        assert pq.read_schema(path).field("score").type == pa.string()
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_csv_to_a_stream_goes_out_once_the_header_is_fixed() -> None:
    stream = io.StringIO()
    a, b, c = _articles(3)
    with CsvOutput(None, stream, header_after=2) as out:
        out.write(a)
        assert stream.getvalue() == ""  # the header waits for the first records' fields
        out.write(b)
        assert len(list(csv.reader(io.StringIO(stream.getvalue())))) == 3
        out.write(c)
        assert len(list(csv.reader(io.StringIO(stream.getvalue())))) == 4
        with pytest.raises(OutputError, match="write to a file"):
            out.write(Carrying(a, late="a column the header has not"))


class Foreign:
    """A record of another tool: its own fields only (plus what dedup adds)."""

    def __init__(self, **fields: Any) -> None:
        self.fields = fields

    def to_dict(self) -> dict[str, Any]:
        return {**self.fields, "duplicate_of": None, "similarity": None}


def test_other_tools_records_keep_their_own_values_beside_ours(tmp_path: Path) -> None:
    """Ours first (tags a list), then a trafilatura-like record whose `tags` is one
    string and whose `id` is a number: `tags` becomes a string column (the lists written
    before JSON-encoded), nothing is lost, nothing is spelled out letter by letter."""
    path = tmp_path / "out.parquet"
    ours = _articles(2)
    with ParquetOutput(path, row_group=2) as out:
        for article in ours:
            out.write(article)
        out.write(Foreign(id=7, title="Judul", text="Isi", tags="politik,ekonomi",
                          hostname="contoh.id"))
    schema = pq.read_schema(path)
    assert schema.field("tags").type == pa.string()
    assert schema.field("authors").type.value_type == pa.string()  # still fits: a list
    rows = pq.read_table(path).to_pylist()
    assert [r["tags"] for r in rows] == ['["politik"]', "[]", "politik,ekonomi"]
    assert [r["id"] for r in rows] == [ours[0].id, ours[1].id, "7"]
    assert [r["hostname"] for r in rows] == [None, None, "contoh.id"]
    assert rows[2]["schema_version"] is None and rows[2]["text"] == "Isi"
    with ParquetOutput(path, row_group=1) as out:  # theirs first: our columns come later
        out.write(Foreign(id=5, maintext="Isi"))
        out.write(ours[1])
    rows = pq.read_table(path).to_pylist()
    assert pq.read_schema(path).names == [*FIELD_ORDER, "maintext"]
    assert (rows[0]["authors"], rows[0]["word_count"], rows[0]["maintext"]) == (None, None, "Isi")
    assert rows[1]["authors"] == ours[1].authors and rows[1]["maintext"] is None


def test_columns_of_a_foreign_file_are_its_fields_ours_first(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with CsvOutput(path, header_after=1) as out:
        out.write(Foreign(maintext="Isi berita", title="Judul", url="https://contoh.id/1"))
        out.write(_articles(1)[0])  # ours after: our fields go in their places
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [*FIELD_ORDER, "maintext"]
    assert (rows[0]["url"], rows[0]["maintext"], rows[0]["id"]) == \
        ("https://contoh.id/1", "Isi berita", "")
    assert rows[1]["text"].startswith("Jakarta - ") and rows[1]["maintext"] == ""
    with CsvOutput(path) as out:  # a file of foreign records only: no empty columns of ours
        out.write(Foreign(maintext="Isi", title="Judul"))
    assert path.read_text(encoding="utf-8").splitlines()[0] == \
        "title,duplicate_of,similarity,maintext"


def test_the_format_comes_from_the_flag_then_the_suffix_then_is_jsonl(tmp_path: Path) -> None:
    assert format_for(Path("a.parquet"), None) == "parquet"
    assert format_for(Path("a.CSV"), None) == "csv"
    assert format_for(Path("a.ndjson"), None) == format_for(Path("a.json"), None) == "jsonl"
    assert format_for(Path("a.txt"), None) == format_for(None, None) == "jsonl"
    assert format_for(Path("a.jsonl"), "parquet") == "parquet"  # the flag wins
    with pytest.raises(UsageError, match="Parquet is a binary"):
        open_output(None, "parquet")
    assert type(open_output(tmp_path / "a.jsonl")) is JsonlOutput  # JSONL as before


def test_a_compressed_name_is_refused_not_written_uncompressed(tmp_path: Path) -> None:
    from scraper.errors import UsageError
    from scraper.store.formats import format_for

    for name in ("news.jsonl.gz", "news.csv.gz", "news.parquet.gz"):
        with pytest.raises(UsageError, match="not written compressed"):
            format_for(tmp_path / name, None)
    assert format_for(tmp_path / "news.jsonl", None) == "jsonl"

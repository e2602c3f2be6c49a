"""Reading records of any tool (scraper.records_in): formats, field names, errors, in-process
over real files."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.errors import InputError
from scraper.inputs import Source
from scraper.record import Article, build_article
from scraper.records_in import FieldNames, parse_line, read_records, record_format
from tests.httpd import story

_USUAL = FieldNames()


def _read(path: Path, fields: FieldNames = _USUAL) -> tuple[list[Article], list[str]]:
    errors: list[str] = []
    records = list(read_records(Source(path.name, path), fields,
                                on_error=lambda exc: errors.append(str(exc))))
    return records, errors


def _text(seed: int) -> str:
    return "\n\n".join(story(seed)[1])


def test_the_format_is_told_by_the_suffix() -> None:
    assert [record_format(n) for n in ("a.jsonl", "a.ndjson.gz", "a.JSON", "b.json.gz",
                                       "c.csv", "c.csv.gz", "d.parquet", "e.txt", "-")] \
        == ["jsonl", "jsonl", "json", "json", "csv", "csv", "parquet", "jsonl", "jsonl"]


def test_a_foreign_record_keeps_its_fields_and_gets_only_the_two_of_dedup(tmp_path: Path) -> None:
    # news-please writes "text": null beside maintext, and "None" for a missing URL.
    record = {"authors": ["Budi"], "date_publish": "2024-06-25 11:14:00", "maintext": _text(1),
              "text": None, "title": "Judul", "url": "https://contoh.id/a", "id": 17}
    (tmp_path / "np.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    [article], errors = _read(tmp_path / "np.jsonl")
    assert not errors
    assert (article.text, article.url, article.title, article.id) == \
        (_text(1), "https://contoh.id/a", "Judul", "17")
    assert article.to_dict() == {**record, "duplicate_of": None, "similarity": None}
    marked = article.replace(duplicate_of="9", similarity=0.8)
    assert list(marked.to_dict())[-2:] == ["duplicate_of", "similarity"]
    assert parse_line(marked.to_json(), FieldNames()).to_dict() == marked.to_dict()


def test_a_record_without_id_gets_a_stable_one_written_in_place(tmp_path: Path) -> None:
    # trafilatura's JSON: "id": null, the URL under "source".
    rows = [{"title": "A", "id": None, "text": _text(2), "source": "https://x.id/2"},
            {"title": "B", "text": _text(3)}]
    path = tmp_path / "t.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    first, _ = _read(path)
    again, _ = _read(path)
    assert [a.id for a in first] == [a.id for a in again]
    assert first[0].url == "https://x.id/2" and first[1].url is None
    assert list(first[0].to_dict()) == ["title", "id", "text", "source", "duplicate_of",
                                        "similarity"]
    assert first[0].to_dict()["id"] == first[0].id and first[1].to_dict()["id"] == first[1].id
    assert parse_line(first[1].to_json(), FieldNames()).id == first[1].id


def test_field_names_given_win_over_the_usual_ones(tmp_path: Path) -> None:
    row = {"kode": "k1", "isi": _text(4), "text": "bukan ini", "tautan": "contoh.id/4",
           "judul": "J", "url": "https://lain.id"}
    (tmp_path / "r.jsonl").write_text(json.dumps(row) + "\n{\"kode\": \"k2\"}\n",
                                      encoding="utf-8")
    [article], errors = _read(tmp_path / "r.jsonl", FieldNames("isi", "kode", "tautan", "judul"))
    assert (article.text, article.id, article.url, article.title) == \
        (_text(4), "k1", "contoh.id/4", "J")
    assert errors == ["r.jsonl:2: not a record: no text in field isi (--text-field)"]


def test_our_records_are_read_by_the_schema_and_checked(tmp_path: Path) -> None:
    ours = build_article(source="a.txt", text=_text(5), title="T", authors=["A"])
    loose = {k: v for k, v in ours.to_dict().items() if k != "word_count"}
    bad = {**ours.to_dict(), "word_count": "many"}
    lines = [ours.to_json(), json.dumps(loose), json.dumps(bad), "[1, 2]", "[" * 100_000,
             '{"id": "s", "text": "kata \\ud800"}']
    (tmp_path / "o.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, errors = _read(tmp_path / "o.jsonl")
    assert [a.to_json() for a in records] == [ours.to_json()] * 2
    assert errors[0].startswith("o.jsonl:3: not a record: word_count: str 'many' is not a whole")
    assert errors[1] == "o.jsonl:4: not a record: not a JSON object (a JSON array)"
    assert errors[2] == "o.jsonl:5: not a record: not JSON: nested too deeply"
    assert errors[3] == ("o.jsonl:6: not a record: a string holds '\\ud800', half of a "
                         "UTF-16 surrogate pair: not text")


def test_json_files_hold_an_array_or_objects_one_after_another(tmp_path: Path) -> None:
    items = [{"id": str(i), "content": _text(i)} for i in (6, 7)]
    (tmp_path / "array.json").write_text(json.dumps(items, indent=2), encoding="utf-8")
    (tmp_path / "pretty.json").write_text(
        json.dumps(items[0], indent=2) + "\n{oops\n" + json.dumps(items[1], indent=2),
        encoding="utf-8")
    array, errors = _read(tmp_path / "array.json")
    assert [a.id for a in array] == ["6", "7"] and not errors
    pretty, errors = _read(tmp_path / "pretty.json")
    assert [a.id for a in pretty] == ["6", "7"]
    assert errors == [("pretty.json:5: not a record: not JSON: Expecting property name "
                       "enclosed in double quotes (column 2)")]


def test_csv_cells_of_any_size_and_rows_that_do_not_fit_the_header(tmp_path: Path) -> None:
    long_text = "kata, \"kutipan\"\nbaris baru " * 20_000  # 480 KB: over csv's 128 KiB
    path = tmp_path / "dump.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows([["id", "url", "title", "text"], ["1", "https://a.id/1", "", long_text],
                          ["2", "https://a.id/2"], ["3", "", "T", _text(8)]])
    records, errors = _read(path)
    assert [a.text for a in records] == [long_text, _text(8)]
    assert records[0].to_dict() == {"id": "1", "url": "https://a.id/1", "title": "",
                                    "text": long_text, "duplicate_of": None, "similarity": None}
    assert records[0].title is None and records[1].url is None
    assert errors == ["dump.csv:20003: not a record: 2 cells, the header has 4"]


def test_a_csv_without_a_text_column_is_refused_once(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,judul\n1,x\n2,y\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,id,text\n1,2,x\n", encoding="utf-8")
    (tmp_path / "c.csv").write_bytes(b"id,text\n1,\xff\xfe\n")
    assert _read(tmp_path / "a.csv") == ([], [("a.csv: no text column: none of text, "
                                               "maintext, content, body, raw_content, article "
                                               "(--text-field names it)")])
    assert _read(tmp_path / "a.csv", FieldNames(text="isi"))[1] == \
        ["a.csv: no column isi (--text-field)"]
    assert _read(tmp_path / "b.csv")[1] == ["b.csv: the header names id twice"]
    assert _read(tmp_path / "c.csv")[1] == [("c.csv:2: not a record: not UTF-8 text "
                                             "(invalid start byte at byte 3 of the line)")]


def test_our_records_read_back_from_csv_as_formats_writes_them(tmp_path: Path) -> None:
    ours = [build_article(source="a.txt", text=_text(9), title="T", authors=["A", "B"]),
            build_article(source="b.txt", text="", warnings=["no article text found"])]
    ours[1] = ours[1].replace(duplicate_of=ours[0].id, similarity=0.75)
    path = tmp_path / "ours.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        header = list(ours[0].to_dict())
        writer.writerow(header)
        for article in ours:  # null: empty; numbers and lists: JSON (docs/records.md)
            row = article.to_dict()
            writer.writerow(["" if row[n] is None else row[n] if isinstance(row[n], str)
                             else json.dumps(row[n]) for n in header])
    records, errors = _read(path)
    assert not errors and [a.to_json() for a in records] == [a.to_json() for a in ours]


def test_parquet_is_read_a_batch_at_a_time_with_plain_values(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    when = datetime(2024, 6, 25, 4, 14, tzinfo=timezone.utc)
    table = pa.table({"id": [1, 2, 3], "content": [_text(10), _text(11), None],
                      "published": [when] * 3, "tags": [["a"], [], None],
                      "raw": [b"\xff", b"ok", None]})
    pq.write_table(table, tmp_path / "d.parquet", row_group_size=2)
    ours = build_article(source="a.txt", text=_text(12), authors=["A"])
    pq.write_table(pa.Table.from_pylist([ours.to_dict()]), tmp_path / "ours.parquet")
    (tmp_path / "bad.parquet").write_bytes(b"PAR1 not really")
    records, errors = _read(tmp_path / "d.parquet")
    assert [a.id for a in records] == ["1", "2"]
    assert records[0].to_dict() == {"id": 1, "content": _text(10),
                                    "published": "2024-06-25T04:14:00+00:00", "tags": ["a"],
                                    "raw": "/w==", "duplicate_of": None, "similarity": None}
    assert errors[0].startswith("d.parquet:row 3: not a record: no text")
    assert [a.to_json() for a in _read(tmp_path / "ours.parquet")[0]] == [ours.to_json()]
    assert _read(tmp_path / "bad.parquet")[1][0].startswith("bad.parquet: not a Parquet file")


def _dedup_bytes_as(data: bytes, suffix: str) -> None:
    """`data` as an input file through the whole of dedup in this process (reader, index,
    writer): every error must be an InputError naming the file, every record a line."""
    from scraper.pipeline import run_dedup
    from scraper.settings import Settings
    from scraper.store import JsonlOutput

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        errors: list[InputError] = []
        written = io.StringIO()
        with JsonlOutput(None, written) as sink:
            summary = run_dedup([str(path)], Settings(), sink, on_error=errors.append)
        lines = written.getvalue().splitlines()
        assert len(lines) == summary.written and all(json.loads(line) for line in lines)
        assert all(str(e).startswith(str(path)) for e in errors)


_BYTES = st.one_of(st.binary(max_size=300),
                   st.lists(st.sampled_from([b'{"text": "a b"}', b'{"id": 1}', b"[", b"}",
                                             b'"', b",", b"\n", b"\r", b"\x00", b"\xff",
                                             b"text", b"id,text\n", b'"x,\ny"', b"\x1f\x8b",
                                             b'"\\ud800"', b'"\\ud83d\\ude00"']),
                            max_size=30).map(b"".join))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_BYTES)
def test_any_bytes_end_in_records_or_clear_errors(data: bytes) -> None:
    for suffix in (".jsonl", ".csv", ".json"):
        _dedup_bytes_as(data, suffix)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_gzip_inputs_are_read_and_a_truncated_one_is_an_error(tmp_path: Path,
                                                              suffix: str) -> None:
    import gzip

    header, row = (("id,text\n", "1,satu dua tiga\n") if suffix == ".csv"
                   else ("", '{"id": "1", "text": "satu dua tiga"}\n'))
    packed = gzip.compress((header + row * 50).encode())
    (tmp_path / f"a{suffix}.gz").write_bytes(packed)
    (tmp_path / f"b{suffix}.gz").write_bytes(packed[:-20])
    records, errors = _read(tmp_path / f"a{suffix}.gz")
    assert len(records) == 50 and not errors
    records, errors = _read(tmp_path / f"b{suffix}.gz")
    assert len(errors) == 1 and "cannot read" in errors[0]

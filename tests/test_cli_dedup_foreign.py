"""`scraper dedup` over other tools' records (trafilatura, news-please, a dataset dump) in
JSON Lines, CSV and Parquet: the real CLI in a subprocess, real files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from scraper.inputs import Source
from scraper.record import build_article
from scraper.records_in import FieldNames, read_records
from tests.conftest import run_cli
from tests.httpd import story


def _paragraphs(seed: int, edited: bool = False) -> tuple[str, list[str]]:
    """Story `seed`, or a republished version of it: a few words changed, a line added."""
    title, paras = story(seed)
    if edited:
        words = paras[1].split()
        paras = [paras[0], " ".join(["Menurut", "sumber", "kami,"] + words[3:]), *paras[2:],
                 "Baca juga: berita lain hari ini."]
    return title, paras


def _text(seed: int, edited: bool = False) -> str:
    return "\n\n".join(_paragraphs(seed, edited)[1])


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def _trafilatura(seed: int) -> dict:
    """A record in trafilatura's JSON layout for story `seed` (the keys and values that
    `trafilatura.extract(..., output_format="json", with_metadata=True)` 2.x gives for
    such a page, taken from it once: trafilatura is a bench peer, not installed for the
    tests): id null, the URL under "source", text twice (raw_text, text)."""
    title, paras = _paragraphs(seed)
    text = "\n".join(paras)
    return {"title": title, "author": None, "hostname": "kabarlokal.id", "date": "2024-06-25",
            "fingerprint": f"{seed:016x}", "id": None, "license": None, "comments": "",
            "raw_text": " ".join(paras), "text": text, "language": None, "image": None,
            "pagetype": None, "filedate": "2026-12-01",
            "source": f"https://kabarlokal.id/berita/{seed}", "source-hostname": "kabarlokal.id",
            "excerpt": None, "categories": "", "tags": ""}


def _news_please(seed: int, edited: bool = False) -> dict:
    """A record in news-please's layout (NewsArticle.get_serializable_dict)."""
    title, _ = _paragraphs(seed, edited)
    return {"authors": ["Rina"], "date_download": "2024-06-26 08:00:00", "date_modify": "None",
            "date_publish": "2024-06-25 11:14:00", "description": None, "filename": f"{seed}.json",
            "image_url": None, "language": "id", "localpath": None,
            "maintext": _text(seed, edited), "source_domain": "beritaulang.id", "text": None,
            "title": title, "title_page": None, "title_rss": None,
            "url": f"https://beritaulang.id/read/{seed}"}


def test_near_duplicates_are_found_across_three_tools_and_each_keeps_its_layout(
        tmp_path: Path) -> None:
    traf = [_trafilatura(seed) for seed in (1, 2, 3)]
    assert {"fingerprint", "raw_text", "source-hostname", "excerpt"} <= set(traf[0])
    assert traf[0]["id"] is None and "url" not in traf[0]
    news = [_news_please(1, edited=True), _news_please(4)]
    hub = [{"id": "hf-0", "url": "https://data.example/0", "title": "x", "text": _text(2, True)},
           {"raw_content": traf[2]["text"], "meta": {"lang": "id"}}]
    inputs = [_jsonl(tmp_path / "trafilatura.jsonl", traf),
              _jsonl(tmp_path / "news-please.jsonl", news),
              _jsonl(tmp_path / "hf.jsonl", hub)]
    out, report = tmp_path / "out.jsonl", tmp_path / "clusters.json"
    result = run_cli("dedup", *map(str, inputs), "--keep-duplicates", "-o", str(out),
                     "--report", str(report))
    assert result.returncode == 0, result.stderr
    written = _lines(out.read_text(encoding="utf-8"))
    given = traf + news + hub
    assert len(written) == len(given)
    for record, original in zip(written, given):  # their fields, as they came, in order
        filled = {**original, "id": record["id"]}
        assert record == {**filled, "duplicate_of": record["duplicate_of"],
                          "similarity": record["similarity"]}
        assert list(record) == list(filled) + ["duplicate_of", "similarity"]
    ids = [r["id"] for r in written]
    assert ids[3] == "https://beritaulang.id/read/1" or len(ids[3]) == 16
    assert [r["duplicate_of"] for r in written] == [None, None, None, ids[0], None, ids[1], ids[2]]
    assert written[3]["similarity"] >= 0.8 and written[6]["similarity"] == 1.0
    clusters = json.loads(report.read_text())["clusters"]
    assert [(c["id"], c["url"], [d["reason"] for d in c["duplicates"]]) for c in clusters] == [
        (ids[0], "https://kabarlokal.id/berita/1", ["near"]),
        (ids[1], "https://kabarlokal.id/berita/2", ["near"]),
        (ids[2], "https://kabarlokal.id/berita/3", ["exact"])]


def test_our_records_pass_byte_for_byte_beside_foreign_ones(tmp_path: Path) -> None:
    ours = [build_article(source=f"s{seed}.txt", text=_text(seed), title=story(seed)[0],
                          authors=["Budi Santoso"], language="id") for seed in (5, 6, 7)]
    mine = tmp_path / "ours.jsonl"
    mine.write_text("".join(a.to_json() + "\n" for a in ours), encoding="utf-8")
    foreign = _jsonl(tmp_path / "foreign.jsonl", [
        {"id": 1, "content": _text(5, edited=True)}, {"id": 2, "content": _text(8)}])
    result = run_cli("dedup", str(mine), str(foreign))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines(keepends=True)
    assert "".join(lines[:3]) == mine.read_text(encoding="utf-8")
    assert _lines(lines[3]) == [{"id": 2, "content": _text(8), "duplicate_of": None,
                                 "similarity": None}]
    assert "4 records written, 1 duplicate" in result.stderr


def test_csv_and_parquet_inputs_with_bad_rows_reported_and_the_rest_kept(
        tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    dump = tmp_path / "dump.csv"
    with dump.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["id", "headline", "link", "content"],
                                  ["c1", "Judul", "https://a.id/1", _text(9)],
                                  ["c2", "pendek"],
                                  ["c3", "", "", ""],
                                  ["c4", "Dua", "https://a.id/4", _text(10)]])
    pq.write_table(pa.table({"doc_id": ["p1", "p2", "p3"], "title": ["A", "B", "C"],
                             "raw_content": [_text(11), _text(9, True), _text(10, True)],
                             "source_url": ["https://b.id/1", "https://b.id/2", None]}),
                   tmp_path / "crawl.parquet", row_group_size=1)
    (tmp_path / "junk.parquet").write_bytes(b"\x00PAR1 garbage")
    (tmp_path / "noise.jsonl").write_bytes(b'{"text": "satu dua"}\n\xff\xfe{"\n[1]\n{"id": 3}\n')
    result = run_cli("dedup", str(dump), str(tmp_path / "crawl.parquet"),
                     str(tmp_path / "junk.parquet"), str(tmp_path / "noise.jsonl"),
                     "--keep-duplicates")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    written = _lines(result.stdout)
    assert [r.get("doc_id", r["id"]) for r in written][:5] == ["c1", "c4", "p1", "p2", "p3"]
    assert [r["duplicate_of"] for r in written[:5]] == [None, None, None, "c1", "c4"]
    assert written[0] == {"id": "c1", "headline": "Judul", "link": "https://a.id/1",
                          "content": _text(9), "duplicate_of": None, "similarity": None}
    assert written[2]["doc_id"] == "p1" and len(written[2]["id"]) == 16  # an id, made for it
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [e.split(": error: ")[1].split(" (")[0] for e in errors] == [
        f"{dump}:11: not a record: 2 cells, the header has 4",  # c1 spans 2-10
        (f"{dump}:12: not a record: no text: none of text, maintext, content, body, "
         "raw_content, article has any"),
        f"{tmp_path / 'junk.parquet'}: not a Parquet file",
        f"{tmp_path / 'noise.jsonl'}:2: not a record: not UTF-8 text",
        f"{tmp_path / 'noise.jsonl'}:3: not a record: not a JSON object",
        (f"{tmp_path / 'noise.jsonl'}:4: not a record: no text: none of text, maintext, "
         "content, body, raw_content, article has any")]
    assert "6 failed" in result.stderr and written[5]["text"] == "satu dua"


def test_field_options_name_the_fields_of_any_layout(tmp_path: Path) -> None:
    path = tmp_path / "berita.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["kode", "judul", "tautan", "isi", "text"],
                                  ["k1", "Satu", "https://c.id/1", _text(12), "x"],
                                  ["k2", "Dua", "https://c.id/2", _text(12, True), "x"]])
    report = tmp_path / "r.json"
    result = run_cli("dedup", str(path), "--text-field", "isi", "--id-field", "kode",
                     "--url-field", "tautan", "--title-field", "judul", "--report", str(report))
    assert result.returncode == 0, result.stderr
    assert [r["kode"] for r in _lines(result.stdout)] == ["k1"]
    [cluster] = json.loads(report.read_text())["clusters"]
    assert (cluster["id"], cluster["url"], cluster["title"]) == ("k1", "https://c.id/1", "Satu")
    assert cluster["duplicates"][0]["id"] == "k2"


def test_with_a_state_foreign_lines_of_a_killed_run_are_recovered(tmp_path: Path) -> None:
    first = _jsonl(tmp_path / "first.jsonl", [{"url": "https://d.id/1", "body": _text(13)}])
    second = _jsonl(tmp_path / "second.jsonl", [{"url": "https://d.id/1", "body": _text(13)},
                                                {"url": "https://d.id/2", "body": _text(14)},
                                                {"url": "https://d.id/3", "body": _text(15)}])
    state, out = tmp_path / "state", tmp_path / "all.jsonl"
    assert run_cli("dedup", str(first), "--state", str(state), "-o", str(out)).returncode == 0
    # A killed run wrote record 2 and died before its commit: the line is past the
    # committed length, and must be entered, not written again.
    from scraper.records_in import parse_line

    made = parse_line(second.read_text(encoding="utf-8").splitlines()[1], FieldNames(),
                      source=str(second))
    with out.open("a", encoding="utf-8") as fh:
        fh.write(made.to_json() + "\n")
    result = run_cli("dedup", str(second), "--state", str(state), "-o", str(out))
    assert result.returncode == 0, result.stderr
    urls = [r["url"] for r in _lines(out.read_text(encoding="utf-8"))]
    assert urls == ["https://d.id/1", "https://d.id/2", "https://d.id/3"]
    # 1 again, and 2 as entered from the killed run's line.
    assert "1 record written, 0 duplicates, 2 seen before" in result.stderr


def test_our_records_round_trip_through_csv_and_parquet(tmp_path: Path) -> None:
    ours = [build_article(source="a.txt", text=_text(16), title="Judul, \"kutip\"",
                          authors=["A", "B"], tags=["x"]),
            build_article(source="b.txt", text="", warnings=["no article text found"])]
    mine = tmp_path / "ours.jsonl"
    mine.write_text("".join(a.to_json() + "\n" for a in ours), encoding="utf-8")
    for suffix in (".csv", ".parquet"):
        written = tmp_path / f"ours{suffix}"
        result = run_cli("dedup", str(mine), "-o", str(written))
        assert result.returncode == 0, result.stderr
        back = read_records(Source(written.name, written), FieldNames(),
                            on_error=lambda exc: (_ for _ in ()).throw(exc))
        assert [a.to_json() for a in back] == [a.to_json() for a in ours], suffix

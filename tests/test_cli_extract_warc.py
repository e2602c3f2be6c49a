"""`scraper extract` over WARC files through the real CLI: records with FILE#offset, skips
counted by reason, the filters, damaged files, and a crawl's own --warc read back."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.errors import UsageError
from scraper.pipeline import run_extract
from scraper.settings import load_settings
from tests.conftest import read_records, run_cli
from tests.corpus.warcs import (
    DEMO_PAGES,
    Response,
    Revisit,
    demo_responses,
    story_response,
    write_warc,
)
from tests.httpd import FAST, LocalServer, add_story, article_html, rss, story


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def archive(tmp_path: Path, name: str = "crawl.warc.gz", **kwargs) -> tuple[Path, dict[str, int]]:
    """The demo site's articles, a seed-like story, and records that give no page."""
    path = tmp_path / name
    offsets = write_warc(path, demo_responses() + [
        story_response("https://kabar.id/read/1", 1),
        Revisit("https://kabar.id/read/1"),
        Response("https://kabar.id/logo.jpg", b"\xff\xd8\xff\xe0" + bytes(300), "image/jpeg"),
        Response("https://kabar.id/gone", b"<html><p>hilang</p></html>", status="404 Not Found"),
        Response("https://kabar.id/api", b'{"berita": []}', "text/html"),  # a lying type
    ], **kwargs)
    return path, offsets


def test_each_html_response_is_a_record_found_again_by_its_offset(tmp_path: Path) -> None:
    path, offsets = archive(tmp_path)
    result = run_cli("extract", str(path), "--keep-duplicates")
    assert result.returncode == 0, result.stderr
    got = records(result.stdout)
    pages = list(DEMO_PAGES) + ["https://kabar.id/read/1"]
    assert [r["url"] for r in got] == pages
    assert [r["source"] for r in got] == [f"{path}#{offsets[uri]}" for uri in pages]
    assert got[0]["title"].startswith("Putin Keukeuh Tuntut Jaminan Keamanan")
    assert got[0]["language"] == "id" and got[0]["published"].endswith("+07:00")
    assert got[2]["duplicate_of"] == got[0]["id"]  # the demo site's republished article
    assert "loading" not in got[3]["text"] and "Berita Terkait" not in got[3]["text"]
    for line in ("skipped 1: HTTP 404", "skipped 1: not HTML (image/jpeg)",
                 "skipped 1: not HTML (JSON)", "skipped 1: revisit record"):
        assert line in result.stderr
    assert "4 records written, 1 duplicate," in result.stderr and "4 skipped" in result.stderr
    assert "warning" not in result.stderr  # pages of an archive are counted, not warned of


def test_uncompressed_files_folders_and_workers_keep_the_input_order(tmp_path: Path) -> None:
    folder = tmp_path / "archives"
    folder.mkdir()
    first, _ = archive(folder, "a.warc.gz")
    second, _ = archive(folder, "b.warc", gzip=False)
    html = tmp_path / "page.html"
    html.write_bytes(article_html(*story(7)).encode("utf-8"))
    result = run_cli("extract", str(folder), str(html), "--workers", "2", "--keep-duplicates")
    assert result.returncode == 0, result.stderr
    sources = [r["source"] for r in records(result.stdout)]
    assert [s.split("#")[0] for s in sources] == [str(first)] * 4 + [str(second)] * 4 + [str(html)]
    offsets = [int(s.split("#")[1]) for s in sources[:8]]
    assert offsets[:4] == sorted(offsets[:4]) and offsets[4:] == sorted(offsets[4:])
    assert "3 inputs, 9 records written, 5 duplicates" in result.stderr


def test_charset_comes_from_the_http_header_and_a_wrong_one_is_not_believed(
        tmp_path: Path) -> None:
    def page(text: str) -> str:
        return f"<html><head><title>Kopi</title></head><body><article><p>{text}</p>" \
               f"<p>{text}</p></article></body></html>"
    greek = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία. " * 3  # detection misreads it
    rupiah = "Harga kopi naik – kata pedagang “mahal sekali” di pasar, café tutup. " * 12
    path = tmp_path / "charsets.warc.gz"
    write_warc(path, [
        Response("https://a.gr/header", page(greek).encode("iso-8859-7"),
                 "text/html; charset=iso-8859-7"),
        Response("https://a.id/wrong", page(rupiah).encode("cp1252"), "text/html; charset=utf-8"),
        Response("https://a.id/none", page(rupiah).encode("utf-8"), "text/html"),
    ])
    result = run_cli("extract", str(path), "--keep-duplicates")
    assert result.returncode == 0, result.stderr
    got = records(result.stdout)
    assert "Η κυβέρνηση ανακοίνωσε νέα μέτρα" in got[0]["text"]
    assert all("– kata pedagang “mahal sekali”" in r["text"] and "café" in r["text"]
               for r in got[1:])


def test_filters_by_domain_date_and_language_count_what_they_leave_out(tmp_path: Path) -> None:
    path = tmp_path / "mixed.warc.gz"
    english = "<html><body><article>" + "<p>The minister said on Tuesday that the new " \
        "budget would raise spending on schools and roads across the country.</p>" * 6 + \
        "</article></body></html>"
    write_warc(path, [
        story_response("https://news.detik.com/1", 1, date="2024-05-02T01:00:00Z"),
        story_response("https://www.kompas.com/2", 2, date="2024-05-03T01:00:00Z"),
        story_response("https://example.com/3", 3, date="2024-05-03T01:00:00Z"),
        story_response("https://tempo.co.id/4", 4, date="2024-04-30T23:00:00Z"),
        story_response("https://tempo.co.id/5", 5, date="2024-06-01T00:00:00Z"),
        Response("https://en.detik.com/6", english.encode(), date="2024-05-31T23:59:00Z"),
        Response("https://news.detik.com/7", b"<html>x</html>", status="404 Not Found",
                 date="2024-05-05T00:00:00Z"),
        Response("https://news.detik.com/8", b"<html>x</html>", date="not a date"),
    ])
    listed = tmp_path / "domains.txt"
    listed.write_text("# ours\nkompas.com\n", encoding="utf-8")
    result = run_cli("extract", str(path), "--domain", "detik.com", "--domain", f"@{listed}",
                     "--domain", "*.id", "--since", "2024-05-01", "--until", "2024-05-31",
                     "--lang", "id")
    assert result.returncode == 0, result.stderr
    assert [r["url"] for r in records(result.stdout)] == ["https://news.detik.com/1",
                                                          "https://www.kompas.com/2"]
    for line in ("skipped 1: outside --domain", "skipped 1: before --since",
                 "skipped 1: after --until", "skipped 1: language en (--lang)",
                 "skipped 1: no WARC-Date (--since)", "skipped 1: HTTP 404"):
        assert line in result.stderr, result.stderr


def test_a_truncated_file_writes_the_records_before_the_cut_and_fails_with_one_message(
        tmp_path: Path) -> None:
    path, offsets = archive(tmp_path)
    cut_at = offsets["https://kabar.id/read/1"]
    data = path.read_bytes()
    path.write_bytes(data[:cut_at + 500])
    out = tmp_path / "out.jsonl"
    result = run_cli("extract", str(path), "-o", str(out), "--keep-duplicates")
    assert result.returncode == 1
    assert [r["url"] for r in read_records(out)] == list(DEMO_PAGES)
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [(f"scraper: error: {path}: truncated WARC file: the record at byte "
                       f"{cut_at} is cut short (the records before it were read)")]
    assert "Traceback" not in result.stderr and "1 failed" in result.stderr


def test_bad_filter_values_are_bad_usage(tmp_path: Path) -> None:
    path, _ = archive(tmp_path)
    result = run_cli("extract", str(path), "--since", "kemarin")
    assert result.returncode == 2 and result.stdout == ""
    assert "--since: 'kemarin' is not an ISO 8601 date" in result.stderr
    with pytest.raises(UsageError, match="not a folder, a WARC file or several"):
        run_extract([str(path)], load_settings(None), _Sink(), on_error=print,
                    url="https://a.id/")


def test_a_crawls_own_warc_reads_back_as_the_crawl_wrote_it(server: LocalServer,
                                                             tmp_path: Path) -> None:
    for i in range(3):
        add_story(server, f"/read/{i}", i + 20)
    encoded = gzip.compress(article_html(*story(23)).encode("utf-8"))
    server.sequence("/read/3", lambda h: h.send(200, encoded, headers={"Content-Encoding": "gzip"}))
    server.page("/feed.xml", rss("/read/0", "/read/1", "/read/2", "/read/3"))
    warc, crawled = tmp_path / "raw.warc.gz", tmp_path / "crawl.jsonl"
    crawl = run_cli("crawl", server.base + "/feed.xml", *FAST, "--warc", str(warc),
                    "-o", str(crawled))
    assert crawl.returncode == 0, crawl.stderr
    result = run_cli("extract", str(warc))
    assert result.returncode == 0, result.stderr
    def key(r: dict) -> tuple:
        return r["url"], r["title"], r["text"], r["published"]
    assert sorted(map(key, records(result.stdout))) == sorted(map(key, read_records(crawled)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), gzipped=st.booleans())
def test_any_bytes_given_as_a_warc_end_in_records_or_one_clear_error(
        tmp_path_factory, data: bytes, gzipped: bool) -> None:
    """run_extract as the CLI calls it: nothing escapes but the input's error."""
    path = tmp_path_factory.mktemp("fuzz") / ("x.warc.gz" if gzipped else "x.warc")
    path.write_bytes(gzip.compress(data) if gzipped else data)
    errors = []
    summary = run_extract([str(path)], load_settings(None), _Sink(),
                          on_error=lambda exc: errors.append(str(exc)))
    assert summary.failed == len(errors) <= 1
    assert all(e.startswith(f"{path}: ") and "\n" not in e for e in errors)


class _Sink:
    """Records kept in memory (the CLI's sinks write files)."""

    recovered: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.lines = io.StringIO()

    def write(self, article) -> None:
        self.lines.write(article.to_json() + "\n")

    def position(self):
        return None

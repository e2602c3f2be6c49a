"""The WARC reader: pages, skips and offsets from files warcio writes; damaged files end in
the records before the damage and one WarcError; any bytes end in records or an error."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.corpus import WarcError, WarcPage, WarcSkip, open_warc, read_warc
from scraper.errors import InputError
from tests.corpus.warcs import (
    DEMO_PAGES,
    Response,
    Revisit,
    demo_responses,
    story_response,
    write_warc,
)


def crawl_shaped(tmp_path: Path, *, gzip: bool = True) -> tuple[Path, dict[str, int]]:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    items = demo_responses() + [
        story_response("https://kabar.id/a", 1),
        Revisit("https://kabar.id/a"),
        Response("https://kabar.id/logo.jpg", b"\xff\xd8\xff\xe0" + bytes(200), "image/jpeg"),
        Response("https://kabar.id/gone", b"<html><p>hilang</p></html>", status="404 Not Found"),
    ]
    return path, write_warc(path, items, gzip=gzip)


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip-per-record", "uncompressed"])
def test_each_response_is_a_page_with_its_offset_and_other_records_are_passed_over(
        tmp_path: Path, gzipped: bool) -> None:
    path, offsets = crawl_shaped(tmp_path, gzip=gzipped)
    items = list(open_warc(path))
    pages = [i for i in items if isinstance(i, WarcPage)]
    assert [p.uri for p in pages] == list(offsets)  # request, metadata, warcinfo: none
    assert [p.offset for p in pages] == list(offsets.values())
    first = pages[0]
    assert first.body == next(iter(DEMO_PAGES.values())).read_bytes()
    assert (first.status, first.charset, first.media_type) == (200, "utf-8", "text/html")
    assert first.date is not None and first.date.isoformat() == "2024-06-25T04:00:00+00:00"
    assert [(p.status, p.media_type) for p in pages[-2:]] == [(200, "image/jpeg"), (404, "text/html")]
    (revisit,) = [i for i in items if isinstance(i, WarcSkip)]
    assert (revisit.uri, revisit.reason) == ("https://kabar.id/a", "revisit record")


def test_an_offset_finds_its_record_again(tmp_path: Path) -> None:
    path, offsets = crawl_shaped(tmp_path)
    offset = offsets["https://kabar.id/a"]
    with path.open("rb") as fh:
        fh.seek(offset)
        member = zlib.decompressobj(wbits=31).decompress(fh.read())
    assert member.startswith(b"WARC/1.") and b"WARC-Target-URI: https://kabar.id/a" in member


def test_select_decides_before_the_body_is_read_and_its_reason_is_kept(tmp_path: Path) -> None:
    path, _ = crawl_shaped(tmp_path)
    seen = []

    def select(head):
        seen.append(head)
        return None if "kabar.id" in head.uri else "elsewhere"
    items = list(open_warc(path, select=select))
    assert not any(hasattr(head, "body") for head in seen)
    assert [i.reason for i in items if isinstance(i, WarcSkip)] == ["elsewhere"] * 3 + ["revisit record"]


def test_records_over_the_fetchers_caps_are_skipped_as_too_large(tmp_path: Path) -> None:
    big = b"<html><body>" + b"<p>kata</p>" * 2000 + b"</body></html>"
    bomb = gzip.compress(b"<html>" + b" " * 200_000 + b"</html>")
    path = tmp_path / "big.warc.gz"
    write_warc(path, [Response("https://a.id/big", big),
                      Response("https://a.id/bomb", bomb, headers=[("Content-Encoding", "gzip")]),
                      Response("https://a.id/small", b"<html><p>kecil</p></html>")])
    items = list(open_warc(path, max_bytes=len(big) - 1, max_decompressed=100_000))
    assert [(i.uri, getattr(i, "reason", "page")) for i in items] == [
        ("https://a.id/big", "too large"), ("https://a.id/bomb", "too large"),
        ("https://a.id/small", "page")]


def test_transfer_and_content_codings_are_undone_only_when_the_bytes_carry_them(
        tmp_path: Path) -> None:
    html = b"<html><body><p>" + "Jakarta – berita".encode() * 50 + b"</p></body></html>"
    framed = b"%x\r\n%s\r\n0\r\n\r\n" % (len(html), html)
    path = tmp_path / "codings.warc.gz"
    write_warc(path, [
        Response("https://a.id/gzip", gzip.compress(html), headers=[("Content-Encoding", "gzip")]),
        Response("https://a.id/deflate", zlib.compress(html),
                 headers=[("Content-Encoding", "deflate")]),
        Response("https://a.id/chunked", framed, headers=[("Transfer-Encoding", "chunked")]),
        # Stored decoded under the original headers (as Common Crawl does).
        Response("https://a.id/decoded", html, headers=[("Content-Encoding", "gzip"),
                                                         ("Transfer-Encoding", "chunked")]),
        Response("https://a.id/br", html, headers=[("Content-Encoding", "br")]),
        Response("https://a.id/br-bytes", b"\x8b\x03\x80garbage", headers=[("Content-Encoding", "br")]),
    ])
    items = list(open_warc(path))
    assert [i.body == html for i in items[:5]] == [True] * 5
    assert items[5].reason == "unsupported encoding (br)"


@pytest.mark.parametrize("gzipped", [True, False], ids=["gzip-per-record", "uncompressed"])
@pytest.mark.parametrize("where", ["header", "body", "last record"])
def test_a_truncated_file_gives_the_records_before_the_cut_then_one_error(
        tmp_path: Path, gzipped: bool, where: str) -> None:
    path, offsets = crawl_shaped(tmp_path, gzip=gzipped)
    data = path.read_bytes()
    start = offsets["https://kabar.id/a"]
    cut = {"header": start + 30, "body": (start + offsets["https://kabar.id/logo.jpg"]) // 2,
           "last record": len(data) - 10}[where]
    path.write_bytes(data[:cut])
    got, error = read_all(path)
    pages = [i.uri for i in got if isinstance(i, WarcPage)]
    assert isinstance(error, WarcError) and len(str(error).splitlines()) == 1
    assert str(error).startswith(f"{path}: truncated WARC file: the record at byte {error.offset}")
    if where == "last record":
        assert pages == list(offsets) and error.offset > offsets["https://kabar.id/gone"]
    else:
        assert pages == list(DEMO_PAGES) and error.offset == start


def test_a_corrupt_gzip_member_stops_at_that_record(tmp_path: Path) -> None:
    path, offsets = crawl_shaped(tmp_path)
    data = bytearray(path.read_bytes())
    start = offsets["https://kabar.id/a"]
    for i in range(start + 40, start + 60):
        data[i] ^= 0x55
    path.write_bytes(bytes(data))
    got, error = read_all(path)
    assert [i.uri for i in got if isinstance(i, WarcPage)] == list(DEMO_PAGES)
    assert isinstance(error, WarcError) and error.offset == start
    assert f"corrupt WARC data at byte {start}" in str(error)


def test_bytes_lost_inside_an_uncompressed_file_are_found_where_the_next_record_starts(
        tmp_path: Path) -> None:
    path, offsets = crawl_shaped(tmp_path, gzip=False)
    data = path.read_bytes()
    start = offsets["https://kabar.id/a"]
    body = data.index(b"<!DOCTYPE", start)
    path.write_bytes(data[:body + 100] + data[body + 400:])  # 300 bytes gone from its body
    got, error = read_all(path)
    assert [i.uri for i in got if isinstance(i, WarcPage)] == list(DEMO_PAGES)
    assert isinstance(error, WarcError) and error.offset == start


def test_a_file_gzipped_as_a_whole_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path, _ = crawl_shaped(tmp_path, gzip=False)
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(path.read_bytes()))
    _, error = read_all(whole)
    assert isinstance(error, WarcError) and "gzipped as a whole" in str(error)
    assert "gunzip" in str(error)


@pytest.mark.parametrize("data, message", [
    (b"", "empty input"),
    (b"<html><body>not an archive</body></html>", "not a WARC file"),
    (gzip.compress(b"just text", mtime=0), "not a WARC file"),
])
def test_what_is_no_warc_file_says_so(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "x.warc.gz"
    path.write_bytes(data)
    got, error = read_all(path)
    assert got == [] and isinstance(error, WarcError) and message in str(error)


def test_a_stream_that_can_only_be_read_will_do(tmp_path: Path) -> None:
    """A pipe or an HTTP body: read(n) and nothing else (CC-NEWS is read so)."""
    path, offsets = crawl_shaped(tmp_path)

    class Pipe:
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def read(self, n: int = -1) -> bytes:
            return self._data.read(min(n, 1000) if n > 0 else n)
    items = list(read_warc(Pipe(path.read_bytes()), "pipe"))
    assert [i.offset for i in items if isinstance(i, WarcPage)] == list(offsets.values())


def test_a_latin1_byte_in_an_http_header_does_not_lose_the_page(tmp_path: Path) -> None:
    path = tmp_path / "latin1.warc"
    write_warc(path, [Response("https://a.id/x", b"<html><p>isi</p></html>",
                               headers=[("Content-Disposition", "inline; filename=cafX")])],
               gzip=False)
    path.write_bytes(path.read_bytes().replace(b"cafX", "café".encode("latin-1")))  # same length
    (page,) = open_warc(path)
    assert page.body == b"<html><p>isi</p></html>" and page.status == 200
    assert page.headers["content-disposition"] == "inline; filename=café"
    assert page.charset == "utf-8"


def test_a_stream_that_fails_ends_in_its_own_error(tmp_path: Path) -> None:
    path, _ = crawl_shaped(tmp_path)
    data = path.read_bytes()

    class Failing(io.BytesIO):
        def read(self, n: int = -1) -> bytes:
            if self.tell() >= len(data) // 2:
                raise OSError(5, "Input/output error")
            return super().read(min(n, 4096))
    got = []
    with pytest.raises(InputError, match=r"^net: cannot read at byte \d+: Input/output error$"):
        got.extend(read_warc(Failing(data), "net"))


def test_a_record_too_large_to_keep_is_skipped_and_the_file_still_checked(tmp_path: Path) -> None:
    path = tmp_path / "huge.warc"
    write_warc(path, [Response("https://a.id/huge", b"<html>" + bytes(5 << 20) + b"</html>"),
                      Response("https://a.id/after", b"<html><p>sesudah</p></html>")], gzip=False)
    data = path.read_bytes()
    items = list(open_warc(path, max_bytes=1000))
    assert [getattr(i, "reason", i.uri) for i in items] == ["too large", "https://a.id/after"]
    path.write_bytes(data[:-40])
    _, error = read_all(path, max_bytes=1000)
    assert isinstance(error, WarcError) and "truncated" in str(error)


def read_all(path: Path, **kwargs) -> tuple[list, InputError | None]:
    got: list = []
    try:
        for item in open_warc(path, **kwargs):
            got.append(item)  # noqa: PERF402 - the items before the error are the point
    except InputError as exc:
        return got, exc
    return got, None


_VALID: dict[bool, bytes] = {}


def _valid(tmp_path_factory, gzipped: bool) -> bytes:
    if gzipped not in _VALID:
        path, _ = crawl_shaped(tmp_path_factory.mktemp("warc"), gzip=gzipped)
        _VALID[gzipped] = path.read_bytes()
    return _VALID[gzipped]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_bytes_end_in_records_or_one_clear_error(tmp_path_factory, data) -> None:
    """Random bytes, gzipped random bytes, and valid files cut or with bytes changed."""
    kind = data.draw(st.sampled_from(["random", "gzip", "cut", "changed"]))
    if kind == "random":
        raw = data.draw(st.binary(max_size=400))
    elif kind == "gzip":
        raw = gzip.compress(b"WARC/1.0\r\n" + data.draw(st.binary(max_size=400)))
    else:
        valid = _valid(tmp_path_factory, data.draw(st.booleans()))
        at = data.draw(st.integers(0, len(valid) - 1))
        raw = valid[:at] if kind == "cut" else \
            valid[:at] + data.draw(st.binary(min_size=1, max_size=8)) + valid[at + 8:]
    items = []
    try:
        for item in read_warc(io.BytesIO(raw), "fuzz.warc.gz"):
            items.append(item)  # noqa: PERF402 - the items before the error are the point
    except InputError as exc:
        assert str(exc).startswith("fuzz.warc.gz: ")
    assert all(isinstance(i, WarcPage | WarcSkip) for i in items)

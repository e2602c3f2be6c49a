"""WARC files built for the tests with warcio, as crawlers write them: warcinfo, then per
page a request, its response and a metadata record; revisits; gzip per record or none."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent.parent
DEMO = ROOT / "scraper" / "demo_site"

#: Demo site pages and the URLs they were published under.
DEMO_PAGES = {
    "https://nasional.sindonews.com/read/691/41/putin-keukeuh-tuntut-jaminan":
        DEMO / "sindonews/read/691/41/putin-keukeuh-tuntut-jaminan/index.html",
    "https://www.wartaekonomi.co.id/read461/aliansi-keamanan-dibela-kremlin":
        DEMO / "wartaekonomi/read461/aliansi-keamanan-dibela-kremlin/index.html",
    "https://kabarlain.id/2022/02/11/putin-tuntut-jaminan-keamanan/":
        DEMO / "kabar-lain/2022/02/11/putin-tuntut-jaminan-keamanan/index.html",
}


@dataclass
class Response:
    """One HTTP response to archive (with a request and a metadata record beside it)."""

    uri: str
    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=list)
    date: str = "2024-06-25T04:00:00Z"
    companions: bool = True  # write its request and metadata records too


@dataclass
class Revisit:
    uri: str
    date: str = "2024-06-26T04:00:00Z"


def write_warc(path: Path, items: list[Response | Revisit], *, gzip: bool = True) -> dict[str, int]:
    """Write `items` to `path`; returns each response's byte offset by URI."""
    offsets: dict[str, int] = {}
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "tests"}))
        for item in items:
            if isinstance(item, Revisit):
                http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                        protocol="HTTP/1.1")
                writer.write_record(writer.create_revisit_record(
                    item.uri, "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", item.uri,
                    "2024-06-25T04:00:00Z", http_headers=http,
                    warc_headers_dict={"WARC-Date": item.date}))
                continue
            if item.companions:
                request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")],
                                           is_http_request=True)
                writer.write_record(writer.create_warc_record(
                    item.uri, "request", http_headers=request,
                    warc_headers_dict={"WARC-Date": item.date}))
            headers = ([("Content-Type", item.content_type)] if item.content_type else []) \
                + item.headers
            http = StatusAndHeaders(item.status, headers, protocol="HTTP/1.1")
            offsets[item.uri] = fh.tell()
            writer.write_record(writer.create_warc_record(
                item.uri, "response", payload=io.BytesIO(item.body), length=len(item.body),
                http_headers=http, warc_headers_dict={"WARC-Date": item.date}))
            if item.companions:
                writer.write_record(writer.create_warc_record(
                    item.uri, "metadata", payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
                    warc_content_type="application/warc-fields",
                    warc_headers_dict={"WARC-Date": item.date}))
    return offsets


def demo_responses() -> list[Response]:
    """The demo site's article pages as archived responses."""
    return [Response(uri, page.read_bytes()) for uri, page in DEMO_PAGES.items()]


def story_response(uri: str, seed: int, **kwargs) -> Response:
    """A made-up Indonesian story (tests.httpd.story) in real-looking chrome."""
    from tests.httpd import article_html, story

    title, paragraphs = story(seed)
    return Response(uri, article_html(title, paragraphs).encode("utf-8"), **kwargs)

"""What a source yields, read from its bytes alone (no network)."""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timezone

from scraper.crawl import read_source
from tests.httpd import rss

SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://news.example/a</loc><lastmod>2024-06-01</lastmod></url>
<url><loc>https://news.example/b</loc><lastmod>2001-01-01</lastmod></url>
</urlset>"""
INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://news.example/s1.xml</loc><lastmod>2024-06-01</lastmod></sitemap>
<sitemap><loc>https://news.example/s0.xml</loc><lastmod>2001-01-01</lastmod></sitemap>
</sitemapindex>"""
SINCE = datetime(2020, 1, 1, tzinfo=timezone.utc)


def test_a_sitemap_gives_its_pages_and_leaves_out_old_ones() -> None:
    reading = read_source(SITEMAP, "https://news.example/sitemap.xml", "text/xml", since=SINCE)
    assert reading.kind == "sitemap"
    assert [l.url for l in reading.articles] == ["https://news.example/a"]
    assert [l.url for l in reading.too_old] == ["https://news.example/b"]
    gz = read_source(gzip.compress(SITEMAP), "https://news.example/s.xml.gz", None)
    assert [l.url for l in gz.articles] == ["https://news.example/a", "https://news.example/b"]


def test_an_index_gives_its_sitemaps_newer_than_since() -> None:
    reading = read_source(INDEX, "https://news.example/index.xml", "application/xml",
                          since=SINCE)
    assert [l.url for l in reading.sitemaps] == ["https://news.example/s1.xml"]
    assert reading.articles == []


def test_a_feed_a_section_page_a_page_and_something_else() -> None:
    feed = read_source(rss("https://news.example/1").encode(), "https://news.example/rss",
                       "text/plain")  # by content, whatever the label says
    assert feed.kind == "feed" and [l.url for l in feed.articles] == ["https://news.example/1"]
    html = b'<html><body><a href="/read/1">a</a> <a href="/about">b</a></body></html>'
    section = read_source(html, "https://news.example/", "text/html",
                          follow=re.compile(r"/read/\d+"))
    assert section.kind == "section"
    assert [l.url for l in section.articles] == ["https://news.example/read/1"]
    assert read_source(html, "https://news.example/", "text/html").kind == "page"
    other = read_source(b"%PDF-1.4", "https://news.example/x", "application/octet-stream")
    assert other.kind == "unreadable" and other.reason == "not a feed, sitemap or page"


def test_a_broken_sitemap_is_unreadable_with_its_reason() -> None:
    reading = read_source(b"\x1f\x8bnot gzip", "https://news.example/s.xml.gz", None)
    assert reading.kind == "unreadable" and reading.reason == "not a readable sitemap"

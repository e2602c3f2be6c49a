"""Feeds, sitemaps and pagination on realistic and hostile inputs."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest

from scraper.discover import (
    SitemapError,
    find_pagination,
    looks_like_feed,
    looks_like_sitemap,
    page_links,
    parse_feed,
    parse_sitemap,
)
from scraper.extract.pages import is_pager, join_pages
from scraper.record import build_article

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>SINDOnews Internasional</title>
<item><title>Putin Keukeuh Tuntut Jaminan Keamanan</title>
<link>https://international.sindonews.com/read/691/41/putin-keukeuh</link>
<pubDate>Fri, 11 Feb 2022 04:26:00 +0700</pubDate></item>
<item><title>Relatif</title><link>/read/2/berita-relatif</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>
<entry><title>Entry one</title><link href="https://blog.example.com/one"/>
<updated>2024-06-25T11:14:00+07:00</updated></entry></feed>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
 xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
<url><loc>https://www.example.co.id/read/1/a</loc>
 <image:image><image:loc>https://cdn/x.jpg</image:loc><image:title>Foto</image:title></image:image>
 <news:news><news:publication><news:name>Contoh</news:name><news:language>id</news:language></news:publication>
 <news:publication_date>2024-07-04T15:50:00+07:00</news:publication_date>
 <news:title>Judul Berita Satu</news:title></news:news></url>
<url><loc>https://www.example.co.id/read/2/b</loc><lastmod>2023-01-02</lastmod></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.example.co.id/sitemap-news.xml.gz</loc><lastmod>2024-07-04</lastmod></sitemap>
<sitemap><loc>/sitemap-2019.xml</loc></sitemap></sitemapindex>"""


def test_rss_entries_with_dates_and_relative_links() -> None:
    assert looks_like_feed(RSS) and not looks_like_sitemap(RSS)
    links = parse_feed(RSS, "https://international.sindonews.com/rss")
    assert links[0].published == datetime(2022, 2, 10, 21, 26, tzinfo=timezone.utc)
    assert links[0].title == "Putin Keukeuh Tuntut Jaminan Keamanan"
    assert links[1].url == "https://international.sindonews.com/read/2/berita-relatif"
    assert links[1].published is None


def test_atom_entries() -> None:
    (link,) = parse_feed(ATOM, "https://blog.example.com/feed")
    assert link.url == "https://blog.example.com/one"
    assert link.published == datetime(2024, 6, 25, 4, 14, tzinfo=timezone.utc)


def test_google_news_sitemap_hints_and_plain_lastmod() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP)
    first, second = sitemap.pages
    assert first.title == "Judul Berita Satu"  # news:title, not image:title
    assert first.published.isoformat() == "2024-07-04T15:50:00+07:00"
    assert second.published == datetime(2023, 1, 2, tzinfo=timezone.utc)


def test_sitemap_index_gzip_and_relative_locations() -> None:
    sitemap = parse_sitemap(gzip.compress(INDEX), "https://www.example.co.id/sitemap.xml")
    assert [s.url for s in sitemap.sitemaps] == ["https://www.example.co.id/sitemap-news.xml.gz",
                                                 "https://www.example.co.id/sitemap-2019.xml"]
    assert sitemap.pages == []


def test_hostile_sitemaps_expand_no_entities_and_read_no_files() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <urlset><url><loc>https://x.com/&c;</loc></url></urlset>"""
    xxe = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY f SYSTEM "file:///etc/passwd">]>
    <urlset><url><loc>https://x.com/&f;</loc></url></urlset>"""
    for data in (laughs, xxe):
        for link in parse_sitemap(data).pages:
            assert "aaaaaaaaaa" not in link.url and "root:" not in link.url
    with pytest.raises(SitemapError):
        parse_sitemap(b"<html><body>not a sitemap</body></html>")
    with pytest.raises(SitemapError):
        parse_sitemap(gzip.compress(b"\0" * (60 * 1024 * 1024)))


def test_page_links_follow_the_pattern_once_each() -> None:
    html = """<a href="/read/1/a">A</a><a href="/read/1/a#komentar">A again</a>
    <a href="/tag/putin">tag</a><a href="javascript:void(0)">x</a><a href="/read/2/b">B</a>"""
    import re
    links = page_links(html, "https://news.example.com/internasional/", re.compile(r"/read/\d+/"))
    assert [l.url for l in links] == ["https://news.example.com/read/1/a",
                                      "https://news.example.com/read/2/b"]


@pytest.mark.parametrize("html, url, show_all, pages", [
    ('<a href="?page=2">2</a><a href="?page=3">3</a><a href="?page=2">Selanjutnya</a>',
     "https://www.wartaekonomi.co.id/read461/judul", None,
     {2: "https://www.wartaekonomi.co.id/read461/judul?page=2",
      3: "https://www.wartaekonomi.co.id/read461/judul?page=3"}),
    ('<link rel="next" href="/news/a/2"><a href="/news/b">Berita lain</a>',
     "https://x.com/news/a", None, {2: "https://x.com/news/a/2"}),
    ('<a href="/read/5/judul/2">2</a>', "https://nasional.sindonews.com/read/5/judul",
     "https://nasional.sindonews.com/read/5/judul?showpage=all",
     {2: "https://nasional.sindonews.com/read/5/judul/2"}),
    ('<a href="/berita/x?single=1">Tampilkan semua</a><a href="/berita/x?page=2">Halaman 2</a>',
     "https://news.detik.com/berita/x", "https://news.detik.com/berita/x?single=1",
     {2: "https://news.detik.com/berita/x?page=2"}),
    # Not pagination: numbered paths of other articles, next-article links, other sites.
    ('<a href="/news/2024/124">124</a><a href="/news/2024/5">Next</a>',
     "https://x.com/news/2024/123", None, {}),
    ('<a href="/read/6/lain">Selanjutnya</a><a href="https://y.com/read/5/judul/2">2</a>',
     "https://x.com/read/5/judul", None, {}),
    ('<a href="?id=8&page=2">2</a>', "https://x.com/view?id=7", None, {}),
])
def test_pagination_detection(html: str, url: str, show_all, pages) -> None:
    found = find_pagination(html, url)
    assert found.show_all == show_all and found.pages == pages


def test_pages_join_without_pager_lines_or_repeats() -> None:
    first = build_article(source="p1", url="https://x.com/a", title="Judul",
                          text="Paragraf satu yang panjang sekali.\nParagraf dua.\nHalaman 1 2 Selanjutnya")
    second = build_article(source="p2", text="Paragraf satu yang panjang sekali.\nParagraf tiga.\n1 2")
    joined = join_pages(first, [second])
    assert joined.text == "Paragraf satu yang panjang sekali.\n\nParagraf dua.\n\nParagraf tiga."
    assert joined.id == first.id and joined.title == "Judul" and joined.word_count == 9
    assert is_pager("Page 2 of 3") and not is_pager("Presiden berkata 2 hal")


def test_pagination_on_real_indonesian_news_pages() -> None:
    """The 30 id-news pages (../shared/bench): exactly the two real multi-page articles are
    found, each with the site's show-all view; no other page gets pages."""
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "id-news"
    if not folder.is_dir():
        pytest.skip("../shared/bench/id-news is not beside the project")
    found = {}
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        page = folder / "html" / entry["file"]
        if page.suffix == ".html" and entry.get("url"):
            pagination = find_pagination(page.read_bytes(), entry["url"])
            if pagination:
                found[page.name.split("__")[0]] = pagination
    assert sorted(found) == ["kompas", "tribunnews"]
    assert found["kompas"].show_all.endswith("?page=all") and list(found["kompas"].pages) == [2]
    assert found["tribunnews"].show_all.endswith("?page=all")
    assert list(found["tribunnews"].pages)[:3] == [2, 3, 4]


def test_index_children_without_lastmod_are_dated_by_the_period_in_their_name() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.co.id/sitemap-2024-05.xml</loc></sitemap>
<sitemap><loc>https://x.co.id/sitemap-2024-12-31.xml</loc></sitemap>
<sitemap><loc>https://x.co.id/sitemap-2019.xml</loc></sitemap>
<sitemap><loc>https://x.co.id/sitemap-news.xml</loc></sitemap>
<sitemap><loc>https://x.co.id/sitemap-2018-01.xml</loc><lastmod>2024-07-01</lastmod></sitemap>
</sitemapindex>"""
    dates = [link.published for link in parse_sitemap(index).sitemaps]
    utc = timezone.utc
    # The end of the period named: nothing it lists is newer. A lastmod given wins.
    assert dates == [datetime(2024, 6, 1, tzinfo=utc), datetime(2025, 1, 1, tzinfo=utc),
                     datetime(2020, 1, 1, tzinfo=utc), None, datetime(2024, 7, 1, tzinfo=utc)]

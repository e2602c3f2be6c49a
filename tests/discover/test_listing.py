"""Articles told from listings: by URL (the forms Indonesian and other news sites use) and
by page (article markup, running prose, links to articles)."""

from __future__ import annotations

import pytest

from scraper.crawl.articles import with_zone
from scraper.discover.links import parse_page
from scraper.discover.listing import load_rules, read_listing, url_kind
from scraper.record import build_article


@pytest.mark.parametrize("url", [
    "https://news.detik.com/berita/d-7123456/banjir-jakarta",
    "https://www.kompas.com/read/2024/05/01/12345678/harga-beras",
    "https://international.sindonews.com/read/691/41/putin-keukeuh-1644528360",
    "https://www.tribunnews.com/2024/05/01/slug-pendek",
    "https://www.liputan6.com/news/read/5591234/slug",
    "https://www.cnnindonesia.com/nasional/20240501123456-20-1234567/slug",
    "https://www.antaranews.com/berita/4123456/slug",
    "https://www.nytimes.com/2015/01/01/world/x.html",
    "https://x.example/ekonomi/harga-beras-naik-lagi-di-pasar-induk",
    "https://blog.example/?p=2895",
])
def test_article_urls(url: str) -> None:
    assert url_kind(url) == "article"


@pytest.mark.parametrize("url, kind", [
    ("https://www.detik.com/", "listing"),
    ("https://www.detik.com/tag/banjir", "listing"),
    ("https://x.example/search?q=banjir", "listing"),
    ("https://x.example/kategori/ekonomi", "listing"),
    ("https://x.example/page/2", "listing"),
    ("https://x.example/tentang-kami", "other"),
    ("https://x.example/privacy", "other"),
    ("https://x.example/sitemap.xml", "other"),
    ("https://x.example/ekonomi", "unknown"),
])
def test_listing_and_other_urls(url: str, kind: str) -> None:
    assert url_kind(url) == kind


def test_a_site_pattern_as_data_makes_its_article_urls_known() -> None:
    rules = load_rules({"generic": {"listing_segments": ["tag"], "other_segments": [],
                                    "search_params": ["q"], "max_listing_prose": 120,
                                    "min_listing_links": 8, "min_slug_words": 4},
                        "site": [{"domain": "kabar.co.id", "article": r"^/berita/\w+$"}]})
    assert url_kind("https://www.kabar.co.id/berita/banjir", rules) == "article"
    assert url_kind("https://other.example/berita/banjir", rules) == "unknown"


def _cards(n: int) -> str:
    return "".join(f'<div class="card"><a href="/read/{10000 + i}/judul-berita-yang-panjang">'
                   f"Judul berita {i}</a><p>Ringkasan singkat nomor {i}.</p></div>"
                   for i in range(n))


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


PROSE = "<div>" + "".join(f"<p>{'kata ' * 40}</p>" for _ in range(5)) + "</div>"


def _listing(html: str, url: str = "https://kabar.co.id/ekonomi"):
    return read_listing(parse_page(html), url)


def test_a_page_of_cards_is_a_listing_an_article_with_related_links_is_not() -> None:
    found = _listing(_page(_cards(12)))
    assert found is not None and len(found.article_links) == 12
    assert _listing(_page(PROSE + _cards(12))) is None  # 200 words of running prose
    assert _listing(_page(_cards(3))) is None  # few links, no listing URL: an article


def test_article_markup_or_an_article_url_always_wins() -> None:
    og = '<meta property="og:type" content="article">'
    assert _listing(_page(_cards(12), og)) is None
    # A CMS that calls every page a website in og:type may still say NewsArticle.
    ld = ('<meta property="og:type" content="website"><script type="application/ld+json">'
          '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, '
          '{"@type": "NewsArticle"}]}</script>')
    assert _listing(_page(_cards(12), ld)) is None
    many = ('<script type="application/ld+json">[' + ", ".join(
        '{"@type": "NewsArticle"}' for _ in range(6)) + "]</script>")
    assert _listing(_page(_cards(12), many)) is not None  # an ItemList page of articles
    assert _listing(_page(_cards(12)), "https://kabar.co.id/read/2024/05/01/judul") is None


def test_a_listing_url_needs_little_prose_and_the_home_page_always_is_one() -> None:
    assert _listing(_page(_cards(2)), "https://kabar.co.id/tag/banjir") is not None
    long_read = "<div>" + "".join(f"<p>{'kata ' * 50}</p>" for _ in range(10)) + "</div>"
    assert _listing(_page(long_read), "https://kabar.co.id/foto/banjir") is None
    assert _listing(_page(long_read), "https://kabar.co.id/") is not None


def test_dates_without_offset_take_the_outlets_time_zone() -> None:
    article = build_article(source="https://kabar.example/a", text="Isi berita.",
                            published="2024-05-01T10:00:00",
                            modified="2024-05-01T11:00:00+00:00")
    zoned = with_zone(article, "Asia/Jakarta")
    assert zoned.published == "2024-05-01T10:00:00+07:00"
    assert zoned.modified == "2024-05-01T11:00:00+00:00"  # an offset given is kept
    assert with_zone(article.replace(published="2024-05-01"), "Asia/Jakarta").published \
        == "2024-05-01"
    assert with_zone(article, None) is article


def test_prose_in_scripts_without_spaces_and_in_inline_elements_counts() -> None:
    chinese = "<div>" + "".join(f"<p>{'新闻报道的内容' * 12}</p>" for _ in range(4)) + "</div>"
    assert _listing(_page(chinese + _cards(12))) is None  # 336 letters: 168 words
    spans = "<div>" + "".join(f"<span>{'kata ' * 40}</span><br>" for _ in range(4)) + "</div>"
    assert _listing(_page(spans + _cards(12))) is None

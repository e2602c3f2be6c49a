"""Canonical URLs: every variant of one article's address folds to one key."""

from __future__ import annotations

import pytest

from scraper.dedup import canonical_url

ARTICLE = "https://nasional.sindonews.com/read/1234/12/putin-nato-1640000000"


@pytest.mark.parametrize("variant", [
    ARTICLE,
    ARTICLE + "/",
    ARTICLE + "#comments",
    ARTICLE + "?utm_source=twitter&utm_medium=social&fbclid=IwAR0x",
    ARTICLE + "?gclid=abc",
    "http://nasional.sindonews.com:80/read/1234/12/putin-nato-1640000000",
    "HTTPS://NASIONAL.SINDONEWS.COM/read/1234/12/putin-nato-1640000000",
])
def test_variants_of_one_article_fold(variant: str) -> None:
    assert canonical_url(variant) == ARTICLE


@pytest.mark.parametrize("a, b", [
    ("https://www.wartaekonomi.co.id/read123/judul", "https://wartaekonomi.co.id/read123/judul"),
    ("https://m.detik.com/news/berita/d-123/judul", "https://detik.com/news/berita/d-123/judul"),
    ("https://amp.kompas.com/x/2024/01/01/judul", "https://kompas.com/x/2024/01/01/judul"),
    ("https://kompas.com/x/judul/amp", "https://kompas.com/x/judul"),
    ("https://example.com/news/story.amp.html", "https://example.com/news/story.html"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/a?amp=1&id=7", "https://example.com/a?id=7"),
])
def test_host_amp_and_query_variants_fold(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


def test_different_articles_stay_apart() -> None:
    assert canonical_url("https://example.com/a?id=7") != canonical_url("https://example.com/a?id=8")
    assert canonical_url("https://example.com/news/1") != canonical_url("https://example.com/news/2")
    assert canonical_url("https://a.example.com/x") != canonical_url("https://b.example.com/x")


def test_declared_canonical_is_honoured_on_the_same_site_only() -> None:
    page = "https://m.example.co.id/read/1?page=2&utm_campaign=x"
    declared = "https://www.example.co.id/read/1"
    assert canonical_url(page, declared) == "https://example.co.id/read/1"
    # A page cannot claim another site's article (it would hide that one as a duplicate).
    assert canonical_url(page, "https://other.com/read/1").startswith("https://example.co.id/")


def test_non_http_urls_have_no_canonical_form() -> None:
    assert canonical_url("ftp://example.com/a") is None
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("not a url") is None

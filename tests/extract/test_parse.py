"""dom.parse: the BeautifulSoup tree built from lxml's pruned tree holds what a reader and
the metadata need, and only that."""
from __future__ import annotations

from bs4 import BeautifulSoup

from scraper.extract import extract_html
from scraper.extract.dom import parse

PAGE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html lang="de"><head>
<title>Ein Titel</title>
<meta property="og:title" content="Ein Titel">
<link rel="stylesheet" href="/s.css"><link rel="preload" href="/f.woff2">
<link rel="canonical" href="https://example.org/a/1">
<script>var x = "<p>not text</p>";</script>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Ein Titel"}</script>
<style>p { color: red }</style>
</head><body>
<!-- a comment -->
<p class="lead" {count}="" data-x="1">Erster <b>fetter</b> Satz<i class="icon"></i> geht weiter,
misguided<a href="/x"> </a>policy.</p>
<p>Zeit: <time datetime="2024-05-06T10:00:00+02:00"></time><span itemprop="author"></span>
<img src="/p.jpg" alt="Bild"> ein Bild.</p>
<svg><text>Icon</text></svg>
</body></html>"""


def test_the_tree_holds_the_text_and_what_the_metadata_reads() -> None:
    soup = parse(PAGE)
    paragraphs = [p.get_text() for p in soup.find_all("p")]
    assert paragraphs[0] == "Erster fetter Satz geht weiter,\nmisguided policy."
    assert paragraphs[1].split() == ["Zeit:", "ein", "Bild."]
    assert soup.find("p")["class"] == "lead"  # one string, not a list
    assert soup.find("p")["data-x"] == "1"
    assert [link["rel"] for link in soup.find_all("link")] == ["canonical"]
    assert soup.find("time")["datetime"] == "2024-05-06T10:00:00+02:00"
    assert soup.find("span", itemprop="author") is not None  # empty, but marked
    assert soup.find("script")["type"] == "application/ld+json"
    assert soup.find("html")["lang"] == "de"
    for gone in ("style", "svg", "img", "i"):
        assert soup.find(gone) is None, gone
    assert "a comment" not in str(soup)


def test_same_text_as_beautifulsoup_parsing_the_page_itself() -> None:
    """Where nothing is pruned, the walked tree reads as BeautifulSoup's own."""
    page = ("<html><body><div><h1>Kopf</h1><p>Eins &amp; zwei&nbsp;drei</p>text<br>tail"
            "<ul><li>a</li><li>b <em>c</em></li></ul><table><tr><td>x</td><td>y</td></tr>"
            "</table></div></body></html>")
    ours, theirs = parse(page), BeautifulSoup(page, "lxml")
    assert ours.get_text("|") == theirs.get_text("|")
    assert [t.name for t in ours.find_all(True)] == [t.name for t in theirs.find_all(True)]


def test_a_page_lxml_cannot_read_as_a_document_is_still_parsed() -> None:
    soup = parse("just some words")
    assert soup.get_text().strip() == "just some words"


def test_a_declared_xhtml_page_is_extracted() -> None:
    article = extract_html(PAGE, "https://example.org/a/1")
    assert article.canonical_url == "https://example.org/a/1"
    assert "misguided policy" in article.text

"""Hostile pages: each gives a record (empty text and a warning at worst), never a crash
or a hang."""

from __future__ import annotations

import os
import time

import pytest

from scraper import extract_html
from tests.conftest import FIXTURES

GOOD = (FIXTURES / "html" / "id_article.html").read_bytes()


def test_truncated_page_keeps_what_arrived() -> None:
    cut = GOOD[: GOOD.index(b"Dinas Pendidikan") + 40]
    article = extract_html(cut)
    assert article.text.startswith("KOTA CONTOH - Hujan deras")


def test_malformed_markup() -> None:
    page = ("<html><body><div><p>Unclosed paragraph one that is long enough to count as prose, "
            "with commas, clauses, and more.<p>Second one <b>bold <i>nested</b> wrongly</i> "
            "and still going on for a while, like real prose does.</div></span></table>"
            "<<>><p>Third & last &amp; &nbsp; &bogus; paragraph, which goes on a little longer "
            "than the others, and then ends here.")
    article = extract_html(page)
    assert "Unclosed paragraph one" in article.text and "Third & last & " in article.text


def test_ten_megabyte_page_finishes() -> None:
    paragraph = "<p>Paragraf {}: " + "kalimat yang cukup panjang untuk menjadi berita, " * 5 + "</p>\n"
    count = 10_000_000 // len(paragraph)
    page = "<html><body><article>" + "".join(paragraph.format(i) for i in range(count)) + \
        "</article></body></html>"
    assert len(page) >= 10_000_000
    start = time.perf_counter()
    article = extract_html(page)
    assert article.word_count > 100_000
    assert time.perf_counter() - start < 60


def test_ten_thousand_nested_elements() -> None:
    page = "<html><body>" + "<div>" * 10_000 + "<p>" + "Deep text, deep down, " * 10 + \
        "</p>" + "</div>" * 10_000 + "</body></html>"
    article = extract_html(page)  # must not hit the recursion limit
    assert isinstance(article.text, str)


@pytest.mark.parametrize("page", [
    b"<html><head><title>Only a head</title></head></html>",
    b"<script>var a = 1;</script><script>document.write('hi')</script>",
    b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
    b"",
    b"   \n  ",
    os.urandom(20_000),
    b"\x00\x01\x02binary\xff\xfe" * 1000,
])
def test_pages_without_an_article_give_empty_text_and_a_warning(page: bytes) -> None:
    article = extract_html(page)
    assert article.text == ""
    assert "no article text found" in article.warnings
    assert article.word_count == 0


@pytest.mark.parametrize("body, text", [
    ("Test", "Test"),
    (("<div class='notice'><p>Office closed today.</p></div><ul class='menu'>"
      "<li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul>"),
     "Office closed today."),
    ("<p>Office closed today.</p><div class='sidebar'><p>Weather: sunny</p></div>",
     "Office closed today."),
])
def test_a_page_with_no_paragraph_and_next_to_no_text_gives_that_text(body: str,
                                                                      text: str) -> None:
    # Not one block long enough to be prose: its text outside links and sidebars is all
    # the page says (Readability's test page "Test"), not "no article text found".
    assert extract_html(f"<html><body>{body}</body></html>").text == text


def test_no_body_element_still_extracts() -> None:
    page = "<p>" + "A paragraph with no html, head or body around it, written plainly. " * 4 + "</p>"
    assert "no html, head or body" in extract_html(page).text

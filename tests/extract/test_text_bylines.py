"""`clean` on dumps of sites it has not seen: bylines and datelines leave the text and
become the record's authors, editors, date and site."""

from __future__ import annotations

import pytest

from scraper import clean_text, extract_html
from scraper.extract.rules import default_rules
from scraper.extract.text import Meta, take_meta

HEADLINE = "Polisi Tangkap Dua Pelaku Pencurian Motor di Bekasi Timur"
BODY = [
    "Bekasi - Polisi menangkap dua pelaku pencurian sepeda motor di kawasan Bekasi Timur "
    "pada Rabu malam. Keduanya ditangkap setelah warga melapor ke pos polisi terdekat.",
    "\"Kedua pelaku kami amankan beserta barang bukti,\" kata Kapolsek Bekasi Timur kepada "
    "wartawan, Kamis (11/1/2024).",
    "Polisi masih mengejar satu pelaku lain yang melarikan diri saat penangkapan berlangsung.",
]


def _dump(*top: str) -> str:
    return "\n".join([HEADLINE, *top, *BODY]) + "\n"


def test_detik_byline_gives_the_author_and_the_site_not_the_title() -> None:
    article = clean_text(_dump("Siti Fatimah - detikNews", "Kamis, 11 Jan 2024 10:15 WIB"),
                         "detik.txt")
    assert article.title == HEADLINE
    assert article.authors == ["Siti Fatimah"]
    assert article.site == "detikNews"
    assert article.published == "2024-01-11T10:15:00+07:00"
    assert article.text.split("\n\n") == BODY


@pytest.mark.parametrize("byline", ["Oleh: Budi Santoso", "Oleh Budi Santoso",
                                    "Penulis Budi Santoso | Editor Rina Marlina",
                                    "Reporter: Budi Santoso / Editor: Rina Marlina",
                                    "Penulis: Budi Santoso"])
def test_bylines_leave_the_text_and_name_the_writer(byline: str) -> None:
    article = clean_text(_dump(byline), "x.txt")
    assert article.title == HEADLINE
    assert article.authors == ["Budi Santoso"]
    assert article.text.split("\n\n") == BODY


def test_writer_and_editor_on_one_line_are_both_kept() -> None:
    meta = Meta()
    assert take_meta("Penulis Budi Santoso | Editor Rina Marlina", default_rules(), meta)
    assert (meta.authors, meta.editors) == (["Budi Santoso"], ["Rina Marlina"])


def test_only_an_editor_named_gives_the_editor() -> None:
    assert clean_text(_dump("Editor: Rina Marlina"), "x.txt").authors == ["Rina Marlina"]


def test_kompas_dateline_gives_the_date_and_the_site() -> None:
    article = clean_text(_dump("Kompas.com - 12/01/2024, 08:15 WIB"), "kompas.txt")
    assert article.published == "2024-01-12T08:15:00+07:00"
    assert article.site == "Kompas.com"
    assert article.title == HEADLINE
    assert article.text.split("\n\n") == BODY


@pytest.mark.parametrize("line", [
    "Oleh karena itu, warga diminta tetap waspada terhadap pencurian kendaraan bermotor.",
    "Penulis muda itu meraih penghargaan sastra tertinggi di Jakarta tahun ini.",
])
def test_sentences_opening_like_a_byline_stay(line: str) -> None:
    assert line in clean_text(_dump(line), "x.txt").text


def test_a_dated_byline_around_the_article_goes_and_dated_content_stays() -> None:
    """Byline lines with a date among other words, before the first sentence or after the
    last, are metadata; a reference list's items and an embedded post's attribution are
    the article's, as is a dated line between its paragraphs."""
    para = ("The council said on Tuesday that the new rules, drafted over two years with "
            "residents, would take effect in the spring and be reviewed after a year.")
    html = ("<html><body><article><h1>Council adopts new rules</h1>"
            "<p>By Amelie Marie Nishizawa Feb 8, 2020 5 min read</p>"
            f"<p>{para} (1)</p><p>Meeting of 5 March 2020 | Town hall</p><p>{para} (2)</p>"
            "<blockquote><p>The vote is done.</p><p>— The Council (@TownCouncil) "
            "February 7, 2020</p></blockquote>"
            f"<p>{para} (3)</p><ul><li>Lee, Ann (22 June 2019). \"The old rules\"</li></ul>"
            "<p>24. März 2004, 19:49 | Genesis</p></article></body></html>")
    text = extract_html(html).text
    assert "Nishizawa Feb 8" not in text and "19:49" not in text
    for kept in ("Meeting of 5 March 2020", "(@TownCouncil) February 7, 2020", "Lee, Ann"):
        assert kept in text

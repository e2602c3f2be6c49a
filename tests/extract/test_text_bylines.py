"""`clean` on dumps of sites it has not seen: bylines and datelines leave the text and
become the record's authors, editors, date and site."""

from __future__ import annotations

import pytest

from scraper import clean_text
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

"""HTML pages to records: what is kept, what goes, and the metadata."""

from __future__ import annotations

import pytest

from scraper import extract_html
from tests.conftest import FIXTURES

PAGES = FIXTURES / "html"


@pytest.fixture(scope="module")
def indonesian():
    return extract_html((PAGES / "id_article.html").read_bytes(),
                        "https://www.contoh-news.id/read/2023/03/07/banjir?utm_source=x")


@pytest.fixture(scope="module")
def english():
    return extract_html((PAGES / "en_table_article.html").read_bytes())


def paragraphs(article) -> list[str]:
    return article.text.split("\n\n")


def test_article_paragraphs_headings_and_lists_are_kept_in_order(indonesian) -> None:
    got = paragraphs(indonesian)
    assert got[0].startswith("KOTA CONTOH - Hujan deras sejak Senin malam")
    assert got.index("Sekolah Diliburkan") < got.index("Kecamatan Utara: 450 warga mengungsi")
    assert got[-3:] == ["Kecamatan Timur: 520 warga mengungsi",
                        "Kecamatan Barat: 260 warga mengungsi",
                        "Pemerintah kota juga meminta warga melapor melalui nomor darurat "
                        "apabila membutuhkan bantuan evakuasi."]  # editor initials gone


def test_page_furniture_is_removed(indonesian) -> None:
    text = indonesian.text
    for gone in ("Beranda", "cookie", "A A A", "Foto: Antara", "Warga melintasi genangan",
                 "Baca juga", "Cuaca Ekstrem", "ADVERTISEMENT", "Bagikan", "WhatsApp",
                 "adalah wartawan", "Berita Terkait", "Longsor Tutup Jalan",
                 "Semoga cepat surut", "Terpopuler", "Dapatkan berita terkini", "Copyright",
                 "Penulis:", "14:39", "iklan", "(sya)"):
        assert gone not in text, gone


def test_paragraph_repeated_in_the_page_is_kept_once(indonesian) -> None:
    assert indonesian.text.count("lebih dari 1.200 warga telah dievakuasi") == 1


def test_metadata(indonesian) -> None:
    assert indonesian.title == "Banjir Rendam Tiga Kecamatan di Kota Contoh"
    assert indonesian.authors == ["Siti Rahmawati"]  # the visible writer, not JSON-LD's
    # JSON-LD stamps the WIB clock time as UTC ("14:39:00Z"); the visible line wins.
    assert indonesian.published == "2023-03-07T14:39:00+07:00"
    assert indonesian.modified == "2023-03-07T16:00:00+07:00"
    assert indonesian.language == "id"
    assert indonesian.site == "Contoh News"
    assert indonesian.canonical_url == \
        "https://www.contoh-news.id/read/2023/03/07/banjir-rendam-tiga-kecamatan"
    assert indonesian.url.endswith("?utm_source=x")
    assert indonesian.image == "https://www.contoh-news.id/foto/banjir.jpg"
    assert indonesian.tags == ["banjir", "cuaca"]
    assert indonesian.warnings == []


def test_tables_are_rows_of_cells_and_read_more_links_go(english) -> None:
    got = paragraphs(english)
    assert "District | Tonnes | Change" in got and "East | 1,517 | +21%" in got
    assert not any("Read more" in p or "Related" in p or "bike lanes" in p for p in got)
    assert english.title == "Council publishes recycling figures"
    assert english.authors == ["Jane Doe"]
    assert english.published == "2024-03-03T10:00:00-05:00"
    assert english.language == "en" and english.site == "The Example Gazette"


def test_url_date_is_the_last_resort_and_future_dates_are_rejected() -> None:
    page = ("<html><head><meta property='article:published_time' content='2099-01-01T00:00:00Z'>"
            "</head><body><article><p>" + "Isi berita yang cukup panjang untuk diuji, " * 8 +
            "selesai.</p></article></body></html>")
    article = extract_html(page, "https://example.com/2021/05/04/berita")
    assert article.published == "2021-05-04"


def test_bytes_in_other_charsets_decode_right() -> None:
    body = "<p>Café, crème brûlée and naïve façades were on the menu that evening, again.</p>"
    page = f"<html><head><meta charset='windows-1252'></head><body>{body * 3}</body></html>"
    assert "crème brûlée" in extract_html(page.encode("cp1252")).text
    # no declaration at all: detection
    bare = f"<html><body>{body * 3}</body></html>".encode("cp1252")
    assert "crème brûlée" in extract_html(bare).text
    # a declaration that lies (says UTF-8, bytes are cp1252): detection wins
    lying = page.replace("windows-1252", "utf-8").encode("cp1252")
    assert "crème brûlée" in extract_html(lying).text
    # a UTF-16 page with its BOM
    assert "crème brûlée" in extract_html(page.replace("windows-1252", "utf-16").encode("utf-16")).text
    # the HTTP header's charset, when given, is trusted when it fits the bytes
    koi = "<html><body>" + "<p>Москва сегодня объявила о новых мерах поддержки, сообщили власти.</p>" * 3
    assert "Москва" in extract_html(koi.encode("koi8-r"), charset="koi8-r").text


def test_inline_related_link_lead_ins_go_with_their_link() -> None:
    prose = "Gempa mengguncang wilayah timur pada Kamis sore, warga berhamburan keluar rumah. "
    page = ("<html><body><article><p>" + prose * 2 +
            'Baca juga: <a href="/x">Gempa Lain di Selatan</a> Petugas memeriksa bangunan. '
            '<strong>Read more:</strong> <a href="/y">Quake hits south</a> '
            'He discussed the related <a href="/z">building code</a> with engineers.</p>'
            "<p>" + prose.replace("Gempa", "Hujan") * 2 + "</p></article></body></html>")
    text = extract_html(page).text
    assert "Baca juga" not in text and "Gempa Lain" not in text
    assert "Read more" not in text and "Quake hits" not in text
    assert "Petugas memeriksa bangunan." in text
    assert "the related building code with engineers" in text  # no colon: prose


def test_utf8_page_with_a_few_bad_bytes_stays_utf8() -> None:
    # Pages that declare UTF-8 and hold one stray Latin-1 byte are common; reading the
    # whole page as windows-1252 would garble every other accented letter.
    body = "<p>Mäscot das Schaf grüßt die Größten, über Wiesen und Höfe, schön und fröhlich.</p>"
    page = (f"<html><head><meta charset='utf-8'></head><body><article>{body * 4}"
            "</article></body></html>").encode("utf-8").replace(b"Wiesen", b"Wi\xe9sen", 1)
    article = extract_html(page)
    assert "Mäscot das Schaf grüßt" in article.text and "Ã" not in article.text

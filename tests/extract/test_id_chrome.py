"""Indonesian page chrome seen on more sites leaves the body, in HTML and in text mode:
calls to follow the outlet on other channels, editor codes, leftover box labels and the
credit table (whose names become the authors)."""

from __future__ import annotations

import pytest

from scraper import clean_text, extract_html

PROSE = [
    "JAKARTA, KOMPAS.com - Pemerintah kota menambah 40 bus listrik untuk rute baru yang "
    "menghubungkan terminal utama dengan kawasan industri di pinggiran kota, Senin (8/1/2024).",
    "Kepala dinas perhubungan mengatakan bus baru itu akan beroperasi mulai pekan depan dan "
    "tarifnya sama dengan bus kota yang sudah ada, yaitu Rp 3.500 sekali jalan.",
    "Menurut dia, penambahan armada ini diharapkan mengurangi kemacetan di jalan utama yang "
    "setiap pagi dipadati kendaraan pribadi para pekerja pabrik.",
]
LAST = ("Warga menyambut baik rencana itu karena selama ini mereka harus berganti angkutan "
        "dua kali untuk sampai ke tempat kerja.")

# What the outlets print after the article (kompas, jpnn, kapanlagi, detik, and the
# WhatsApp-channel box many sites now carry).
CHROME = [
    "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com. Mari "
    "bergabung di Grup Telegram \"Kompas.com News Update\", caranya klik link "
    "https://t.me/kompascomupdate, kemudian join. Anda harus install aplikasi Telegram "
    "terlebih dulu di ponsel.",
    "Simak breaking news dan berita pilihan kami langsung di ponselmu.",
    "Pilih saluran andalanmu akses berita Kompas.com WhatsApp Channel : "
    "https://www.whatsapp.com/channel/0029VaFPbedBPzjZrk13HO3D",
    "Pastikan kamu sudah install aplikasi WhatsApp ya.",
    "Ikuti berita terkini dari Contoh News di Google News",
    "Silakan baca konten menarik lainnya dari JPNN.com di Google News",
    "Yuk, Simak Juga Video ini!",
    "Jangan Lewatkan!",
    "More Photos",
]


def _html(last: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in [*PROSE, last])
    chrome = "".join(f"<p>{c}</p>" for c in CHROME)
    return f"""<html lang="id"><head><title>Bus Listrik Tambah Rute - Contoh News</title>
<meta property="og:site_name" content="Contoh News">
<meta name="author" content="Kompas Cyber Media"></head>
<body><article><h1>Bus Listrik Tambah Rute</h1>
<div class="read__content">{paragraphs}{chrome}
<table class="grey"><tbody>
<tr><td>Penulis</td><td>: Kontributor Bekasi, Dian Lestari</td></tr>
<tr><td>Editor</td><td>: Bayu Galih</td></tr>
<tr><td>Sumber</td><td>: <a href="https://example.org/">Antara</a></td></tr>
</tbody></table></div></article></body></html>"""


def _dump(last: str) -> str:
    return "\n\n".join(["Bus Listrik Tambah Rute", *PROSE, last, *CHROME,
                        "Penulis | : Kontributor Bekasi, Dian Lestari",
                        "Editor | : Bayu Galih", "Sumber | : Antara"]) + "\n"


@pytest.mark.parametrize("code", ["(mdk/yan)", "(sya)", "(ant/ac)", "(nr5)", "(*)"])
def test_follow_calls_codes_and_credits_leave_the_html_body(code: str) -> None:
    article = extract_html(_html(f"{LAST} {code}"))
    assert article.text.split("\n\n") == [*PROSE, LAST]
    # The credit table names the writer (the role and place before the name go); the
    # organisation in the author meta tag is no writer.
    assert article.authors == ["Dian Lestari"]


@pytest.mark.parametrize("code", ["(mdk/yan)", "(sya)", "(ant/ac)", "(nr5)", "(*)"])
def test_follow_calls_codes_and_credits_leave_the_text_body(code: str) -> None:
    article = clean_text(_dump(f"{LAST} {code}"), "dump.txt")
    assert article.title == "Bus Listrik Tambah Rute"
    assert article.text.split("\n\n") == [*PROSE, LAST]
    assert article.authors == ["Dian Lestari"]


def test_a_code_on_its_own_line_goes_too() -> None:
    article = clean_text(_dump(LAST).replace(LAST, f"{LAST}\n\n(ant/ac)"), "dump.txt")
    assert article.text.split("\n\n") == [*PROSE, LAST]


def test_prose_that_mentions_channels_stays() -> None:
    """Only a call to follow the outlet goes, not a sentence about the apps."""
    sentences = [
        "Pengguna WhatsApp kini bisa membuat saluran berita sendiri, kata juru bicara "
        "perusahaan itu kepada wartawan di Jakarta.",
        "Akses informasi melalui aplikasi Telegram kini diblokir di beberapa negara sejak "
        "awal tahun, menurut laporan lembaga pemantau.",
        "Simak penjelasan lengkap ahli gizi berikut ini sebelum memutuskan untuk berdiet "
        "ketat selama bulan puasa.",
    ]
    text = clean_text("\n\n".join(["Judul Berita Aplikasi Pesan", *sentences]), "x").text
    assert text.split("\n\n") == sentences

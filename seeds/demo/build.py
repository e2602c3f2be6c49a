"""Build the demo site (scraper/demo_site/, shipped in the package) from the five seed articles.

    python seeds/demo/build.py

The pages imitate their sites' chrome (menus, "loading...", inline "Baca Juga:", "Berita
Terkait" lists, share widgets, copyright lines), so the demo shows the whole pipeline
at work: an RSS feed and a sitemap list them; one article is split over two pages; one is
republished under a second URL with other chrome (a near duplicate); one path is
disallowed by robots.txt. The built site is committed; run this again after changing it.
"""

from __future__ import annotations

import html
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from scraper.extract import clean_text  # noqa: E402

SITE = HERE.parent.parent / "scraper" / "demo_site"  # package data: `scraper demo` installed

# seed file -> (path on the demo site, style, display date, ISO date, author)
ARTICLES = {
    "000_6d63b638eeb7c0c3.txt": ("/sindonews/read/974/40/putin-ungkap-ancaman/", "sindo",
                                 "Selasa, 27 Desember 2022 - 06:40 WIB", "2022-12-27T06:40:00+07:00",
                                 "Muhaimin"),
    "001_2d129ffc0313dd5f.txt": ("/wartaekonomi/read461/aliansi-keamanan-dibela-kremlin/", "warta",
                                 "Senin, 28 November 2022 - 09:15 WIB", "2022-11-28T09:15:00+07:00",
                                 "Muhammad Syahrianto"),
    "002_baef28a2d727868a.txt": ("/sindonews/read/1405/41/strategi-putin-xi-jinping/", "sindo",
                                 "Kamis, 04 Juli 2024 - 15:50 WIB", "2024-07-04T15:50:00+07:00",
                                 "Andika Hendra Mustaqim"),
    "003_6760c82734fcc8c4.txt": ("/sindonews/read/691/41/putin-keukeuh-tuntut-jaminan/", "sindo",
                                 "Jum'at, 11 Februari 2022 - 04:26 WIB", "2022-02-11T04:26:00+07:00",
                                 "Rahman Asmardika"),
    "004_b0b1769c2c354d5e.txt": ("/sindonews/read/1399/41/aliansi-rusia-siap-ekspansi/", "sindo",
                                 "Selasa, 25 Juni 2024 - 11:14 WIB", "2024-06-25T11:14:00+07:00",
                                 "Andika Hendra Mustaqim"),
}
SPLIT = "002_baef28a2d727868a.txt"       # served as two pages
REPUBLISHED = "003_6760c82734fcc8c4.txt"  # also at /kabar-lain/... with other chrome
MIRROR = "/kabar-lain/2022/02/11/putin-tuntut-jaminan-keamanan/"
PRIVATE = "/private/draf-belum-terbit/"
IN_FEED = ["001_2d129ffc0313dd5f.txt", "000_6d63b638eeb7c0c3.txt", "003_6760c82734fcc8c4.txt"]

SINDO_HEAD = """<header class="header"><div class="logo"><a href="/sindonews/">SINDOnews</a></div>
<nav class="menu"><ul><li><a href="/sindonews/nasional/">Nasional</a></li><li><a href="/sindonews/ekbis/">Ekbis</a></li>
<li><a href="/sindonews/international/">International</a></li><li><a href="/sindonews/sports/">Sports</a></li>
<li><a href="/sindonews/tekno/">Tekno</a></li></ul></nav></header>"""
SINDO_FOOT = """<div class="berita-terkait"><h3>Berita Terkait</h3><ul>
<li><a href="/sindonews/read/1/41/rusia-nato-1">Rusia Ingatkan NATO soal Ekspansi ke Timur</a></li>
<li><a href="/sindonews/read/2/41/rusia-nato-2">Kremlin: Hubungan dengan Barat di Titik Terendah</a></li>
<li><a href="/sindonews/read/3/41/rusia-nato-3">CSTO Gelar Latihan Militer Gabungan di Belarusia</a></li></ul></div>
<footer class="footer"><p>Copyright &copy; 2024 SINDOnews.com All Rights Reserved</p>
<p><a href="/sindonews/redaksi">Redaksi</a> | <a href="/sindonews/pedoman">Pedoman Media Siber</a></p></footer>"""
WARTA_HEAD = """<header><nav class="navbar"><a href="/wartaekonomi/">Warta Ekonomi</a>
<a href="/wartaekonomi/news">News</a><a href="/wartaekonomi/ekbis">EkBis</a><a href="/wartaekonomi/new-economy">New Economy</a>
<a href="/wartaekonomi/finansial">Kabar Finansial</a><a href="/wartaekonomi/indeks">Indeks</a></nav></header>"""
WARTA_FOOT = """<section class="related"><h4>Berita Terkait</h4>
<a href="/wartaekonomi/read1/x">Harga Minyak Rusia dan Sanksi Barat</a><br>
<a href="/wartaekonomi/read2/y">Armenia Pertanyakan Peran CSTO</a><br>
<a href="/wartaekonomi/read3/z">Rubel Menguat terhadap Dolar AS</a></section>
<footer><p>&copy; 2024 Warta Ekonomi. All rights reserved.</p><p>About Us | Social Media</p></footer>"""
MIRROR_HEAD = """<div id="top"><a href="/kabar-lain/">KabarLain.id</a> - Portal Berita Pilihan
<ul class="nav"><li><a href="/kabar-lain/dunia">Dunia</a></li><li><a href="/kabar-lain/politik">Politik</a></li></ul></div>"""
MIRROR_FOOT = """<div class="share">Bagikan: Facebook Twitter WhatsApp</div>
<div class="baca-juga-box"><b>Baca Juga</b><ul><li><a href="/kabar-lain/a">Lima Fakta KTT CSTO</a></li>
<li><a href="/kabar-lain/b">Siapa Saja Anggota NATO?</a></li></ul></div>
<footer>KabarLain.id &copy; 2024. Dilarang mengutip tanpa izin.</footer>"""


def paragraphs_html(paras: list[str], style: str) -> str:
    """The body, with the inline promotions real pages carry."""
    out = []
    for i, para in enumerate(paras):
        out.append(f"<p>{html.escape(para)}</p>")
        if i == 1:
            if style == "sindo":
                out.append('<p><strong>Baca Juga: <a href="/sindonews/read/9/41/rusia">Rusia '
                           'Tuding AS Picu Krisis Keamanan Eropa</a></strong></p>')
            elif style == "warta":
                out.append('<p>Baca Juga: <a href="/wartaekonomi/read9/q">Barat Jangan Ragu untuk '
                           'Setop Permainkan Harga Minyak Rusia</a></p>')
    return "\n".join(out)


def page(article, style: str, path: str, display_date: str, iso_date: str, author: str,
         body: str, pager: str = "") -> str:
    title = html.escape(article.title)
    site = {"sindo": "SINDOnews", "warta": "Warta Ekonomi", "mirror": "KabarLain.id"}[style]
    head = {"sindo": SINDO_HEAD, "warta": WARTA_HEAD, "mirror": MIRROR_HEAD}[style]
    foot = {"sindo": SINDO_FOOT, "warta": WARTA_FOOT, "mirror": MIRROR_FOOT}[style]
    byline = (f'<div class="author">{html.escape(author)}</div><time class="date">{display_date}</time>'
              if style != "warta" else
              f'<div class="penulis">Penulis: {html.escape(author)}</div><div class="tanggal">{display_date}</div>'
              '<div class="kredit">Kredit Foto: Reuters</div>')
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8">
<title>{title} - {site}</title>
<link rel="canonical" href="{path}">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{iso_date}">
<meta name="author" content="{html.escape(author)}">
</head><body>
{head}
<div class="breadcrumb"><a href="/">Home</a> &raquo; <a href="#">International</a></div>
<main><article>
<h1>{title}</h1>
{byline}
<div class="loading">loading...</div>
<div class="font-size">A A A</div>
<div class="article-content">
{body}
</div>
{pager}
</article></main>
{foot}
</body></html>
"""


def write(path: str, text: str) -> None:
    target = SITE / path.strip("/") / "index.html" if path.endswith("/") else SITE / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def main() -> None:
    if SITE.exists():
        shutil.rmtree(SITE)
    SITE.mkdir()
    seeds = {name: clean_text((ROOT / "seeds" / name).read_text(encoding="utf-8"), name)
             for name in ARTICLES}
    for name, (path, style, display, iso, author) in ARTICLES.items():
        article = seeds[name]
        paras = [p for p in article.text.split("\n") if p.strip()]
        if name == SPLIT:
            half = len(paras) // 2
            to2 = f'<div class="pagination">Halaman <a href="{path}">1</a> <a href="{path}2/">2</a> ' \
                  f'<a href="{path}2/">Selanjutnya</a></div>'
            to1 = f'<div class="pagination">Halaman <a href="{path}">1</a> <a href="{path}2/">2</a></div>'
            write(path, page(article, style, path, display, iso, author,
                             paragraphs_html(paras[:half], style), to2))
            write(path + "2/", page(article, style, path, display, iso, author,
                                    paragraphs_html(paras[half:], style), to1))
        else:
            write(path, page(article, style, path, display, iso, author,
                             paragraphs_html(paras, style)))
        if name == REPUBLISHED:
            intro = "<p><em>Artikel ini pertama kali terbit di SINDOnews.</em></p>\n"
            write(MIRROR, page(article, "mirror", MIRROR, display, iso, "Redaksi KabarLain",
                               intro + paragraphs_html(paras, "mirror")))
    write(PRIVATE, "<html><body><h1>Draf</h1><p>Belum untuk diterbitkan.</p></body></html>")
    # Served as /robots.txt; named otherwise so `scraper clean seeds/` never reads it.
    write("/robots.rules", "User-agent: *\nDisallow: /private/\n")
    items = "\n".join(
        f"""  <item><title>{html.escape(seeds[n].title)}</title><link>{ARTICLES[n][0]}</link>
    <pubDate>{ARTICLES[n][3]}</pubDate></item>""" for n in IN_FEED)
    write("/feed.xml", f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Demo: berita internasional</title><link>/</link>
<description>Five seed articles on a local demo site</description>
{items}
</channel></rss>
""")
    urls = [ARTICLES[n][0] for n in ARTICLES if n not in IN_FEED] + [MIRROR, PRIVATE]
    entries = "\n".join(f"""  <url><loc>{u}</loc>
    <news:news><news:publication><news:name>Demo</news:name><news:language>id</news:language></news:publication>
      <news:publication_date>2024-07-04T15:50:00+07:00</news:publication_date></news:news></url>""" for u in urls)
    write("/sitemap.xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
{entries}
</urlset>
""")
    print(f"built {sum(1 for p in SITE.rglob('*') if p.is_file())} files under {SITE}")


if __name__ == "__main__":
    main()

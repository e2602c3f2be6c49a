"""Behaviours of the text cleaner on dumps it has never seen: what stays, what goes."""

from __future__ import annotations

from scraper import clean_text, extract_html
from scraper.extract import TemplateLines

ENGLISH_DUMP = """\
Home
World
Business
Tech
Sport

Harbour authority approves new ferry terminal after two-year review
By Jane Doe
Published: March 3, 2024 10:00 AM EST
Advertisement
The harbour authority on Tuesday approved a new ferry terminal on the east pier, ending a \
review that began in 2022 and drew more than 3,000 public comments.
Read more: City council delays vote on waterfront housing plan
Officials said construction would start in the spring and take about eighteen months, \
with services continuing from the old terminal in the meantime.
"This is the biggest change to the harbour in a generation," said the authority's chair.
Photo: Harbour Authority
Related articles
Council delays vote on waterfront housing
New bike lanes open on Main Street
School district names new superintendent
Share this article
© 2024 Example News. All rights reserved.
"""


def test_english_dump_keeps_article_and_moves_metadata() -> None:
    article = clean_text(ENGLISH_DUMP, "dump.txt")
    assert article.title == "Harbour authority approves new ferry terminal after two-year review"
    assert article.authors == ["Jane Doe"]
    assert article.published == "2024-03-03T10:00:00-05:00"
    assert article.language == "en"
    assert article.text.split("\n\n") == [
        "The harbour authority on Tuesday approved a new ferry terminal on the east pier, "
        "ending a review that began in 2022 and drew more than 3,000 public comments.",
        "Officials said construction would start in the spring and take about eighteen "
        "months, with services continuing from the old terminal in the meantime.",
        '"This is the biggest change to the harbour in a generation," said the authority\'s chair.',
    ]


def test_repeats_differing_in_quotes_space_and_punctuation_count_as_repeats() -> None:
    text = (
        "Judul Berita Contoh Hari Ini\n"
        "“Kami siap bekerja sama,” kata dia di Jakarta pada Senin.\n"
        "Paragraf kedua berisi keterangan tambahan dari pejabat setempat.\n"
        '"Kami  siap bekerja sama ," kata dia di Jakarta pada Senin!\n'
        "paragraf KEDUA berisi keterangan tambahan dari pejabat setempat\n"
    )
    paragraphs = clean_text(text, "x").text.split("\n\n")
    assert paragraphs == [
        "“Kami siap bekerja sama,” kata dia di Jakarta pada Senin.",
        "Paragraf kedua berisi keterangan tambahan dari pejabat setempat.",
    ]


def test_unknown_related_list_is_dropped_as_a_run_of_headlines() -> None:
    text = (
        "Banjir Rendam Tiga Kecamatan di Kota Contoh\n"
        "Hujan deras sejak Minggu malam membuat tiga kecamatan terendam banjir setinggi lutut.\n"
        "Warga diungsikan ke balai desa terdekat oleh petugas gabungan.\n"
        "Pilihan Pembaca\n"
        "Harga Cabai Naik Jelang Ramadan\n"
        "Jalan Tol Baru Dibuka Pekan Depan\n"
        "Tim Lokal Juara Turnamen Futsal\n"
    )
    article = clean_text(text, "x")
    assert article.title == "Banjir Rendam Tiga Kecamatan di Kota Contoh"
    assert "Harga Cabai" not in article.text and "Pilihan Pembaca" not in article.text
    assert article.text.endswith("oleh petugas gabungan.")


def test_a_lone_subheading_inside_the_article_is_kept() -> None:
    text = (
        "Judul Artikel Yang Cukup Panjang\n\n"
        "Paragraf pembuka yang menjelaskan pokok persoalan dengan rinci.\n\n"
        "Dampak Bagi Warga\n\n"
        "Paragraf berikutnya menjelaskan dampak kebijakan itu bagi warga kota.\n"
    )
    assert "\n\nDampak Bagi Warga\n\n" in clean_text(text, "x").text


def test_dateline_joins_its_paragraph_and_zone_and_editor_initials() -> None:
    text = (
        "Gempa Guncang Wilayah Timur\n"
        "Kamis, 3 Agustus 2023 | 19:05 WITA\n"
        "Kantor Berita Contoh, Makassar -\n"
        "Gempa berkekuatan 5,1 mengguncang wilayah timur pada Kamis sore. (mdk/yan)\n"
    )
    article = clean_text(text, "x")
    assert article.published == "2023-08-03T19:05:00+08:00"
    assert article.text == ("Kantor Berita Contoh, Makassar - Gempa berkekuatan 5,1 "
                            "mengguncang wilayah timur pada Kamis sore.")


def test_truncated_echoes_of_other_lines_go() -> None:
    text = (
        "Menteri Umumkan Program Beasiswa Baru\n"
        "Menteri Umumkan Program...\n"
        "Program beasiswa baru dibuka untuk sepuluh ribu mahasiswa mulai bulan depan.\n"
        "Pendaftaran dibuka secara daring...\n"
    )
    paragraphs = clean_text(text, "x").text.split("\n\n")
    assert paragraphs == [
        "Program beasiswa baru dibuka untuk sepuluh ribu mahasiswa mulai bulan depan.",
        "Pendaftaran dibuka secara daring...",  # an ellipsis alone is not an echo
    ]


def test_a_pull_quote_cut_from_a_paragraph_goes_and_the_paragraph_stays() -> None:
    para = ("Polisi menyebut praktik itu mengkhawatirkan, mengingat dari sejumlah korban "
            "tertangkap tangan beroperasi di hotel merupakan remaja yang masih muda.")
    prose = ("Kepolisian daerah menggelar razia di sejumlah hotel pada Sabtu malam dan "
             "menemukan beberapa pelanggaran izin usaha yang kini sedang diperiksa.")
    html = ("<html lang='id'><body><article><h1>Prostitusi merambah pelajar</h1>"
            "<blockquote class='pullquote'>... mengingat dari sejumlah korban tertangkap "
            f"tangan beroperasi di hotel ...</blockquote><p>{prose}</p><p>{para}</p>"
            f"<p>{prose} Razia akan dilanjutkan.</p>"
            "<p>... dan razia serupa akan digelar di kota lain ...</p></article></body></html>")
    got = extract_html(html).text.split("\n\n")
    assert para in got and not any(p.startswith("... mengingat") for p in got)
    assert "... dan razia serupa akan digelar di kota lain ..." in got  # quotes nothing here


def test_hard_wrapped_dump_is_unwrapped() -> None:
    paragraph = ("The committee met on Monday to discuss the budget for the coming year and "
                 "agreed to publish a draft by the end of the month, after a long debate "
                 "about the cost of the new library and the repairs to the old town hall.")
    wrapped, line = [], ""
    for word in paragraph.split():
        if len(line) + len(word) > 70:
            wrapped.append(line)
            line = ""
        line = f"{line} {word}".strip()
    wrapped.append(line)
    text = "Budget Talks Continue\n\n" + "\n".join(wrapped) + "\n\n" + "\n".join(wrapped)
    assert clean_text(text, "x").text == paragraph


def test_nothing_left_gives_empty_text_and_a_warning() -> None:
    article = clean_text("loading...\nA A A\nCopyright © 2024 Contoh.com\n", "x")
    assert article.text == "" and article.word_count == 0
    assert article.warnings == ["no article text found"]
    assert article.title is None  # unknown values are null, never ""


FOOTER = "Ikuti kanal resmi Harian Contoh untuk kabar terbaru setiap hari"


def _article(n: int, topic: str) -> str:
    return (f"Berita Nomor {n} Tentang {topic}\n"
            f"Ini adalah paragraf pertama berita nomor {n} yang membahas {topic} secara rinci "
            f"dengan beberapa kalimat panjang.\n"
            f"Paragraf kedua berita {n} menambahkan keterangan dari narasumber tentang {topic} "
            f"di daerah itu.\n"
            f"{FOOTER}\n")


def test_line_recurring_across_articles_of_a_run_is_template() -> None:
    docs = [_article(1, "pertanian"), _article(2, "pendidikan"), _article(3, "kesehatan")]
    lines = TemplateLines(min_docs=3)
    for doc in docs:
        lines.add(doc)
    template = lines.keys()
    cleaned = [clean_text(doc, "x", template=template) for doc in docs]
    assert all(FOOTER not in a.text for a in cleaned)
    assert all(a.text.count("\n\n") == 1 for a in cleaned)  # both body paragraphs kept
    # without the run's other articles, the cleaner cannot know: the footer stays
    assert FOOTER in clean_text(docs[0], "x").text


def test_the_same_article_dumped_three_times_is_not_template() -> None:
    doc = _article(1, "pertanian")
    lines = TemplateLines(min_docs=3)
    for _ in range(3):
        lines.add(doc)
    article = clean_text(doc, "x", template=lines.keys())
    assert article.text == clean_text(doc, "x").text
    assert FOOTER in article.text


def test_chrome_lines_ending_in_their_own_punctuation_still_go() -> None:
    # A list header with "!" still opens a list of other stories; rating and sharing
    # boxes under a German article are chrome, not its last lines.
    para = ("Die Stadtwerke haben am Dienstag mitgeteilt, dass die neuen Tarife ab dem "
            "Frühjahr gelten, nachdem der Rat zwei Jahre lang mit Bürgern beraten hatte.")
    html = ("<html><body><article><h1>Neue Tarife ab dem Frühjahr</h1>"
            + "".join(f"<p>{para} ({i})</p>" for i in range(4)) +
            "<p>War der Artikel nützlich?</p><p>Möchten Sie den Artikel teilen?</p>"
            "<h3>Das könnte dich auch interessieren!</h3>"
            "<p><a href='/a'>Bürgermeister eröffnet das neue Hallenbad am Stadtpark</a></p>"
            "</article></body></html>")
    text = extract_html(html).text
    assert text.count("Die Stadtwerke") == 4
    for chrome in ("nützlich", "teilen", "interessieren", "Hallenbad"):
        assert chrome not in text


def test_a_credit_glued_to_a_paragraph_goes_and_the_paragraph_stays() -> None:
    para = ("Den erhöhten Preisen stehen Kontrollen entgegen: kommunale Unternehmen, rund "
            "achtzig Prozent der Versorger, unterliegen der Kommunalaufsicht, private Anbieter "
            "unterliegen der Aufsicht der Kartellbehörden.")
    html = ("<html lang='de'><body><article><h1>Strompreise</h1>"
            f"<p>{para} Noch ein Satz dazu, damit der Absatz lang genug ist.</p>"
            f"<p>{para}Foto: photocase.de</p><p>Foto: photocase.de</p></article></body></html>")
    text = extract_html(html).text
    assert text.count("Aufsicht der Kartellbehörden.") == 2
    assert "photocase" not in text


def test_french_quotes_are_not_a_breadcrumb() -> None:
    line = ("Retour sur les revues de rang « 1 » ou « 1* » où les chercheurs français "
            "« placent » quelques articles")
    prose = "".join(f"<p>Le classement des revues ({i}), adopté en 2008, a été contesté dès "
                    "sa publication par de nombreux chercheurs, qui y voyaient une mesure "
                    "arbitraire.</p>" for i in range(3))
    html = ("<html lang='fr'><body><article><h1>L'évaluation</h1>"
            f"<p class='crumbs'>Accueil » Idées » Sciences</p>{prose}<p>{line}.</p>{prose}"
            "</article></body></html>")
    text = extract_html(html).text
    assert line in text
    assert "Accueil" not in text


def test_closing_chrome_seen_on_news_and_blog_pages_goes() -> None:
    """Lines that sites in German, English, Spanish and French close their articles with:
    boxes of other pages, contact and login prompts, figure labels, calls to subscribe.
    The article's paragraphs, and a paragraph that only mentions such words, stay."""
    para = ("Die Stadtwerke haben am Dienstag mitgeteilt, dass die neuen Tarife ab dem "
            "Frühjahr gelten, nachdem der Rat zwei Jahre lang mit Bürgern beraten hatte.")
    mention = ("Wer Kontakt zur Verbraucherzentrale sucht, findet weitere Informationen zum "
               "Thema in deren Beratungsstellen, sagte die Sprecherin.")
    chrome = ["Weitere Artikel zum Thema", "Mehr von 1000things", "Empfohlene Beiträge",
              "Kontakt:", "Zum Newsletter anmelden", "Diskutieren Sie mit uns",
              "Abbildung 4: klassische Schwachschicht.", "Inhaltsverzeichnis",
              "Subscribe now to our eNATION edition for the full story.",
              "Read the latest from Matthew Humphries", "NOTAS RELACIONADAS", "Vos réactions",
              "Über den Autor", "Dieses Skript als PDF herunterladen",
              "Anzeige, enthält Affiliate Links", "(Credit: Clayton Aldern / Grist)",
              "Permalink https://p.dw.com/p/RPYx", "Vidéos sur le sujet",
              "This post contains references to products from one or more of our advertisers.",
              "Wir respektieren deine Privatsphäre und laden Inhalte von Twitter nur mit "
              "deinem Einverständnis.",
              "Les opinions exprimées dans les blogs n'engagent que leurs auteurs.",
              "Weitere Tourentipps in Schweden", "Weitere Infos unter www.example.de.",
              "Get the latest news straight to your phone with the Gazette app.",
              "Quelle: Landesregierung", "Kommende Events",
              "Auskunft über vergangenes Wetter… mehr", "asked Feb 6, 2014 at 20:37",
              "Alle Artikel zu unseren Recherchen"]
    html = ("<html lang='de'><body><article><h1>Neue Tarife ab dem Frühjahr</h1>"
            + "".join(f"<p>{para} ({i})</p>" for i in range(3))
            + "".join(f"<p>{line}</p><p>{para} ({line[:12]})</p>" for line in chrome)
            + f"<p>{mention}</p></article></body></html>")
    kept = extract_html(html).text.split("\n\n")
    assert kept.count(mention) == 1
    assert sum(p.startswith("Die Stadtwerke") for p in kept) == 3 + len(chrome)
    for line in chrome:
        assert line not in kept


def test_ad_labels_buttons_and_teaser_headers_inside_the_article_go() -> None:
    """Labels left where an ad or a teaser box sat between paragraphs ("Advert",
    "ADVERTISING", Indonesian "Iklan", a "Read More" button, WordPress's unfilled
    "%d bloggers like this:"), and teaser headers with the headlines under them
    ("DON'T MISS", "More:", "Keep Reading", "More Great WIRED Stories"). The paragraphs
    stay."""
    para = ("The harbour authority on Tuesday approved a new ferry terminal on the east "
            "pier, ending a review that began in 2022 and drew more than 3,000 comments.")
    teasers = "".join(f"<li><a href='/s{i}'>{t}</a></li>" for i, t in enumerate(
        ("Council delays vote on waterfront housing plan",
         "New bike lanes open on Main Street this week")))
    html = ("<html lang='en'><body><article><h1>Harbour approves terminal</h1>"
            f"<p>{para} (1)</p><p>Advert</p><p>{para} (2)</p><p>ADVERTISING</p>"
            f"<p>{para} (3)</p><p><a href='/more'>Read More</a></p><p>{para} (4)</p>"
            f"<p>DON'T MISS</p><ul>{teasers}</ul><p>{para} (5)</p>"
            f"<p>More:</p><ul>{teasers}</ul><p>{para} (6)</p>"
            f"<p>Keep Reading</p><ul>{teasers}</ul><p>{para} (7)</p>"
            "<p>%d bloggers like this:</p>"
            f"<h3>More Great WIRED Stories</h3><ul>{teasers}</ul></article></body></html>")
    text = extract_html(html).text
    assert all(f"3,000 comments. ({i})" in text for i in range(1, 8))
    for chrome in ("Advert", "ADVERTISING", "Read More", "MISS", "More:", "Keep", "bloggers",
                   "WIRED", "Council delays", "bike lanes"):
        assert chrome not in text
    kalimat = ("Pemerintah kota menyetujui pembangunan terminal feri baru di dermaga timur "
               "setelah kajian selama dua tahun yang melibatkan ribuan warga.")
    page = ("<html lang='id'><body><article><h1>Terminal feri baru disetujui</h1>"
            f"<p>{kalimat}</p><p>Iklan</p><p>{kalimat} Warga menyambut baik.</p>"
            "</article></body></html>")
    assert "Iklan" not in extract_html(page).text


def test_leftovers_of_widgets_and_wire_footers_go() -> None:
    """What themes and wires leave in the text: an unrendered WordPress shortcode, an
    image's URL with its sizes (a data attribute leaked), Jetpack's slideshow notice, a
    newsletter call, a lone "Tags" label, a wire's contact and reprint lines."""
    para = ("The harbour authority on Tuesday approved a new ferry terminal on the east "
            "pier, ending a review that began in 2022 and drew more than 3,000 comments.")
    chrome = ['[button link="https://example.com/submit/" type="big"] Send us your story[/button]',
              ("https://example.com/wp-content/uploads/2018/10/pier.jpg 540 960 admin "
               "https://example.com/pier/"),
              "This slideshow requires JavaScript.",
              ("There's plenty more where that came from. Sign up for The Morning Brief "
               "today to get the free daily newsletter."),
              "Tags",
              ("This copy is for your personal, non-commercial use only. To order copies, "
               "visit www.example.com."),
              "Write to Jane Doe at jane.doe@example.com"]
    html = ("<html lang='en'><body><article><h1>Harbour approves terminal</h1>"
            + "".join(f"<p>{para} ({i})</p><p>{line}</p>" for i, line in enumerate(chrome))
            + "</article></body></html>")
    mention = "More than 10,000 readers subscribe to her newsletter, the council said."
    html = html.replace("</article>", f"<p>{mention}</p></article>")
    text = extract_html(html).text
    assert mention in text
    assert all(f"3,000 comments. ({i})" in text for i in range(len(chrome)))
    for gone in ("Send us", "pier.jpg", "slideshow", "Morning Brief", "Tags", "non-commercial",
                 "jane.doe"):
        assert gone not in text

"""Authors a user can trust, in any language: people split apart, agencies kept apart,
never an address, a number, the site itself or a company."""

from __future__ import annotations

import pytest

from scraper import clean_text, extract_html
from scraper.extract.authors import clean_authors
from scraper.extract.rules import default_rules


@pytest.mark.parametrize(("names", "people"), [
    (["Anna Schmidt und Bernd Müller, dpa"], ["Anna Schmidt", "Bernd Müller"]),
    (["Budisantoso Budiman dan Agus S"], ["Budisantoso Budiman", "Agus S"]),
    (["Rina Marlina & Budi Santoso"], ["Rina Marlina", "Budi Santoso"]),
    (["Jane Doe, John Roe and Mary Poe"], ["Jane Doe", "John Roe", "Mary Poe"]),
    (["By Jane Doe", "jane.doe@example.com", "https://example.com/jane"], ["Jane Doe"]),
    (["Oleh: Budi Santoso"], ["Budi Santoso"]),
    (["Kontributor Lhokseumawe, Masriadi"], ["Masriadi"]),
    (["Jane Doe, Senior Editor"], ["Jane Doe"]),
    (["Byron Smith"], ["Byron Smith"]),            # "By" is a label only as a word
    (["Siti Rahmawati", "siti rahmawati"], ["Siti Rahmawati"]),
    (["12345", "Redaksi", "Tim Redaksi"], []),
    (["AFP"], ["AFP"]),                            # a wire story credited to its agency
    (["Mark Smith, Reuters"], ["Mark Smith"]),     # ... but an agency is never a person's name
    (["By Glen Owen And Brendan Carlin For The Mail On Sunday"], ["Glen Owen", "Brendan Carlin"]),
    (["Staff and news service reports"], []),
    (["Mac & i"], ["Mac & i"]),                    # a one-letter side: one name, not two
    (["Ilana Muhlstein, MS, RDN"], ["Ilana Muhlstein"]),
    # byline labels and roles around a name; a date label left alone is no name
    (["Zeige alle Beiträge von Petra Ruland"], ["Petra Ruland"]),
    (["Erstellt von Andri Bryner"], ["Andri Bryner"]),
    (["Auteur: Anna Kubišta"], ["Anna Kubišta"]),
    (["Christoph Hein Chefredakteur"], ["Christoph Hein"]),
    (["Veröffentlicht am", "Posted on", "No Author"], []),
    (["Interview: Julia Lauter"], ["Julia Lauter"]),
    (["Birgit Posselt", "Autorenseite von", "Text"], ["Birgit Posselt"]),
    (["Analysis by Chris Cillizza, CNN Editor-at-large"], ["Chris Cillizza"]),
])
def test_author_strings_become_people(names: list[str], people: list[str]) -> None:
    assert clean_authors(names, default_rules()) == people


@pytest.mark.parametrize(("name", "site", "url"), [
    ("Liputan6.com", "liputan6.com", "https://www.liputan6.com/showbiz/read/2435353/x"),
    ("Kompas Cyber Media", "KOMPAS.com", None),
    ("PT. VIVA MEDIA BARU - VIVA.co.id", "life.viva.co.id", None),
    ("Warta Ekonomi", "Warta Ekonomi", None),
    ("detikcom", None, "https://news.detik.com/berita/d-1/x"),
])
def test_the_site_or_its_company_is_no_author(name: str, site: str | None,
                                              url: str | None) -> None:
    assert clean_authors([name], default_rules(), site=site, url=url) == []


def test_a_personal_site_keeps_its_owner_as_author() -> None:
    """hakibenita.com is Haki Benita's: a person's name spelling the host is a person."""
    assert clean_authors(["Haki Benita"], default_rules(),
                         url="https://hakibenita.com/sql-tricks") == ["Haki Benita"]
    # ... but beside a writer the name spelling the host is the outlet
    assert clean_authors(["Tanza Loudenback, Business Insider"], default_rules(),
                         url="https://www.businessinsider.com/retire-early") == ["Tanza Loudenback"]


PAGE = """<html lang="de"><head><title>Hochwasser in Bayern: Pegel sinken langsam</title>
<meta property="og:site_name" content="Beispiel Zeitung">
<script type="application/ld+json">{{"@type": "NewsArticle",
 "headline": "Hochwasser in Bayern: Pegel sinken langsam",
 "author": {author}}}</script></head>
<body><article><h1>Hochwasser in Bayern: Pegel sinken langsam</h1>
<p>Nach tagelangem Regen sinken die Pegel an der Donau und ihren Nebenflüssen langsam wieder,
wie das Landesamt für Umwelt am Montag in Augsburg mitteilte.</p>
<p>In mehreren Landkreisen bleibt der Katastrophenfall jedoch bestehen, die Einsatzkräfte
sichern weiterhin Deiche und pumpen Keller leer.</p>
<p>Die Schäden an Straßen und Brücken lassen sich nach Angaben der Behörden noch nicht
beziffern, die Aufräumarbeiten dürften Wochen dauern.</p></article></body></html>"""


def test_html_authors_from_structured_data_are_split_and_cleaned() -> None:
    article = extract_html(PAGE.format(author='{"@type": "Person", '
                                              '"name": "Anna Schmidt und Bernd Müller, dpa"}'))
    assert article.authors == ["Anna Schmidt", "Bernd Müller"]


def test_html_organisation_as_author_gives_no_author() -> None:
    article = extract_html(PAGE.format(author='{"@type": "Organization", '
                                              '"name": "Beispiel Zeitung GmbH"}'))
    assert article.authors == []


def test_text_byline_with_two_writers() -> None:
    dump = ("Harga Beras Naik Jelang Ramadan\n\n"
            "Penulis: Rina Marlina dan Budi Santoso\n\n"
            "Harga beras di sejumlah pasar tradisional di Jakarta naik menjelang bulan "
            "Ramadan. Kenaikan mencapai Rp 2.000 per kilogram.\n\n"
            "Pedagang mengatakan pasokan dari daerah berkurang sejak awal bulan ini karena "
            "cuaca buruk.\n")
    assert clean_text(dump, "x").authors == ["Rina Marlina", "Budi Santoso"]


# --- where the writers are: structured data, byline markup, visible lines ------------------

_TEXT = "<p>" + "The council voted on the harbour plan after a long and heated debate. " * 6 + "</p>"


def _authors_of(head: str, body: str, url: str | None = None) -> list[str]:
    return extract_html(f"<html><head>{head}</head><body>{body}</body></html>", url).authors


def test_a_byline_in_markup_is_read() -> None:
    body = ("<article><h1>Harbour plan approved after long debate</h1>"
            "<div class='article-byline'>By <a href='/author/jane-doe'>Jane Doe</a></div>"
            f"{_TEXT}</article>")
    assert _authors_of("", body) == ["Jane Doe"]


def test_a_blog_byline_inside_the_hatom_feed_root_is_read() -> None:
    # WordPress themes wrap the whole page in <div class="hfeed site">: hAtom's root, not
    # a feed of other stories; "sticky-sidebar-parent" is the article, beside a sidebar.
    body = ("<div class='hfeed site' id='page'><article class='post'><h1>Ein Jahr im Garten"
            "</h1><span class='byline'><span class='author vcard'><a class='url fn n' "
            "href='https://blog.example/author/creeny/'>Creeny</a></span></span>"
            f"{_TEXT}</article></div>")
    assert _authors_of("", body) == ["Creeny"]
    body = ("<article class='article sticky-sidebar-parent'><h1>Harbour plan approved</h1>"
            "<span class='byline'>By <a href='/writers/emily-burack/'>Emily Burack</a></span>"
            f"{_TEXT}</article>")
    assert _authors_of("", body) == ["Emily Burack"]
    # Drupal marks an article put on the front page "node--promoted"; a theme names its
    # layout "blog-sidebar-position-right"
    for wrapper in ("article class='node node--type-article node--promoted'",
                    "div class='vw-page-wrapper vw-blog-sidebar-postition-right'"):
        body = (f"<{wrapper}><h1>Harbour plan approved</h1><div class='byline'>"
                f"<a href='/autor/jil-schuller'>Jil Schuller</a></div>{_TEXT}"
                f"</{wrapper.split()[0]}>")
        assert _authors_of("", body) == ["Jil Schuller"]


def test_the_layout_classes_of_body_do_not_hide_the_byline() -> None:
    # <body class="single two-column right-sidebar">: the page has a sidebar, the
    # article is not in it.
    html = ("<html><body class='single-post two-column right-sidebar'><article>"
            "<h1>Harbour plan approved</h1><div class='entry-meta'>"
            "<span class='meta-prep meta-prep-author'>Posted on</span> <a href='/2019/05/'>"
            "May 16, 2019</a> <span class='author vcard'><a class='url fn n' "
            f"href='/author/marc/'>marc</a></span></div>{_TEXT}</article></body></html>")
    # the label "Posted on" is marked as a byline too: the names the byline marks win
    assert extract_html(html).authors == ["marc"]


def test_an_hcard_name_in_a_byline_is_the_name_not_the_whole_line() -> None:
    body = ("<article><h1>Harbour plan approved</h1><cite class='byline vcard'><span>By "
            "</span><span class='fn'>Gillian Mohney</span> March 11, 2015 3:46 PM</cite>"
            f"{_TEXT}</article>")
    assert _authors_of("", body) == ["Gillian Mohney"]


def test_a_profile_address_as_byline_gives_way_to_the_next_byline() -> None:
    head = "<link rel='author' href='https://plus.google.com/+ErinCunningham'>"
    body = ("<article><h1>Harbour plan approved</h1><span class='pb-byline'>By "
            f"<a href='/people/erin-cunningham'>Erin Cunningham</a></span>{_TEXT}</article>")
    assert _authors_of(head, body) == ["Erin Cunningham"]


def test_a_link_to_the_index_of_all_authors_names_no_one() -> None:
    body = ("<div id='author_header'>Gunter Frank</div><article><h1>Harbour plan approved"
            f"</h1>{_TEXT}</article><div class='autoren-box'>Wer macht mit? "
            "<a href='/autoren'>Hier</a></div>")
    assert _authors_of("", body) == ["Gunter Frank"]


@pytest.mark.parametrize("line", ["Von Claudia Lindner", "Von Claudia Lindner, dpa",
                                  "Blog Beitrag von Claudia Lindner", "Par Claudia Lindner",
                                  "Por Claudia Lindner, EFE"])
def test_a_byline_line_names_the_writer_and_leaves_the_text(line: str) -> None:
    body = ("<article><h1>Gedenken an die Opfer</h1>"
            f"<p>{line}</p>{_TEXT}</article>")
    article = extract_html(f"<html lang='de'><body>{body}</body></html>")
    assert article.authors == ["Claudia Lindner"]
    assert "Lindner" not in article.text


def test_bylines_of_other_stories_do_not_credit_the_article() -> None:
    """vox.com, cnet.com: a list of other stories, each with its "By ...", above the
    article; the article's writer is in its structured data."""
    others = "".join(f"<div><h3>Other story number {i}</h3><p>By Writer{'abcdefgh'[i]} "
                     f"Person</p></div>" for i in range(5))
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": '
          '{"@type": "Person", "name": "Alissa Wilkinson"}}</script>')
    body = (f"<aside>{others}</aside><article><h1>The best films of the year</h1>"
            f"<p>By Alissa Wilkinson</p>{_TEXT}</article>")
    assert _authors_of(ld, body) == ["Alissa Wilkinson"]


def test_a_structured_author_the_page_shows_as_editor_is_not_the_writer() -> None:
    """antaranews.com: the JSON-LD author is the editor; the page credits the reporter."""
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": '
          '{"@type": "Person", "name": "B Kunto Wibisono"}}</script>')
    body = (f"<article><h1>Saat pengadilan pertemukan dua saksi</h1>{_TEXT}"
            "<p>Pewarta: Desca Lidya Natalia</p><p>Editor: B Kunto Wibisono</p></article>")
    assert _authors_of(ld, body) == ["Desca Lidya Natalia"]


def test_an_organisation_as_json_ld_author_is_no_writer() -> None:
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "author": '
          '{"@type": "Organization", "name": "El Colombiano"}}</script>')
    body = f"<article><h1>La alcaldía anuncia obras</h1>{_TEXT}</article>"
    assert _authors_of(ld, body, "https://www.elcolumbiano.com/x") == []


def test_a_name_in_capitals_is_written_as_the_page_writes_it_elsewhere() -> None:
    head = "<meta name='author' content='NABILLA TASHANDRA'>"
    body = (f"<article><h1>Menteri ancam PNS dengan ranking terendah</h1>{_TEXT}"
            "<p>Penulis: Nabilla Tashandra</p></article>")
    assert _authors_of(head, body) == ["Nabilla Tashandra"]


def test_the_last_name_of_a_comma_list_loses_its_and() -> None:
    head = "<meta name='author' content='Dana A. Ford, Chien-Ming Wang, and Tom Watkins'>"
    assert _authors_of(head, f"<article><h1>A headline for the story</h1>{_TEXT}</article>") \
        == ["Dana A. Ford", "Chien-Ming Wang", "Tom Watkins"]

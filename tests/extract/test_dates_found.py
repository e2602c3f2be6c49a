"""Publish dates that no structured data gives: named among other words on a short line
("Veröffentlicht am 6. Mai 2014 von ..."), checked against the URL's date, read without
dateparser in the common forms."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from scraper import extract_html
from scraper.extract.dates import find_date, parse_date_line
from scraper.extract.rules import default_rules

NOW = datetime(2026, 11, 23, tzinfo=timezone.utc)

GERMAN = "".join(f"<p>{text}</p>" for text in (
    "Die Stadtwerke haben am Montag die neuen Preise für Strom und Gas vorgestellt, die "
    "vom kommenden Monat an für alle Haushalte in der Region gelten sollen.",
    "Wer bisher den Grundtarif bezahlt hat, muss mit rund acht Prozent mehr rechnen; für "
    "Kunden mit einem Festpreisvertrag ändert sich bis zum Ende der Laufzeit nichts.",
    "Die Verbraucherzentrale rät, die eigenen Verträge zu prüfen und Angebote zu vergleichen, "
    "bevor die neuen Abschläge fällig werden.",
))
ENGLISH = "".join(f"<p>{text}</p>" for text in (
    "The council approved the new cycle lanes on Tuesday after a consultation that drew "
    "more than two thousand responses from residents and local businesses.",
    "Work on the first stretch, along the river, is due to begin in the spring and should "
    "take about four months, the transport committee said in its report.",
    "Opponents had argued that the lanes would cut parking on the high street, but the "
    "final plan keeps most of the spaces in place.",
))


def _blog(head: str, top: str, bottom: str = "", prose: str = GERMAN) -> str:
    """A small site's post: no date in the head, the date in a byline among other words."""
    return f"""<html lang="de"><head><title>Neue Strompreise</title>{head}</head><body>
<div id="page"><article class="post"><h1>Neue Strompreise ab Juli</h1>{top}
<div class="entry-content">{prose}</div>{bottom}</article></div></body></html>"""


@pytest.mark.parametrize(("top", "published"), [
    ('<div class="entry-meta">Veröffentlicht am 5. April 2017 von besserwisser</div>', "2017-04-05"),
    ('<div class="entry-meta">By Daniel | Published: 23. Juli 2017 | Kommentare geschlossen</div>',
     "2017-07-23"),
    ('<p class="date">Erstellt von Fabian am Dienstag 6. Mai 2014</p>', "2014-05-06"),
    ('<div class="meta">Geschrieben von Cooper am 25.08.2015 22:30 (1599 x gelesen)</div>',
     "2015-08-25T22:30:00"),
    ('<div class="meta">Gunter Frank / 22.04.2020 / 06:15 / Foto: Achgut.com / 150 /</div>',
     "2020-04-22T06:15:00"),
])
def test_a_date_among_other_words_near_the_headline(top: str, published: str) -> None:
    assert extract_html(_blog("", top)).published == published


def test_a_date_in_english_and_in_a_third_language() -> None:
    """Month names come from dateparser's locale data for many languages: the line's
    language need not be the page's ("mardi 5 juin 2018" on an English blog)."""
    posted = '<div class="byline">Posted on September 21, 2020 by Adi Tzlil</div>'
    assert extract_html(_blog("", posted, prose=ENGLISH)).published == "2020-09-21"
    french = '<h2 class="date-header">mardi 5 juin 2018</h2>'
    assert extract_html(_blog("", french, prose=ENGLISH)).published == "2018-06-05"


def test_the_date_under_the_article_and_not_the_comments() -> None:
    comments = """<div id="comments"><div class="comment-meta">Knochenstrauss 17.10.2019, 14:38
    Antworten</div><p>Schon wieder teurer, das war ja klar.</p></div>"""
    page = _blog("", "", '<p class="footer-line">24. April 2020 | Pressemitteilungen</p>' + comments)
    assert extract_html(page).published == "2020-04-24"
    assert extract_html(_blog("", "", comments)).published is None


def test_a_publish_label_beats_an_earlier_update_and_an_update_is_the_last_resort() -> None:
    both = ('<div class="meta">Aktualisiert: 11.04.2020, 10:27</div>'
            '<div class="meta">Publiziert: 03.04.2020, 12:35</div>')
    assert extract_html(_blog("", both)).published == "2020-04-03T12:35:00"
    as_of = '<div class="meta">Sara Zinnecker Stand: 05. Februar 2020</div>'
    assert extract_html(_blog("", as_of)).published == "2020-02-05"


def test_the_url_date_wins_over_a_template_date_years_away() -> None:
    """limespace.de: the page's only <time> is a sidebar story's (2009); the URL says
    2019/10/22, and so does the byline."""
    head = ""
    top = ('<aside><time class="published" datetime="2009-04-11 18:06:36">11. April 2009</time></aside>'
           '<div class="meta">von Limespacer · 22. Oktober 2019</div>')
    url = "https://www.limespace.de/2019/10/22/professionell-entloeten/"
    assert extract_html(_blog(head, top), url).published == "2019-10-22"


def test_a_structured_date_days_after_the_url_date_stands() -> None:
    """larepublica.pe: the URL says 2022/05/02, the page was published again on the 8th."""
    head = '<meta property="article:published_time" content="2022-05-08T06:00:00-05:00">'
    url = "https://larepublica.pe/datos-lr/respuestas/2022/05/02/cronograma-minedu-2022/"
    assert extract_html(_blog(head, ""), url).published == "2022-05-08T06:00:00-05:00"


def test_no_web_date_before_1995() -> None:
    head = '<meta name="date" content="1970-01-01">'
    assert extract_html(_blog(head, "")).published is None


@pytest.mark.parametrize(("line", "language", "value"), [
    ("04.02.2022", "de", "2022-02-04"),              # no time: no midnight made up
    ("Kamis, 05.11.2015", "id", "2015-11-05"),
    ("17 April 2012 • 2:54pm", "en", "2012-04-17T14:54:00"),
    ("February 24, 2020 | 9:25pm", "en", "2020-02-24T21:25:00"),
    ("20 de abril de 2022 a las 08:39h", "es", "2022-04-20T08:39:00"),
    ("Nov 20 2019, 10:18am IST", "en", "2019-11-20T10:18:00+05:30"),
])
def test_date_lines_read_without_dateparser(line: str, language: str, value: str) -> None:
    found = parse_date_line(line, default_rules(), language, now=NOW)
    assert found is not None and found.value == value


@pytest.mark.parametrize(("text", "value"), [
    ("Tanja Karrasch3.11.2023", "2023-11-03"),
    ("2018年6月18日 10:01 発信地：カノ", "2018-06-18T10:01:00"),
    ("BeginnersGuide/Download (last edited 2019-11-10 13:28:18 by MatsWichmann)",
     "2019-11-10T13:28:18"),
    ("Von Christian Thiele, 07 Dezember, 2022", "2022-12-07"),
    ("geschrieben von berg2012 am 21. Jan. 2015, 19:04", "2015-01-21T19:04:00"),
])
def test_find_date(text: str, value: str) -> None:
    found = find_date(text, ("de", "en"))
    assert found is not None and found.value == value


@pytest.mark.parametrize("text", [
    "Jahr | 2018 | 2019 | 2020",
    "Ausgabe 2/2022",
    "31.02.2020",                                   # no such day
    "In: Science; Vol. 371, Issue 6526, pp. 260",
])
def test_find_date_finds_no_date(text: str) -> None:
    assert find_date(text, ("de", "en")) is None


@pytest.mark.parametrize("line", [
    "Oktober 2015 (3)",              # an archive's month and its count of posts
    "April 2009 (1)",
    "Netzkultur und Freie Software seit 1995",
])
def test_a_year_without_day_and_month_is_no_date_line(line: str) -> None:
    """dateparser made dates of these (the count read as the day); no day, month and year
    stand in them, and they are not read at all."""
    assert parse_date_line(line, default_rules(), "de", now=NOW) is None


@pytest.mark.parametrize(("line", "value"), [
    ("07-25-2008", "2008-07-25"),     # a part over 12 is the day, whatever the locale
    ("2021/09/19", "2021-09-19"),
])
def test_numeric_orders(line: str, value: str) -> None:
    found = parse_date_line(line, default_rules(), "de", now=NOW)
    assert found is not None and found.value == value


def test_a_date_marked_in_the_markup_is_the_published_date() -> None:
    # hAtom (<abbr class="published" title=...>), microdata on a <span>: read from the
    # attribute, as structured data is.
    html = _blog("", "<p class='meta'>Veröffentlicht: <abbr class='published' "
                 "title='2017-07-23T17:06:45+00:00'>23. Juli</abbr></p>")
    assert extract_html(html).published.startswith("2017-07-23")
    html = _blog("", "<span itemprop='datePublished' content='2018-06-05'></span>")
    assert extract_html(html).published.startswith("2018-06-05")


def test_marked_dates_of_comments_and_teasers_do_not_count() -> None:
    # Both come before the article's own mark in the page; only the article's counts.
    teaser = ("<div class='related-teaser'><span itemprop='dateCreated' "
              "content='2023-10-10T12:20:56+02:00'>10. Okt</span><a href='/x'>Andere "
              "Geschichte</a></div>")
    comment = ("<div typeof='schema:Comment'><span property='schema:dateCreated' "
               "content='2020-04-21T14:40:07+00:00'></span><p>Guter Artikel.</p></div>")
    own = "<span property='schema:dateCreated' content='2019-01-02T08:00:00+00:00'></span>"
    html = _blog("", teaser + comment, bottom=own)
    assert extract_html(html).published.startswith("2019-01-02")


def test_a_web_page_object_in_json_ld_gives_its_date_when_no_article_does() -> None:
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
          '[{"@type": "WebPage", "name": "Neue Strompreise", '
          '"datePublished": "2014-03-17T01:44:37+00:00"}]}</script>')
    assert extract_html(_blog(ld, "")).published.startswith("2014-03-17")


@pytest.mark.parametrize(("opening", "published"), [
    ("27.1.2022 - Die Stadtwerke", "2022-01-27"),
    ("(21. November 2022) Die Stadtwerke", "2022-11-21"),
    # a date inside the paragraph is what it tells of, not when it was written
    ("Die Stadtwerke haben am 27.1.2022", None),
])
def test_a_paragraph_opening_with_a_date_is_dated_by_it(opening: str, published) -> None:
    """A press release's dateline opens its first paragraph; no other date is given."""
    prose = GERMAN.replace("<p>Die Stadtwerke haben am Montag", f"<p>{opening}", 1)
    assert opening in prose
    assert extract_html(_blog("", "", prose=prose)).published == published


def test_a_column_with_sidebars_beside_it_is_no_sidebar() -> None:
    """'has-double-sidebar' is the layout of the main column, whose date is the page's."""
    page = _blog("", "<p>Veröffentlicht am 6. Mai 2014 von Anna Schmidt</p>")
    page = page.replace('<div id="page">', '<div id="page" class="main-content has-double-sidebar">')
    assert extract_html(page).published == "2014-05-06"


@pytest.mark.parametrize(("line", "published"), [
    ("Von: Björn Jahner | 31.10.23", "2023-10-31"),
    ("23.09.22", "2022-09-23"),
    # a version number inside a line is no date
    ("Version 2.1.22 ist erschienen und behebt Fehler", None),
])
def test_a_two_digit_year_closing_a_short_line(line: str, published) -> None:
    """The last resort: nothing else dates the page."""
    assert extract_html(_blog("", f"<p>{line}</p>")).published == published


def test_json_ld_written_without_its_type_is_read() -> None:
    """Plone writes its NewsArticle in a <script> with no type."""
    ld = ('<script>{"@context": "https://schema.org", "@type": "NewsArticle", '
          '"headline": "Neue Strompreise", "datePublished": "2022-01-28T06:00:00+01:00"}</script>'
          '<script>var PORTAL_URL = "https://example.ch";</script>')
    assert extract_html(_blog(ld, "")).published == "2022-01-28T06:00:00+01:00"
    # a script that is no schema.org object gives nothing
    other = '<script>{"date": "2022-01-28T06:00:00+01:00", "@context": "x"}</script>'
    assert extract_html(_blog(other, "")).published is None


def test_a_date_in_the_articles_teaser_counts() -> None:
    """German CMSs call the article's lead its "teaser": its date is the article's. A
    teaser that is also marked as another region (a list of related stories) still is not."""
    page = _blog("", '<div class="teaser-small__metadata"><p class="byline">VON ANNA '
                 'SCHMIDT am 21. April 2020</p></div>')
    assert extract_html(page).published == "2020-04-21"
    page = _blog("", '<div class="related-teaser"><p class="byline">VON ANNA SCHMIDT am '
                 '21. April 2020</p><a href="/x">Andere Geschichte</a></div>')
    assert extract_html(page).published is None


def test_a_header_set_in_a_figure_caption_gives_its_date() -> None:
    """A hero photo whose caption holds the date, the category and the <h1>: the page's
    header, not a picture's caption. A caption without the headline still goes."""
    header = ('<figure><img src="/a.jpg" alt=""><figcaption><small>31.01.2022 2. Liga'
              '</small><h1>Neuer Trainer</h1></figcaption></figure>')
    page = _blog("", "").replace("<h1>Neue Strompreise ab Juli</h1>", header)
    article = extract_html(page)
    assert article.published == "2022-01-31"
    assert "Neuer Trainer" not in article.text  # the headline is the title, not the body
    caption = '<figure><img src="/b.jpg" alt=""><figcaption>Foto: Anna Schmidt, 31.01.2022</figcaption></figure>'
    page = _blog("", caption)
    assert extract_html(page).published is None


def test_a_label_in_parentheses_is_still_a_label() -> None:
    """"(Stand: 28. November 2018)" in a source line is a last change, as is the byline's
    "Stand:": of two last changes, the first (the byline's) is the page's."""
    top = "<p class='meta'>Anna Schmidt Stand: 05. Februar 2020</p>"
    bottom = ("<p>Quelle: Forschungsbericht 523 des Bundesarbeitsministeriums "
              "(Stand: 28. November 2018)</p>")
    assert extract_html(_blog("", top, bottom)).published == "2020-02-05"
    # ... and alone, a last change is the last resort
    assert extract_html(_blog("", "", bottom)).published == "2018-11-28"


def test_a_date_labelled_as_published_beats_a_bare_date_line() -> None:
    """The site's header shows today's date on a line of its own; the article's byline
    says when it was published."""
    page = _blog("", "<p class='byline'>Crime · Published On May 10, 2022 01:52 PM</p>",
                 prose=ENGLISH).replace('<div id="page">', '<div id="page"><p>May 11, 2022</p>')
    assert extract_html(page).published == "2022-05-10T13:52:00"


def test_a_date_line_in_a_card_linking_elsewhere_is_that_storys() -> None:
    """A list of other stories above the article, each a link holding its headline and
    its date: those dates are the other stories'; the byline's is the page's."""
    cards = ('<ul><li><a href="/andere"><div>Eine ganz andere Geschichte aus dem Archiv</div>'
             '<div>15. Apr. 2019</div></a></li></ul>')
    page = _blog("", "<p class='meta'>28. Jan. 2022 Anna Schmidt</p>").replace(
        '<div id="page">', f'<div id="page">{cards}')
    assert extract_html(page).published == "2022-01-28"
    # a permalink holding only the date is the post's own
    own = _blog("", '<p><a href="/2011/11/post">22.11.2011</a></p>')
    assert extract_html(own).published == "2011-11-22"

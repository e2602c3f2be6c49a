"""Titles: entities a page escaped twice are decoded; a site suffix goes in any script."""

from __future__ import annotations

import pytest

from scraper import extract_html

BODY = ("<article>" + "<p>Isi berita yang cukup panjang untuk diuji, dengan koma, klausa dan "
        "kalimat yang berlanjut seperti berita sungguhan.</p>" * 3 + "</article>")


def _title(head: str, body: str = "", url: str | None = None) -> str | None:
    return extract_html(f"<html><head>{head}</head><body>{body}{BODY}</body></html>", url).title


@pytest.mark.parametrize(("head", "title"), [
    # <title> text "&amp;quot;" is "&quot;" once parsed: escaped twice
    ("<title>Jokowi: &amp;quot;Kita Harus Bersatu&amp;quot; - Contoh News</title>"
     "<meta property='og:site_name' content='Contoh News'>", 'Jokowi: "Kita Harus Bersatu"'),
    ("<meta property='og:title' content='Sch&amp;ouml;ne Gr&amp;uuml;&amp;szlig;e aus "
     "M&amp;uuml;nchen'>", "Schöne Grüße aus München"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", '
     '"headline": "It&#8217;s &quot;Over&quot; for the Old Bridge"}</script>',
     "It’s \"Over\" for the Old Bridge"),
    ("<title>Tom &amp;amp; Jerry Return to the Big Screen</title>",
     "Tom & Jerry Return to the Big Screen"),
])
def test_entities_left_as_text_are_decoded(head: str, title: str) -> None:
    assert _title(head) == title


def test_a_site_suffix_on_a_korean_title_goes_without_a_url() -> None:
    """entermedia.co.kr: no og:site_name, a logo for <h1>; saved without its URL."""
    head = "<title>엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유 - Entermedia</title>"
    logo = '<h1 id="site-title"><a href="/"><img src="/logo.gif" alt="Entermedia"></a></h1>'
    assert _title(head, logo) == "엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유"
    # ... and with it, as before
    assert _title(head, logo, "http://entermedia.co.kr/news/news_view.html?idx=8576") == \
        "엘제이-류화영 진흙탕 싸움, 공적인 사안으로 봐야하는 이유"


def test_a_japanese_headline_in_h1_is_headline_sized() -> None:
    head = "<title>日本銀行が追加利上げを決定 | Example Shimbun</title>"
    assert _title(head, "<h1>日本銀行が追加利上げを決定</h1>") == "日本銀行が追加利上げを決定"


@pytest.mark.parametrize(("head", "title"), [
    # a Latin word opening a headline in another script is part of it
    ("<title>iPhone 15: 発売日が決定</title>", "iPhone 15: 発売日が決定"),
    # a Cyrillic site name is compared by name, as a Latin one is
    ("<title>Путин провёл встречу с министрами - РИА Новости</title>"
     "<meta property='og:site_name' content='РИА Новости'>", "Путин провёл встречу с министрами"),
    # a Latin title keeps its Latin ending when nothing names it the site
    ("<title>Harbour Approves Ferry Terminal - Update</title>",
     "Harbour Approves Ferry Terminal - Update"),
])
def test_titles_in_other_scripts(head: str, title: str) -> None:
    assert _title(head) == title


# --- the visible headline: which <h1> is it, and when does it beat the metadata ------------

def test_an_h1_that_the_title_tag_spells_beats_a_social_media_og_title() -> None:
    """atlasobscura.com: og:title is a teaser; <title> and <h1> carry the headline."""
    head = ("<title>The Deck of Cards That Made Tarot A Global Phenomenon - Atlas Obscura</title>"
            "<meta property='og:title' content=\"If You Can Picture A Tarot Card, It's Because "
            "of These 3 People\"><meta property='og:site_name' content='Atlas Obscura'>")
    body = "<h1>The Deck of Cards That Made Tarot A Global Phenomenon</h1>"
    assert _title(head, body) == "The Deck of Cards That Made Tarot A Global Phenomenon"


def test_a_json_ld_headline_that_is_a_description_loses_to_the_confirmed_h1() -> None:
    """wikipedia: JSON-LD "headline" is the page's short description."""
    head = ('<title>List of films featuring time loops - Wikipedia</title>'
            '<script type="application/ld+json">{"@type": "Article", '
            '"headline": "Wikimedia list article"}</script>')
    assert _title(head, "<h1>List of films featuring time loops</h1>") == \
        "List of films featuring time loops"


def test_the_headline_keeps_the_typography_the_page_shows() -> None:
    head = ("<meta property='og:title' content=\"Faker wins 4th title as T1 embody "
            "Heartsteel's song\"><title>T1 embody Heartsteel song | ONE Esports</title>")
    body = "<h1>Faker wins 4th title as T1 embody Heartsteel’s song</h1>"
    assert _title(head, body) == "Faker wins 4th title as T1 embody Heartsteel’s song"


def test_a_space_before_a_comma_from_inline_markup_is_not_kept() -> None:
    head = "<title>The Story Of Metroid, One Of Gaming’s Richest Universes</title>"
    body = "<h1>The Story Of <em>Metroid</em> , One Of Gaming’s Richest Universes</h1>"
    assert _title(head, body) == "The Story Of Metroid, One Of Gaming’s Richest Universes"


def test_the_only_h1_beats_an_seo_title_on_the_same_subject() -> None:
    head = "<title>Leasing oder Finanzierung? Rechner, Vor- und Nachteile | VERIVOX</title>"
    body = "<h1>Leasing oder Finanzierung? Jetzt Angebote berechnen!</h1>"
    assert _title(head, body) == "Leasing oder Finanzierung? Jetzt Angebote berechnen!"


@pytest.mark.parametrize("body", [
    "<h1>Internasional</h1>",  # a section name: not headline-sized
    "<h1>Contoh News</h1>",  # the site's logo
    "<h1>Cuaca cerah sepanjang pekan di seluruh negeri</h1>",  # another subject altogether
])
def test_an_h1_that_is_not_the_headline_leaves_the_metadata_title(body: str) -> None:
    head = ("<title>Menteri Yuddy Ancam PNS yang Rankingnya Terendah - Contoh News</title>"
            "<meta property='og:site_name' content='Contoh News'>")
    assert _title(head, body) == "Menteri Yuddy Ancam PNS yang Rankingnya Terendah"


def test_a_json_ld_headline_sharing_no_word_with_the_other_titles_is_not_the_headline() -> None:
    head = ('<title>New Zealand - Wikipedia</title><script type="application/ld+json">'
            '{"@type": "Article", "headline": "constitutional monarchy in Oceania"}</script>')
    assert _title(head, "<h1>New Zealand</h1>", "https://en.wikipedia.org/wiki/New_Zealand") \
        == "New Zealand"


def test_json_ld_in_a_cdata_section_is_read() -> None:
    """Pages written as XHTML wrap their scripts in CDATA (aclu.org, gitlab.com)."""
    head = ('<script type="application/ld+json">\n  <![CDATA[\n  {"@type": "Article", '
            '"headline": "Court Blocks the Surveillance Rule", "author": [{"@type": "Person", '
            '"name": "Daniel Kahn Gillmor"}], "datePublished": "2016-02-18T11:00:00-05:00"}\n'
            '  ]]>\n</script>')
    page = extract_html(f"<html><head>{head}</head><body>{BODY}</body></html>")
    assert page.title == "Court Blocks the Surveillance Rule"
    assert page.authors == ["Daniel Kahn Gillmor"]
    assert page.published == "2016-02-18T11:00:00-05:00"


def test_a_short_h1_opening_the_title_is_the_headline() -> None:
    """A two-word headline is too short to tell from a section name by size; that the
    title opens with it, and goes on with what names no other title, tells."""
    head = "<title>Faire Lieferketten - Evangelisches Jugendwerk in Württemberg - EJW</title>"
    assert _title(head, "<h1>Faire Lieferketten</h1>") == "Faire Lieferketten"


@pytest.mark.parametrize(("head", "h1", "url", "title"), [
    # the rest of the title is the page's other title: the <h1> opening it is the blog's name
    ("<title>Silicon Exposed: Open Verilog flow for programmable logic</title>"
     "<meta property='og:title' content='Open Verilog flow for programmable logic'>",
     "<h1>Silicon Exposed</h1>", None, "Open Verilog flow for programmable logic"),
    # the <h1> is the domain's name (a logo)
    ("<title>seelenradio » Nummer zwei: Leo</title>", "<h1>seelenradio</h1>",
     "http://www.seelenradio.de/nummer-zwei-leo/", "Nummer zwei: Leo"),
])
def test_a_logo_h1_opening_the_title_is_not_the_headline(head: str, h1: str, url: str | None,
                                                          title: str) -> None:
    assert _title(head, h1, url) == title


def test_a_kicker_before_the_headline_in_its_h1_is_left_out() -> None:
    head = ("<meta property='og:title' content='Cyber-Angriffe: 20 Prozent vom IT-Budget "
            "in die Sicherheit - handwerk magazin'><meta property='og:site_name' "
            "content='handwerk magazin'>")
    h1 = ("<h1><span class='kicker'>Investitionen in IT-Sicherheit</span> "
          "<span>Cyber-Angriffe: 20 Prozent vom IT-Budget in die Sicherheit</span></h1>")
    assert _title(head, h1) == "Cyber-Angriffe: 20 Prozent vom IT-Budget in die Sicherheit"


def test_an_h1_that_a_metadata_title_spells_out_keeps_its_opening() -> None:
    head = ("<title>Energiewende Oberland: Klimavorreiter Oberland?</title>"
            "<meta property='og:title' content='Klimavorreiter Oberland?'>")
    h1 = "<h1>Energiewende Oberland: Klimavorreiter Oberland?</h1>"
    assert _title(head, h1) == "Energiewende Oberland: Klimavorreiter Oberland?"


def test_an_h1_joined_across_tags_is_spaced_as_the_metadata_spells_it() -> None:
    head = "<meta property='og:title' content='Frauen im THW: Vergangenheit und Zukunft'>"
    h1 = "<h1><span>Frauen im THW</span><span>:</span> Vergangenheit und Zukunft</h1>"
    assert _title(head, h1) == "Frauen im THW: Vergangenheit und Zukunft"
    # French sets a space before the colon: where the metadata does too, it stays
    head = "<meta property='og:title' content='Retraites : le gouvernement recule encore'>"
    assert _title(head, "<h1>Retraites : le gouvernement recule encore</h1>") == \
        "Retraites : le gouvernement recule encore"


@pytest.mark.parametrize(("head", "h1s", "title"), [
    # the first <h1> is the blog's name, closing the title; the second opens it
    ("<title>Kleine Schafskunde | Mäscot das Schaf – Webcomic</title>",
     "<h1>Mäscot das Schaf – Webcomic</h1><h1>Kleine Schafskunde</h1>", "Kleine Schafskunde"),
    # the logo <h1> is what the rest of the title is: the headline still opens it
    ("<title>Paris Haute Couture SS14: Serkan Cura | modabot</title>",
     "<h1>modabot</h1><h1>Paris Haute Couture SS14: Serkan Cura</h1>",
     "Paris Haute Couture SS14: Serkan Cura"),
])
def test_a_logo_h1_closing_the_title_gives_way_to_the_one_opening_it(head: str, h1s: str,
                                                                     title: str) -> None:
    assert _title(head, h1s) == title


def test_a_headings_permalink_mark_is_not_in_the_title() -> None:
    head = "<title>Evolve: Shared Mutable History</title>"
    h1 = '<h1>Evolve: Shared Mutable History<a class="headerlink" href="#evolve">¶</a></h1>'
    assert _title(head, h1) == "Evolve: Shared Mutable History"

"""Structured publish dates that name different days (JSON-LD's first stamp, a meta
tag's republished one, a <time>): the one the page shows is the page's date."""

from __future__ import annotations

from scraper import extract_html
from tests.extract.test_dates_found import GERMAN

PROSE = GERMAN  # the same three paragraphs
LD = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
      '"Neue Strompreise", "datePublished": "2022-01-04T07:29:00.000Z"}</script>')
META = '<meta property="article:published_time" content="2022-01-06T08:29:34">'


def _page(head: str, top: str, bottom: str = "") -> str:
    return f"""<html lang="de"><head><title>Neue Strompreise</title>{head}</head><body>
<article><h1>Neue Strompreise ab Juli</h1>{top}<div class="text">{PROSE}</div>{bottom}
</article></body></html>"""


def test_the_structured_date_the_page_shows_wins() -> None:
    page = _page(LD + META, "<p class='date'>06.01.2022</p>")
    assert extract_html(page).published.startswith("2022-01-06")


def test_a_time_element_is_one_of_the_structured_dates() -> None:
    head = '<meta property="og:article:published_time" content="2022-01-15">'
    top = '<p><time datetime="2022-01-25">25.01.2022</time></p>'
    assert extract_html(_page(head, top)).published == "2022-01-25"


def test_the_first_structured_date_stays_when_the_page_shows_its_day() -> None:
    page = _page(LD + META, "<p class='date'>04.01.2022</p>")
    assert extract_html(page).published.startswith("2022-01-04")


def test_the_first_structured_date_stays_when_the_page_shows_none() -> None:
    assert extract_html(_page(LD + META, "")).published.startswith("2022-01-04")


def test_a_comment_time_is_not_a_structured_date() -> None:
    """The first date line is a reader's comment's: its <time> does not count."""
    head = '<meta property="article:published_time" content="2012-06-30T00:48:32+00:00">'
    comment = ('<ol class="comment-list"><li class="comment"><p><time '
               'datetime="2014-01-15T23:36:38+01:00">15.01.2014</time></p>'
               '<p>Schöner Beitrag, danke!</p></li></ol>')
    page = f"""<html lang="de"><head><title>Neue Strompreise</title>{head}</head><body>
<div>{comment}</div><article><h1>Neue Strompreise ab Juli</h1><div>{PROSE}</div></article>
</body></html>"""
    assert extract_html(page).published.startswith("2012-06-30")


def test_the_stamp_whose_clock_the_page_shows_wins() -> None:
    """A byline shows "06.01.2022 | 08:29 Uhr" among other words: the meta tag's stamp of
    that clock is the one readers saw, not JSON-LD's first of two days before."""
    page = _page(LD + META, "<p class='meta'>06.01.2022 | 08:29 Uhr | Anna Schmidt</p>")
    assert extract_html(page).published.startswith("2022-01-06T08:29")
    # the same minutes an hour on: the site's zone (08:29 UTC shown as 09:29 in Berlin)
    page = _page(LD + META.replace("08:29:34", "08:29:34Z"),
                 "<p class='meta'>Anna Schmidt, 6. Januar 2022, 09:29 Uhr</p>")
    assert extract_html(page).published.startswith("2022-01-06")
    # a clock that is neither stamp's says nothing: the first stays
    page = _page(LD + META, "<p class='meta'>06.01.2022 | 11:02 Uhr | Anna Schmidt</p>")
    assert extract_html(page).published.startswith("2022-01-04")

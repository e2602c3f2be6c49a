"""Structured publish dates checked against the zone the page shows: a zone-less or
mis-signed stamp gets the page's offset, a date alone gets the time the page shows."""

from __future__ import annotations

import pytest

from scraper import extract_html
from scraper.extract.dates import DateLine, reconcile_published

PROSE = "".join(
    f"<p>{text}</p>" for text in (
        "Jakarta - Galaxy S6 Edge, dengan material premium dan layar lengkung inovatif di "
        "kedua sisinya, adalah smartphone jagoan Samsung, tetapi punya celah keamanan.",
        "Google melalui tim Project Zero mengujicoba tingkat keamanan S6 Edge karena "
        "dinilai banyak orang yang memilikinya, dan menemukan sebelas celah.",
        "Samsung menyatakan bahwa tiga celah keamanan yang masih ada akan diperbaiki dalam "
        "update sekuriti yang rencananya dilakukan bulan ini.",
    ))


def _page(head: str, top: str) -> str:
    """A detik-like page: other stories' times in a sidebar before the article's own."""
    return f"""<html lang="id"><head><title>Google Umbar Kelemahan Galaxy S6 Edge</title>
{head}</head><body>
<div class="box_terpopuler"><ul>
<li><a href="/a">Samsung Rilis Ponsel Lipat Baru untuk Pasar Asia</a><div class="time">Kamis, 05/11/2015 09:25 WIB</div></li>
<li><a href="/b">Operator Seluler Tambah Menara di Daerah Terpencil</a><div class="time">Rabu, 04/11/2015 23:45 WIB</div></li>
</ul></div>
<article><h1>Google Umbar Kelemahan Galaxy S6 Edge</h1>{top}{PROSE}</article></body></html>"""


def test_zone_less_structured_time_takes_the_zone_the_page_shows() -> None:
    """detik: pubdate "2015-11-05 T10:08:58" (read without a zone), shown as
    "Kamis, 05/11/2015 10:08 WIB"; the sidebar's times are other stories'."""
    page = _page('<meta name="pubdate" content="2015-11-05T10:08:58">',
                 '<div class="date">Kamis, 05/11/2015 10:08 WIB</div>')
    assert extract_html(page).published == "2015-11-05T10:08:58+07:00"


@pytest.mark.parametrize("shown", ["Kamis, 05/11/2015 10:08 +0700",
                                   "Kamis, 05/11/2015 10:08 GMT+7",
                                   "Kamis, 05/11/2015 10:08 WIB"])
def test_numeric_zones_shown_count_too(shown: str) -> None:
    page = _page('<meta name="pubdate" content="2015-11-05T10:08:58">',
                 f'<div class="date">{shown}</div>')
    assert extract_html(page).published == "2015-11-05T10:08:58+07:00"


def test_a_stamp_with_the_sign_turned_is_corrected() -> None:
    """"-07:00" cannot be right on a page that tells its times in WIB."""
    page = _page('<meta property="article:published_time" content="2015-11-05T10:08:58-07:00">',
                 '<div class="date">Kamis, 05/11/2015 10:08 WIB</div>')
    assert extract_html(page).published == "2015-11-05T10:08:58+07:00"
    # the article's own line missing: the sidebar still says which zone the site uses
    page = _page('<meta property="article:published_time" content="2015-11-05T10:08:58-07:00">', "")
    assert extract_html(page).published == "2015-11-05T10:08:58+07:00"


def test_a_utc_stamp_of_the_same_moment_is_told_in_the_page_zone() -> None:
    page = _page('<meta property="article:published_time" content="2015-11-05T03:08:58Z">',
                 '<div class="date">Kamis, 05/11/2015 10:08 WIB</div>')
    assert extract_html(page).published == "2015-11-05T10:08:58+07:00"


def test_a_right_local_stamp_is_kept() -> None:
    page = _page('<meta property="article:published_time" content="2015-11-05T10:08:58+07:00">',
                 '<div class="date">Kamis, 05/11/2015 10:08 WIB</div>')
    assert extract_html(page).published == "2015-11-05T10:08:58+07:00"


def test_kompas_2016_date_line_gives_the_time_not_only_the_day() -> None:
    """No structured date; the header shows the day, the article the day and time."""
    page = f"""<html lang="id"><head><title>Menteri Yuddy Ancam PNS</title></head><body>
<div class="header-date">Selasa, 16 Februari 2016</div>
<div class="kcm-read"><h1>Menteri Yuddy Ancam PNS</h1>
<div class="kcm-date">Selasa, 16 Februari 2016 | 14:38 WIB</div>{PROSE}</div></body></html>"""
    assert extract_html(page).published == "2016-02-16T14:38:00+07:00"


def test_several_times_of_the_day_are_a_list_and_leave_the_date_alone() -> None:
    page = f"""<html lang="en"><head><title>Peatland</title></head><body>
<div class="date">| Wednesday, 04 November 2015 |</div><article>{PROSE}</article>
<ul class="latest"><li><a href="/a">Jokowi meets Finnish minister</a> Wednesday, 04 November 2015 | 19:14</li>
<li><a href="/b">Haze eases in Riau</a> Wednesday, 04 November 2015 | 18:58</li></ul></body></html>"""
    assert extract_html(page).published == "2015-11-04"


@pytest.mark.parametrize(("structured", "shown", "expected"), [
    ("2015-11-05T10:08:58", ["2015-11-05T10:08:00+07:00"], "2015-11-05T10:08:58+07:00"),
    ("2015-11-05T10:08:58", ["2015-11-05T10:08:00"], "2015-11-05T10:08:58"),
    ("2015-11-05T10:08:58+00:00", ["2015-11-05T17:08:00+07:00"], "2015-11-05T17:08:58+07:00"),
    ("2015-11-05T10:08:58-08:00", ["2015-11-05T10:08:00-08:00"], "2015-11-05T10:08:58-08:00"),
    ("2015-11-05T10:08:58-05:00", ["2015-11-04T09:00:00-05:00"], "2015-11-05T10:08:58-05:00"),
    ("2015-11-05T10:08:58+09:00", ["2015-11-05T10:08:00+07:00"], "2015-11-05T10:08:58+09:00"),
    ("2015-11-05", ["2015-11-05", "2015-11-05T09:00:00+07:00"], "2015-11-05T09:00:00+07:00"),
    (None, [], None),
    # a UTC or zone-less stamp shown as the next or the previous day's local clock: the
    # difference is the site's offset (+02:00 in Germany, -03:00 in Brazil)
    ("2019-10-18T22:04:00+00:00", ["2019-10-19T00:04:00"], "2019-10-19T00:04:00+02:00"),
    ("2022-05-04T00:44:52", ["2022-05-03T21:44:00"], "2022-05-03T21:44:52-03:00"),
    # ... not a clock 17 minutes off (another moment), nor a day alone (as often the
    # day of the last change)
    ("2019-10-18T22:04:00+00:00", ["2019-10-19T00:21:00"], "2019-10-18T22:04:00+00:00"),
    ("2020-02-18T12:53:40+00:00", ["2020-02-19"], "2020-02-18T12:53:40+00:00"),
])
def test_reconcile(structured: str | None, shown: list[str], expected: str | None) -> None:
    lines = [DateLine("published", value) for value in shown]
    assert reconcile_published(structured, lines) == expected


@pytest.mark.parametrize(("structured", "url_date", "expected"), [
    # a blog post of New Year's Day, stamped 23:11 UTC the evening before
    ("2018-12-31T23:11:59+00:00", "2019-01-01", "2019-01-01"),
    # 05:00 UTC can be no zone's next day
    ("2018-12-31T05:11:59+00:00", "2019-01-01", "2018-12-31T05:11:59+00:00"),
    # a stated zone east of UTC is trusted
    ("2018-12-31T23:11:59+01:00", "2019-01-01", "2018-12-31T23:11:59+01:00"),
])
def test_the_url_day_wins_over_a_utc_stamp_of_the_evening_before(
        structured: str, url_date: str, expected: str) -> None:
    assert reconcile_published(structured, [], url_date) == expected


def test_a_utc_stamp_is_told_in_the_zone_the_source_gives_the_same_moment() -> None:
    # pagesix: article:published_time in UTC, the data layer (a script) in New York time;
    # a reader there saw the 24th.
    head = ('<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">'
            '<script>dataLayer.push({"date": "2020-02-24T21:25:54-05:00"});</script>')
    assert extract_html(_page(head, "")).published == "2020-02-24T21:25:54-05:00"
    # another moment in another zone says nothing about this one
    head = ('<meta property="article:published_time" content="2020-02-25T02:25:54+00:00">'
            '<script>x = {"updated": "2020-02-24T10:00:00-05:00"};</script>')
    assert extract_html(_page(head, "")).published == "2020-02-25T02:25:54+00:00"

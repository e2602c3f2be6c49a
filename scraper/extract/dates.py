"""Publish and modified dates from date lines such as "Jum'at, 11 Februari 2022 - 04:26 WIB".

dateparser reads the day, month and year in 200+ languages; the rule tables supply what it
does not know: regional zone abbreviations (WIB = +07:00) and labels ("Diterbitkan:").
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from scraper.extract.blocks import Block
from scraper.extract.metadata import beside_article
from scraper.extract.rules import RuleSet

_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
#: A year anywhere, also inside a word ("2018年6月18日", "Karrasch3.11.2023").
_ANY_YEAR = re.compile(r"(?<!\d)(?:199\d|20\d\d)(?!\d)")
_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAY_COMMA = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)?\s*,\s*")  # "Jum'at, "
_WEEKDAY_PARENS = re.compile(r"^[^\W\d_]+(?:['’][^\W\d_]+)?\s*\(([^()]+)\)$")  # "Minggu (27/11/2022)"
_TRAILING_ZONE = re.compile(r"\(?\b([A-Za-z]{1,5})\)?\s*$")
_NUMERIC_ZONE = re.compile(r"\s*\(?(?:GMT|UTC)?\s*([+-])(\d{1,2})(?::?(\d{2}))?\)?\s*$")
_SEPARATORS = re.compile(r"\s+[-–—|/]\s+|\s*,\s*")
_OFFSET = re.compile(r"[+-]\d{2}:\d{2}\Z")

#: Lines longer than this are sentences that mention a date, not date lines.
MAX_DATE_LINE_WORDS = 14
#: Oldest plausible publish date (years); anything later than now + 1 day is rejected too.
EARLIEST_YEAR = 1990
#: Oldest plausible date of a web page (the web had few dated pages before).
EARLIEST_WEB_YEAR = 1995
#: Languages whose month names the date finder knows besides the page's own and the rule
#: tables' `date_languages`: a page's chrome is often in another language than its text
#: (a guess may miss too). The names come from dateparser's locale data; the page's
#: language wins where two languages spell a month alike.
FINDER_LANGUAGES = ("en", "de", "fr", "es", "it", "pt", "nl", "id", "sv", "da", "nb",
                    "fi", "pl", "cs", "tr", "ru")
#: A structured or shown date further than this (days) from the URL's is not the page's.
URL_TRUST_DAYS = 31
#: A line with more words than this is prose; a date in it is not the page's date.
MAX_FINDER_WORDS = 24
#: A date with a two-digit year ("31.10.23") is read on lines of this many words at most,
#: where it opens or closes the line.
SHORT_YEAR_WORDS = 8
_MAX_SHORT_YEAR_LINE = 80
_SHORT_DATE = r"(?P<dd>0?[1-9]|[12]\d|3[01])\.(?P<mm>0?[1-9]|1[0-2])\.(?P<yy>\d{2})"
_SHORT_YEAR_END = re.compile(rf"(?:^|\s){_SHORT_DATE}\s*$")
_SHORT_YEAR_START = re.compile(rf"^{_SHORT_DATE}(?=\s|$)")
#: A paragraph opening with a date in its first this many words is dated by it.
DATELINE_WORDS = 5
#: Date lines a page shows that are read to check its structured date, at most: each
#: costs dateparser ~0.5 ms, and a news page lists dozens (its sidebar's stories).
MAX_VISIBLE_LINES = 24


@dataclass(frozen=True, slots=True)
class DateLine:
    """What a date line says: which date it is and its ISO 8601 value."""

    kind: str  # "published" or "modified"
    value: str  # "2022-02-11T04:26:00+07:00", or "2022-02-11" when the line has no time
    site: str | None = None  # named by a prefix: "Kompas.com - 12/01/2024, 08:15 WIB"


def looks_like_date(line: str) -> bool:
    """Cheap test: short enough for a date line and names a plausible year."""
    return len(line.split()) <= MAX_DATE_LINE_WORDS and bool(_YEAR.search(line))


def parse_date_line(line: str, rules: RuleSet, language: str | None = None,
                    now: datetime | None = None) -> DateLine | None:
    """If `line` is nothing but a (labelled) date, return it; otherwise None."""
    if not looks_like_date(line):
        return None
    kind, rest, site = "published", line, None
    for prefix in rules.date_prefix:
        if m := prefix.match(rest):
            site, rest = m.groupdict().get("site"), rest[m.end():]
            break
    for label_kind, label in (("modified", rules.modified_label), ("published", rules.date_label)):
        if m := label.match(rest):
            kind, rest = label_kind, rest[m.end():]
            break
    rest, offset = _take_zone(rest, rules.zones)
    if m := _WEEKDAY_PARENS.match(rest):
        rest = m.group(1)
    rest = _WEEKDAY_COMMA.sub("", rest)
    rest = _SEPARATORS.sub(" ", rest).strip()
    # The common forms are read here (~20 µs); the rest by dateparser (~2 ms a call), but
    # only when a day, month and year stand in the line at all: most lines with a year
    # are not dates ("Oktober 2015", "© 2019 ...").
    reader = _reader(_languages(language, rules))
    if not reader.could_be_date(rest):
        return None
    if fast := reader.whole(rest):
        parsed = datetime.fromisoformat(fast.value)
        if not _plausible(parsed, now):
            return None
        return DateLine(kind, fast.value + ((offset or "") if has_time(fast.value) else ""), site)
    parsed = _dateparse(rest, (language, *rules.date_languages))
    if parsed is None or not _plausible(parsed, now):
        return None
    if not _TIME.search(rest):
        return DateLine(kind, parsed.date().isoformat(), site)
    return DateLine(kind, parsed.replace(microsecond=0).isoformat() + (offset or ""), site)


def normalise_date(value: str | None, now: datetime | None = None,
                   languages: tuple[str, ...] = ("en",)) -> str | None:
    """ISO 8601 from a machine-readable date (structured data, meta tags); None when
    unreadable or implausible. Keeps the offset the value has; a date alone stays a date."""
    if not value or not (value := value.strip()):
        return None
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except ValueError:
        # the common forms as the date finder reads them ("10.12.2022, 07:00:03" is the
        # 10th of December in every language: dateparser's English reads it month first)
        found = _reader(tuple(dict.fromkeys(languages))).find(value)
        if found and found.start == 0 and found.end == len(value) and "." in value:
            return found.value if _plausible(datetime.fromisoformat(found.value), now,
                                             EARLIEST_WEB_YEAR) else None
        parsed = _dateparse(value, languages)
    if parsed is None or not _plausible(parsed, now, EARLIEST_WEB_YEAR):
        return None
    if _DATE_ONLY.fullmatch(value):
        return value
    return parsed.replace(microsecond=0).isoformat()


class VisibleDates:
    """The publish-date lines a page shows, parsed on demand and once: most pages need
    one or none of them to check their structured date."""

    def __init__(self, texts: Sequence[str], rules: RuleSet, language: str | None = None,
                 limit: int = MAX_VISIBLE_LINES, *, blocks: Sequence[Block] = ()) -> None:
        self._texts = [t for t in texts if looks_like_date(t)]
        self._rules = rules
        self._language = language
        self._limit = limit
        self._parsed: dict[int, DateLine | None] = {}  # text index -> its publish date
        self._blocks = blocks  # the whole page's, for `mentioned`

    def __iter__(self) -> Iterator[DateLine]:
        for i in range(min(len(self._texts), self._limit)):
            if (line := self._line(i)) is not None:
                yield line

    def zoned(self) -> Iterator[DateLine]:
        """Only the lines that show a time and a zone: a cheap test picks them before
        dateparser reads them (most date-like lines of a page have neither)."""
        candidates = (i for i, text in enumerate(self._texts)
                      if _TIME.search(text) and _take_zone(text, self._rules.zones)[1])
        for _, i in zip(range(self._limit), candidates):
            if (line := self._line(i)) is not None:
                yield line

    def mentioned(self, day: str | None = None, *, labelled: bool = False) -> str | None:
        """The publish date named inside the page's short lines (`find_date`): the first
        one labelled so ("Veröffentlicht am ..."), else the first unlabelled one, else the
        first labelled as the last change ("Stand: ...", "Updated ..."); of `day` when given;
        only a labelled one when `labelled`.
        For pages whose date is in no structured data and on no line of its own."""
        languages = _languages(self._language, self._rules, FINDER_LANGUAGES)
        reader = _reader(languages)
        first: dict[str, str] = {}
        for text, opening in self._mentions():
            end = 0
            while (found := reader.find(text, end)) is not None:
                if opening and found.start > 1:
                    break  # a paragraph's date counts only where it opens it
                kind = label_before(text[end:found.start], self._rules)
                end = found.end
                value = found.value + _zone_after(text, found, self._rules.zones)
                if not _plausible(datetime.fromisoformat(value), None, EARLIEST_WEB_YEAR) \
                        or (day and not value.startswith(day)):
                    continue
                if kind == "published":
                    return value
                first.setdefault(kind, value)
        return None if labelled else first.get("") or first.get("modified")

    def _mentions(self) -> Iterator[tuple[str, bool]]:
        """Short lines that may name a date, and the opening words of longer paragraphs
        (a dateline: "27.1.2022 - Bei der Erinnerung ...", "(21. November 2022) Die ..."),
        with True for these; outside comments, navigation and lists of other stories:
        dates there are other texts'."""
        for block in self._blocks:
            text = block.text
            if could_name_date(text):
                if not beside_article(block.container) and not block.in_card:
                    yield text, False
            elif _ANY_YEAR.search(head := " ".join(text.split(None, DATELINE_WORDS)[:DATELINE_WORDS])) \
                    and not beside_article(block.container):
                yield head, True

    def with_short_year(self) -> str | None:
        """A date with a two-digit year opening or closing a short line ("Von: Björn
        Jahner | 31.10.23", "23.09.22"), day first, outside comments, navigation and lists
        of other stories: the last resort, where no line names a four-digit year."""
        for block in self._blocks:
            text = block.text
            if len(text) > _MAX_SHORT_YEAR_LINE or len(text.split()) > SHORT_YEAR_WORDS:
                continue
            m = _SHORT_YEAR_END.search(text) or _SHORT_YEAR_START.match(text)
            if m is None or beside_article(block.container):
                continue
            try:
                when = datetime(2000 + int(m["yy"]), int(m["mm"]), int(m["dd"]))
            except ValueError:
                continue
            if _plausible(when, None, EARLIEST_WEB_YEAR):
                return when.date().isoformat()
        return None

    def _line(self, i: int) -> DateLine | None:
        if i not in self._parsed:
            line = parse_date_line(self._texts[i], self._rules, self._language)
            self._parsed[i] = line if line is not None and line.kind == "published" else None
        return self._parsed[i]


def reconcile_published(structured: str | None, visible: Iterable[DateLine],
                        url_date: str | None = None, others: Sequence[str] = ()) -> str | None:
    """The publish date from the structured value, checked against the date lines the
    page shows; else the first shown (with its time when a later line of the same day
    gives one); else one named among other words (`VisibleDates.mentioned`); else the
    date in the URL.

    `others` are the other publish dates the structured data gives (a meta tag beside
    JSON-LD, a <time>): where they name another day than `structured`, the one the page
    shows wins (`_shown_of`).

    A date in the URL is written once, when the page is made; a structured or shown date
    more than a day from it is a template's (a sidebar's <time>, a stale year), and the
    URL's day wins, with the time a line of that day shows. (Closer dates are the same
    page's: updated, or republished a few days on.)"""
    if structured and others:
        structured = _shown_of(structured, others, visible)
    if structured and url_date and _days_apart(structured, url_date) > URL_TRUST_DAYS:
        return _first_shown(visible, url_date) or _mentioned(visible, url_date) or url_date
    if structured and has_time(structured):
        checked = _checked(structured, visible.zoned() if isinstance(visible, VisibleDates)
                           else visible)
        if checked != structured or offset_of(structured) not in (None, "+00:00"):
            return checked
        return _shown_locally(structured, visible, url_date) or structured
    shown = _first_shown(visible, structured)
    if structured:
        return shown if shown and shown.startswith(structured) else structured
    if shown and isinstance(visible, VisibleDates) \
            and (labelled := visible.mentioned(labelled=True)) and labelled[:10] != shown[:10]:
        # a date labelled as the publication's beats a bare date line (a header's "today")
        shown = labelled
    if shown and url_date and _days_apart(shown, url_date) > URL_TRUST_DAYS:
        shown = None
    return shown or _mentioned(visible, url_date) or url_date or (
        visible.with_short_year() if isinstance(visible, VisibleDates) else None)


def _shown_locally(structured: str, visible: Iterable[DateLine],
                   url_date: str | None) -> str | None:
    """A structured time stamped UTC or with no zone that the page shows on the next or
    the previous day: the day its readers saw. The first date line, else the date named
    among other words, else the URL's, is the page's own; where it shows a time with no
    zone a whole number of half hours off, that gives the site's offset ("2019-10-18T22:04Z"
    shown as "19.10.2019, 00:04": +02:00). The URL's day alone wins where the clock allows
    it (the next day needs 10:00 UTC or later, the previous one before 12:00); a day alone
    shown on the page does not (it is as often the day of the last change). None where
    nothing shown names another day."""
    shown = next((line.value for line in visible), None)
    if shown is None and isinstance(visible, VisibleDates):
        shown = visible.mentioned()
    when = datetime.fromisoformat(structured[:19])
    for value in (shown, url_date):
        if not value or (apart := _days_apart(value, structured)) > 1:
            continue
        if apart == 0:
            return None
        if has_time(value) and offset_of(value) is None:
            moved = datetime.fromisoformat(value[:16]) - when.replace(second=0, microsecond=0)
            minutes = int(moved.total_seconds()) // 60
            if moved.total_seconds() % 1800 == 0 and abs(minutes) <= 14 * 60:
                zone = timezone(timedelta(minutes=minutes))
                return (when + moved).replace(tzinfo=zone).isoformat()
            continue
        later = value[:10] > structured[:10]
        if value is url_date and ((later and when.hour >= 10) or (not later and when.hour < 12)):
            return value[:10]
    return None


def _shown_of(structured: str, others: Sequence[str], visible: Iterable[DateLine]) -> str:
    """Of publish dates the structured data gives for different days (JSON-LD's first
    stamp, a meta tag's republished one), the one the page shows: on its first date line,
    or labelled as published among other words ("Veröffentlicht am ..."). `structured`
    when the page shows neither, or shows its day."""
    days = {value[:10] for value in others} - {structured[:10]}
    if not days:
        return structured
    shown = [line.value[:10] for line in itertools.islice(visible, 1)]
    if isinstance(visible, VisibleDates) and (named := visible.mentioned(labelled=True)):
        shown.append(named[:10])
    for day in shown:
        if day == structured[:10]:
            return structured
        if day in days:
            return next(value for value in others if value.startswith(day))
    if isinstance(visible, VisibleDates) and (named := visible.mentioned()) and has_time(named):
        # the page shows one stamp's clock ("04.02.2022 | 15:33 Uhr"; the same minutes in
        # the site's zone, "15:25 Uhr" for 14:25Z): that stamp is the one its readers saw
        for value in (structured, *others):
            if has_time(value) and value[14:16] == named[14:16] \
                    and abs(_minutes_apart(value, named)) <= 14 * 60:
                return value
    return structured


def _minutes_apart(a: str, b: str) -> int:
    """Minutes between the clocks of two ISO 8601 values, read without their zones."""
    return int((datetime.fromisoformat(a[:16]) - datetime.fromisoformat(b[:16])).total_seconds()) // 60


def _mentioned(visible: Iterable[DateLine], day: str | None) -> str | None:
    found = visible.mentioned(day) if isinstance(visible, VisibleDates) else None
    return None if found and day and _days_apart(found, day) > URL_TRUST_DAYS else found


def _days_apart(a: str, b: str) -> int:
    """Days between the calendar dates of two ISO 8601 values."""
    return abs((datetime.fromisoformat(a[:10]) - datetime.fromisoformat(b[:10])).days)


def _checked(structured: str, visible: Iterable[DateLine]) -> str:
    """A structured time corrected by the zone the page shows.

    Sites that print local time (WIB) often stamp the same clock time as UTC, with no
    offset, or with the sign turned ("-07:00" on a WIB page). A shown line with the same
    clock time gives its offset; one showing the same moment in another zone gives the
    zone to tell it in; a shown zone that is the stated offset negated corrects the sign.
    An offset east of UTC is trusted as it is (no page was seen to get one wrong).
    """
    stated = offset_of(structured)
    if stated and stated != "+00:00" and not stated.startswith("-"):
        return structured
    clock = structured[:16]
    for line in visible:
        shown = offset_of(line.value)
        if shown is None:
            continue
        if line.value[:16] == clock:
            return structured[:19] + shown
        if stated is not None:
            moved = _to_offset(structured, shown)
            if moved[:16] == line.value[:16]:
                return moved
            if shown == _negated(stated) and shown != stated:
                return structured[:19] + shown
    return structured


def _first_shown(visible: Iterable[DateLine], day: str | None) -> str | None:
    """The first shown date (of `day`, when given). A date alone is refined by the one
    line of the same day that has the time ("Selasa, 16 Februari 2016" at the top of a
    kompas page, "Selasa, 16 Februari 2016 | 14:11 WIB" above the article); several such
    lines are a list of other stories of that day, and leave the date alone."""
    first: str | None = None
    times: set[str] = set()
    for line in visible:
        if day and not line.value.startswith(day):
            continue
        if first is None:
            first = line.value
            if has_time(first):
                return first
        elif has_time(line.value) and line.value.startswith(first):
            times.add(line.value)
    return times.pop() if len(times) == 1 else first


def has_time(value: str) -> bool:
    """True for an ISO 8601 value with a time, not a date alone."""
    return len(value) > 10


#: An ISO 8601 time with a UTC offset, read where a page's source shows one.
_ZONED_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?"
                          r"([+-]\d{2}:?\d{2})(?!\d)")
#: Places looked at, at most, in one page's source.
_MAX_STAMPS = 50


def told_locally(value: str | None, source: str) -> str | None:
    """A published time stamped in UTC, told in the site's own zone when the page's source
    gives the same moment with that zone elsewhere (its analytics or data layer: "2020-02-
    24T21:25:54-05:00" beside "2020-02-25T02:25:54Z"): the day a reader there saw.
    Only stamps sharing its minutes and seconds are read (a whole-hour zone keeps them):
    a substring search, not a scan of the whole source (1.8 ms a page)."""
    if not value or offset_of(value) != "+00:00" or len(value) < 19:
        return value
    moment = datetime.fromisoformat(value)
    tail = value[13:19]  # ":MM:SS"
    at = source.find(tail)
    for _ in range(_MAX_STAMPS):
        if at < 0:
            break
        m = _ZONED_STAMP.match(source, at - 13) if at >= 13 else None
        at = source.find(tail, at + 1)
        if m is None or m.group(2).replace(":", "") in ("+0000", "-0000"):
            continue
        offset = m.group(2) if ":" in m.group(2) else f"{m.group(2)[:3]}:{m.group(2)[3:]}"
        try:
            stamp = datetime.fromisoformat(m.group(1) + offset)
        except ValueError:
            continue
        if stamp == moment:
            return _to_offset(value, offset)
    return value


def offset_of(value: str) -> str | None:
    """The UTC offset an ISO 8601 value states ("+07:00"), or None."""
    m = _OFFSET.search(value) if has_time(value) else None
    return m.group() if m else None


def _to_offset(value: str, offset: str) -> str:
    """An aware ISO 8601 value told in another offset: the same moment."""
    sign = -1 if offset[0] == "-" else 1
    zone = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
    return datetime.fromisoformat(value).astimezone(zone).isoformat()


def _negated(offset: str) -> str:
    return ("+" if offset[0] == "-" else "-") + offset[1:]


def _plausible(when: datetime, now: datetime | None, earliest: int = EARLIEST_YEAR) -> bool:
    """Not before `earliest` (a year) and not later than a day from now (clocks and zones
    differ by less than that)."""
    now = now or datetime.now(timezone.utc)
    aware = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return when.year >= earliest and aware <= now + timedelta(days=1)


_ZONE_AFTER = re.compile(r"\s*\(?([A-Za-z]{1,5})\)?(?![\w])")


def _zone_after(text: str, found: FoundDate, zones: dict[str, str]) -> str:
    """The UTC offset of a zone named right after a found time ("9:00AM (UTC)"), or ""."""
    if not has_time(found.value):
        return ""
    m = _ZONE_AFTER.match(text, found.end)
    return zones.get(m.group(1).upper(), "") if m else ""


def label_before(prefix: str, rules: RuleSet) -> str:
    """"published" or "modified" when the words before a date end with (or hold, a name
    or a word between) such a label; "" when they hold none. The nearest label counts."""
    words = [m.start() for m in re.finditer(r"(?<!\S)\S", prefix)]
    for start in reversed(words[-6:]):
        tail = prefix[start:].lstrip("([{«„“\"'")  # "(Stand: 28. November 2018)"
        for kind, label in (("modified", rules.modified_label), ("published", rules.date_label)):
            if (m := label.match(tail)) and not _inside_word(tail, m.end()):
                return kind
    return ""


def _inside_word(text: str, i: int) -> bool:
    """Does position `i` split a word ("Stand" of "Standort")?"""
    return 0 < i < len(text) and text[i - 1].isalpha() and text[i].isalpha()


def could_name_date(text: str) -> bool:
    """Cheap test for `VisibleDates.mentioned`: a short line that names a plausible year."""
    return len(text) < 12 * MAX_FINDER_WORDS and bool(_ANY_YEAR.search(text)) \
        and len(text.split()) <= MAX_FINDER_WORDS


def _take_zone(text: str, zones: dict[str, str]) -> tuple[str, str | None]:
    """Remove a trailing zone ("WIB", "GMT+7", "+07:00") and return its offset."""
    if m := _NUMERIC_ZONE.search(text):
        if m.group(1) and _TIME.search(text[: m.start()]):
            hours, minutes = int(m.group(2)), int(m.group(3) or 0)
            if hours <= 14 and minutes < 60:
                return text[: m.start()], f"{m.group(1)}{hours:02d}:{minutes:02d}"
    if (m := _TRAILING_ZONE.search(text)) and m.group(1).upper() in zones:
        return text[: m.start()], zones[m.group(1).upper()]
    return text, None


@lru_cache(maxsize=2048)
def _dateparse(text: str, languages: tuple[str | None, ...]) -> datetime | None:
    """dateparser, one language at a time in the order given. Without a language it
    tries all of its ~200 locales (~25 ms a call), so a guess and a short fixed list it is.
    Memoised: a page's date lines are read by the text rules and again as visible dates,
    and sites repeat their lines from page to page."""
    import dateparser  # imported here: it costs ~0.3 s and only date lines need it

    settings = {
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    tried: set[str] = set()
    for language in languages:
        if not language or language in tried:
            continue
        tried.add(language)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = dateparser.parse(text, languages=[language], settings=settings)
        except (ValueError, TypeError, OverflowError, KeyError):
            result = None  # also: a language dateparser does not know
        if result is not None:
            return result
    return None


# --- Dates in text, read without dateparser --------------------------------------------
# dateparser costs ~2 ms a call and most date lines take one of a few forms; these are read
# here with regular expressions, the month and weekday names coming from dateparser's own
# locale data (so every language it knows is covered the same way).

_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
_WEEKDAY_KEYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_YEAR_PART = r"(?P<year>(?:19|20)\d{2})"
_DAY_PART = r"(?P<day>0?[1-9]|[12]\d|3[01])"
_MON_PART = r"(?P<mon>0?[1-9]|1[0-2])"
#: A time after the date: "14:30", "um 23:30 Uhr", "| 9:25pm", "klo 14.00", "T10:08:58".
_TIME_AFTER = re.compile(
    r"(?:\s*[T,|·•@/–—-]?\s*)(?:(?:um|at|à|a\s+las|alle|om|kl\.?|klo|pukul|jam|o)\s+)?"
    r"(?P<hh>[01]?\d|2[0-3])[:.h](?P<mm>[0-5]\d)(?::(?P<ss>[0-5]\d))?(?:\.\d+)?(?![\d.:])"
    r"(?:\s*(?P<ap>[ap])\.?\s?m\b\.?)?(?:\s*(?:uhr|h)\b)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in a text: where it stands and its ISO 8601 value (no offset: the
    caller reads the zone)."""

    start: int
    end: int
    value: str


class _Reader:
    """The date forms of one tuple of languages, compiled: numeric (ISO, day first, year
    first, CJK) and with a month name ("5. Mai 2020", "May 5, 2020", "5 de mayo de 2020")."""

    def __init__(self, languages: tuple[str, ...]) -> None:
        from dateparser.languages.loader import default_loader  # see _dateparse

        self.months: dict[str, int] = {}
        self.weekdays: set[str] = set()
        self.month_first = False  # numeric dates read month first (en: 04/05/2020 = Apr 5)
        order = None
        for language in languages:
            try:
                info = default_loader.get_locale(language).info
            except (KeyError, ValueError, TypeError):
                continue  # a language dateparser does not know
            order = order or info.get("date_order")
            for number, key in enumerate(_MONTH_KEYS, 1):
                for word in info.get(key, ()):
                    word = word.casefold().rstrip(".")
                    # "5月" is read by the CJK form; marks count as letters (Burmese)
                    if len(word) >= 3 and not any(c.isdigit() or c.isspace() for c in word):
                        self.months.setdefault(word, number)  # the first language wins
            for key in _WEEKDAY_KEYS:
                self.weekdays.update(w.casefold().rstrip(".") for w in info.get(key, ()))
        self.month_first = order == "MDY"
        names = "|".join(re.escape(m) for m in sorted(self.months, key=len, reverse=True))
        month = rf"(?<![^\W\d_])(?P<name>{names or '(?!x)x'})(?![^\W\d_])\.?"
        ordinal = r"(?:\.|º|°|er|st|nd|rd|th)?"
        self.forms = tuple(re.compile(p, re.IGNORECASE) for p in (
            rf"(?<![\d.]){_YEAR_PART}-{_MON_PART}-{_DAY_PART}(?!\d)",
            rf"(?<![\d.]){_YEAR_PART}(?P<ysep>[./])\s?{_MON_PART}(?P=ysep)\s?{_DAY_PART}(?!\d)\.?",
            rf"{_YEAR_PART}\s*[年년]\s*{_MON_PART}\s*[月월]\s*{_DAY_PART}\s*[日일]",
            rf"(?<![\d.])(?P<a>\d{{1,2}})(?P<sep>[./-])\s?(?P<b>\d{{1,2}})(?P=sep)\s?{_YEAR_PART}(?!\d)",
            rf"(?<![\d.]){_DAY_PART}{ordinal}\s*(?:de\s+)?{month},?\s*(?:de\s+|del\s+)?{_YEAR_PART}(?!\d)",
            rf"{month}\s+{_DAY_PART}(?:st|nd|rd|th)?,?\s+{_YEAR_PART}(?!\d)",
        ))

    def find(self, text: str, start: int = 0) -> FoundDate | None:
        """The first valid date in `text` from `start`, with the time right after it."""
        best: FoundDate | None = None
        for form in self.forms:
            for m in form.finditer(text, start):
                if best is not None and m.start() >= best.start:
                    break
                if (found := self._value(m, text)) is not None:
                    best = found
                    break
        return best

    def _value(self, m: re.Match[str], text: str) -> FoundDate | None:
        groups = m.groupdict()
        year = int(groups["year"])
        if groups.get("name"):
            month, day = self.months[groups["name"].casefold()], int(groups["day"])
        elif groups.get("a"):
            a, b = int(groups["a"]), int(groups["b"])
            # the locale's order, unless a part over 12 can only be the day (07-25-2008)
            month_first = b > 12 or (self.month_first and groups["sep"] != "." and a <= 12)
            day, month = (b, a) if month_first else (a, b)
        else:
            month, day = int(groups["mon"]), int(groups["day"])
        try:
            when = datetime(year, month, day)
        except ValueError:
            return None
        end, value = m.end(), when.date().isoformat()
        if t := _TIME_AFTER.match(text, end):
            hour = int(t.group("hh"))
            if t.group("ap"):
                if hour > 12:
                    return FoundDate(m.start(), end, value)
                hour = hour % 12 + (12 if t.group("ap").lower() == "p" else 0)
            when = when.replace(hour=hour, minute=int(t.group("mm")), second=int(t.group("ss") or 0))
            end, value = t.end(), when.isoformat()
        return FoundDate(m.start(), end, value)

    def could_be_date(self, text: str) -> bool:
        """Does `text` hold a day, month and year in a form read here? dateparser reads no
        date where none of these forms stands (its month names are the same)."""
        return self.find(text) is not None

    def whole(self, text: str) -> FoundDate | None:
        """The date when `text` is nothing else (a leading weekday aside)."""
        first = text.split(" ", 1)[0].casefold().rstrip(".,")
        start = len(text.split(" ", 1)[0]) + 1 if first in self.weekdays and " " in text else 0
        found = self.find(text, start)
        if found is None or found.start != start or found.end != len(text):
            return None
        if "/" in text[found.start:found.end] and self.month_first:
            return None  # "12/01/2024" in English: left to dateparser, which knows the locale
        return found


@lru_cache(maxsize=64)
def _reader(languages: tuple[str, ...]) -> _Reader:
    return _Reader(languages)


def _languages(language: str | None, rules: RuleSet, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The page's language, the rule tables' date languages, then `extra`, without repeats."""
    return tuple(dict.fromkeys(l for l in (language, *rules.date_languages, *extra) if l))


def find_date(text: str, languages: tuple[str, ...]) -> FoundDate | None:
    """The first date `text` names, in any of `languages` ("Veröffentlicht am 6. Mai 2014",
    "Posted on March 3, 2020 by ..."), or None."""
    if not _ANY_YEAR.search(text):
        return None
    return _reader(languages).find(text)


def date_among_words(text: str, rules: RuleSet, language: str | None = None) -> FoundDate | None:
    """The first date named in `text` among other words (`find_date`, in the page's
    language, the tables' date languages and the finder's), or None."""
    if not _ANY_YEAR.search(text):
        return None
    return find_date(text, _languages(language, rules, FINDER_LANGUAGES))

"""Publish and modified dates from date lines such as "Jum'at, 11 Februari 2022 - 04:26 WIB".

dateparser reads the day, month and year in 200+ languages; the rule tables supply what it
does not know: regional zone abbreviations (WIB = +07:00) and labels ("Diterbitkan:").
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from scraper.extract.rules import RuleSet

_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
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
        parsed = _dateparse(value, languages)
    if parsed is None or not _plausible(parsed, now):
        return None
    if _DATE_ONLY.fullmatch(value):
        return value
    return parsed.replace(microsecond=0).isoformat()


class VisibleDates:
    """The publish-date lines a page shows, parsed on demand and once: most pages need
    one or none of them to check their structured date."""

    def __init__(self, texts: Sequence[str], rules: RuleSet, language: str | None = None,
                 limit: int = MAX_VISIBLE_LINES) -> None:
        self._texts = [t for t in texts if looks_like_date(t)]
        self._rules = rules
        self._language = language
        self._limit = limit
        self._parsed: dict[int, DateLine | None] = {}  # text index -> its publish date

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

    def _line(self, i: int) -> DateLine | None:
        if i not in self._parsed:
            line = parse_date_line(self._texts[i], self._rules, self._language)
            self._parsed[i] = line if line is not None and line.kind == "published" else None
        return self._parsed[i]


def reconcile_published(structured: str | None, visible: Iterable[DateLine],
                        url_date: str | None = None) -> str | None:
    """The publish date from the structured value, checked against the date lines the
    page shows; else the first shown (with its time when a later line of the same day
    gives one); else the date in the URL."""
    if structured and has_time(structured):
        return _checked(structured, visible.zoned() if isinstance(visible, VisibleDates)
                        else visible)
    shown = _first_shown(visible, structured)
    if structured:
        return shown if shown and shown.startswith(structured) else structured
    return shown or url_date


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


def _plausible(when: datetime, now: datetime | None) -> bool:
    """Not before EARLIEST_YEAR and not later than a day from now (clocks and zones
    differ by less than that)."""
    now = now or datetime.now(timezone.utc)
    aware = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return when.year >= EARLIEST_YEAR and aware <= now + timedelta(days=1)


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


def _dateparse(text: str, languages: tuple[str | None, ...]) -> datetime | None:
    """dateparser, one language at a time in the order given. Without a language it
    tries all of its ~200 locales (~25 ms a call), so a guess and a short fixed list it is."""
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

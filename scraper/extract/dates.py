"""Publish and modified dates from date lines such as "Jum'at, 11 Februari 2022 - 04:26 WIB".

dateparser reads the day, month and year in 200+ languages; the rule tables supply what it
does not know: regional zone abbreviations (WIB = +07:00) and labels ("Diterbitkan:").
"""

from __future__ import annotations

import re
import warnings
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

#: Lines longer than this are sentences that mention a date, not date lines.
MAX_DATE_LINE_WORDS = 14
#: Oldest plausible publish date (years); anything later than now + 1 day is rejected too.
EARLIEST_YEAR = 1990


@dataclass(frozen=True, slots=True)
class DateLine:
    """What a date line says: which date it is and its ISO 8601 value."""

    kind: str  # "published" or "modified"
    value: str  # "2022-02-11T04:26:00+07:00", or "2022-02-11" when the line has no time


def looks_like_date(line: str) -> bool:
    """Cheap test: short enough for a date line and names a plausible year."""
    return len(line.split()) <= MAX_DATE_LINE_WORDS and bool(_YEAR.search(line))


def parse_date_line(line: str, rules: RuleSet, language: str | None = None,
                    now: datetime | None = None) -> DateLine | None:
    """If `line` is nothing but a (labelled) date, return it; otherwise None."""
    if not looks_like_date(line):
        return None
    kind, rest = "published", line
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
        return DateLine(kind, parsed.date().isoformat())
    return DateLine(kind, parsed.replace(microsecond=0).isoformat() + (offset or ""))


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

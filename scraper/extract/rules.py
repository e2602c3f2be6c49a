"""Phrase tables (rules/*.toml) loaded into one compiled rule set.

Every table applies to every document: the split into languages keeps the tables readable
for the people who maintain them, and applying all of them keeps cleaning independent of a
language guess (so cleaning twice gives the same result).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from scraper.errors import ConfigError

_KINDS = ("drop", "caption", "list_header", "meta", "trailer", "date_label", "modified_label",
          "link_lead_in", "date_prefix", "author_prefix", "author_suffix", "author_joiner",
          "not_person")
#: Kinds that are lists of plain names, not patterns.
_NAME_KINDS = ("agency",)
_NOTHING = r"(?!x)x"


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules. Patterns are case-insensitive; `drop`, `list_header` and `meta`
    match whole lines, `caption` anywhere in a line, `trailer` at the end of the text.

    The author rules judge the names a page gives as its writers: `author_prefix` is
    removed from the start ("By ", "Oleh: ") and `author_suffix` from the end of a name
    (" for The Mail on Sunday"), `author_joiner` splits one string into
    people ("A dan B"), a name that `not_person` finds in is no person (a company, a
    desk, a role), and `agencies` (casefolded) are news agencies, never glued to a name.
    `date_prefix` may open a date line ("Kompas.com - "); its `site` group names the site."""

    drop: re.Pattern[str]
    caption: re.Pattern[str]
    list_header: re.Pattern[str]
    meta: tuple[re.Pattern[str], ...]
    trailer: re.Pattern[str]
    date_label: re.Pattern[str]
    modified_label: re.Pattern[str]
    link_lead_in: re.Pattern[str]
    date_prefix: tuple[re.Pattern[str], ...] = ()
    author_prefix: re.Pattern[str] = re.compile(_NOTHING)
    author_suffix: re.Pattern[str] = re.compile(_NOTHING)
    author_joiner: re.Pattern[str] = re.compile(_NOTHING)
    not_person: re.Pattern[str] = re.compile(_NOTHING)
    agencies: frozenset[str] = frozenset()
    zones: dict[str, str] = field(default_factory=dict)
    date_languages: tuple[str, ...] = ("en",)
    sources: tuple[str, ...] = ()


def _union(patterns: list[str], *, anchor: str) -> re.Pattern[str]:
    if not patterns:
        return re.compile(_NOTHING)  # matches nothing
    body = "|".join(f"(?:{p})" for p in patterns)
    if anchor == "line":
        # the line may end in its own punctuation: "Das könnte Sie auch interessieren!"
        body = rf"(?:{body})[\s:!?.…]*"
    elif anchor == "end":
        body = rf"(?:{body})\Z"
    elif anchor == "label":
        body = rf"^(?:{body})\s*[:\-–—]?\s*"
    elif anchor == "prefix":
        body = rf"^(?:{body})"
    elif anchor == "lead_in":
        body = rf"(?:^|(?<=[\s.!?\"”]))(?:{body})\s*\Z"
    return re.compile(body, re.IGNORECASE)


def load_rules(paths: list[Path] | None = None, *, bundled: bool = False) -> RuleSet:
    """Load and compile rule tables: the bundled ones, or the TOML files at `paths`
    (after the bundled ones, with `bundled`)."""
    tables: dict[str, dict] = {}
    if paths is None or bundled:
        folder = resources.files("scraper.extract") / "rules"
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                tables[entry.name] = tomllib.loads(entry.read_text(encoding="utf-8"))
    if paths is not None:
        for path in paths:
            try:
                tables[str(path)] = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ConfigError(f"{path}: cannot read rule table: {exc}") from exc

    lists: dict[str, list[str]] = {kind: [] for kind in _KINDS}
    zones: dict[str, str] = {}
    date_languages: list[str] = []
    names: dict[str, set[str]] = {kind: set() for kind in _NAME_KINDS}
    for name, table in tables.items():
        unknown = set(table) - set(_KINDS) - set(_NAME_KINDS) - {"zones", "date_languages"}
        if unknown:
            raise ConfigError(f"{name}: unknown rule kind(s): {', '.join(sorted(unknown))}")
        for kind in _KINDS:
            for pattern in table.get(kind, []):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ConfigError(f"{name}: bad {kind} pattern {pattern!r}: {exc}") from exc
                lists[kind].append(pattern)
        for kind in _NAME_KINDS:
            names[kind].update(str(n).casefold() for n in table.get(kind, []))
        zones.update({k.upper(): v for k, v in table.get("zones", {}).items()})
        date_languages += [l for l in table.get("date_languages", []) if l not in date_languages]

    return RuleSet(
        drop=_union(lists["drop"], anchor="line"),
        caption=_union(lists["caption"], anchor="search"),
        list_header=_union(lists["list_header"], anchor="line"),
        meta=tuple(re.compile(p, re.IGNORECASE) for p in lists["meta"]),
        trailer=_union(lists["trailer"], anchor="end"),
        date_label=_union(lists["date_label"], anchor="label"),
        modified_label=_union(lists["modified_label"], anchor="label"),
        link_lead_in=_union(lists["link_lead_in"], anchor="lead_in"),
        # one pattern each, like `meta`: their named groups may repeat across patterns
        date_prefix=tuple(re.compile(p, re.IGNORECASE) for p in lists["date_prefix"]),
        author_prefix=_union(lists["author_prefix"], anchor="prefix"),
        author_suffix=_union(lists["author_suffix"], anchor="end"),
        author_joiner=_union(lists["author_joiner"], anchor="search"),
        not_person=_union(lists["not_person"], anchor="search"),
        agencies=frozenset(names["agency"]),
        zones=zones,
        date_languages=tuple(date_languages) or ("en",),
        sources=tuple(tables),
    )


@cache
def default_rules() -> RuleSet:
    """The bundled rule tables, compiled once per process."""
    return load_rules()

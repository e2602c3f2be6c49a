"""The registry of news outlets: data files (`scraper/sites/<country>.toml`) read into
`Outlet`s, for `scraper sites`, `crawl --site KEY`, `--sites COUNTRY` and `--registry FILE`.

Each bundled file holds one table per outlet, keyed by the short name users type; its stem
is the country code. User files, read after them in order, override a bundled outlet field
by field or add new ones. Every value is checked here, with messages naming file and key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scraper.errors import ConfigError

KINDS = ("national", "regional", "wire", "business")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)*")
_COUNTRY = re.compile(r"[a-z][a-z0-9_-]*")
_FIELDS = ("name", "homepage", "language", "timezone", "kind", "country", "feeds", "sitemaps")


@dataclass(frozen=True)
class Outlet:
    """One news outlet: where its site starts and what is known about it."""

    key: str
    name: str
    homepage: str
    language: str | None
    timezone: str | None
    kind: str | None
    country: str | None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        """The known feed and sitemap URLs, feeds first."""
        return self.feeds + self.sitemaps

    @property
    def host(self) -> str:
        """The homepage's host name, lowercased."""
        return (urlsplit(self.homepage).hostname or "").lower()


class Registry:
    """Outlets by key, in the order the files list them."""

    def __init__(self, outlets: Iterable[Outlet]) -> None:
        self._outlets = {outlet.key: outlet for outlet in outlets}

    def get(self, key: str) -> Outlet:
        """The outlet `key` (any case), or a ConfigError naming the closest keys."""
        wanted = key.strip().lower()
        if wanted in self._outlets:
            return self._outlets[wanted]
        close = difflib.get_close_matches(wanted, list(self._outlets), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ConfigError(f"unknown site {key!r}{hint} (`scraper sites` lists them)")

    def country(self, code: str) -> list[Outlet]:
        """The outlets of country `code` ("id"), or a ConfigError listing the countries."""
        found = [o for o in self if o.country == code.strip().lower()]
        if not found:
            raise ConfigError(f"no sites for country {code!r}; known: "
                              f"{', '.join(self.countries()) or 'none'}")
        return found

    def countries(self) -> list[str]:
        """The country codes that have outlets, sorted."""
        return sorted({o.country for o in self if o.country})

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self._outlets.values())

    def __len__(self) -> int:
        return len(self._outlets)


def load_registry(extra: list[Path] | None = None) -> Registry:
    """The bundled outlets, then each file of `extra` in order: a known key overrides
    the fields its table gives, a new key adds an outlet (country "user" unless its
    table says `country`). Any invalid file, table or value is a ConfigError."""
    entries: dict[str, dict[str, Any]] = {}
    folder = resources.files("scraper.sites")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            where = f"scraper/sites/{entry.name}"
            for key, fields in _tables(entry.read_text(encoding="utf-8"), where).items():
                if key in entries:
                    raise ConfigError(f"{where}: [{key}] is already in another bundled file")
                entries[key] = {"country": entry.name.removesuffix(".toml"), **fields}
    for path in extra or []:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read site registry: {exc}") from exc
        for key, fields in _tables(text, str(path)).items():
            if key not in entries:
                if "homepage" not in fields:
                    raise ConfigError(f"{path}: [{key}] is a new site and needs a homepage")
                entries[key] = {"country": "user"}
            entries[key].update(fields)
    return Registry(Outlet(key=key, name=fields.get("name", key), homepage=fields["homepage"],
                           language=fields.get("language"), timezone=fields.get("timezone"),
                           kind=fields.get("kind"), country=fields.get("country"),
                           feeds=fields.get("feeds", ()), sitemaps=fields.get("sitemaps", ()))
                    for key, fields in entries.items())


def _tables(text: str, where: str) -> dict[str, dict[str, Any]]:
    """The checked tables of one registry file, by key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not a valid TOML file: {exc}") from exc
    tables = {}
    for key, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: {key} must be a table of one site: [{key}]")
        if not _KEY.fullmatch(key):
            raise ConfigError(f"{where}: [{key}]: a site key is lowercase letters, digits, "
                              "'-' and '_'")
        unknown = sorted(set(table) - set(_FIELDS))
        if unknown:
            raise ConfigError(f"{where}: [{key}] unknown field(s): {', '.join(unknown)} "
                              f"(known: {', '.join(_FIELDS)})")
        tables[key] = {name: _check(name, value, f"{where}: [{key}] {name}")
                       for name, value in table.items()}
    return tables


def _url(value: Any) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _check(name: str, value: Any, label: str) -> Any:
    """`value` of field `name` as an Outlet holds it, or a ConfigError naming `label`."""
    if name in ("feeds", "sitemaps"):
        if not isinstance(value, list) or not all(_url(v) for v in value):
            raise ConfigError(f"{label} must be a list of http(s) URLs, not {value!r}")
        return tuple(value)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{label} must be a non-empty string, not {value!r}")
    if name == "homepage" and not _url(value):
        raise ConfigError(f"{label} must be an http(s) URL, not {value!r}")
    if name == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ConfigError(f"{label}: unknown time zone {value!r} (an IANA name such as "
                              "\"Asia/Jakarta\")") from None
    if name == "kind" and value not in KINDS:
        raise ConfigError(f"{label} must be one of {', '.join(KINDS)}, not {value!r}")
    if name == "language" and not _LANGUAGE.fullmatch(value):
        raise ConfigError(f"{label} must be a language code such as \"id\", not {value!r}")
    if name == "country" and not _COUNTRY.fullmatch(value):
        raise ConfigError(f"{label} must be a lowercase country code such as \"id\", "
                          f"not {value!r}")
    return value


def format_table(outlets: Iterable[Outlet]) -> list[str]:
    """Lines of an aligned table of `outlets`: key, name, homepage, language, time zone
    and how many sources (feeds and sitemaps) are known."""
    rows = [("KEY", "NAME", "HOMEPAGE", "LANG", "TIMEZONE", "SOURCES")]
    rows += [(o.key, o.name, o.homepage, o.language or "-", o.timezone or "-",
              str(len(o.sources))) for o in outlets]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
            for row in rows]

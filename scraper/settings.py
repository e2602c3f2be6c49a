"""One typed settings object: defaults < config file (TOML) < command-line flags."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.errors import ConfigError


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """How the text cleaner decides what is boilerplate."""

    #: A short line seen in at least this many different articles of one run is template
    #: (0 turns the cross-document rule off).
    template_min_docs: int = 3
    #: Lines of at most this many words can be template lines or list items.
    short_line_words: int = 30
    #: This many headline-like lines in a row (no prose between) are a list, not article.
    list_run: int = 3


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """When two records count as the same article."""

    #: Similarity of word shingles (Jaccard, or containment for cut and extended versions)
    #: at or above which a record is a near duplicate of an earlier one (bench/dedup.py
    #: measures precision and recall here). LSH bands are laid out for candidates from
    #: about 0.5 Jaccard (fixed, as a --state index depends on them): a threshold far below
    #: that finds only some of its pairs.
    threshold: float = 0.5
    #: Words per shingle and MinHash permutations: fixed for the life of a --state index.
    shingle: int = 3
    num_perm: int = 128


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How politely and how far the fetcher goes."""

    #: Names the tool and where to reach its operator; sites block anonymous defaults.
    user_agent: str = "scraper/{version} (+https://github.com/scraper-news/scraper)"
    #: Seconds between two requests to one host (raised to robots.txt Crawl-delay).
    delay: float = 1.0
    #: Requests in flight at once, in all and to one host.
    concurrency: int = 16
    per_host: int = 2
    #: Seconds: to connect, between two reads, and for a whole response.
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    #: Attempts after the first, on connection errors, 429 and 5xx.
    retries: int = 3
    #: First backoff in seconds (doubled each attempt, with jitter).
    backoff: float = 1.0
    #: A Retry-After longer than this gives up on the URL for this run.
    max_retry_after: float = 120.0
    max_redirects: int = 10
    #: Bytes on the wire, and after decompression.
    max_bytes: int = 10 * 1024 * 1024
    max_decompressed: int = 50 * 1024 * 1024
    obey_robots: bool = True
    #: Fetch URLs whose host resolves to private, loopback or link-local addresses.
    allow_private: bool = False


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be told; built once and passed down."""

    clean: CleanSettings = CleanSettings()
    dedup: DedupSettings = DedupSettings()
    fetch: FetchSettings = FetchSettings()
    keep_duplicates: bool = False


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then the TOML file at `path` (if any), then non-None `overrides`
    (`table__key` for a key of a table).

    The file mirrors the object: top-level keys for `Settings`, a `[clean]` table for
    `CleanSettings`. Unknown keys are errors, so typos do not pass silently.
    """
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read settings: {exc}") from exc
    tables = {name: _build(cls, data.pop(name, {}), name)
              for name, cls in (("clean", CleanSettings), ("dedup", DedupSettings),
                                ("fetch", FetchSettings))}
    for key, value in overrides.items():  # "dedup__threshold" overrides dedup.threshold
        if value is not None and "__" in key:
            table, name = key.split("__", 1)
            tables[table] = _build(type(tables[table]),
                                   {**dataclasses.asdict(tables[table]), name: value}, table)
        elif value is not None:
            data[key] = value
    return _build(Settings, {**data, **tables}, "settings")


#: Settings that are fractions, in (0, 1]; other numbers only need to be >= 0.
_FRACTIONS = {"threshold"}


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    names = {f.name: f.type for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise ConfigError(f"unknown {where} key(s): {', '.join(unknown)}")
    for key, value in values.items():
        expected, number = names[key], isinstance(value, (int, float)) and not isinstance(value, bool)
        if expected == "float":
            if not number or value < 0 or key in _FRACTIONS and not 0 < value <= 1:
                raise ConfigError(f"{where}.{key} must be a number "
                                  f"{'in (0, 1]' if key in _FRACTIONS else '>= 0'}")
            values[key] = float(value)
        elif expected == "int" and not (number and isinstance(value, int) and value >= 0):
            raise ConfigError(f"{where}.{key} must be a whole number >= 0")
        elif expected == "bool" and not isinstance(value, bool):
            raise ConfigError(f"{where}.{key} must be a boolean")
        elif expected == "str" and not isinstance(value, str):
            raise ConfigError(f"{where}.{key} must be a string")
    return cls(**values)

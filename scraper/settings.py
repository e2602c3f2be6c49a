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

    #: Estimated Jaccard similarity of word shingles at or above which a record is a near
    #: duplicate of an earlier one (bench/dedup.py measures precision and recall here).
    threshold: float = 0.5
    #: Words per shingle and MinHash permutations: fixed for the life of a --state index.
    shingle: int = 3
    num_perm: int = 128


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be told; built once and passed down."""

    clean: CleanSettings = CleanSettings()
    dedup: DedupSettings = DedupSettings()
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
              for name, cls in (("clean", CleanSettings), ("dedup", DedupSettings))}
    for key, value in overrides.items():  # "dedup__threshold" overrides dedup.threshold
        if value is not None and "__" in key:
            table, name = key.split("__", 1)
            tables[table] = _build(type(tables[table]),
                                   {**dataclasses.asdict(tables[table]), name: value}, table)
        elif value is not None:
            data[key] = value
    return _build(Settings, {**data, **tables}, "settings")


def _build(cls: type, values: dict[str, Any], where: str) -> Any:
    names = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise ConfigError(f"unknown {where} key(s): {', '.join(unknown)}")
    for key, value in values.items():
        expected = names[key].type
        if expected == "float":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
                raise ConfigError(f"{where}.{key} must be a number in (0, 1]")
            values[key] = float(value)
        elif isinstance(expected, str) and expected in {"int", "bool"}:
            ok = isinstance(value, bool) if expected == "bool" else (
                isinstance(value, int) and not isinstance(value, bool) and value >= 0)
            if not ok:
                raise ConfigError(f"{where}.{key} must be a {'boolean' if expected == 'bool' else 'whole number >= 0'}")
    return cls(**values)

"""One typed settings object: defaults < config file (TOML) < command-line flags.

Every setting is checked in one place, `_check`, against the bounds declared on its field
(`_at_least`, `_between`), whether it comes from the file or from a flag: a value a flag
refuses is refused in the file too, with the same words.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.errors import ConfigError


def _at_least(default: float, low: float) -> Any:
    return field(default=default, metadata={"min": low})


def _between(default: float, low: float, high: float) -> Any:
    return field(default=default, metadata={"min": low, "max": high})


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """How the text cleaner decides what is boilerplate (text dumps and HTML alike)."""

    #: A short line seen in at least this many different articles of one run is template
    #: (0 turns the cross-document rule off).
    template_min_docs: int = _at_least(3, 0)
    #: Lines of at most this many words can be template lines or list items.
    short_line_words: int = _at_least(30, 1)
    #: This many headline-like lines in a row (no prose between) are a list, not article.
    list_run: int = _at_least(3, 1)


@dataclass(frozen=True, slots=True)
class RulesSettings:
    """Phrase tables of one's own, applied with the bundled ones (scraper/extract/rules/)."""

    #: TOML files in the format of the bundled tables; relative paths are read from the
    #: settings file's folder.
    paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """When two records count as the same article."""

    #: Similarity of word shingles (Jaccard, or containment for cut and extended versions)
    #: at or above which a record is a near duplicate of an earlier one (bench/dedup.py
    #: measures precision and recall here). LSH bands are laid out for candidates from
    #: about 0.5 Jaccard (fixed, as a --state index depends on them): a threshold far below
    #: that finds only some of its pairs.
    threshold: float = _between(0.5, 0.05, 1.0)
    #: Words per shingle and MinHash permutations: fixed for the life of a --state index.
    shingle: int = _at_least(3, 1)
    num_perm: int = _at_least(128, 16)


#: Names the tool and where to reach its operator; sites block anonymous defaults.
DEFAULT_USER_AGENT = "scraper/{version} (+https://github.com/scraper-news/scraper)"


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """Fetch settings for one site (`[sites."example.com"]`, the host or any subdomain of
    it): the ones a site needs that the run's defaults do not give. Unset keys (None)
    take the run's value."""

    #: Seconds between two requests to the site (raised to its robots.txt Crawl-delay).
    delay: float | None = _at_least(None, 0)
    user_agent: str | None = None
    #: An HTTP(S) proxy URL for this site only ("" for none, overriding [crawl] proxy).
    proxy: str | None = None
    #: Extra request headers (a cookie-consent cookie, an Accept-Language).
    headers: dict[str, str] = field(default_factory=dict)
    obey_robots: bool | None = None


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """What the fetcher is told: the transport keys of `[fetch]`, plus the politeness of
    `[crawl]` and the `[sites]` tables, which `load_settings` copies in (they are set
    there, once; the fetcher reads them here)."""

    user_agent: str = DEFAULT_USER_AGENT
    delay: float = _at_least(1.0, 0)
    #: Requests in flight to one host.
    per_host: int = _at_least(2, 1)
    #: An HTTP(S) proxy URL every request goes through ("": none; the environment's
    #: HTTP_PROXY is never read behind the user's back).
    proxy: str = ""
    #: Per-site settings by domain.
    sites: dict[str, SiteSettings] = field(default_factory=dict)
    #: Seconds: to connect, between two reads, and for a whole response.
    connect_timeout: float = _at_least(10.0, 0.1)
    read_timeout: float = _at_least(20.0, 0.1)
    total_timeout: float = _at_least(60.0, 0.1)
    #: Attempts after the first, on connection errors, 429 and 5xx.
    retries: int = _at_least(3, 0)
    #: First backoff in seconds (doubled each attempt, with jitter).
    backoff: float = _at_least(1.0, 0)
    #: A Retry-After longer than this gives up on the URL for this run.
    max_retry_after: float = _at_least(120.0, 0)
    max_redirects: int = _at_least(10, 0)
    #: Bytes on the wire, and after decompression.
    max_bytes: int = _at_least(10 * 1024 * 1024, 1)
    max_decompressed: int = _at_least(50 * 1024 * 1024, 1)
    obey_robots: bool = True
    #: Fetch URLs whose host resolves to private, loopback or link-local addresses.
    allow_private: bool = False

    def site(self, host: str) -> SiteSettings:
        """The `[sites]` entry for `host` (the longest domain it is or is under), or the
        empty one."""
        host = host.lower().rstrip(".")
        best = ""
        for domain in self.sites:
            if (host == domain or host.endswith("." + domain)) and len(domain) > len(best):
                best = domain
        return self.sites[best] if best else _NO_SITE


_NO_SITE = SiteSettings()
#: Keys of FetchSettings that the file sets elsewhere: the key -> where it is set now.
_SET_ELSEWHERE = {"user_agent": "[crawl] user_agent", "delay": "[crawl] delay",
                  "per_host": "[crawl] per_host", "proxy": "[crawl] proxy",
                  "sites": "[sites.\"example.com\"]", "concurrency": "[crawl] concurrency"}


@dataclass(frozen=True, slots=True)
class CrawlSettings:
    """How a crawl goes: how fast, how far, what it follows, and (with --state) what it
    does about article URLs that keep failing."""

    #: Requests in flight at once, in all and to one host.
    concurrency: int = _at_least(16, 1)
    per_host: int = _at_least(2, 1)
    #: Seconds between two requests to one host (raised to robots.txt Crawl-delay).
    delay: float = _at_least(1.0, 0)
    #: Names the tool and where to reach its operator; sites block anonymous defaults.
    user_agent: str = DEFAULT_USER_AGENT
    #: An HTTP(S) proxy URL for every request ("": none).
    proxy: str = ""
    #: Article URLs fetched at most in one run (0: no limit; --max-pages).
    max_pages: int = _at_least(0, 0)
    #: Pages of one split article joined at most (its first page included).
    max_article_pages: int = _at_least(20, 1)
    #: Sitemaps read at most in one run (an index can list thousands).
    max_sitemaps: int = _at_least(500, 0)
    #: Links of HTML sources whose URL matches this regular expression are followed
    #: ("": HTML sources are read as articles; --follow).
    follow: str = ""
    #: With `follow`: levels of matching links followed from the source (--depth).
    depth: int = _at_least(1, 1)
    #: Feed and sitemap entries dated before this ISO 8601 date are skipped (--since).
    since: str = ""
    #: Fetch articles seen by earlier runs again, conditionally (--refresh).
    refresh: bool = False
    #: How a listing page (a homepage, a section) finds the site's sources: "feeds",
    #: "sitemaps", "links" (its own article links, when there is no feed or sitemap).
    discover: tuple[str, ...] = ("feeds", "sitemaps", "links")
    #: On a site's first run (and in every run without --state), entries of the sources
    #: discovery found that are older than this many days are left out (--since wins).
    first_run_days: float = _at_least(3.0, 0)
    #: Registry files of your own (TOML, as scraper/sites/id.toml) adding or overriding
    #: outlets for --site and `scraper sites` (--registry).
    registry: tuple[str, ...] = ()
    #: Extraction processes (--workers).
    workers: int = _at_least(1, 1)
    #: An article URL that failed in this many runs is given up (not fetched again).
    #: Between failures it waits: retried in the next run, then after 2, 4, ... runs.
    give_up_after: int = _at_least(5, 1)


@dataclass(frozen=True, slots=True)
class StateSettings:
    """Where the state kept between runs lives (--state) and, on a shared PostgreSQL
    database, how workers on several machines share it."""

    #: A folder (SQLite, one run at a time) or postgresql://user@host/db (shared by every
    #: worker; the password from libpq's usual sources: PGPASSWORD, ~/.pgpass). "": none.
    url: str = ""
    #: Seconds a worker holds a URL it claimed from the shared frontier before it goes back
    #: to the others (renewed while the worker is alive; a killed worker's URLs return).
    lease: float = _at_least(60.0, 1)
    #: Seconds a worker keeps retrying a database that went away before it stops.
    retry_for: float = _at_least(60.0, 0)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run can be told; built once and passed down."""

    clean: CleanSettings = CleanSettings()
    rules: RulesSettings = RulesSettings()
    dedup: DedupSettings = DedupSettings()
    fetch: FetchSettings = FetchSettings()
    crawl: CrawlSettings = CrawlSettings()
    state: StateSettings = StateSettings()
    sites: dict[str, SiteSettings] = field(default_factory=dict)
    keep_duplicates: bool = False


_TABLES: dict[str, type] = {"clean": CleanSettings, "rules": RulesSettings,
                            "dedup": DedupSettings, "fetch": FetchSettings,
                            "crawl": CrawlSettings, "state": StateSettings}


def load_settings(path: Path | None = None, *, flags: Mapping[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Defaults, then the TOML file at `path` (if any), then non-None `overrides`
    (`table__key` for a key of a table; `rules__paths` adds to the file's paths).

    The file mirrors the object: top-level keys for `Settings`, a `[clean]` table for
    `CleanSettings`, and so on. Unknown keys and values out of bounds are a ConfigError
    naming the file and key, or the flag (`flags` maps an override's name to its flag).
    """
    data = _read(path) if path is not None else {}
    where = f"{path}: " if path is not None else ""
    tables: dict[str, Any] = {}
    for name, cls in _TABLES.items():
        table = data.pop(name, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{where}[{name}] must be a table")
        tables[name] = _build(cls, table, where, f"{name}.")
    if path is not None and tables["rules"].paths:  # relative to the file that names them
        tables["rules"] = RulesSettings(tuple(str(path.parent / p)
                                              for p in tables["rules"].paths))
    if path is not None and tables["crawl"].registry:
        tables["crawl"] = dataclasses.replace(tables["crawl"], registry=tuple(
            str(path.parent / Path(p).expanduser()) for p in tables["crawl"].registry))
    sites = _sites(data.pop("sites", {}), where)
    top = _build(Settings, data, where, "")
    for key, value in overrides.items():
        if value is None:
            continue
        label = (flags or {}).get(key, key.replace("__", "."))
        if "__" not in key:
            top = dataclasses.replace(top, **{key: _check(_field(Settings, key, label), value,
                                                          label)})
            continue
        name, item = key.split("__", 1)
        current = tables[name]
        value = _check(_field(type(current), item, label), value, label)
        if key in ("rules__paths", "crawl__registry"):  # flags add to the file's lists
            value = getattr(current, item) + value
        tables[name] = dataclasses.replace(current, **{item: value})
    crawl = tables["crawl"]
    # The fetcher's view of the politeness settings, copied from where they are set.
    tables["fetch"] = dataclasses.replace(
        tables["fetch"], delay=crawl.delay, per_host=crawl.per_host,
        user_agent=crawl.user_agent, proxy=crawl.proxy, sites=sites)
    return dataclasses.replace(top, sites=sites, **tables)


def _sites(data: Any, where: str) -> dict[str, SiteSettings]:
    """The `[sites."domain"]` tables, each checked like any other table."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}[sites] must hold one table per site: [sites.\"example.com\"]")
    sites = {}
    for domain, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{where}sites.{domain} must be a table")
        sites[domain.lower().rstrip(".")] = _build(SiteSettings, table, where, f"sites.{domain}.")
    return sites


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from exc


def _build(cls: type, values: dict[str, Any], where: str, prefix: str) -> Any:
    """`cls` from a table of the file; messages name `where` (the file) and the key."""
    names = {f.name for f in dataclasses.fields(cls)} - set(_TABLES) - {"sites"}
    if cls is FetchSettings:
        for key in sorted(set(values) & set(_SET_ELSEWHERE)):
            raise ConfigError(f"{where}{prefix}{key} is set as {_SET_ELSEWHERE[key]} now")
        names -= set(_SET_ELSEWHERE)
    unknown = sorted(set(values) - names)
    if unknown:
        raise ConfigError(f"{where}unknown setting(s): "
                          f"{', '.join(prefix + key for key in unknown)}")
    return cls(**{key: _check(_field(cls, key, prefix + key), value, f"{where}{prefix}{key}")
                  for key, value in values.items()})


def _field(cls: type, name: str, label: str) -> dataclasses.Field:
    for f in dataclasses.fields(cls):
        if f.name == name:
            return f
    raise ConfigError(f"unknown setting: {label}")


def bounds(cls: type, name: str) -> str:
    """The allowed values of a numeric setting in words ("from 0.05 to 1", ">= 0"), for
    help texts: the same words the check uses."""
    return _words(_field(cls, name, name).metadata)


def _words(meta: Mapping[str, float]) -> str:
    low, high = meta.get("min"), meta.get("max")
    if high is not None:
        return f"from {low:g} to {high:g}"
    return f">= {low:g}" if low is not None else ""


def _check(f: dataclasses.Field, value: Any, label: str) -> Any:
    """`value` as field `f` holds it, or a ConfigError naming `label`: the one check."""
    kind = f.type.removesuffix(" | None")  # optional: TOML has no null, so a value is set
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{label} must be true or false, not {value!r}")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise ConfigError(f"{label} must be a string, not {value!r}")
        return value
    if kind == "tuple[str, ...]":
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{label} must be a list of strings, not {value!r}")
        return tuple(value)
    if kind == "dict[str, str]":
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in value.items()):
            raise ConfigError(f"{label} must be a table of strings, not {value!r}")
        return dict(value)
    whole = kind == "int"
    low, high = f.metadata.get("min"), f.metadata.get("max")
    if (not number or whole and not isinstance(value, int)
            or low is not None and value < low or high is not None and value > high):
        what = "a whole number" if whole else "a number"
        raise ConfigError(f"{label} must be {what} {_words(f.metadata)}, not {value!r}")
    return value if whole else float(value)

"""Which archived pages become records: HTML answered 200, then the user's filters, each
as early as it can be applied (the record's URL and WARC-Date before its body is read,
the language after extraction). A page left out is counted under the reason returned."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from urllib.parse import urlsplit

from scraper.corpus.warc import WarcHead
from scraper.errors import InputError, UsageError
from scraper.record import Article

#: Media types that are pages, as the fetcher takes them (scraper.fetch.client.PAGE_TYPES).
PAGE_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class PageFilter:
    """What to keep of an archive. Empty fields keep everything.

    `domains`: host names kept with all their subdomains (`detik.com` keeps
    `news.detik.com`; `id` keeps every host under .id). `since` / `until`: WARC-Date
    bounds, both inclusive. `languages`: ISO 639-1 codes of the records kept.
    """

    domains: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    languages: frozenset[str] = frozenset()

    def skip_record(self, head: WarcHead) -> str | None:
        """Why a response record gives no page (None: read it). The user's filters come
        first, so that "HTTP 404" and "not HTML" count only pages they asked for."""
        if self.domains and not in_domains(head.uri, self.domains):
            return "outside --domain"
        if self.since is not None and (head.date is None or head.date < self.since):
            return "before --since" if head.date is not None else "no WARC-Date (--since)"
        if self.until is not None and (head.date is None or head.date > self.until):
            return "after --until" if head.date is not None else "no WARC-Date (--until)"
        if head.status != 200:
            return f"HTTP {head.status}" if head.status is not None else "no HTTP status"
        kind = head.media_type
        if kind and kind not in PAGE_TYPES:
            return f"not HTML ({kind})"
        return None

    def skip_article(self, article: Article) -> str | None:
        """Why an extracted record is not kept (None: keep it)."""
        if self.languages and article.language not in self.languages:
            return f"language {article.language or 'unknown'} (--lang)"
        return None


def in_domains(url: str, domains: frozenset[str]) -> bool:
    """Is the URL's host one of `domains` or under one of them?"""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return False
    while host:
        if host in domains:
            return True
        host = host.partition(".")[2]
    return False


def parse_domains(values: Iterable[str]) -> frozenset[str]:
    """`--domain` values as host names: `*.id` and `.id` are `id`, `@FILE` adds the
    domains the file lists (one a line; blank lines and # comments ignored). A value that
    is no host name is a UsageError; a file that cannot be read, an InputError."""
    domains: set[str] = set()
    for value in values:
        if value.startswith("@"):
            domains.update(_domain(line, f"{value[1:]}") for line in _lines(Path(value[1:])))
        else:
            domains.add(_domain(value, "--domain"))
    return frozenset(domains)


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the domain list: "
                         f"{getattr(exc, 'strerror', None) or exc}") from exc
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _domain(value: str, where: str) -> str:
    text = value.strip().lower()
    if "://" in text:  # a URL given for its site
        text = urlsplit(text).hostname or ""
    text = text.removeprefix("*.").strip(".")
    try:
        text = text.encode("idna").decode("ascii") if not text.isascii() else text
    except UnicodeError:
        text = ""
    if not text or any(c not in "abcdefghijklmnopqrstuvwxyz0123456789.-_" for c in text):
        raise UsageError(f"{where}: {value!r} is not a domain (detik.com, *.id)")
    return text


def parse_bound(value: str, flag: str, *, end: bool = False) -> datetime:
    """A `--since` / `--until` value as an aware datetime: an ISO 8601 date or
    date-time, UTC when it names no zone. A date alone is its first moment, or with
    `end` its last (so `--until 2024-05-31` keeps the 31st). Else a UsageError."""
    text = value.strip()
    try:
        when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise UsageError(f"{flag}: {value!r} is not an ISO 8601 date (2024-05-01 or "
                         "2024-05-01T06:00+07:00)") from None
    if end and len(text) == 10:  # YYYY-MM-DD
        when = datetime.combine(when.date(), time.max)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_languages(values: Iterable[str]) -> frozenset[str]:
    """`--lang` values (repeatable, or comma-separated) as ISO 639-1 codes."""
    codes = {code.strip().lower() for value in values for code in value.split(",")}
    codes.discard("")
    for code in codes:
        if not (len(code) == 2 and code.isalpha() and code.isascii()):
            raise UsageError(f"--lang: {code!r} is not an ISO 639-1 code (id, en, ms)")
    return frozenset(codes)

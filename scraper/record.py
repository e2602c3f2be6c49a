"""The article record: one schema for every command, documented in docs/records.md."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from scraper.textnorm import match_key, words

#: Bump when a field is added, removed or changes meaning; readers check it.
SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class Article:
    """One article. Unknown values are None (or an empty list), never ""."""

    id: str
    source: str
    text: str
    word_count: int
    content_hash: str
    extracted_at: str
    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    modified: str | None = None
    language: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    duplicate_of: str | None = None
    similarity: float | None = None
    warnings: list[str] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict, in the documented field order."""
        return {name: getattr(self, name) for name in FIELD_ORDER}

    def to_json(self) -> str:
        """One JSON Lines line (no trailing newline), UTF-8 characters kept as they are."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Article:
        """Read one JSON Lines record back. Raises ValueError (with the reason) when the line
        is not a record of this schema version."""
        data = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {version!r}, expected {SCHEMA_VERSION}")
        missing = [name for name in _REQUIRED if not isinstance(data.get(name), str)]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def replace(self, **changes: Any) -> Article:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def with_text(self, text: str) -> Article:
        """A copy with another text, its word count and hash worked out again (the id
        stays: it names the article, not this version of its text)."""
        return dataclasses.replace(self, text=text, word_count=len(words(text)),
                                   content_hash=content_hash(text))


FIELD_ORDER = (
    "schema_version", "id", "url", "canonical_url", "source", "site", "title", "authors",
    "published", "modified", "language", "text", "word_count", "content_hash",
    "duplicate_of", "similarity", "image", "tags", "warnings", "extracted_at",
)

_REQUIRED = ("id", "source", "text", "content_hash", "extracted_at")


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the text under `match_key`: equal for texts that differ only in
    case, white space, quotes or punctuation."""
    return hashlib.sha256(match_key(text).encode("utf-8")).hexdigest()


def record_id(text_hash: str, canonical_url: str | None, source: str = "") -> str:
    """A stable 16-hex-digit id: from the canonical URL when there is one, else from the
    source and the content (the same input read again keeps its id; the same text from two
    inputs gets two ids, so one can be marked a duplicate of the other)."""
    if canonical_url:
        return hashlib.sha256(f"url:{canonical_url}".encode()).hexdigest()[:16]
    return hashlib.sha256(f"src:{source}\n{text_hash}".encode()).hexdigest()[:16]


def build_article(*, source: str, text: str, canonical_url: str | None = None,
                  **fields: Any) -> Article:
    """Make an Article, deriving id, word_count, content_hash and extracted_at."""
    text_hash = content_hash(text)
    clean = {k: (None if v == "" else v) for k, v in fields.items()}
    return Article(
        id=record_id(text_hash, canonical_url, source),
        source=source,
        text=text,
        word_count=len(words(text)),
        content_hash=text_hash,
        extracted_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        canonical_url=canonical_url,
        **clean,
    )

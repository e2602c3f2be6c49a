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
    #: Another tool's record this one was read from (scraper.records_in), or None for
    #: ours. Not a field of the schema: it is what `to_dict` writes back (so `with_text`
    #: does not change what is written: such records are deduplicated, never cleaned).
    origin: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict, in the documented field order; for a record
        read from another tool (`origin`), that record's own fields as they came, with
        `duplicate_of` and `similarity` set (docs/records.md, "Records of other tools")."""
        if self.origin is not None:
            return {**self.origin, "duplicate_of": self.duplicate_of,
                    "similarity": self.similarity}
        return {name: getattr(self, name) for name in FIELD_ORDER}

    def to_json(self) -> str:
        """One JSON Lines line (no trailing newline), UTF-8 characters kept as they are."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> Article:
        """Read one JSON Lines record back. Raises ValueError (with the reason) when the line
        is not a record of this schema version."""
        try:
            data = json.loads(line)
        except RecursionError:  # "[[[[..." nested deeper than the parser goes
            raise ValueError("JSON nested too deeply") from None
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """A record of this schema from its fields (keys it does not know are left out;
        a missing word count is worked out). Raises ValueError (with the reason) when
        `data` is not one: another schema version, a required field missing, a field of
        the wrong type."""
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {version!r}, expected {SCHEMA_VERSION}")
        missing = [name for name in _REQUIRED if not isinstance(data.get(name), str)]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        fields = {k: v for k, v in data.items() if k in _KNOWN}
        for name, value in fields.items():
            if not _TYPE_CHECKS.get(name, _any)(value):
                raise ValueError(f"{name}: {type(value).__name__} {value!r:.40} is not "
                                 f"{_TYPE_NAMES.get(name, 'a string or null')}")
        if "word_count" not in fields:
            fields["word_count"] = len(words(fields["text"]))
        return cls(**fields)

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
_KNOWN = frozenset(FIELD_ORDER)


def _any(value: Any) -> bool:
    return True


def _text_or_null(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number_or_null(value: Any) -> bool:
    return value is None or isinstance(value, (int, float)) and not isinstance(value, bool)


#: How each field of a record read back is checked (required strings are checked
#: before; every other field is a string or null).
_TYPE_CHECKS = {"schema_version": _any, "id": _any, "source": _any, "text": _any,
                "content_hash": _any, "extracted_at": _any, "word_count": _whole,
                "similarity": _number_or_null, "authors": _texts, "tags": _texts,
                "warnings": _texts}
_TYPE_CHECKS.update({name: _text_or_null for name in FIELD_ORDER if name not in _TYPE_CHECKS})
_TYPE_NAMES = {"word_count": "a whole number", "similarity": "a number or null",
               "authors": "a list of strings", "tags": "a list of strings",
               "warnings": "a list of strings"}


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the text under `match_key`: equal for texts that differ only in
    case, white space, quotes or punctuation."""
    return hashlib.sha256(match_key(text).encode("utf-8")).hexdigest()


def tokens_hash(tokens: list[str]) -> str:
    """`content_hash` of a text from its `match_tokens` (for a caller that has them)."""
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()


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

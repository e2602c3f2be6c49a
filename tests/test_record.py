"""The record schema: documented, ordered, null for unknown values."""

from __future__ import annotations

import json
import re

from scraper import SCHEMA_VERSION, clean_text
from scraper.record import FIELD_ORDER, build_article, record_id
from tests.conftest import ROOT


def test_every_field_is_documented_in_order() -> None:
    doc = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
    assert f"schema version {SCHEMA_VERSION}" in doc
    documented = re.findall(r"^\| `(\w+)` \|", doc, flags=re.MULTILINE)
    assert documented == list(FIELD_ORDER)


def test_empty_strings_become_null_and_json_keeps_unicode() -> None:
    article = build_article(source="x", text="Kata “kutipan” di sini.", title="", site="")
    data = json.loads(article.to_json())
    assert data["title"] is None and data["site"] is None
    assert "“kutipan”" in article.to_json()
    assert data["word_count"] == 4


def test_ids_are_stable_and_prefer_the_canonical_url() -> None:
    a = clean_text("Judul Berita\nIsi berita yang sama persis.", "a.txt")
    b = clean_text("Judul Berita\n\nIsi  berita yang sama persis!", "b.txt")
    assert a.content_hash == b.content_hash and a.id != b.id  # two inputs, two records
    assert clean_text("Judul Berita\nIsi berita yang sama persis.", "a.txt").id == a.id
    assert record_id(a.content_hash, "https://example.com/a") != a.id

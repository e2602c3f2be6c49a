"""The five seed dumps clean to their hand-checked texts and metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper import clean_text
from tests.conftest import FIXTURES, SEEDS, run_cli

EXPECTED = json.loads((FIXTURES / "seeds" / "expected.json").read_text(encoding="utf-8"))
SEED_NAMES = sorted(EXPECTED)


def expected_text(name: str) -> str:
    return (FIXTURES / "seeds" / name).read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_text_matches_hand_checked_fixture(name: str) -> None:
    article = clean_text((SEEDS / name).read_text(encoding="utf-8"), f"seeds/{name}")
    assert article.text == expected_text(name)


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_metadata(name: str) -> None:
    article = clean_text((SEEDS / name).read_text(encoding="utf-8"), f"seeds/{name}")
    got = {key: getattr(article, key) for key in EXPECTED[name]}
    assert got == EXPECTED[name]
    assert article.source == f"seeds/{name}"
    assert article.canonical_url is None and article.url is None


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_output_has_no_chrome_left(name: str) -> None:
    text = clean_text((SEEDS / name).read_text(encoding="utf-8"), name).text
    for chrome in ("loading", "Baca Juga", "Berita Terkait", "Copyright", "Rights Reserved",
                   "Foto/", "Kredit Foto", "Google News", "Bagikan", "Halaman", "yang lalu",
                   "(sya)", "(mas)", "Editor:", "rendering in"):
        assert chrome not in text


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_paragraph_once_and_present_in_the_input(name: str) -> None:
    raw = (SEEDS / name).read_text(encoding="utf-8")
    paragraphs = expected_text(name).split("\n\n")
    assert len(paragraphs) == len(set(paragraphs))
    for paragraph in paragraphs:
        # Every clean paragraph is input text (the dateline join aside, which keeps both parts).
        for part in paragraph.split(" - ", 1) if paragraph.startswith("Warta") else [paragraph]:
            assert part.strip() in raw


def test_seed_000_body_printed_twice_is_kept_once() -> None:
    raw = (SEEDS / "000_6d63b638eeb7c0c3.txt").read_text(encoding="utf-8")
    sentence = "Putin menyoroti peran yang dimainkan CIS"
    assert raw.count(sentence) == 2
    assert expected_text("000_6d63b638eeb7c0c3.txt").count(sentence) == 1


def test_seed_002_headings_stand_before_their_sections() -> None:
    paragraphs = expected_text("002_baef28a2d727868a.txt").split("\n\n")
    heading = paragraphs.index("1. Menjadi Pilar Utama Tatanan Dunia")
    assert paragraphs[heading + 1].startswith("Putin mengatakan SCO")
    assert paragraphs[heading - 1].startswith("Berbicara di sela-sela KTT CSO")
    assert paragraphs.index("3. Lepas dari Isolasi Barat") == len(paragraphs) - 3


def test_batch_run_over_the_seed_folder_gives_the_same_records(tmp_path: Path) -> None:
    """The CLI's two-pass run (with the cross-document template rule) loses nothing."""
    out = tmp_path / "seeds.jsonl"
    result = run_cli("clean", "seeds/", "--out", str(out))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in records] == [f"seeds/{n}" for n in SEED_NAMES]
    for record, name in zip(records, SEED_NAMES):
        assert record["text"] == expected_text(name)
        assert record["title"] == EXPECTED[name]["title"]

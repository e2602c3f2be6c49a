"""The duplicate index on realistic text: republished, edited and unrelated articles."""

from __future__ import annotations


import pytest

from scraper.dedup import DuplicateIndex, MemoryStore
from scraper.extract import clean_text
from scraper.record import build_article
from scraper.settings import DedupSettings
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seeds() -> list:
    return [clean_text(p.read_text(encoding="utf-8"), p.name) for p in sorted(SEEDS.glob("*.txt"))]


def _index(store=None) -> DuplicateIndex:
    return DuplicateIndex.from_settings(store or MemoryStore(), DedupSettings())


def _feed(index: DuplicateIndex, articles: list) -> list:
    out = []
    for verdict in index.check_many(articles):
        out.append(verdict)
        index.add(verdict)
    return out


def test_five_seed_stories_on_one_topic_are_not_duplicates(seeds: list) -> None:
    verdicts = _feed(_index(), seeds)
    assert [v.reason for v in verdicts] == [None] * 5


def _paragraphs(article) -> list[str]:
    return [p for p in article.text.split("\n") if p.strip()]


def test_same_article_under_two_urls_and_with_an_edited_paragraph(seeds: list) -> None:
    original = seeds[0].replace(url="https://nasional.sindonews.com/read/1/putin")
    paras = _paragraphs(original)
    paras[2] = paras[2].replace("NATO", "aliansi NATO").replace(".", ", kata sumber itu.", 1)
    republished = build_article(source="other", text="\n".join(paras),
                                url="https://www.koran-lain.id/berita/putin-nato")
    same_url = build_article(source="amp", text=original.text[:200],
                             url="https://m.sindonews.com/read/1/putin/amp?utm_source=fb")
    verdicts = _feed(_index(), [original, republished, same_url, *seeds[1:]])
    assert verdicts[0].reason is None
    assert verdicts[1].reason == "near" and verdicts[1].article.duplicate_of == original.id
    assert 0.5 <= verdicts[1].article.similarity < 1.0
    assert verdicts[2].reason is None  # other host: not the same URL, and too short to match
    assert [v.reason for v in verdicts[3:]] == [None] * 4


def test_url_variant_is_a_duplicate_by_url(seeds: list) -> None:
    a = seeds[1].replace(url="https://www.sindonews.com/read/9/x?utm_medium=rss")
    b = build_article(source="b", text="Teks yang sama sekali lain.", url="https://m.sindonews.com/read/9/x/")
    verdicts = _feed(_index(), [a, b])
    assert verdicts[1].reason == "url" and verdicts[1].article.duplicate_of == a.id


def test_cut_and_extended_versions_are_duplicates(seeds: list) -> None:
    text = seeds[2].text
    cut = build_article(source="cut", text=text[: int(len(text) * 0.6)])
    extended = build_article(source="ext", text=text + "\nPembaruan: pertemuan lanjutan akan "
                             "digelar pekan depan di Jenewa, kata juru bicara kementerian.")
    verdicts = _feed(_index(), [seeds[2], cut, extended])
    assert [v.reason for v in verdicts] == [None, "near", "near"]


def test_exact_text_from_two_inputs(seeds: list) -> None:
    copy = build_article(source="copy.txt", text=seeds[3].text.upper())
    verdicts = _feed(_index(), [seeds[3], copy])
    assert verdicts[1].reason == "exact" and verdicts[1].article.similarity == 1.0


def test_stored_index_survives_reopening_and_matches_memory(backend, seeds: list) -> None:
    settings = DedupSettings()
    with backend.open() as state:
        _feed(_index(state), seeds)
        state.commit()
    republished = build_article(source="x", text="Berita ulang.\n" + seeds[4].text,
                                url="https://lain.id/a")
    with backend.open() as state:
        assert state.documents() == 5
        index = DuplicateIndex.from_settings(state, settings)
        verdict = index.check(republished)
        assert verdict.reason == "near" and verdict.article.duplicate_of == seeds[4].id
        assert index.check(seeds[0]).reason == "seen"  # the same record: handled before


def test_index_built_with_other_settings_is_refused(backend) -> None:
    from scraper.dedup.minhash import SignatureParams
    from scraper.errors import ConfigError

    backend.open().close()
    with pytest.raises(ConfigError, match="cannot be compared; use another"):
        backend.open(SignatureParams(shingle=5))

"""Properties of the cleaner on generated dumps: it never raises, cleaning its own output
changes nothing, and it never adds a word that was not in the input."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from scraper import clean_text
from scraper.textnorm import tidy, words
from tests.conftest import SEEDS

SEED_LINES = sorted({line.strip() for path in SEEDS.glob("*.txt")
                     for line in path.read_text(encoding="utf-8").splitlines() if line.strip()})
CHROME = ["loading...", "A A A", "A", "Baca Juga: Sesuatu Terjadi", "Berita Terkait",
          "44 menit yang lalu", "Foto/AP", "(sya)", "Copyright © 2024 Contoh.com",
          "Editor: Budi Santoso", "Jum'at, 11 Februari 2022 - 04:26 WIB", "Menu", "Halaman :",
          "Related articles", "By Jane Doe", "Read more: Other story", "Putin Ungkap...",
          "Home » News » World", "Warta Contoh, Jakarta -", "1. Sub Judul Bagian", "---"]

line = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(CHROME),
    st.text(min_size=1, max_size=80),
    st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
            min_size=1, max_size=200),
)
document = st.lists(line, min_size=0, max_size=25).flatmap(
    lambda lines: st.lists(st.sampled_from(["\n", "\n\n", "\r\n", " \n"]),
                           min_size=len(lines), max_size=len(lines))
    .map(lambda seps: "".join(l + s for l, s in zip(lines, seps))))

PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def render(article) -> str:
    """A clean article as a dump again: its title, then its paragraphs."""
    return "\n\n".join(part for part in (article.title, article.text) if part)


@PROPERTY
@given(document)
def test_cleaning_never_raises_and_fills_every_field(text: str) -> None:
    article = clean_text(text, "generated")
    assert article.word_count == len(words(article.text))
    for value in (article.title, article.site, article.published, article.language):
        assert value != ""


@PROPERTY
@given(document)
def test_cleaning_is_idempotent(text: str) -> None:
    note(f"input: {text!r}")
    once = clean_text(text, "generated")
    twice = clean_text(render(once), "generated")
    assert (twice.title, twice.text) == (once.title, once.text)


@PROPERTY
@given(document)
def test_cleaning_never_adds_words(text: str) -> None:
    article = clean_text(text, "generated")
    source = Counter(words("\n".join(tidy(l) for l in text.splitlines())))
    cleaned = Counter(words(render(article)))
    assert not cleaned - source

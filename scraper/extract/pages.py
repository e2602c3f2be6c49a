"""One article from its pages: texts joined in order, page chrome and repeats dropped."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from scraper.record import Article
from scraper.textnorm import match_key


@dataclass(frozen=True)
class PagerWords:
    """The words of page navigation ("Halaman 2", "Page 2 of 3", "« 1 2 3 Selanjutnya »",
    "Tampilkan Semua"), as the pagination table (discover/rules/pagination.toml) defines
    them: the one place they are written down."""

    #: Whole lines that link the article's show-all view.
    show_all: frozenset[str]
    #: Words that, with page numbers, make up a pager line.
    tokens: frozenset[str]
    #: Words that make a line of such tokens a pager (a number does too).
    next: frozenset[str]

    @classmethod
    def from_table(cls, generic: dict) -> PagerWords:
        """From the `[generic]` table of pagination.toml."""
        fold = lambda key: frozenset(str(w).casefold() for w in generic.get(key, ()))  # noqa: E731
        single = frozenset(w for w in fold("next_texts") if " " not in w)
        return cls(show_all=fold("show_all_texts"),
                   tokens=fold("page_words") | fold("pager_words") | single,
                   next=single - {"›", "»"})


@cache
def bundled_pager_words() -> PagerWords:
    """The words of the bundled pagination table, for callers that pass none (a crawl
    passes the ones it loaded with its pagination rules)."""
    text = resources.files("scraper.discover").joinpath("rules/pagination.toml").read_text(
        "utf-8")
    return PagerWords.from_table(tomllib.loads(text)["generic"])


def is_pager(line: str, words: PagerWords | None = None) -> bool:
    """A line that is only page navigation."""
    words = words or bundled_pager_words()
    text = line.strip().casefold()
    if text in words.show_all:
        return True
    tokens = text.split()
    return bool(tokens) and all(t.isdigit() and len(t) <= 3 or t in words.tokens
                                for t in tokens) and any(
        t.isdigit() or t in words.next for t in tokens)


def join_pages(first: Article, rest: list[Article], words: PagerWords | None = None) -> Article:
    """`first` (the article's first page, whose metadata the record keeps) with the text of
    the later pages appended in order; pager lines and paragraphs already seen dropped."""
    seen: set[str] = set()
    lines: list[str] = []
    for page in (first, *rest):
        for line in page.text.split("\n"):
            if not line.strip():
                continue
            key = match_key(line)
            if is_pager(line, words) or not key or key in seen:
                continue
            seen.add(key)
            lines.append(line)
    joined = first.with_text("\n\n".join(lines))  # the record's paragraph separator
    if lines and "no article text found" in first.warnings:
        joined = joined.replace(warnings=[w for w in first.warnings
                                          if w != "no article text found"])
    return joined

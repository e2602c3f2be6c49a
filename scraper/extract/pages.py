"""One article from its pages: texts joined in order, page chrome and repeats dropped."""

from __future__ import annotations

from scraper.record import Article
from scraper.textnorm import match_key

# The pager: "Halaman 2", "Page 2 of 3", "« 1 2 3 Selanjutnya »", "Tampilkan Semua".
_PAGER_WORDS = {"halaman", "hal", "hal.", "page", "seite", "página", "dari", "of", "von", "de",
                "selanjutnya", "berikutnya", "sebelumnya", "next", "previous", "prev", "lanjut",
                "«", "»", "‹", "›", "|", "..."}
_SHOW_ALL = {"tampilkan semua", "tampilkan semua halaman", "lihat semua", "show all", "view all",
             "single page"}


def is_pager(line: str) -> bool:
    """A line that is only page navigation."""
    text = line.strip().casefold()
    if text in _SHOW_ALL:
        return True
    tokens = text.split()
    return bool(tokens) and all(t.isdigit() and len(t) <= 3 or t in _PAGER_WORDS for t in tokens) and any(
        t.isdigit() or t in ("selanjutnya", "berikutnya", "next") for t in tokens)


def join_pages(first: Article, rest: list[Article]) -> Article:
    """`first` (the article's first page, whose metadata the record keeps) with the text of
    the later pages appended in order; pager lines and paragraphs already seen dropped."""
    seen: set[str] = set()
    lines: list[str] = []
    for page in (first, *rest):
        for line in page.text.split("\n"):
            if not line.strip():
                continue
            key = match_key(line)
            if is_pager(line) or not key or key in seen:
                continue
            seen.add(key)
            lines.append(line)
    joined = first.with_text("\n\n".join(lines))  # the record's paragraph separator
    if lines and "no article text found" in first.warnings:
        joined = joined.replace(warnings=[w for w in first.warnings
                                          if w != "no article text found"])
    return joined

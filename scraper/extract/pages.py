"""One article from its pages: texts joined in order, page chrome and repeats dropped."""

from __future__ import annotations

import re

from scraper.record import Article
from scraper.textnorm import match_key

# "Halaman 2", "Page 2 of 3", "1 2 3 Selanjutnya", "Tampilkan Semua": the pager itself.
_PAGER = re.compile(
    r"^(?:(?:halaman|hal|page|seite|página)\.?\s*\d+(?:\s*(?:dari|of|von|de)\s*\d+)?"
    r"|(?:\d+\s*){1,20}(?:selanjutnya|berikutnya|next|lanjut|»|›)?"
    r"|(?:«|‹|sebelumnya|previous|prev)?\s*(?:\d+\s*){0,20}(?:selanjutnya|berikutnya|next|»|›)"
    r"|tampilkan semua(?: halaman)?|lihat semua|show all|view all|single page)$",
    re.IGNORECASE)


def is_pager(line: str) -> bool:
    """A line that is only page navigation."""
    return bool(_PAGER.match(line.strip()))


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
    joined = first.with_text("\n".join(lines))
    if lines and "no article text found" in first.warnings:
        joined = joined.replace(warnings=[w for w in first.warnings
                                          if w != "no article text found"])
    return joined

"""Exact duplicates: the same normalised text (`Article.content_hash`) seen before."""

from __future__ import annotations

from scraper.record import Article


class ExactDuplicates:
    """Remembers the first record id of each content hash within one run."""

    def __init__(self) -> None:
        self._first: dict[str, str] = {}

    def mark(self, article: Article) -> Article:
        """The article, with `duplicate_of` (and similarity 1.0) set when its text was seen
        before. Records without text are never duplicates of each other."""
        if not article.text:
            return article
        first = self._first.get(article.content_hash)
        if first is None:
            self._first[article.content_hash] = article.id
            return article
        return article.replace(duplicate_of=first, similarity=1.0)

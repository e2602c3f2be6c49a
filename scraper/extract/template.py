"""Cross-document template lines: short lines that recur across different articles of a run.

A footer or widget a site prints on every page shows up in every dump of that site; a real
sentence does not. The one trap is the same article dumped twice (a republished story):
its lines recur too. So documents that share most of their prose are grouped as one
article, and a line counts once per group.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from scraper.extract.lines import is_prose, split_lines

#: Prose lines of at least this many words identify an article.
_PROSE_WORDS = 12
#: A document sharing at least this share of its prose lines with a group joins it.
_SAME_ARTICLE = 0.5


class TemplateLines:
    """Collects documents with `add`, then names the template lines with `keys`."""

    def __init__(self, min_docs: int = 3, short_line_words: int = 30) -> None:
        self.min_docs = min_docs
        self.short_line_words = short_line_words
        self._owner: dict[str, int] = {}  # prose line key -> article group
        self._groups_with: defaultdict[str, set[int]] = defaultdict(set)
        self._n_groups = 0

    def add(self, text: str) -> None:
        """Take one document into account."""
        lines = split_lines(text)
        prose = {l.key for l in lines if l.n_words >= _PROSE_WORDS and is_prose(l.text)}
        short = {l.key for l in lines if l.n_words <= self.short_line_words}
        group = self._group_for(prose)
        for key in prose:
            self._owner.setdefault(key, group)
        for key in short:
            if key:
                self._groups_with[key].add(group)

    def _group_for(self, prose: set[str]) -> int:
        votes = Counter(self._owner[k] for k in prose if k in self._owner)
        if votes:
            group, shared = votes.most_common(1)[0]
            if shared >= _SAME_ARTICLE * len(prose):
                return group
        self._n_groups += 1
        return self._n_groups

    def keys(self) -> frozenset[str]:
        """`match_key`s of the lines seen in at least `min_docs` different articles."""
        if self.min_docs <= 0:
            return frozenset()
        return frozenset(k for k, groups in self._groups_with.items()
                         if len(groups) >= self.min_docs)

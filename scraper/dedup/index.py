"""The duplicate index: URL, exact and near-duplicate checks over a storage interface.

`DedupStore` is all the index needs from storage: the in-memory store below serves one-off
runs, `scraper.store.state.State` keeps it in SQLite across runs, and a server back-end
(Redis, Postgres) would implement the same five methods.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from scraper.dedup.minhash import SignatureParams, Signer, band_key_rows, params_for, similarity
from scraper.dedup.urls import url_key as _url_key
from scraper.record import Article
from scraper.settings import DedupSettings


@dataclass(frozen=True, slots=True)
class Entry:
    """What the index keeps of one record."""

    record_id: str
    url_key: str | None
    content_hash: str | None
    signature: np.ndarray | None
    bands: list[int]
    size: int = 0  # distinct shingles in the text


class DedupStore(Protocol):
    """Storage for the index. Lookups must not need the whole index in memory."""

    def owner_of_url(self, url_key: str) -> str | None: ...
    def owner_of_hash(self, content_hash: str) -> str | None: ...
    def candidates(self, bands: list[int]) -> Iterable[tuple[str, np.ndarray, int]]:
        """(record id, signature, shingle count) of the records sharing a band key."""
        ...
    def add(self, entry: Entry) -> None: ...
    def reserve(self, url_key: str | None, content_hash: str | None, bands: list[int]) -> None:
        """Hold these keys against other writers until the next commit, before they are
        looked up (a store shared by several processes; a no-op in one process)."""
        ...


class MemoryStore:
    """A `DedupStore` in dicts, for runs without `--state`."""

    def __init__(self) -> None:
        self._urls: dict[str, str] = {}
        self._hashes: dict[str, str] = {}
        self._bands: dict[int, list[int]] = defaultdict(list)
        self._docs: list[tuple[str, np.ndarray, int]] = []

    def owner_of_url(self, url_key: str) -> str | None:
        return self._urls.get(url_key)

    def owner_of_hash(self, content_hash: str) -> str | None:
        return self._hashes.get(content_hash)

    def candidates(self, bands: list[int]) -> Iterable[tuple[str, np.ndarray, int]]:
        seen = {doc for key in bands for doc in self._bands.get(key, ())}
        return [self._docs[doc] for doc in sorted(seen)]

    def reserve(self, url_key: str | None, content_hash: str | None, bands: list[int]) -> None:
        pass

    def add(self, entry: Entry) -> None:
        if entry.url_key:
            self._urls.setdefault(entry.url_key, entry.record_id)
        if entry.content_hash:
            self._hashes.setdefault(entry.content_hash, entry.record_id)
        if entry.signature is not None:
            self._docs.append((entry.record_id, entry.signature, entry.size))
            for key in entry.bands:
                self._bands[key].append(len(self._docs) - 1)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The check of one record: the marked record and the entry to add once it is kept."""

    article: Article
    entry: Entry
    #: None when new; "url", "exact" or "near" for a duplicate of another record;
    #: "seen" when this record itself (its id) is in the index already.
    reason: str | None


#: Containment counts only when the smaller text has at least this many shingles: a short
#: text (a slogan, a one-line brief) is contained in many unrelated articles.
MIN_CONTAINED = 40
#: Containment must clear this (above the Jaccard threshold: it is the looser measure).
CONTAINMENT = 0.9


def resemblance(jaccard: float, size_a: int, size_b: int) -> float:
    """How much two texts are the same article: their estimated Jaccard similarity, or,
    when one is (nearly) contained in the other, a cut, an update with added paragraphs,
    the estimated containment. Republished news differs in both ways."""
    small = min(size_a, size_b)
    if small < MIN_CONTAINED or jaccard <= 0:
        return jaccard
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    contained = min(1.0, common / small)
    return max(jaccard, contained) if contained >= CONTAINMENT else jaccard


class DuplicateIndex:
    """Checks records against everything added before: same canonical URL, same normalised
    text, or `resemblance` of word shingles >= `threshold` (each LSH candidate verified).

    `check` never changes the store; `add` does, so a caller can write the record first
    and record it as seen afterwards (a crash in between re-checks it, never loses it).
    """

    def __init__(self, store: DedupStore, params: SignatureParams | None = None,
                 threshold: float = 0.5) -> None:
        self.store = store
        self.params = params or SignatureParams()
        self.threshold = threshold
        self._signer = Signer(self.params)

    @classmethod
    def from_settings(cls, store: DedupStore, settings: DedupSettings) -> DuplicateIndex:
        """The index a run's settings describe."""
        return cls(store, params_for(settings), settings.threshold)

    def check_many(self, articles: list[Article]) -> Iterator[Verdict]:
        """Check records in order; their signatures are built in one batch (faster).

        Lazy on purpose: each record is checked when the caller asks for it, so a record
        the caller `add`s is seen by the next one in the same batch.
        """
        sigs, sizes = self._signer.signatures([a.text for a in articles])
        bands = band_key_rows(sigs, self.params).tolist()
        for article, sig, size, keys in zip(articles, sigs, sizes.tolist(), bands):
            yield self._check(article, sig, size, keys if size else [])

    def check(self, article: Article) -> Verdict:
        """Check one record."""
        return next(self.check_many([article]))

    def add(self, verdict: Verdict) -> None:
        """Remember a record that was kept (written), so later ones are checked against it."""
        self.store.add(verdict.entry)

    def _check(self, article: Article, sig: np.ndarray, size: int, bands: list[int]) -> Verdict:
        url_key = _url_key(article.url, article.canonical_url) if article.url else (
            _url_key(article.canonical_url) if article.canonical_url else None)
        has_text = size > 0
        # sig is a row of the batch's matrix: copied, so the index keeps the row, not the batch
        entry = Entry(article.id, url_key, article.content_hash if has_text else None,
                      sig.copy() if has_text else None, bands, size)
        self.store.reserve(url_key, entry.content_hash, bands)
        owner = self.store.owner_of_url(url_key) if url_key else None
        if owner is not None:
            return self._duplicate(article, entry, owner, None, "url")
        if not has_text:
            return Verdict(article, entry, None)
        owner = self.store.owner_of_hash(article.content_hash)
        if owner is not None:
            return self._duplicate(article, entry, owner, 1.0, "exact")
        best: tuple[float, str] | None = None
        for record_id, other, other_size in self.store.candidates(bands):
            score = resemblance(similarity(sig, other), size, other_size)
            if score >= self.threshold and (best is None or score > best[0]):
                best = (score, record_id)
        if best is not None:
            return self._duplicate(article, entry, best[1], round(best[0], 3), "near")
        return Verdict(article, entry, None)

    @staticmethod
    def _duplicate(article: Article, entry: Entry, owner: str, score: float | None,
                   reason: str) -> Verdict:
        if owner == article.id:
            # This very record is in the index already: emitted by an earlier run.
            return Verdict(article, entry, "seen")
        # A duplicate is remembered by its URL only, so a later run knows it was handled
        # (and does not emit it again, marked or not) without it ever matching new text.
        return Verdict(article.replace(duplicate_of=owner, similarity=score),
                       Entry(article.id, entry.url_key, None, None, []), reason)

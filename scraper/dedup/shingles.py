"""Word k-shingles of texts as 32-bit hashes, computed in numpy for a batch of texts at once.

The words are those of `scraper.textnorm.match_tokens` (NFC, invisible characters dropped,
case folded, ``\\w+``), found without making a Python string per word: a batch's texts are
joined, folded once and read as code points; a word's hash is a polynomial over its code
points (from one running sum over the batch), so each word is hashed once, and a shingle's
hash combines the hashes of its k words. Tokenising and shingling in Python (`re.findall`,
a joined bytes string and an xxhash call per shingle) took 240 us for a 687-word text;
this takes about 45.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

_U64 = np.uint64
#: The polynomial's base (odd, so invertible modulo 2^64) and its inverse.
_BASE = 0x100000001B3
_BASE_INV = pow(_BASE, -1, 1 << 64)
#: Mixes a word's length into its hash and chains word hashes into shingle hashes.
_CHAIN = _U64(0x9E3779B97F4A7C15)
_FMIX64 = (_U64(33), _U64(0xFF51AFD7ED558CCD), _U64(0xC4CEB9FE1A85EC53))
#: Characters `match_tokens` drops before it looks for words (textnorm._INVISIBLE).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_WORD = re.compile(r"\w")
#: Powers of the base kept for batches up to this many characters (2 x 4 MB at most; 2 x
#: 512 KB for the usual batch); a longer batch (one very long text) makes its own.
_KEPT_POWERS = 1 << 19
#: A character's kind in the table: 0 other, 1 word character, or this: dropped.
_DROPPED = 2


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, in place: a bijection that spreads every bit."""
    shift, m1, m2 = _FMIX64
    h ^= h >> shift
    h *= m1
    h ^= h >> shift
    h *= m2
    h ^= h >> shift
    return h


def _powers(base: int, n: int) -> np.ndarray:
    """base^0 .. base^(n-1) modulo 2^64 (numpy's uint64 products wrap)."""
    out = np.full(n, base, dtype=_U64)
    out[0] = 1
    return np.cumprod(out, dtype=_U64)


@dataclass(frozen=True, slots=True)
class ShingleSets:
    """The distinct shingle hashes of a batch of texts: text i has
    `values[starts[i]:starts[i + 1]]` (uint32, sorted)."""

    values: np.ndarray
    starts: np.ndarray

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> np.ndarray:
        return self.values[self.starts[i]:self.starts[i + 1]]

    def sizes(self) -> np.ndarray:
        """The number of distinct shingles of each text."""
        return np.diff(self.starts)


class Shingler:
    """Hashes texts' word k-shingles. Holds its tables (the word characters of the Basic
    Multilingual Plane, 64 KB, built in 15 ms; powers of the polynomial's base), so build
    one per index, not one per batch."""

    def __init__(self, k: int) -> None:
        if k < 1:
            raise ValueError(f"shingle size must be at least 1, not {k}")
        self.k = k
        bmp = "".join(map(chr, range(0x10000)))
        # The regex engine's own \w, so words end exactly where match_tokens' do.
        marks = re.sub(r"\W", "\0", bmp).encode("utf-32-le", "surrogatepass")
        self._kind = (np.frombuffer(marks, dtype=np.uint32) != 0).astype(np.uint8)
        self._kind[[ord(c) for c in _INVISIBLE]] = _DROPPED
        self._pow = self._inv_pow = np.empty(0, dtype=_U64)

    def token_hashes(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(a 64-bit hash per word of all texts in order, uint64; the index of each text's
        first word, with the number of words at the end)."""
        parts = [t if unicodedata.is_normalized("NFC", t) else unicodedata.normalize("NFC", t)
                 for t in texts]
        # The separator is no word character, so no word spans two texts; case folding
        # is per character, so the folded batch is the batch of folded texts.
        joined = "\n".join(parts)
        folded = joined.casefold()
        if len(folded) != len(joined):
            # A character folded to several ("ß" to "ss"): the texts' offsets moved.
            parts = [t.casefold() for t in parts]
            folded = "\n".join(parts)
        offsets = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(t) + 1 for t in parts], out=offsets[1:])
        codes, kind = self._codes(folded)
        dropped = kind == _DROPPED
        if dropped.any():
            before = np.concatenate(([0], np.cumsum(dropped)))
            offsets -= before[np.minimum(offsets, len(codes))]
            codes, kind = codes[~dropped], kind[~dropped]
        edges = np.flatnonzero(np.diff(kind.view(np.bool_), prepend=False, append=False))
        first, end = edges[::2], edges[1::2]
        powers, inverse = self._powers(len(codes))
        running = np.zeros(len(codes) + 1, dtype=_U64)
        np.cumsum(codes * powers, out=running[1:])
        # sum of code[j] * base^(j - first) over the word, whatever its place in the batch
        hashes = (running[end] - running[first]) * inverse[first]
        hashes += (end - first).astype(_U64) * _CHAIN
        return fmix64(hashes), np.searchsorted(first, offsets)

    def shingle_sets(self, texts: list[str]) -> ShingleSets:
        """The distinct k-shingle hashes of each text. A text of fewer than k words has one
        shingle (its words); a text without words has none."""
        words, first = self.token_hashes(texts)
        k = self.k
        counts = np.diff(first)
        doc = np.repeat(np.arange(len(texts), dtype=_U64), counts)
        n = max(len(words) - k + 1, 0)
        chained = words[:n].copy()
        for j in range(1, k):
            chained *= _CHAIN
            chained += words[j:n + j]
        keep = doc[:n] == doc[k - 1:k - 1 + n]  # the k words are of one text
        keys = [(doc[:n] << _U64(32)) | (fmix64(chained) >> _U64(32))]
        keys[0] = keys[0][keep]
        for i in np.flatnonzero((counts > 0) & (counts < k)).tolist():
            keys.append(np.array([(i << 32) | self._short(words[first[i]:first[i + 1]])],
                                 dtype=_U64))
        key = np.sort(np.concatenate(keys) if len(keys) > 1 else keys[0])
        distinct = key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else key
        starts = np.searchsorted(distinct >> _U64(32), np.arange(len(texts) + 1, dtype=_U64))
        return ShingleSets(distinct.astype(np.uint32), starts)

    @staticmethod
    def _short(words: np.ndarray) -> int:
        """The one shingle of a text of fewer than k words."""
        chained = words[:1].copy()
        for j in range(1, len(words)):
            chained *= _CHAIN
            chained += words[j:j + 1]
        return int(fmix64(chained)[0] >> _U64(32))

    def _codes(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The text's code points and their kinds (word character, other, dropped)."""
        # surrogatepass: a lone surrogate (a JSON "\ud83d\ude00" cut in half) is a character
        # that is no word character, for match_tokens as here
        codes = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
        if not ((codes & 0xF800) == 0xD800).any():
            return codes, self._kind[codes]
        # Characters beyond the BMP (emoji, rare scripts): UTF-16 would split them.
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        kind = self._kind[np.minimum(codes, 0xFFFF)]
        beyond = np.flatnonzero(codes > 0xFFFF)
        kind[beyond] = [_WORD.match(chr(c)) is not None for c in codes[beyond].tolist()]
        return codes, kind

    def _powers(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The first n powers of the base and of its inverse."""
        if n > len(self._pow):
            if n > _KEPT_POWERS:
                return _powers(_BASE, n), _powers(_BASE_INV, n)
            size = min(max(1 << 16, 1 << (n - 1).bit_length()), _KEPT_POWERS)
            self._pow, self._inv_pow = _powers(_BASE, size), _powers(_BASE_INV, size)
        return self._pow[:n], self._inv_pow[:n]

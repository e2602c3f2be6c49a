"""MinHash signatures of article text and their LSH band keys.

The MinHash is datasketch's (its `affine32` scheme): each shingle hash is pre-mixed with
datasketch's MurmurHash3 finaliser, then put through datasketch's own permutations
`a * h + b mod 2^32` for the seed, and the signature is each permutation's minimum: the
values `MinHash.update_batch` gives for the same integer hashes (tests/dedup/
test_minhash.py checks). We apply the permutations to a text's shingles in one numpy
product, as `update_batch` does, but take the shingle hashes from `shingles.Shingler`
rather than calling a hash function per shingle in Python (that call and the list it
fills were 180 us of a text's 420). The banding is datasketch's too: `_optimal_param`
picks bands x rows for the threshold, weighted against false negatives (the default
weights miss one pair in five at the threshold). We hash each band ourselves so the bands
can live in any key-value table (`DedupStore`), which `MinHashLSH` cannot do for SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scraper.dedup.shingles import Shingler, fmix64
from scraper.settings import DedupSettings

#: Recorded in a persistent index; a signature made another way cannot be compared.
#: (Before: "datasketch2-xxh32-words", xxh32 of each shingle's bytes and xxh3 band keys.)
SCHEME = "datasketch2-wordpoly64"
#: datasketch's value for a permutation that saw nothing: the signature of an empty text.
EMPTY = np.uint32(0xFFFFFFFF)
#: Texts signed together: numpy's per-call cost is shared, the arrays stay in cache.
_BATCH_TEXTS = 8
_BATCH_CHARS = 1 << 16
_BAND_CHAIN = np.uint64(0x9E3779B97F4A7C15)
#: Shingles permuted at once (a 2 MB scratch array for 128 permutations; the bench's texts
#: have 650 on average, so one pass each).
_PERMUTED_COLUMNS = 4096


@dataclass(frozen=True)
class SignatureParams:
    """How texts become signatures and band keys; fixed for the life of an index."""

    num_perm: int = 128
    shingle: int = 3
    #: Candidates from LSH are found around this Jaccard similarity...
    lsh_threshold: float = 0.5
    seed: int = 1

    @cached_property
    def bands(self) -> tuple[int, int]:
        """(bands, rows per band), weighted 0.1 / 0.9 toward finding every true pair."""
        from datasketch.lsh import _optimal_param  # see Signer: datasketch loads scipy

        return _optimal_param(self.lsh_threshold, self.num_perm, 0.1, 0.9)

    def describe(self) -> str:
        """One string that two compatible indexes share."""
        b, r = self.bands
        return f"{SCHEME};perm={self.num_perm};k={self.shingle};b={b};r={r};seed={self.seed}"


def params_for(settings: DedupSettings) -> SignatureParams:
    """The signature settings a run's dedup settings ask for."""
    return SignatureParams(num_perm=settings.num_perm, shingle=settings.shingle)


class Signer:
    """Signs texts for one `SignatureParams`. Holds the shingler's tables and datasketch's
    permutations, so build one per index (15 ms), not one per batch."""

    def __init__(self, params: SignatureParams) -> None:
        # Imported here: datasketch loads scipy (0.6 s), which a command that only reads
        # the state (`scraper export`) never needs.
        from datasketch import MinHash
        from datasketch.minhash import _fmix

        self._fmix = _fmix
        self.params = params
        self.shingler = Shingler(params.shingle)
        a, b = MinHash(num_perm=params.num_perm, seed=params.seed,
                       scheme="affine32").permutations
        # Permutations down the rows: each row's minimum is one signature value (measured
        # 15% faster than the other orientation).
        self._a, self._b = a[:, None], b[:, None]
        self._scratch = np.empty(params.num_perm * _PERMUTED_COLUMNS, dtype=np.uint32)

    def signatures(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(one MinHash signature per text, uint32 rows of num_perm values; each text's
        number of distinct shingles). A text without words has size 0 and a signature
        that matches nothing useful: callers skip it."""
        sigs = np.full((len(texts), self.params.num_perm), EMPTY, dtype=np.uint32)
        sizes = np.zeros(len(texts), dtype=np.int64)
        for lo, hi in _batches(texts):
            sets = self.shingler.shingle_sets(texts[lo:hi])
            mixed = self._fmix(sets.values, 32)  # datasketch's pre-mix of an input hash
            sizes[lo:hi] = sets.sizes()
            starts = sets.starts.tolist()
            for i in np.flatnonzero(sizes[lo:hi]).tolist():
                self._minhash(mixed[starts[i]:starts[i + 1]], sigs[lo + i])
        return sigs, sizes

    def _minhash(self, mixed: np.ndarray, out: np.ndarray) -> None:
        """Each permutation's minimum over the (pre-mixed) shingle hashes, into `out`.

        The permuted values go to a scratch array that is reused, warm in the cache: a fresh
        one per text cost 7.7 page faults a text and signing took 103 us, not 89 (CPU time,
        the bench's texts). A long text is taken `_PERMUTED_COLUMNS` shingles at a time."""
        for lo in range(0, len(mixed), _PERMUTED_COLUMNS):
            values = mixed[lo:lo + _PERMUTED_COLUMNS]
            permuted = self._scratch[:self.params.num_perm * len(values)].reshape(-1, len(values))
            np.multiply(self._a, values, out=permuted)
            permuted += self._b
            if lo == 0:
                np.min(permuted, axis=1, out=out)
            else:
                np.minimum(out, permuted.min(axis=1), out=out)


def _batches(texts: list[str]) -> list[tuple[int, int]]:
    """(first, end) of runs of texts signed together."""
    out, lo, chars = [], 0, 0
    for i, text in enumerate(texts):
        if i > lo and (i - lo == _BATCH_TEXTS or chars + len(text) > _BATCH_CHARS):
            out.append((lo, i))
            lo, chars = i, 0
        chars += len(text)
    if lo < len(texts):
        out.append((lo, len(texts)))
    return out


def band_key_rows(signatures: np.ndarray, params: SignatureParams) -> np.ndarray:
    """One signed 64-bit key (SQLite's INTEGER) per band of each signature row, the band's
    number mixed in: an int64 array of rows x bands."""
    b, r = params.bands
    rows = np.atleast_2d(signatures)[:, :b * r].reshape(-1, b, r).astype(np.uint64)
    keys = np.broadcast_to(np.arange(1, b + 1, dtype=np.uint64) * _BAND_CHAIN,
                           rows.shape[:2]).copy()
    for j in range(r):
        keys ^= rows[:, :, j]
        keys *= _BAND_CHAIN
    return fmix64(keys).view(np.int64)


def band_keys(signature: np.ndarray, params: SignatureParams) -> list[int]:
    """The band keys of one signature (`band_key_rows` of one row)."""
    return band_key_rows(signature, params)[0].tolist()


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)

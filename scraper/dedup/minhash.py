"""MinHash signatures of article text and their LSH band keys.

datasketch builds the signatures (`MinHash.bulk`, xxhash on shingle bytes: about thirty
times faster than per-token `update`). The banding is datasketch's too: `_optimal_param`
picks bands x rows for the threshold, weighted against false negatives (the default
weights miss one pair in five at the threshold; NOTES.md). We hash each band ourselves so
the bands can live in any key-value table (`BandStore`), which `MinHashLSH` cannot do for
SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import xxhash
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from scraper.settings import DedupSettings
from scraper.textnorm import match_tokens

#: Recorded in a persistent index; a signature made another way cannot be compared.
SCHEME = "datasketch2-xxh32-words"


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
        return _optimal_param(self.lsh_threshold, self.num_perm, 0.1, 0.9)

    def describe(self) -> str:
        """One string that two compatible indexes share."""
        b, r = self.bands
        return f"{SCHEME};perm={self.num_perm};k={self.shingle};b={b};r={r};seed={self.seed}"


def params_for(settings: DedupSettings) -> SignatureParams:
    """The signature settings a run's dedup settings ask for."""
    return SignatureParams(num_perm=settings.num_perm, shingle=settings.shingle)


def shingles(text: str, k: int) -> list[bytes]:
    """Word k-shingles of the normalised text (case, punctuation and quotes ignored)."""
    tokens = [t.encode() for t in match_tokens(text)]
    if len(tokens) <= k:
        return [b" ".join(tokens)] if tokens else []
    return list(set(map(b" ".join, zip(*(tokens[i:] for i in range(k))))))


def signatures(texts: list[str], params: SignatureParams) -> list[tuple[np.ndarray, int]]:
    """For each text: its MinHash values (uint32) and its number of distinct shingles.

    An empty text has size 0 and a signature that matches nothing useful: callers skip it.
    """
    sets = [shingles(t, params.shingle) for t in texts]
    sketches = MinHash.bulk(sets, num_perm=params.num_perm, seed=params.seed,
                            hashfunc=xxhash.xxh32_intdigest)
    return [(m.hashvalues.astype(np.uint32), len(s)) for m, s in zip(sketches, sets)]


def band_keys(signature: np.ndarray, params: SignatureParams) -> list[int]:
    """One signed 64-bit key per band (SQLite's INTEGER), the band number mixed in."""
    b, r = params.bands
    return [xxhash.xxh3_64_intdigest(signature[i * r:(i + 1) * r].tobytes(), seed=i) - (1 << 63)
            for i in range(b)]


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)

"""Signatures: the words are match_tokens' words, each hashed once; the MinHash is datasketch's."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.dedup.minhash import (
    EMPTY,
    SignatureParams,
    Signer,
    band_key_rows,
    band_keys,
    similarity,
)
from scraper.dedup.shingles import Shingler
from scraper.textnorm import match_tokens

M64 = (1 << 64) - 1


def _fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & M64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & M64
    return h ^ (h >> 33)


def word_hash(word: str) -> int:
    """The word hash as documented, one character at a time (the numpy code's reference)."""
    h = sum(ord(ch) * pow(0x100000001B3, j, 1 << 64) for j, ch in enumerate(word))
    return _fmix64((h + len(word) * 0x9E3779B97F4A7C15) & M64)


def shingle_set(text: str, k: int) -> set[int]:
    """The distinct k-shingle hashes of `text`, from match_tokens' words, in Python."""
    words = [word_hash(w) for w in match_tokens(text)]
    if 0 < len(words) < k:
        windows = [words]
    else:
        windows = [words[i:i + k] for i in range(len(words) - k + 1)]
    out = set()
    for window in windows:
        h = window[0]
        for w in window[1:]:
            h = (h * 0x9E3779B97F4A7C15 + w) & M64
        out.add(_fmix64(h) >> 32)
    return out


@pytest.fixture(scope="module")
def shingler() -> Shingler:
    return Shingler(3)


TRICKY = [
    "",
    "...  ,,, --",
    "Satu",
    "Dua kata",
    "Tiga kata saja",
    "Presiden Joko Widodo, 12/10/2024: \u201cKita siap,\u201d katanya.",
    "Stra\u00dfe STRASSE stra\u00dfe gro\u00df",           # casefold lengthens: ß -> ss
    "Cafe\u0301 caf\u00e9 CAF\u00c9 cafe\u0301s",        # NFC joins e + combining acute
    "ma\u00adsya\u200brakat ber\u200dkembang \ufeffdi\u2060sini",  # invisible inside words
    "emoji \U0001F600 between words \U0001F600\U0001F600 and \U0001D400\U0001D401 letters",
    "snake_case_name and 3.14 or 1,000,000 items_",
    "\u4e2d\u6587\u5b57 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u0939\u093f\u0928\u094d\u0926\u0940 \u03a3\u03bf\u03c6\u03af\u03b1",
    "line one\nline two\n\nline three\n",
    "\u0345 \u1e9e \ufb01le \u0130stanbul",              # folds to a word character; to several
    "cut \ud83d emoji and a\udc00b lone surrogates",    # from JSON escapes cut in half
]


def test_words_and_their_hashes_are_those_of_match_tokens(shingler: Shingler) -> None:
    hashes, first = shingler.token_hashes(TRICKY)
    for i, text in enumerate(TRICKY):
        assert hashes[first[i]:first[i + 1]].tolist() == \
            [word_hash(w) for w in match_tokens(text)], text


@pytest.mark.parametrize("k", [1, 3, 5])
def test_shingle_sets_match_the_python_definition_alone_and_in_any_batch(k: int) -> None:
    shingler = Shingler(k)
    together = shingler.shingle_sets(TRICKY)
    for i, text in enumerate(TRICKY):
        expected = sorted(shingle_set(text, k))
        assert together[i].tolist() == expected, text
        assert shingler.shingle_sets([text])[0].tolist() == expected, text
    assert together.sizes().tolist() == [len(shingle_set(t, k)) for t in TRICKY]


#: Characters where the numpy path could part from match_tokens, among any others.
_AWKWARD = st.sampled_from(list("aZ \n_1.\u00df\u1e9e\u0301\u0345\u00ad\u200b\ufeff\u0130"
                                "\U0001F600\U0001D400\u4e2d"))
_SHINGLER = Shingler(3)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(st.one_of(_AWKWARD, st.characters()), max_size=40), max_size=6))
def test_any_texts_give_match_tokens_words_and_shingles(texts: list[str]) -> None:
    hashes, first = _SHINGLER.token_hashes(texts)
    sets = _SHINGLER.shingle_sets(texts)
    for i, text in enumerate(texts):
        assert hashes[first[i]:first[i + 1]].tolist() == \
            [word_hash(w) for w in match_tokens(text)]
        assert sets[i].tolist() == sorted(shingle_set(text, 3))


def test_signature_is_datasketchs_minhash_of_the_shingle_hashes() -> None:
    params = SignatureParams()
    signer = Signer(params)
    long = " ".join(f"kata{i}" for i in range(9000))  # 8,998 shingles: permuted in 3 parts
    texts = ["Presiden meresmikan bendungan baru di Jawa Tengah pada hari Senin pagi.",
             TRICKY[6], "Satu", "", long]
    sigs, sizes = signer.signatures(texts)
    sets = signer.shingler.shingle_sets(texts)
    for i, text in enumerate(texts):
        ours = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=int)
        ours.update_batch(sets[i].tolist())
        assert ours.scheme == "affine32"
        assert sigs[i].tolist() == ours.hashvalues.tolist()
        assert sizes[i] == len(shingle_set(text, 3))
    assert (sigs[3] == EMPTY).all() and sizes[3] == 0


def test_estimated_similarity_follows_the_exact_jaccard() -> None:
    base = " ".join(f"kata{i} lain{i % 7} berita{i % 13}" for i in range(300))
    words = base.split()
    signer = Signer(SignatureParams())
    variants = [" ".join(words[:n]) for n in (900, 700, 500, 300)]
    sigs, _ = signer.signatures([base, *variants])
    exact = [len(shingle_set(base, 3) & shingle_set(v, 3)) / len(shingle_set(base, 3) |
             shingle_set(v, 3)) for v in variants]
    # 128 permutations: the estimate's standard deviation is at most 0.045
    for sig, jaccard in zip(sigs[1:], exact):
        assert abs(similarity(sigs[0], sig) - jaccard) < 0.15


def test_signatures_of_a_text_do_not_depend_on_its_batch() -> None:
    signer = Signer(SignatureParams())
    texts = [f"Berita nomor {i}: " + " ".join(f"kata{j * i}" for j in range(400))
             for i in range(20)] + TRICKY
    together, sizes = signer.signatures(texts)
    for i, text in enumerate(texts):
        alone, size = signer.signatures([text])
        assert alone[0].tolist() == together[i].tolist() and size[0] == sizes[i]


def test_a_text_longer_than_the_kept_powers_is_signed_alike() -> None:
    shingler = Shingler(3)
    long = " ".join(f"w{i % 5000}" for i in range(100_000))  # 590,000 characters
    assert len(long) > 1 << 19
    assert shingler.shingle_sets([long])[0].tolist() == sorted(shingle_set(long, 3))


def test_band_keys_change_with_their_band_only() -> None:
    params = SignatureParams()
    b, r = params.bands
    sig = np.arange(params.num_perm, dtype=np.uint32) * 7919
    other = sig.copy()
    other[r * 5] += 1  # one value of band 5
    keys, changed = band_key_rows(np.stack([sig, other]), params).tolist()
    assert len(keys) == b and len(set(keys)) == b  # the band number is mixed in
    assert [i for i in range(b) if keys[i] != changed[i]] == [5]
    assert band_keys(sig, params) == keys
    assert all(-(1 << 63) <= k < (1 << 63) for k in keys)  # SQLite's INTEGER

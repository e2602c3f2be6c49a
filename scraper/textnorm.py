"""Text normalisation shared by every stage: one definition of "the same text"."""

from __future__ import annotations

import re
import unicodedata

# Characters that only change how text looks, never what it says.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"\w+")


def tidy(text: str) -> str:
    """NFC-normalise, drop invisible characters and collapse runs of white space to one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def match_key(text: str) -> str:
    """A key under which two texts count as the same when they differ only in case,
    white space, quotes or punctuation."""
    return _NON_WORD.sub(" ", tidy(text).casefold()).strip()


def words(text: str) -> list[str]:
    """Unicode word tokens (``\\w+``): the unit of word counts and shingles."""
    return _WORD.findall(text)

"""Text normalisation shared by every stage: one definition of "the same text"."""

from __future__ import annotations

import re
import unicodedata

# Characters that only change how text looks, never what it says.
# (A regex, not str.translate with a dict: translate looks up every character in Python.)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_WORD = re.compile(r"\w+")


def tidy(text: str) -> str:
    """NFC-normalise, drop invisible characters and collapse runs of white space to one space."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def match_tokens(text: str) -> list[str]:
    """The words of `match_key`, in order (the units of shingles)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _WORD.findall(_INVISIBLE.sub("", text).casefold())


def match_key(text: str) -> str:
    """A key under which two texts count as the same when they differ only in case,
    white space, quotes or punctuation (other than the underscore, a word character)."""
    return " ".join(match_tokens(text))


def words(text: str) -> list[str]:
    """Unicode word tokens (``\\w+``): the unit of word counts and shingles."""
    return _WORD.findall(text)

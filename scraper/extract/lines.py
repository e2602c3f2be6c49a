"""Text as a sequence of lines, and the shape tests the cleaning rules are built on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.textnorm import match_key, tidy

# A sentence end: . ; : or an ellipsis (or the full stops of other scripts: Chinese and
# Japanese 。！？, Myanmar ။, Devanagari ।, Arabic ؟ and Urdu ۔), then any closing quotes or
# brackets, and perhaps a short tag in brackets such as editor initials: "... pada Kamis
# sore. (mdk/yan)".
_PROSE_END = re.compile(r"[.;:…。！？။।؟۔]['\"”’»)\]]*(?:\s*\([^()]{1,15}\))?\Z")
_LIST_MARK = re.compile(r"^(?:[-–•*·▪◦●]\s|\d{1,2}[.)]\s|[a-z][.)]\s)", re.IGNORECASE)
_DATELINE = re.compile(r"^[^.!?]{1,60}\s[-–—]\Z")

#: Lines longer than this many words are prose whatever their ending.
MAX_HEADLINE_WORDS = 30
# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Chinese,
# Japanese): there a line's length in words is read from its characters.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff"
                       r"\u3400-\u9fff\uf900-\ufaff]")
#: Characters of such scripts per word, about (a Thai word runs longer than a Chinese one:
#: one figure keeps it simple and errs towards short).
_CHARS_PER_WORD = 3


@dataclass(slots=True)
class Line:
    """One line of a document on its way through the cleaner."""

    text: str
    block_start: bool  # a blank line (or the start of the document) stands before it
    keep: bool = True
    role: str = "body"  # body | heading | item | row | title | list_header
    linked: bool = False  # most of its text is in links (HTML only)
    # The same text as an earlier element of the same tag and parent (HTML only): the
    # author's own repeat, which stays where other repeats go.
    twin: bool = False
    why: str = ""  # the rule that dropped it, for debugging
    key: str = ""  # match_key(text), worked out once: every pass compares lines by it

    def __post_init__(self) -> None:
        self.key = match_key(self.text)

    def drop(self, why: str) -> None:
        self.keep = False
        self.why = why

    @property
    def n_words(self) -> int:
        return word_count(self.text)


def split_lines(text: str) -> list[Line]:
    """Split a dump into tidied, non-empty lines, noting where blank lines stood.

    In a hard-wrapped document (most long lines 40-100 characters) a line with no sentence
    end followed, in the same block, by a line starting in lower case continues it.
    """
    result: list[Line] = []
    block_start = True
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = tidy(raw)
        if line:
            result.append(Line(line, block_start))
        block_start = not line
    return _unwrap(result) if _hard_wrapped(result) else result


def _hard_wrapped(lines: list[Line]) -> bool:
    long = [len(l.text) for l in lines if len(l.text) >= 40]
    return len(long) >= 5 and sum(n <= 100 for n in long) >= 0.8 * len(long)


def _unwrap(lines: list[Line]) -> list[Line]:
    joined: list[Line] = []
    for line in lines:
        prev = joined[-1] if joined else None
        if (prev is not None and not line.block_start and len(prev.text) >= 40
                and not ends_sentence(prev.text) and line.text[0].islower()):
            prev.text = f"{prev.text} {line.text}"
            prev.key = match_key(prev.text)
        else:
            joined.append(line)
    return joined


def word_count(text: str) -> int:
    """Words in `text`; in scripts without spaces, its characters over _CHARS_PER_WORD."""
    words = len(text.split())
    if text.isascii():
        return words
    return max(words, len(_UNSPACED.findall(text)) // _CHARS_PER_WORD)


def ends_sentence(text: str) -> bool:
    """True when the text ends with a sentence end (. ; : or an ellipsis, then closing quotes)."""
    return bool(_PROSE_END.search(text))


def is_prose(text: str) -> bool:
    """True for a sentence-like line: it ends like a sentence or is too long for a headline."""
    return ends_sentence(text) or word_count(text) > MAX_HEADLINE_WORDS


def is_heading(text: str) -> bool:
    """A short line that does not end like a sentence: a headline, heading or list item."""
    return not is_prose(text)


def is_headline_like(text: str) -> bool:
    """A heading without a list marker: what menus and lists of other stories are made of."""
    return is_heading(text) and not _LIST_MARK.match(text)


def is_dateline(text: str) -> bool:
    """A place (and agency) line ending in a dash that opens the first paragraph:
    "Warta Ekonomi, Moskow -"."""
    return bool(_DATELINE.match(text))

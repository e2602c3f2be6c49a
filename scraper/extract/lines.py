"""Text as a sequence of lines, and the shape tests the cleaning rules are built on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from scraper.textnorm import match_key, tidy

# A sentence end: . ; : or an ellipsis, then any closing quotes or brackets, and perhaps a
# short tag in brackets such as editor initials: "... pada Kamis sore. (mdk/yan)".
_PROSE_END = re.compile(r"[.;:…。！？]['\"”’»)\]]*(?:\s*\([^()]{1,15}\))?\Z")
_LIST_MARK = re.compile(r"^(?:[-–•*·▪◦●]\s|\d{1,2}[.)]\s|[a-z][.)]\s)", re.IGNORECASE)
_DATELINE = re.compile(r"^[^.!?]{1,60}\s[-–—]\Z")

#: Lines longer than this many words are prose whatever their ending.
MAX_HEADLINE_WORDS = 30


@dataclass(slots=True)
class Line:
    """One line of a document on its way through the cleaner."""

    text: str
    block_start: bool  # a blank line (or the start of the document) stands before it
    keep: bool = True
    role: str = "body"  # body | heading | item | row | title | list_header
    why: str = ""  # the rule that dropped it, for debugging
    key: str = ""  # match_key(text), worked out once: every pass compares lines by it

    def __post_init__(self) -> None:
        self.key = match_key(self.text)

    def drop(self, why: str) -> None:
        self.keep = False
        self.why = why

    @property
    def n_words(self) -> int:
        return len(self.text.split())


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


def ends_sentence(text: str) -> bool:
    """True when the text ends with a sentence end (. ; : or an ellipsis, then closing quotes)."""
    return bool(_PROSE_END.search(text))


def is_prose(text: str) -> bool:
    """True for a sentence-like line: it ends like a sentence or is too long for a headline."""
    return ends_sentence(text) or len(text.split()) > MAX_HEADLINE_WORDS


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

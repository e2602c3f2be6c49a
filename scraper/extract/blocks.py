"""A parsed page as text blocks: runs of inline text inside one block-level element (a
<br> also ends one), in document order, each knowing how much of it is link text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import NavigableString, Tag

from scraper.extract.dom import BLOCK_TAGS, CELL_TAGS, SKIPPED_STRINGS

HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_SPACES = re.compile(r"\s+")
#: A block this many levels below an <a> is link text (cards: <a><div><p>summary</p></div></a>).
_LINK_WRAP_LEVELS = 3
#: How far up a block's link is looked for, and how much more text makes it a card.
_CARD_DEPTH = 6
_CARD_EXTRA_CHARS = 20


@dataclass(slots=True)
class Block:
    """A run of text in one block-level element."""

    text: str
    link_chars: int
    container: Tag

    @property
    def link_density(self) -> float:
        return self.link_chars / len(self.text) if self.text else 0.0

    @property
    def tag(self) -> str:
        return self.container.name

    @property
    def in_card(self) -> bool:
        """Inside a link that holds more text than the block (a card linking to another
        story: its headline, its date)? A link holding only the block is its own (a
        blog's permalink date)."""
        for depth, parent in enumerate(self.container.parents):
            if depth >= _CARD_DEPTH or parent.name in ("body", "html"):
                return False
            if parent.name == "a":
                return len(parent.get_text()) > len(self.text) + _CARD_EXTRA_CHARS
        return False

    @property
    def role(self) -> str:
        """How the text rules should treat it: "row" (a table row, cells joined by " | "),
        "heading", "item" (a list item) or "body"."""
        name = self.container.name
        if name == "tr":
            return "row"
        if name in HEADINGS:
            return "heading"
        return "item" if name in ("li", "dt", "dd") else "body"


def text_blocks(root: Tag) -> list[Block]:
    """The text runs under `root`, in document order (iterative: deep pages are safe)."""
    blocks: list[Block] = []
    parts: list[str] = []
    link_chars = 0
    current: Tag | None = None

    def flush() -> None:
        nonlocal parts, link_chars
        if parts and current is not None:
            text = _SPACES.sub(" ", "".join(parts)).strip()
            if text:
                blocks.append(Block(text, min(link_chars, len(text)), current))
        parts, link_chars = [], 0

    block_of: dict[int, tuple[Tag, bool]] = {}  # id(parent) -> (block container, inside <a>)
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name in BLOCK_TAGS or node.name == "br":
                flush()
            elif node.name in CELL_TAGS and "".join(parts).strip():
                parts.append(" | ")
            continue
        if isinstance(node, SKIPPED_STRINGS) or not isinstance(node, NavigableString):
            continue
        parent = node.parent
        found = block_of.get(id(parent))
        if found is None:
            found = _container(parent)
            block_of[id(parent)] = found
        container, in_link = found
        if container is not current:
            flush()
            current = container
        parts.append(str(node))
        if in_link:
            link_chars += len(node.strip())
    flush()
    return blocks


def _container(tag: Tag) -> tuple[Tag, bool]:
    """The block element holding `tag`'s text, and whether that text is link text: inside
    an <a> below the block, or a few levels above it (a teaser card wrapped in one link)."""
    in_link = False
    while tag is not None and tag.name not in BLOCK_TAGS:
        if tag.name == "a":
            in_link = True
        tag = tag.parent
    above = tag.parent if tag is not None else None
    for _ in range(_LINK_WRAP_LEVELS):
        if in_link or above is None:
            break
        in_link = above.name == "a"
        above = above.parent
    return tag, in_link

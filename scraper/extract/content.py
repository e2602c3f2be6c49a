"""Find the article's text blocks in a parsed page.

1. Text blocks: runs of inline text inside one block-level element (a <br> also ends
   one), each knowing how many of its characters are link text.
2. Scores: every prose-like block scores for its container, less for the container's
   parent and grandparent; a container's score is cut by its link density and moved by
   what its class and id say.
3. The best container and its strong siblings hold the article; their blocks, minus
   link lists, are the body.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from bs4 import NavigableString, Tag

from scraper.extract.dom import (
    BLOCK_TAGS,
    CELL_TAGS,
    NEVER_TEXT,
    SKIPPED_STRINGS,
    class_and_id,
    is_gone,
    is_hidden,
)

# Class and id words, judged one class name at a time.
#: Always furniture, whatever its size: nothing in a comment thread is the article.
_ALWAYS = re.compile(r"comment|disqus|respond|replies|reply-?form")
#: Furniture unless the box holds half the page's text (then it is a layout wrapper such
#: as "content-with-sidebar").
_STRONG = re.compile(
    r"share|sharing|social|related|sidebar|outbrain|taboola|newsletter|subscri|"
    r"cookie|consent|footer|breadcrumb|navbar|menu|recommend|trending|popular|most-?read|"
    r"promo|advert|sponsor|banner|signup|sign-up|popup|byline|author|caption|credit|"
    r"tag-?list|keywords|baca-?juga|lihat-?juga|terkait|rekomendasi|read-?also")
#: Furniture only as a whole word of a class name ("figure", not "figures") and when the
#: same class name has no content word in it ("entry-content-read-more" is the article).
_WEAK_WORDS = frozenset((
    "meta", "date", "time", "hide", "hidden", "print", "tool", "tools", "follow", "video",
    "photo", "img", "image", "figure", "media", "gallery", "thumb", "thumbnail", "pager",
    "pagination", "login", "toolbar", "rating", "copyright", "skip", "ad", "ads", "nav",
    "modal", "widget", "readmore", "more", "sronly"))
_NAME_WORDS = re.compile(r"[^a-z0-9]+")
_POSITIVE = re.compile(
    r"article|body|content|entry|main|post|story|text|blog|detail|read|isi|berita|news")
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
#: Paragraph-level elements: they hold text but are never the article's container.
_PARAGRAPHS = frozenset(("p", "pre", "blockquote", "td", "th", "dd", "dt", "li", "tr",
                         "caption", "summary", "legend", "address", *_HEADINGS))
_SPACES = re.compile(r"\s+")

#: Blocks with fewer content (non-link) characters than this do not vote for a container.
MIN_VOTING_CHARS = 25
#: A block whose share of link text is higher than this is a link list, not prose.
MAX_LINK_DENSITY = 0.5
#: A sibling of the best container joins it with at least this much prose (characters).
MIN_SIBLING_PROSE = 100
#: A lone <p> beside the best container joins it with at least this much prose.
MIN_SIBLING_PARAGRAPH = 80
#: A box named as furniture that holds more prose than this (characters) is a wrapper.
MAX_FURNITURE_PROSE = 1000


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
    def role(self) -> str:
        """How the text rules should treat it: "row" (a table row, cells joined by " | "),
        "heading", "item" (a list item) or "body"."""
        name = self.container.name
        if name == "tr":
            return "row"
        if name in _HEADINGS:
            return "heading"
        return "item" if name in ("li", "dt", "dd") else "body"


def prune(index: dict[str, list[Tag]]) -> None:
    """Remove elements that never hold article text, and hidden elements. (Boxes named as
    page furniture are judged later, once it is known how much of the article they hold.)
    `index` is `dom.tags_by_name` of the page."""
    for name in NEVER_TEXT:
        for tag in index.get(name, ()):
            if not is_gone(tag):
                tag.decompose()
    for tags in index.values():
        for tag in tags:
            if not is_gone(tag) and tag.attrs and is_hidden(tag):
                tag.decompose()


def drop_link_lead_ins(anchors: list[Tag], lead_in: re.Pattern[str]) -> None:
    """Remove "Baca juga: <a>Headline</a>" inside paragraphs: the link and its lead-in.
    `anchors` are the page's <a> elements; `lead_in` matches at the end of the text
    before a link (see the rule tables' link_lead_in)."""
    for anchor in anchors:
        if is_gone(anchor):
            continue
        before = anchor.previous_sibling
        if before is None and anchor.parent is not None and anchor.parent.name in ("b", "strong", "em", "span"):
            before = anchor.parent.previous_sibling  # "<strong>Baca juga:</strong> <a>"
        while isinstance(before, NavigableString) and not before.strip():
            before = before.previous_sibling
        if before is None:
            continue
        text = before if isinstance(before, NavigableString) else before.get_text()
        match = lead_in.search(str(text))
        if match is None:
            continue
        if isinstance(before, NavigableString):
            rest = str(before)[: match.start()]
            before.replace_with(rest) if rest.strip() else before.extract()
        else:
            before.decompose()
        anchor.decompose()


def furniture_level(tag: Tag) -> int:
    """How surely the element's class or id names page furniture: 3 always (comments),
    2 strong (share bars, related links ...), 1 weak (a meta or photo box), 0 not."""
    names = class_and_id(tag)
    if not names or tag.name in ("html", "body"):
        return 0
    level = 0
    for name in names.split():
        if _ALWAYS.search(name):
            return 3
        if _STRONG.search(name):
            level = 2
        elif level == 0 and not _POSITIVE.search(name) \
                and not _WEAK_WORDS.isdisjoint(_NAME_WORDS.split(name)):
            level = 1
    return level


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
    in_link = False
    while tag is not None and tag.name not in BLOCK_TAGS:
        if tag.name == "a":
            in_link = True
        tag = tag.parent
    return tag, in_link


def main_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks of the article: those inside the best-scoring container or a strong
    sibling of it, minus link lists and furniture boxes inside it."""
    if not blocks:
        return []
    total: defaultdict[int, int] = defaultdict(int)
    links: defaultdict[int, int] = defaultdict(int)
    tags: dict[int, Tag] = {}
    prose: defaultdict[int, int] = defaultdict(int)  # characters of prose-like blocks
    chains: list[list[int]] = []
    for block in blocks:
        chain = []
        el = block.container
        content = len(block.text) - block.link_chars
        is_prose = content >= MIN_VOTING_CHARS and block.link_density <= MAX_LINK_DENSITY
        while el is not None and el.name != "[document]":
            key = id(el)
            tags[key] = el
            total[key] += len(block.text)
            links[key] += block.link_chars
            if is_prose:
                prose[key] += content
            chain.append(key)
            el = el.parent
        chains.append(chain)
    page_chars = max(total.values())
    level = {key: furniture_level(tag) for key, tag in tags.items()}

    def furniture(key: int, region_chars: int, weakest: int) -> bool:
        """Is the element furniture of at least level `weakest`? Comment boxes always
        are; a share bar or author box holds little of the region's text and prose, so a
        box so named that holds an article's worth is a misnamed wrapper
        ("author-and-share" on okezone)."""
        if level[key] < weakest:
            return False
        return level[key] == 3 or (total[key] < 0.5 * region_chars
                                   and prose[key] < MAX_FURNITURE_PROSE)

    score: defaultdict[int, float] = defaultdict(float)
    for block, chain in zip(blocks, chains):
        content = len(block.text) - block.link_chars
        if content < MIN_VOTING_CHARS or block.link_density > MAX_LINK_DENSITY:
            continue
        if any(furniture(key, page_chars, weakest=2) for key in chain):
            continue  # text in comments or a sidebar does not vote
        vote = 1 + block.text.count(",") + block.text.count("،") + min(content / 100, 3)
        # Votes go to the paragraph's container and two levels above, never to the
        # paragraph itself: a container of many paragraphs beats one long paragraph.
        containers = [key for key in chain if tags[key].name not in _PARAGRAPHS]
        for weight, key in zip((1.0, 0.5, 1 / 3), containers):
            score[key] += vote * weight

    def final(key: int) -> float:
        el = tags[key]
        density = links[key] / total[key] if total[key] else 0.0
        factor = 1.0
        names = class_and_id(el)
        if names and _POSITIVE.search(names):
            factor *= 1.25
        if level[key]:
            factor *= 0.5
        if el.name in ("article", "main"):
            factor *= 1.25
        return score[key] * factor * (1 - density)

    candidates = [k for k in score if tags[k].name not in ("html", "body")] or list(score)
    if not candidates:
        return []
    best_key = max(candidates, key=final)
    best = tags[best_key]
    chosen = {best_key}
    # Siblings with a fifth of the best score and some real prose are the same article
    # split by an ad or an image (antaranews puts its lead paragraphs in their own div).
    threshold = 0.2 * final(best_key)
    if best.parent is not None:
        for sibling in best.parent.find_all(True, recursive=False):
            key = id(sibling)
            if key == best_key:
                continue
            if (key in score and final(key) >= threshold and prose[key] >= MIN_SIBLING_PROSE) \
                    or (sibling.name == "p" and prose.get(key, 0) >= MIN_SIBLING_PARAGRAPH
                        and links[key] <= MAX_LINK_DENSITY * total[key]):
                chosen.add(key)  # a stray paragraph beside the article belongs to it
    region_chars = sum(total[k] for k in chosen)

    def keep(block: Block, chain: list[int]) -> bool:
        for key in chain:
            if key in chosen:
                return not (block.link_density > MAX_LINK_DENSITY and block.tag not in _HEADINGS)
            # Inside the region even a weakly named box (a photo or meta box) goes.
            if furniture(key, region_chars, weakest=1):
                return False
        return False

    return [b for b, chain in zip(blocks, chains) if keep(b, chain)]



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
from collections import Counter, defaultdict
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
#: ("commented" and "commentary" describe the article itself, not a thread.)
_ALWAYS = re.compile(r"comment(?!ed|ary|ator)|disqus|respond|replies|reply-?form")
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
#: What titles the part after it: a sub-heading (an <h1> is the page's headline), a
#: table's caption or header row.
_TITLES = frozenset(("h2", "h3", "h4", "h5", "h6", "caption", "thead"))
#: Paragraph-level elements: they hold text but are never the article's container.
_PARAGRAPHS = frozenset(("p", "pre", "blockquote", "td", "th", "dd", "dt", "li", "tr",
                         "caption", "summary", "legend", "address", *_HEADINGS))
_SPACES = re.compile(r"\s+")

#: A block this many levels below an <a> is link text (cards: <a><div><p>summary</p></div></a>).
_LINK_WRAP_LEVELS = 3

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
#: A standfirst is looked for this many blocks back from the article, after the headline...
STANDFIRST_REACH = 8
#: ... and has at least this many characters of text that is not a link.
MIN_STANDFIRST_CHARS = 60
#: An element continues the article when at least this share of its text is prose...
CONTINUE_PROSE_SHARE = 0.6
#: ... and no more than this share is link text.
CONTINUE_LINK_DENSITY = 0.3
#: A short element (characters) between two parts of the article is kept with them.
MAX_FILLER_CHARS = 200
#: The region stops growing at an ancestor whose other text is more than this share of
#: the article's prose.
MAX_FOREIGN_SHARE = 0.3


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


def _style(tag: Tag) -> tuple[str, str]:
    return tag.name, tag.attrs.get("class") or ""


def main_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks of the article: the best-scoring container, grown over the siblings
    and ancestors that continue it, minus link lists and furniture boxes inside it."""
    if not blocks:
        return []
    tree = _Tree(blocks)
    best = tree.best()
    if best is None:
        return []
    chosen, loose = tree.grow(best)
    region_chars = sum(tree.total[k] for k in chosen)

    def keep(block: Block, chain: list[int]) -> bool:
        if chain and chain[0] in loose:
            return block.link_density <= MAX_LINK_DENSITY
        for key in chain:
            if key in chosen:
                return not _link_list(block, chain, tree)
            # Inside the region even a weakly named box (a photo or meta box) goes, but
            # not a sub-heading for its name ("subheading nav_section_1").
            if tree.furniture(key, region_chars, weakest=1) and not (
                    key == chain[0] and block.tag in _HEADINGS and tree.level[key] == 1):
                return False
        return False

    kept = [keep(b, chain) for b, chain in zip(blocks, tree.chains)]
    _keep_standfirst(blocks, kept, tree)
    return [b for b, k in zip(blocks, kept) if k]


def _link_list(block: Block, chain: list[int], tree: _Tree) -> bool:
    """Is the block (inside the article) part of a list of links? A paragraph is when
    most of its text is link text; an item or a table row only when its whole list or
    table is (a list of changes that each name a bug report is the article's)."""
    if block.tag in _HEADINGS or block.link_density <= MAX_LINK_DENSITY:
        return False
    if block.tag in ("li", "dt", "dd", "tr") and len(chain) > 1:
        return tree.link_density(chain[1]) > MAX_LINK_DENSITY
    return True


def _keep_standfirst(blocks: list[Block], kept: list[bool], tree: _Tree) -> None:
    """Keep the standfirst: prose between the headline (the last <h1> before the article)
    and the article's first block, which sites set in the article's header, outside the
    body's container. A date or byline line there is too short or too link-heavy to pass."""
    if True not in kept:
        return
    start = kept.index(True)
    headline = next((i for i in range(start - 1, max(-1, start - 1 - STANDFIRST_REACH), -1)
                     if blocks[i].tag == "h1"), None)
    if headline is None:
        return
    for i in range(headline + 1, start):
        block = blocks[i]
        if (len(block.text) - block.link_chars >= MIN_STANDFIRST_CHARS
                and block.link_density <= 0.1 and block.tag not in _HEADINGS
                and not any(tree.furniture(key, tree.page_chars, weakest=1)
                            for key in tree.chains[i])):
            kept[i] = True


class _Tree:
    """Per-element sums over the text blocks below each element, keyed by id(element):
    characters of text, of link text and of prose, the furniture level and the vote."""

    def __init__(self, blocks: list[Block]) -> None:
        self.total: defaultdict[int, int] = defaultdict(int)
        self.links: defaultdict[int, int] = defaultdict(int)
        self.prose: defaultdict[int, int] = defaultdict(int)  # characters of prose-like blocks
        self.tags: dict[int, Tag] = {}
        self.chains: list[list[int]] = []  # per block: its container and every ancestor
        #: Per element, the index of its first and last block (an element's blocks are
        #: consecutive: they come in document order).
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.blocks = blocks
        for i, block in enumerate(blocks):
            chain = []
            el = block.container
            content = len(block.text) - block.link_chars
            is_prose = content >= MIN_VOTING_CHARS and block.link_density <= MAX_LINK_DENSITY
            while el is not None and el.name != "[document]":
                key = id(el)
                self.tags[key] = el
                self.total[key] += len(block.text)
                self.links[key] += block.link_chars
                if is_prose:
                    self.prose[key] += content
                chain.append(key)
                self.first.setdefault(key, i)
                self.last[key] = i
                el = el.parent
            self.chains.append(chain)
        self.page_chars = max(self.total.values())
        self.level = {key: furniture_level(tag) for key, tag in self.tags.items()}
        self.score = self._votes(blocks)

    def furniture(self, key: int, region_chars: int, weakest: int) -> bool:
        """Is the element furniture of at least level `weakest`? Comment boxes always
        are; a share bar or author box holds little of the region's text and prose, so a
        box so named that holds an article's worth is a misnamed wrapper
        ("author-and-share" on okezone)."""
        if self.level[key] < weakest:
            return False
        return self.level[key] == 3 or (self.total[key] < 0.5 * region_chars
                                        and self.prose[key] < MAX_FURNITURE_PROSE)

    def _votes(self, blocks: list[Block]) -> defaultdict[int, float]:
        score: defaultdict[int, float] = defaultdict(float)
        for block, chain in zip(blocks, self.chains):
            content = len(block.text) - block.link_chars
            if content < MIN_VOTING_CHARS or block.link_density > MAX_LINK_DENSITY:
                continue
            if any(self.furniture(key, self.page_chars, weakest=2) for key in chain):
                continue  # text in comments or a sidebar does not vote
            vote = 1 + block.text.count(",") + block.text.count("،") + min(content / 100, 3)
            # Votes go to the paragraph's container and two levels above, never to the
            # paragraph itself: a container of many paragraphs beats one long paragraph.
            containers = [key for key in chain if self.tags[key].name not in _PARAGRAPHS]
            for weight, key in zip((1.0, 0.5, 1 / 3), containers):
                score[key] += vote * weight
        return score

    def final(self, key: int) -> float:
        el = self.tags[key]
        density = self.links[key] / self.total[key] if self.total[key] else 0.0
        factor = 1.0
        names = class_and_id(el)
        if names and _POSITIVE.search(names):
            factor *= 1.25
        if self.level[key]:
            factor *= 0.5
        if el.name in ("article", "main"):
            factor *= 1.25
        return self.score[key] * factor * (1 - density)

    def best(self) -> int | None:
        candidates = [k for k in self.score
                      if self.tags[k].name not in ("html", "body")] or list(self.score)
        return max(candidates, key=self.final) if candidates else None

    def link_density(self, key: int) -> float:
        return self.links[key] / self.total[key] if self.total[key] else 0.0

    def styles(self, key: int) -> Counter[tuple[str, str]]:
        """Prose characters below the element by paragraph style (the block's tag and
        class): the article's paragraphs share one, a list of teasers has its own."""
        found: Counter[tuple[str, str]] = Counter()
        for block in self.blocks[self.first[key]:self.last[key] + 1]:
            content = len(block.text) - block.link_chars
            if content >= MIN_VOTING_CHARS and block.link_density <= MAX_LINK_DENSITY:
                found[_style(block.container)] += content
        return found

    def continues(self, key: int, article_styles: Counter[tuple[str, str]]) -> bool:
        """Does the element read like more of the article: mostly prose, few links, not
        named as furniture, and written in the article's paragraph style (or a single
        paragraph without links, as a standfirst is)?"""
        prose = self.prose[key]
        if not (prose >= MIN_SIBLING_PARAGRAPH and prose >= CONTINUE_PROSE_SHARE * self.total[key]
                and self.link_density(key) <= CONTINUE_LINK_DENSITY
                and not self.furniture(key, self.page_chars, weakest=2)):
            return False
        if self.last[key] - self.first[key] < 2 and not self.links[key]:
            return True
        styles = self.styles(key)
        same = sum(n for style, n in styles.items() if style in article_styles)
        return same >= 0.5 * prose

    def grow(self, best: int) -> tuple[set[int], set[int]]:
        """The article's region: `best`, then, level by level up its ancestors, every
        sibling that continues it (the body split by ads, newsletter boxes or figures;
        live-blog posts; a standfirst above the body) and the short lines (sub-headings)
        between two such siblings. The climb stops at the first level whose other
        content outweighs what it adds (a sidebar, comments, related stories), or at
        <body>. Returns the chosen elements and the elements whose own loose text is kept."""
        chosen = {best}
        loose: set[int] = set()
        node = self.tags[best]
        region_prose = self.prose[best]
        threshold = 0.2 * self.final(best)
        article_styles = self.styles(best)
        while True:
            parent = node.parent
            if parent is None or parent.name in ("html", "[document]"):
                break
            pkey = id(parent)
            if self.furniture(pkey, self.page_chars, weakest=2):
                break
            children = [c for c in parent.find_all(True, recursive=False) if id(c) in self.total]
            kinds = []
            for child in children:
                key = id(child)
                if child is node:
                    kinds.append("node")
                elif self.continues(key, article_styles) or (
                        _style(child) == _style(node)
                        and self.link_density(key) <= CONTINUE_LINK_DENSITY
                        and not self.furniture(key, self.page_chars, weakest=2)):
                    # (an element shaped like the article's own part is another part of it:
                    # the steps of a how-to, the items of a listicle, the posts of a live blog)
                    kinds.append("good")
                elif self.total[key] <= MAX_FILLER_CHARS and self.link_density(key) <= MAX_LINK_DENSITY \
                        and not self.furniture(key, self.page_chars, weakest=2):
                    kinds.append("filler")
                else:
                    kinds.append("bad")
            own = self.total[pkey] - sum(self.total[id(c)] for c in children)
            good_prose = sum(self.prose[id(c)] for c, k in zip(children, kinds) if k == "good")
            bad = sum(self.total[id(c)] for c, k in zip(children, kinds) if k == "bad")
            clean = bad <= MAX_FOREIGN_SHARE * (region_prose + good_prose)
            picked = []
            for child, kind in zip(children, kinds):
                key = id(child)
                if kind == "good" and (clean or self.final(key) >= threshold
                                       or child.name == "p"):
                    picked.append(key)
            chosen.update(picked)
            # short lines between two kept siblings: sub-headings, bylines of posts
            inside = [i for i, (c, k) in enumerate(zip(children, kinds))
                      if k == "node" or id(c) in chosen]
            if inside:
                for i in range(inside[0], inside[-1] + 1):
                    if kinds[i] == "filler":
                        chosen.add(id(children[i]))
                # and the heading or caption that opens the first of them
                i = inside[0] - 1
                while i >= 0 and kinds[i] == "filler" and children[i].name in _TITLES:
                    chosen.add(id(children[i]))
                    i -= 1
            if own > 0 and clean and parent.name != "body":
                loose.add(pkey)
            region_prose += sum(self.prose[k] for k in picked)
            if not clean or parent.name == "body":
                break
            node = parent
        return chosen, loose

"""Find the article's blocks among a page's text blocks (see blocks.py).

1. Scores: every prose-like block votes for its container, less for the container's
   parent and grandparent; a container's score is cut by its link density and moved by
   what its class and id say.
2. The best container grows, level by level up its ancestors, over the siblings that
   continue it (the article's paragraph style or its own shape, mostly prose, few
   links), until a level's other content outweighs what it adds.
3. Its blocks, minus link lists and furniture boxes, and the standfirst above it, are
   the article.
4. The article starts under its headline (the <h1> or <h2> the <title> spells out): a
   region that leaves out the first paragraph after it gives way to that paragraph's
   container, unless it outscores that many times over and is not another story.
5. A page with next to no prose outside its comment boxes (a forum thread, a live
   commentary) has its text in them.
6. A page with no prose at all and next to no text says only that text (outside links,
   comments and sidebars).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import lru_cache

from bs4 import Tag

from scraper.extract.blocks import HEADINGS as _HEADINGS
from scraper.extract.blocks import Block
from scraper.extract.dom import class_and_id

# Class and id words, judged one class name at a time.
#: Always furniture, whatever its size: nothing in a comment thread is the article.
#: ("commented" and "commentary" describe the article itself, not a thread; Spanish and
#: Indonesian write "comentarios", "komentar".)
_ALWAYS = re.compile(
    r"comment(?!ed|ary|ator)|comentario|komentar|disqus|respond|replies|reply-?form")
#: Furniture unless the box holds half the page's text (then it is a layout wrapper such
#: as "content-with-sidebar").
_STRONG = re.compile(
    r"share|sharing|social|related|sidebar|outbrain|taboola|newsletter|subscri|"
    r"cookie|consent|footer|breadcrumb|navbar|menu|recommend|trending|popular|most-?read|"
    r"promo|advert|sponsor|banner|signup|sign-up|popup|byline|author|autor|caption|credit|"
    r"tag-?list|keywords|baca-?juga|lihat-?juga|terkait|rekomendasi|read-?also")
#: The quote that embeds a social network's post: a box named as furniture (a share bar,
#: a video box) that holds one holds a post the article quotes.
_EMBEDDED_POST = re.compile(r"twitter-tweet|instagram-media|tiktok-embed|bluesky-embed")
#: Layout modifiers that name a sidebar or menu beside the box, not the box itself
#: ("cb-sidebar-right", "has-sidebar", "with-menu").
_LAYOUT = re.compile(r"(?:sidebar|menu)[-_]?(?:left|right|on|off|open|closed)\b|"
                     r"\b(?:has|with|no|without)[-_]?(?:sidebar|menu)")
#: A class name that says what the box has or lacks ("no_caption", "has-comments",
#: "without-ads") names no box: it is not judged.
_HAS_OR_LACKS = re.compile(r"(?:has|with|no|not|without)[-_]")
#: A blog post's own classes (WordPress's post_class: "post-27097 type-post
#: status-publish category-news tag-comments author-jane"): its categories, tags and
#: taxonomies name what the post is about, never a box.
_POST_CLASS = re.compile(r"(?:^|\s)(?:type-post|status-publish)(?:\s|$)")
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
#: What titles the part after it: a sub-heading (an <h1> is the page's headline), a
#: table's caption or header row.
_TITLES = frozenset(("h2", "h3", "h4", "h5", "h6", "caption", "thead"))
#: Paragraph-level elements: they hold text but are never the article's container.
_PARAGRAPHS = frozenset(("p", "pre", "blockquote", "td", "th", "dd", "dt", "li", "tr",
                         "caption", "summary", "legend", "address", *_HEADINGS))
#: Lists and tables: a part of the article, never its container.
_TABLES = frozenset(("table", "tbody", "thead", "tfoot"))
_LISTS = frozenset(("ul", "ol", "dl", *_TABLES))
_ITEMS = frozenset(("li", "dt", "dd", "tr"))
#: A line set as a title is no longer than this (characters)...
MAX_TITLE_CHARS = 40
#: ... and does not end as a sentence or a clause does.
_LINE_END = re.compile(r"[.!?…:;,\"”»)\]]\s*\Z")
#: A dateline, set apart from the paragraph it opens, ends in a dash.
_DATELINE_END = re.compile(r"[-–—]\s*\Z")
#: At most this many title lines open or close the article's region (more are its own lines).
MAX_CLOSING_TITLES = 6
#: Text outside <body> (a <title>) is a block of <html> or <head>.
_OUTSIDE_BODY = frozenset(("html", "head"))
#: In a paragraph style, stands for every class of its tag.
_ANY_CLASS = "*"


#: Blocks with fewer content (non-link) characters than this do not vote for a container.
MIN_VOTING_CHARS = 25
#: A block whose share of link text is higher than this is a link list, not prose.
MAX_LINK_DENSITY = 0.5
#: A paragraph inside the article is a link (to another story) above this share of link
#: text: one that links a few names or sources is prose.
MAX_PARAGRAPH_LINK_DENSITY = 0.65
#: A list or table inside the article is a list of links (other stories) above this share
#: of link text; below it, a list whose items each link a name or a bug is the article's.
MAX_LIST_LINK_DENSITY = 0.8
#: A heading this long (characters) is an item's text, not a photo's or a video's title.
MIN_PROSE_HEADING_CHARS = 160
#: A box named as furniture that holds more prose than this (characters) is a wrapper.
MAX_FURNITURE_PROSE = 1000
#: A standfirst is looked for this many blocks back from the article, after the headline...
STANDFIRST_REACH = 8
#: ... and has at least this many characters of text that is not a link...
MIN_STANDFIRST_CHARS = 60
#: ... and no more than this share of link text (or, ending as a sentence ends, the
#: higher share: a standfirst that links a name or two; a dateline that links its
#: authors ends in a name).
MAX_STANDFIRST_LINK_DENSITY = 0.1
MAX_SENTENCE_STANDFIRST_LINK_DENSITY = 0.2
_SENTENCE_END = re.compile(r"[.!?…\"”»]\s*\Z")
#: A block this many elements below an <h1> is its text ("<h1><div>Title</div></h1>").
_HEADLINE_DEPTH = 3
#: The page's headline is an <h1> or <h2> whose words run in the page's <title>, at least
#: this share of them (not the site's name in a logo)...
_HEADLINE_TAGS = frozenset(("h1", "h2"))
MIN_HEADLINE_COVER = 0.4
#: ... and the article's first paragraph after it has at least this many characters of
#: text that is not a link (a date or byline line is shorter)...
MIN_LEAD_CHARS = 80
#: ... and a container of it is the article against one that scores up to this many
#: times more but leaves it out.
MAX_HEADLINE_DEFICIT = 8
#: A region of fewer characters than this, holding less than this share of the page's
#: prose, is a wrong turn (an author box or a teaser won): every prose block outside
#: comments and sidebars is the article instead.
FALLBACK_CHARS = 1500
FALLBACK_SHARE = 0.3
#: A page with no prose and less text than this (characters) outside links says only that.
MAX_BARE_TEXT = 200
#: A page with less prose than this (characters) outside comment boxes has its text in
#: them, when they hold `FALLBACK_CHARS` of it and most of the page's.
MAX_BARE_PROSE = 300
#: An element continues the article with at least this much prose (characters)...
MIN_CONTINUING_PROSE = 80
#: ... when at least this share of its text is prose...
CONTINUE_PROSE_SHARE = 0.6
#: ... and no more than this share is link text.
CONTINUE_LINK_DENSITY = 0.2
#: A short element (characters) between two parts of the article is kept with them.
MAX_FILLER_CHARS = 200
#: The region stops growing at an ancestor whose other text is more than this share of
#: the article's prose.
MAX_FOREIGN_SHARE = 0.3


def furniture_level(tag: Tag) -> int:
    """How surely the element's class or id names page furniture: 3 always (comments),
    2 strong (share bars, related links ...), 1 weak (a meta or photo box), 0 not."""
    names = class_and_id(tag)
    if tag.name == "form":
        # a review or login form, its fields gone (or the page's wrapper: ASP.NET sets
        # every page in one, which holds the article's worth and is not judged)
        return max(1, _names_level(names)) if names else 1
    if not names or tag.name in ("html", "body"):
        return 0
    level = _names_level(names)
    if level in (1, 2) and tag.find("blockquote", class_=_EMBEDDED_POST) is not None:
        return 0  # a post quoted from a social network ("social-embed", "video-container")
    return level


@lru_cache(maxsize=4096)
def _names_level(names: str) -> int:
    # Pages repeat a few class strings hundreds of times: judge each once.
    if _POST_CLASS.search(names):
        return 0
    level = 0
    for name in names.split():
        if _HAS_OR_LACKS.match(name):
            continue
        if _ALWAYS.search(name):
            return 3
        if _STRONG.search(name) and not _LAYOUT.search(name):
            level = 2
        elif level == 0 and not _POSITIVE.search(name) \
                and not _WEAK_WORDS.isdisjoint(_NAME_WORDS.split(_bem_base(name))):
            level = 1
    return level


def _bem_base(name: str) -> str:
    """A class name without its BEM modifier: "section--ads" names a section (that has
    an ad in it), not an ad box; "--ads" alone stays as it is."""
    base = name.split("--", 1)[0]
    return base or name


def _style(tag: Tag) -> tuple[str, str]:
    return tag.name, tag.attrs.get("class") or ""


def main_blocks(blocks: list[Block]) -> list[Block]:
    """The blocks of the article: the best-scoring container, grown over the siblings
    and ancestors that continue it, minus link lists and furniture boxes inside it."""
    if not blocks:
        return []
    tree = _Tree(blocks)
    best = tree.best()
    kept = _kept(blocks, tree, best) if best is not None else [False] * len(blocks)
    # The article starts under its headline: when the region leaves out the first
    # paragraph after it, a container of that paragraph scoring at least
    # 1/`MAX_HEADLINE_DEFICIT` of the winner is the article instead (the winner was a
    # review widget, a box of other entries, a sidebar), and so is it, whatever it
    # scores, against a winner below another <h1> (another story, infinite scroll).
    lead = _headline_lead(blocks, tree) if best is not None else None
    if lead is not None and not kept[lead]:
        headed = tree.headed(lead, best)
        other_story = any(_in_headline(tree, i) for i in range(lead, tree.first[best]))
        if headed is not None and (
                other_story or tree.final(headed) * MAX_HEADLINE_DEFICIT >= tree.top_score):
            kept = _kept(blocks, tree, tree.best(headed))
    # A last check, as trafilatura falls back to a baseline: a short region that leaves
    # most of the page's prose out gives way to all of it.
    votes = [tree.votes_for(b, chain) for b, chain in zip(blocks, tree.chains)]
    page_prose = sum(len(b.text) for b, v in zip(blocks, votes) if v)
    kept_prose = sum(len(b.text) for b, k in zip(blocks, kept) if k)
    if kept_prose < FALLBACK_CHARS and kept_prose < FALLBACK_SHARE * page_prose:
        kept = votes
    if not page_prose and sum(len(b.text) - b.link_chars for b in blocks) < MAX_BARE_TEXT:
        # Not one paragraph on the page, and next to no text: what text it has outside
        # links, comments and sidebars is all it says ("Test", a one-line notice).
        kept = [tree.votes_for(b, chain, min_chars=1) for b, chain in zip(blocks, tree.chains)]
    if page_prose < MAX_BARE_PROSE:
        # Next to no prose outside comment boxes (a forum thread, a live match's
        # commentary): the prose of the boxes named for comments is the page's text,
        # when it is most of it (sidebars and the like still go).
        thread = [_prose_block(b) and not any(
                      tree.level[k] == 2 and tree.furniture(k, tree.page_chars, weakest=2)
                      for k in chain) for b, chain in zip(blocks, tree.chains)]
        thread_prose = sum(len(b.text) for b, t in zip(blocks, thread) if t)
        if thread_prose >= FALLBACK_CHARS and page_prose < FALLBACK_SHARE * thread_prose:
            kept = thread
    return [b for b, k in zip(blocks, kept) if k]


def _kept(blocks: list[Block], tree: _Tree, best: int) -> list[bool]:
    """Per block, is it the article's, given the winning container `best`?"""
    chosen, loose = tree.grow(best)
    region_chars = sum(tree.total[k] for k in chosen)

    def keep(block: Block, chain: list[int]) -> bool:
        if chain and chain[0] in loose:
            return block.link_density <= MAX_LINK_DENSITY
        for key in chain:
            if key in chosen:
                return not _link_list(block, chain, tree)
            # Inside the region even a weakly named box (a photo or meta box) goes, but
            # not a sub-heading for its name ("subheading nav_section_1"), nor a heading
            # as long as a paragraph (a listicle's item set in its photo's box).
            if tree.furniture(key, region_chars, weakest=1) and not (
                    block.tag in _HEADINGS and tree.level[key] == 1
                    and (key == chain[0] or len(block.text) >= MIN_PROSE_HEADING_CHARS)):
                return False
        return False

    kept = [keep(b, chain) for b, chain in zip(blocks, tree.chains)]
    _keep_standfirst(blocks, kept, tree)
    _drop_closing_titles(blocks, kept)
    _drop_opening_lines(blocks, kept)
    return kept


def _prose_block(block: Block) -> bool:
    """Is the block prose (long enough, not mostly link text)?"""
    return (len(block.text) - block.link_chars >= MIN_VOTING_CHARS
            and block.link_density <= MAX_LINK_DENSITY)


def _link_list(block: Block, chain: list[int], tree: _Tree) -> bool:
    """Is the block (inside the article) part of a list of links? A paragraph is when
    nearly all its text is link text; an item or a table row only when its whole list or
    table is (a list of changes that each name a bug report is the article's)."""
    if block.tag in _HEADINGS or block.link_density <= MAX_LINK_DENSITY:
        return False
    if block.tag in ("li", "dt", "dd", "tr") and len(chain) > 1:
        return tree.link_density(chain[1]) > MAX_LIST_LINK_DENSITY
    return block.link_density > MAX_PARAGRAPH_LINK_DENSITY


def _keep_standfirst(blocks: list[Block], kept: list[bool], tree: _Tree) -> None:
    """Keep the standfirst: prose between the headline (the last <h1> before the article)
    and the article's first block, which sites set in the article's header, outside the
    body's container. A date or byline line there is too short or too link-heavy to pass."""
    if True not in kept:
        return
    start = kept.index(True)
    headline = next((i for i in range(start - 1, max(-1, start - 1 - STANDFIRST_REACH), -1)
                     if _in_headline(tree, i)), None)
    if headline is None:
        return
    for i in range(headline + 1, start):
        block = blocks[i]
        linked = block.link_density
        if (len(block.text) - block.link_chars >= MIN_STANDFIRST_CHARS
                and (linked <= MAX_STANDFIRST_LINK_DENSITY
                     or linked <= MAX_SENTENCE_STANDFIRST_LINK_DENSITY
                     and _SENTENCE_END.search(block.text))
                and block.tag not in _HEADINGS
                and not any(tree.furniture(key, tree.page_chars, weakest=1)
                            for key in tree.chains[i])):
            kept[i] = True


def _drop_closing_titles(blocks: list[Block], kept: list[bool]) -> None:
    """Headings and title lines with nothing of the article after them title what the
    page puts below the article ("About the author", "Tags", "Your reactions"): they go.
    More than `MAX_CLOSING_TITLES` of them are the article's own lines (a poem's or a
    song's last verse, a list of titles)."""
    _drop_title_run(blocks, kept, range(len(blocks) - 1, -1, -1),
                    lambda block: not _title_like(block))
    # (headings alone, or with the page's <title>: they are the article, a list of titles)


def _drop_opening_lines(blocks: list[Block], kept: list[bool]) -> None:
    """Title lines before the article's first paragraph or heading are the page's
    labels over it (a section's name, "5 min read", a date): they go. A dateline
    ("Jakarta -") opens the first paragraph; more than `MAX_CLOSING_TITLES` lines are
    the article's own."""
    _drop_title_run(blocks, kept, range(len(blocks)),
                    lambda block: block.tag in _HEADINGS or not _title_like(block)
                    or bool(_DATELINE_END.search(block.text)))


def _drop_title_run(blocks: list[Block], kept: list[bool], order: range,
                    ends: Callable[[Block], bool]) -> None:
    """Unkeep the kept blocks met in `order` before the first one that `ends` the run,
    unless there are more than `MAX_CLOSING_TITLES` of them or nothing ends it."""
    run = []
    for i in order:
        if kept[i] and blocks[i].tag not in _OUTSIDE_BODY:
            if ends(blocks[i]):
                for j in run:
                    kept[j] = False
                return
            run.append(i)
            if len(run) > MAX_CLOSING_TITLES:
                return


def _title_like(block: Block) -> bool:
    """A heading, or a line set as one: short, in a box of its own (not a paragraph or
    an item), and not ending as a sentence or a clause does."""
    return block.tag in _HEADINGS or (block.tag not in _PARAGRAPHS
                                      and len(block.text) <= MAX_TITLE_CHARS
                                      and not _LINE_END.search(block.text))


def _in_headline(tree: _Tree, i: int) -> bool:
    """Is block `i` the text of an <h1> (its own, or a block set in it)?"""
    return any(tree.tags[key].name == "h1" for key in tree.chains[i][:_HEADLINE_DEPTH])


_WORDS = re.compile(r"\w+")


def _headline_lead(blocks: list[Block], tree: _Tree) -> int | None:
    """The first paragraph after the page's headline (the longest <h1> or <h2> whose
    words run in the <title>), or None."""
    title = next((b.text for b in blocks if b.tag in _OUTSIDE_BODY), None)
    if not title:
        return None
    title_words = _WORDS.findall(title.casefold())
    joined = " " + " ".join(title_words) + " "
    best, best_len = None, 0
    for i, block in enumerate(blocks):
        if block.tag in _OUTSIDE_BODY or not any(
                tree.tags[k].name in _HEADLINE_TAGS for k in tree.chains[i][:_HEADLINE_DEPTH]):
            continue
        words = _WORDS.findall(block.text.casefold())
        if len(words) > best_len and len(words) >= MIN_HEADLINE_COVER * len(title_words) \
                and " " + " ".join(words) + " " in joined:
            best, best_len = i, len(words)
    if best is None:
        return None
    return next((i for i in range(best + 1, len(blocks))
                 if blocks[i].tag not in _HEADINGS
                 and len(blocks[i].text) - blocks[i].link_chars >= MIN_LEAD_CHARS
                 and tree.votes_for(blocks[i], tree.chains[i])), None)


def _fillers_with(children: list[Tag], kinds: list[str], chosen: set[int]) -> list[int]:
    """The short lines of a level that go with its kept parts: those between two of them
    (sub-headings, the times of live-blog posts) and the headings or captions that open
    the first."""
    inside = [i for i, (c, k) in enumerate(zip(children, kinds)) if k == "node" or id(c) in chosen]
    if not inside:
        return []
    found = [id(children[i]) for i in range(inside[0], inside[-1] + 1) if kinds[i] == "filler"]
    i = inside[0] - 1
    while i >= 0 and kinds[i] == "filler" and children[i].name in _TITLES:
        found.append(id(children[i]))
        i -= 1
    return found


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
        self.top_score = 0.0

    def furniture(self, key: int, region_chars: int, weakest: int) -> bool:
        """Is the element furniture of at least level `weakest`? Comment boxes always
        are; a share bar or author box holds little of the region's text and prose, so a
        box so named that holds an article's worth is a misnamed wrapper
        ("author-and-share" on okezone)."""
        if self.level[key] < weakest:
            return False
        return self.level[key] == 3 or (self.total[key] < 0.5 * region_chars
                                        and self.prose[key] < MAX_FURNITURE_PROSE)

    def votes_for(self, block: Block, chain: list[int],
                  min_chars: int = MIN_VOTING_CHARS) -> bool:
        """Is the block prose outside comments and sidebars (one that votes)? `min_chars`
        of text that is not a link make it prose."""
        content = len(block.text) - block.link_chars
        if content < min_chars or block.link_density > MAX_LINK_DENSITY:
            return False
        return not any(self.furniture(key, self.page_chars, weakest=2) for key in chain)

    def _votes(self, blocks: list[Block]) -> defaultdict[int, float]:
        score: defaultdict[int, float] = defaultdict(float)
        for block, chain in zip(blocks, self.chains):
            if not self.votes_for(block, chain):
                continue  # short, link text, or in comments or a sidebar
            content = len(block.text) - block.link_chars
            vote = 1 + block.text.count(",") + block.text.count("،") + min(content / 100, 3)
            # Votes go to the paragraph's container and two levels above, never to the
            # paragraph itself: a container of many paragraphs beats one long paragraph.
            containers = [key for key in chain if self.tags[key].name not in _PARAGRAPHS]
            for weight, key in zip((1.0, 0.5, 1 / 3), containers):
                score[key] += vote * weight
        return score

    def final(self, key: int) -> float:
        el = self.tags[key]
        factor = 1.0
        names = class_and_id(el)
        if names and _POSITIVE.search(names):
            factor *= 1.25
        if self.level[key]:
            factor *= 0.5
        if el.name in ("article", "main"):
            factor *= 1.25
        return self.score[key] * factor * (1 - self.link_density(key))

    def best(self, top: int | None = None) -> int | None:
        """The container that wins (or `top`), climbed out of a list or table; the
        winner's score is `top_score`."""
        if top is None:
            candidates = [k for k in self.score
                          if self.tags[k].name not in ("html", "body")] or list(self.score)
            if not candidates:
                return None
            top = max(candidates, key=self.final)
            self.top_score = self.final(top)
        best = self.tags[top]
        # A list or table that wins is a part of the article (its steps, its facts): the
        # article is what holds it (unless that is a layout table's cell).
        while best.name in _LISTS and best.parent is not None \
                and best.parent.name not in ("html", "body", "[document]") \
                and not (best.name in _TABLES and best.parent.name in _PARAGRAPHS) \
                and not self.furniture(id(best.parent), self.page_chars, weakest=2):
            best = best.parent
        return id(best)

    def holds(self, outer: int, inner: int) -> bool:
        """Are the blocks of element `inner` all in element `outer`?"""
        return self.first[outer] <= self.first[inner] and self.last[inner] <= self.last[outer]

    def headed(self, lead: int, best: int) -> int | None:
        """The best-scoring container of block `lead` that does not hold the region
        `best` (nor is <html> or <body>)."""
        under = [k for k in self.chains[lead] if k in self.score and not self.holds(k, best)
                 and self.tags[k].name not in ("html", "body")]
        return max(under, key=self.final) if under else None

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

    def continues(self, key: int, article_styles: Counter[tuple[str, str]],
                  before: bool) -> bool:
        """Does the element (not furniture) read like more of the article: mostly prose,
        few links, and written in the article's paragraph style (or, `before`
        the article, a single paragraph without links, as a standfirst is; after it, such
        a paragraph is a video's or a teaser's description)?"""
        prose = self.prose[key]
        if not (prose >= MIN_CONTINUING_PROSE and prose >= CONTINUE_PROSE_SHARE * self.total[key]
                and self.link_density(key) <= CONTINUE_LINK_DENSITY):
            return False
        if before and self.last[key] - self.first[key] < 2 and not self.links[key]:
            return True
        styles = self.styles(key)
        same = sum(n for style, n in styles.items()
                   if style in article_styles or (style[0], _ANY_CLASS) in article_styles)
        return same >= 0.5 * prose

    def _kind(self, child: Tag, node: Tag, article_styles: Counter[tuple[str, str]],
              before: bool) -> str:
        """What a sibling of the region's `node` is: "node" itself, "good" (it continues
        the article), "filler" (a short line: a sub-heading, a post's time) or "bad"."""
        if child is node:
            return "node"
        key = id(child)
        if self.furniture(key, self.page_chars, weakest=2):
            return "bad"
        if self.continues(key, article_styles, before) or (
                _style(child) == _style(node) and self.link_density(key) <= CONTINUE_LINK_DENSITY):
            # (an element shaped like the article's own part is another part of it: the
            # steps of a how-to, the items of a listicle, the posts of a live blog)
            return "good"
        if self.total[key] <= MAX_FILLER_CHARS and self.link_density(key) <= MAX_LINK_DENSITY:
            return "filler"
        return "bad"

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
        if article_styles and all(tag in _ITEMS for tag, _ in article_styles):
            # A list won (the facts of a test report, a recipe's steps): paragraphs of
            # any class around it are the article's too.
            article_styles[("p", _ANY_CLASS)] = 1
        while True:
            parent = node.parent
            if parent is None or parent.name in ("html", "[document]"):
                break
            pkey = id(parent)
            if self.furniture(pkey, self.page_chars, weakest=2):
                break
            children = [c for c in parent.find_all(True, recursive=False) if id(c) in self.total]
            at = next(i for i, child in enumerate(children) if child is node)
            kinds = [self._kind(child, node, article_styles, before=i < at)
                     for i, child in enumerate(children)]
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
            chosen.update(_fillers_with(children, kinds, chosen))
            if own > 0 and clean and parent.name != "body":
                loose.add(pkey)
            region_prose += sum(self.prose[k] for k in picked)
            if not clean or parent.name == "body":
                break
            node = parent
        return chosen, loose

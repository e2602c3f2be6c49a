"""HTML mode: a news page (str or bytes) to an Article."""

from __future__ import annotations

from scraper.extract.authors import pick_authors
from scraper.extract.blocks import Block, text_blocks
from scraper.extract.charset import decode_html, looks_binary
from scraper.extract.content import main_blocks
from scraper.extract.dates import (
    VisibleDates,
    looks_like_date,
    normalise_date,
    reconcile_published,
    told_locally,
)
from scraper.extract.dom import drop_link_lead_ins, parse, prune, tags_by_name
from scraper.extract.language import detect_language
from scraper.extract.lines import Line
from scraper.extract.metadata import (
    PageMeta,
    pick_title,
    read_metadata,
    site_domain,
    strip_site_suffix,
)
from scraper.extract.rules import RuleSet, default_rules
from scraper.extract.text import Meta, clean_lines, take_meta
from scraper.record import Article, build_article
from scraper.settings import CleanSettings
from scraper.textnorm import tidy

#: Visible date and byline lines are looked for among this many text blocks from the top.
_TOP_BLOCKS = 200
#: A block with more of its text in links than this is a link (to another page).
_LINKED = 0.5
#: A JSON-LD articleBody of at least this many words replaces an extracted body that has
#: less than this share of its words (the cross-check of structured data and markup).
_MIN_HINT_WORDS = 80
_MIN_HINT_SHARE = 0.5
#: A byline block is no longer than this (characters).
_MAX_BYLINE_CHARS = 120
#: More byline blocks than this near the top are bylines of a list of other stories.
_MAX_BYLINE_BLOCKS = 2
#: Captions of at least this many words each tell a story (shorter ones name a photo, or
#: are a teaser's headline); when together they have at least `_MIN_GALLERY_WORDS` and
#: more words than the page's text, the page is a photo gallery and they are its text.
_MIN_TOLD_CAPTION_WORDS = 12
_MIN_GALLERY_WORDS = 150


def extract_html(html: str | bytes, url: str | None = None, *, source: str | None = None,
                 charset: str | None = None, settings: CleanSettings | None = None,
                 rules: RuleSet | None = None) -> Article:
    """Extract the article of one HTML page.

    `url` (where the page came from) resolves relative links and is recorded; `source`
    defaults to it. `charset` is the HTTP header's, when known. Never raises on bad
    markup: a page with no article gives a record with empty text and a warning.
    """
    rules = rules or default_rules()
    source = source if source is not None else (url or "-")
    warnings: list[str] = []
    if isinstance(html, bytes):
        if looks_binary(html):
            return build_article(source=source, url=url, canonical_url=url, text="",
                                 warnings=["binary data, not an HTML page",
                                           "no article text found"])
        html, _encoding = decode_html(html, charset)
    if "\x00" in html:
        html = html.replace("\x00", "")
    soup = parse(html)
    index = tags_by_name(soup)
    page = read_metadata(index, url)
    captions = [tidy(tag.get_text(" ")) for tag in index.get("figcaption", ())]
    prune(index)
    drop_link_lead_ins(index.get("a", []), rules.link_lead_in)
    blocks = text_blocks(soup)

    meta = Meta(title=_title(page, url))
    kept = main_blocks(blocks)
    twins = _twins(kept)
    lines = [Line(block.text, True, role=block.role, linked=block.link_density > _LINKED,
                  twin=i in twins) for i, block in enumerate(kept)]
    # One language guess per page, on the article's text before the rules: it reads the
    # date lines and goes into the record.
    language = detect_language(" ".join(line.text for line in lines)) or page.language
    body = "\n\n".join(clean_lines(lines, meta, settings=settings, rules=rules,
                                   language=language))
    if not body or _falls_short(body, page.body_hint):
        # A page with no text block of its own may still say it: in its structured data,
        # or, for a photo story, in its captions. And where the structured articleBody
        # is far longer than what the page's markup gave, the markup hid the article.
        fallback = page.body_hint.split("\n") if page.body_hint else captions
        language = language or detect_language(" ".join(fallback))
        body = _cleaned(fallback, meta, settings, rules, language)
    elif told := _told_by_captions(captions, body):
        # A photo gallery: its captions tell the story the short text above them opens.
        body = "\n\n".join(filter(None, (body, _cleaned(told, meta, settings, rules,
                                                          language))))
    if not body:
        warnings.append("no article text found")
    structured = normalise_date(page.published, languages=rules.date_languages)
    visible, writers = _visible_top(blocks, rules, meta,
                                    want_writers=not meta.authors,
                                    known=(*page.bylines, *page.authors))

    return build_article(
        source=source,
        url=url,
        canonical_url=page.canonical_url or url,
        text=body,
        title=pick_title(page, url),
        site=page.site or meta.site or site_domain(page.canonical_url or url),
        # Credits in the text first, then structured data (minus the people the page shows
        # as its editors: Indonesian sites put the editor there), the byline markup, and
        # "By ..." lines near the top (on many pages the bylines of other stories).
        authors=pick_authors((meta.authors, _not_editors(page.authors, meta.editors),
                              page.bylines, writers, meta.editors), rules,
                             site=page.site or meta.site, url=page.canonical_url or url),
        published=told_locally(_published(structured, visible, page.url_date,
                                           page.published_others), html),
        modified=normalise_date(page.modified, languages=rules.date_languages) or meta.modified,
        language=language if body else None,
        image=page.image,
        tags=page.tags,
        warnings=warnings,
    )


def _cleaned(texts: list[str], meta: Meta, settings: CleanSettings | None, rules: RuleSet,
             language: str | None) -> str:
    """`texts` (structured data's paragraphs, captions) cleaned as the page's lines are."""
    lines = [Line(tidy(text), True) for text in texts if tidy(text)]
    return "\n\n".join(clean_lines(lines, meta, settings=settings, rules=rules,
                                   language=language))


def _told_by_captions(captions: list[str], body: str) -> list[str]:
    """The captions that tell a photo gallery's story, when they say more than `body`."""
    told = [c for c in captions if len(c.split()) >= _MIN_TOLD_CAPTION_WORDS]
    words = sum(len(c.split()) for c in told)
    return told if words >= _MIN_GALLERY_WORDS and words > len(body.split()) else []


def _twins(blocks: list[Block]) -> set[int]:
    """Indexes of the blocks that repeat an earlier block's text in an element of the
    same tag, under the same parent or under a parent of the same kind (tag and class)
    beside it: the author's own repeats (a refrain, a chorus, a line closing each part,
    each embedded post's attribution), which stay. A page that prints its article twice
    (for two layouts), or a standfirst copied into the body, repeats it in a parent of
    another kind."""
    seen: set[tuple] = set()
    found: set[int] = set()
    for i, block in enumerate(blocks):
        parent = block.container.parent
        places = [(block.text, block.tag, id(parent))]
        if parent is not None and parent.parent is not None:
            places.append((block.text, block.tag, id(parent.parent), parent.name,
                           parent.get("class") or ""))
        if any(place in seen for place in places):
            found.add(i)
        seen.update(places)
    return found


def _not_editors(names: list[str], editors: list[str]) -> list[str]:
    """`names` without those the page credits as editors ("Editor: ...")."""
    folded = {e.casefold() for e in editors}
    return [n for n in names if n.casefold() not in folded]


def _falls_short(body: str, hint: str | None) -> bool:
    """Is `body` less than `_MIN_HINT_SHARE` of a long JSON-LD articleBody?"""
    if not hint:
        return False
    hinted = len(hint.split())
    return hinted >= _MIN_HINT_WORDS and len(body.split()) < _MIN_HINT_SHARE * hinted


def _title(page: PageMeta, url: str | None) -> str | None:
    """The metadata's title without its site suffix: what the body cleaner drops as the
    headline. The record's title is `metadata.pick_title`, which may prefer an <h1>; the
    cleaner keeps this one, so that the choice of title leaves the text as it was."""
    title = page.title or page.h1
    return strip_site_suffix(title, page.site, page.h1, page.canonical_url or url) if title else None


def _visible_top(blocks, rules: RuleSet, meta: Meta, *, want_writers: bool, known: tuple[str, ...] = ()) -> tuple[VisibleDates, list[str]]:
    """What a reader sees near the top of the page, outside the article body: its
    publish-date lines, and writers named there ("Penulis: ...", "By ..."), which beat
    structured data, where Indonesian sites often name the editor. Editors named there
    ("Editor | : ...") join `meta.editors`, the last resort for the authors.
    More than `_MAX_BYLINE_BLOCKS` blocks naming writers are a list of other stories
    ("By ..." under each headline): then only one counts, the one naming a writer the
    markup or structured data names too (`known`), else the first.

    The date lines are parsed lazily, as far as `_published` needs them (a structured
    time without a zone, or stamped UTC, is checked against them).
    """
    top = blocks[:_TOP_BLOCKS]
    # All the blocks too: small sites name the date among other words, often under the
    # article ("Veröffentlicht am 6. Mai 2014 von ...").
    dates = VisibleDates([block.text for block in top if not _card_date(block)], rules,
                         meta.language_hint(),
                         blocks=blocks)
    if not want_writers:
        return dates, []
    found = Meta()
    credits: list[list[str]] = []  # the writers each byline block names
    for block in top:
        if len(block.text) <= _MAX_BYLINE_CHARS:
            before = len(found.authors)
            take_meta(block.text, rules, found)
            if len(found.authors) > before:
                credits.append(found.authors[before:])
    meta.editors.extend(e for e in found.editors if e not in meta.editors)
    if len(credits) <= _MAX_BYLINE_BLOCKS:
        return dates, found.authors
    folded = {name.casefold() for name in known}
    return dates, next((names for names in credits
                        if any(n.casefold() in folded for n in names)), credits[0])


def _card_date(block: Block) -> bool:
    """A date line in a card linking to another story (its headline and its date in one
    link) is that story's."""
    return looks_like_date(block.text) and block.in_card


def _published(structured: str | None, visible: VisibleDates,
               url_date: str | None, others: list[str] | None = None) -> str | None:
    """Structured date, checked against the visible ones (`dates.reconcile_published`:
    sites that print local time often stamp it as UTC or with no zone, and of structured
    dates for different days the shown one wins); else visible; else from the URL."""
    others = [day for value in others or () if (day := normalise_date(value))]
    return reconcile_published(structured, visible, url_date, others)

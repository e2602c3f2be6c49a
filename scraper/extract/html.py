"""HTML mode: a news page (str or bytes) to an Article."""

from __future__ import annotations

from scraper.extract.authors import pick_authors
from scraper.extract.blocks import text_blocks
from scraper.extract.charset import decode_html, looks_binary
from scraper.extract.content import main_blocks
from scraper.extract.dates import VisibleDates, normalise_date, reconcile_published
from scraper.extract.dom import drop_link_lead_ins, parse, prune, tags_by_name
from scraper.extract.language import detect_language
from scraper.extract.lines import Line
from scraper.extract.metadata import PageMeta, pick_title, read_metadata, site_domain
from scraper.extract.rules import RuleSet, default_rules
from scraper.extract.text import Meta, clean_lines, take_meta
from scraper.record import Article, build_article
from scraper.settings import CleanSettings
from scraper.textnorm import tidy

#: Visible date and byline lines are looked for among this many text blocks from the top.
_TOP_BLOCKS = 200
#: A JSON-LD articleBody of at least this many words replaces an extracted body that has
#: less than this share of its words (the cross-check of structured data and markup).
_MIN_HINT_WORDS = 80
_MIN_HINT_SHARE = 0.5
#: A byline block is no longer than this (characters).
_MAX_BYLINE_CHARS = 120


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
    lines = [Line(block.text, True, role=block.role) for block in main_blocks(blocks)]
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
        lines = [Line(tidy(text), True) for text in fallback if tidy(text)]
        language = language or detect_language(" ".join(l.text for l in lines))
        body = "\n\n".join(clean_lines(lines, meta, settings=settings, rules=rules,
                                       language=language))
    if not body:
        warnings.append("no article text found")
    structured = normalise_date(page.published, languages=rules.date_languages)
    visible, writers = _visible_top(blocks, rules, meta,
                                    want_date=structured is None
                                    or structured.endswith(("+00:00", "Z")),
                                    want_writers=not meta.authors)

    return build_article(
        source=source,
        url=url,
        canonical_url=page.canonical_url or url,
        text=body,
        title=meta.title,
        site=page.site or meta.site or site_domain(page.canonical_url or url),
        # Visible credits first (structured data often names the editor or the company).
        authors=pick_authors((meta.authors, writers, page.authors, meta.editors), rules,
                             site=page.site or meta.site, url=page.canonical_url or url),
        published=_published(structured, visible, page.url_date),
        modified=normalise_date(page.modified, languages=rules.date_languages) or meta.modified,
        language=language if body else None,
        image=page.image,
        tags=page.tags,
        warnings=warnings,
    )


def _falls_short(body: str, hint: str | None) -> bool:
    """Is `body` less than `_MIN_HINT_SHARE` of a long JSON-LD articleBody?"""
    if not hint:
        return False
    hinted = len(hint.split())
    return hinted >= _MIN_HINT_WORDS and len(body.split()) < _MIN_HINT_SHARE * hinted


def _title(page: PageMeta, url: str | None) -> str | None:
    """The headline (`metadata.pick_title`)."""
    return pick_title(page, url)


def _visible_top(blocks, rules: RuleSet, meta: Meta, *, want_date: bool,
                 want_writers: bool) -> tuple[VisibleDates, list[str]]:
    """What a reader sees near the top of the page, outside the article body: its
    publish-date lines, and writers named there ("Penulis: ...", "By ..."), which beat
    structured data, where Indonesian sites often name the editor. Editors named there
    ("Editor | : ...") join `meta.editors`, the last resort for the authors.

    The date lines are parsed lazily, as far as `_published` needs them, so they are
    there whatever `want_date` says (a structured time without a zone needs them too).
    """
    top = blocks[:_TOP_BLOCKS]
    dates = VisibleDates([block.text for block in top], rules, meta.language_hint())
    if not want_writers:
        return dates, []
    found = Meta()
    for block in top:
        if len(block.text) <= _MAX_BYLINE_CHARS:
            take_meta(block.text, rules, found)
    meta.editors.extend(e for e in found.editors if e not in meta.editors)
    return dates, found.authors


def _published(structured: str | None, visible: VisibleDates,
               url_date: str | None) -> str | None:
    """Structured date, checked against the visible ones (`dates.reconcile_published`:
    sites that print local time often stamp it as UTC or with no zone); else visible;
    else from the URL."""
    return reconcile_published(structured, visible, url_date)

"""HTML mode: a news page (str or bytes) to an Article."""

from __future__ import annotations

from urllib.parse import urlsplit

from scraper.extract.charset import decode_html, looks_binary
from scraper.extract.content import drop_link_lead_ins, main_blocks, prune, text_blocks
from scraper.extract.dates import DateLine, looks_like_date, parse_date_line
from scraper.extract.dom import parse, tags_by_name
from scraper.extract.language import detect_language
from scraper.extract.lines import Line
from scraper.extract.metadata import PageMeta, normalise_date, read_metadata, strip_site_suffix
from scraper.extract.rules import RuleSet, default_rules
from scraper.extract.text import Meta, clean_lines, take_meta
from scraper.record import Article, build_article
from scraper.settings import CleanSettings
from scraper.textnorm import tidy

#: Visible date lines are looked for among this many text blocks from the top.
_DATE_SCAN_BLOCKS = 200


def extract_html(html: str | bytes, url: str | None = None, *, source: str | None = None,
                 charset: str | None = None, settings: CleanSettings | None = None,
                 rules: RuleSet | None = None) -> Article:
    """Extract the article of one HTML page.

    `url` (where the page came from) resolves relative links and is recorded; `source`
    defaults to it. `charset` is the HTTP header's, when known. Never raises on bad
    markup: a page with no article gives a record with empty text and a warning.
    """
    rules = rules or default_rules()
    warnings: list[str] = []
    if isinstance(html, bytes):
        if looks_binary(html):
            return build_article(source=source if source is not None else (url or "-"),
                                 url=url, canonical_url=url, text="",
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
    if not body:
        # A page with no text block of its own may still say it: in its structured data,
        # or, for a photo story, in its captions.
        fallback = page.body_hint.split("\n") if page.body_hint else captions
        lines = [Line(tidy(text), True) for text in fallback if tidy(text)]
        language = language or detect_language(" ".join(l.text for l in lines))
        body = "\n\n".join(clean_lines(lines, meta, settings=settings, rules=rules,
                                       language=language))
    if not body:
        warnings.append("no article text found")
    structured = normalise_date(page.published)
    needs_visible = structured is None or structured.endswith(("+00:00", "Z"))
    visible = _visible_date(blocks, rules, meta) if needs_visible else None
    writers = _visible_writers(blocks, rules) if not meta.authors else []

    return build_article(
        source=source if source is not None else (url or "-"),
        url=url,
        canonical_url=page.canonical_url or url,
        text=body,
        title=meta.title,
        site=page.site or meta.site or _domain(page.canonical_url or url),
        authors=meta.authors or writers or page.authors or meta.editors,
        published=_published(structured, visible, page.url_date),
        modified=normalise_date(page.modified) or meta.modified,
        language=language if body else None,
        image=page.image,
        tags=page.tags,
        warnings=warnings,
    )


def _title(page: PageMeta, url: str | None) -> str | None:
    title = page.title or page.h1
    return strip_site_suffix(title, page.site, page.h1, page.canonical_url or url) if title else None


def _visible_date(blocks, rules: RuleSet, meta: Meta) -> DateLine | None:
    """The first date line a reader sees near the top of the page."""
    for block in blocks[:_DATE_SCAN_BLOCKS]:
        if looks_like_date(block.text):
            found = parse_date_line(block.text, rules, meta.language_hint())
            if found is not None and found.kind == "published":
                return found
    return None


def _visible_writers(blocks, rules: RuleSet) -> list[str]:
    """Writers named in the page's visible text ("Penulis: ...", "By ...") near the top:
    preferred to structured data, where Indonesian sites often name the editor."""
    found = Meta()
    for block in blocks[:_DATE_SCAN_BLOCKS]:
        if len(block.text) <= 120:
            take_meta(block.text, rules, found)
    return found.authors


def _published(structured: str | None, visible: DateLine | None,
               url_date: str | None) -> str | None:
    """Structured date, corrected by the visible one; else visible; else from the URL.

    Sites that print local time (WIB) often stamp the same clock time as UTC in their
    structured data; when the clocks agree but the zones do not, the visible zone wins.
    """
    if structured and visible and visible.value[:16] == structured[:16] \
            and structured.endswith(("+00:00", "Z")) and len(visible.value) > 19:
        return visible.value
    return structured or (visible.value if visible else None) or url_date


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None

"""The parsed page: BeautifulSoup on lxml, with what can never be article text removed
(before the tree is built where it can be, after it where markup decides: hidden
elements, "Baca juga:" lead-ins)."""

from __future__ import annotations

import re
import warnings

import lxml.html
from bs4 import (
    BeautifulSoup,
    Comment,
    Doctype,
    MarkupResemblesLocatorWarning,
    NavigableString,
    ProcessingInstruction,
    Tag,
    XMLParsedAsHTMLWarning,
)
from bs4.builder import LXMLTreeBuilder
from bs4.element import CData, Declaration
from lxml import etree

#: Elements whose content is never article text.
NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "svg", "math", "canvas",
              "object", "embed", "video", "audio", "picture", "img", "map", "button", "input",
              "select", "textarea", "option", "nav", "aside", "footer", "figure",
              "figcaption", "link", "meta", "dialog")

#: Block-level elements: a paragraph ends where one starts or ends.
BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frame",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li",
    "main", "menu", "nav", "noframes", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "tfoot", "thead", "tr", "ul", "caption", "legend", "option"))
#: Table cells stay inline: a row is one line, its cells joined by " | ".
CELL_TAGS = frozenset(("td", "th"))

SKIPPED_STRINGS = (Comment, Doctype, ProcessingInstruction, CData, Declaration)

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


# Pages are what they are: a feed or a one-word body given as a page is handled (no text,
# a warning in the record), not worth a paragraph of advice on stderr for each.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def parse(html: str) -> BeautifulSoup:
    """Parse with lxml (fast, forgiving of broken markup) into a BeautifulSoup tree.

    Building BeautifulSoup's tree costs about 1 µs per element in Python, and half a
    news page's elements never hold article text (scripts, styles, SVG icons, forms,
    comments): lxml parses the page and drops them in C (`_pruned_tree`), and the
    BeautifulSoup tree is built from what is left, walking lxml's tree (`_TreeWalker`)
    rather than writing it out and parsing it a second time. class stays one string (not
    split into a list): we only ever search it, and the split costs 7% of the parse.
    """
    root = _pruned_tree(html)
    if root is None:  # lxml could not read it as a document: BeautifulSoup's own try
        return BeautifulSoup(html, "lxml", multi_valued_attributes=None)
    return BeautifulSoup("", builder=_TreeWalker(root))


class _TreeWalker(LXMLTreeBuilder):
    """A BeautifulSoup tree builder fed by an lxml tree already parsed: each element,
    its text and its tail are handed to the soup in document order, as lxml's parser
    would hand them (HTML has no namespaces, so none are tracked). 10% of the parse."""

    def __init__(self, root: etree._Element) -> None:
        super().__init__(multi_valued_attributes=None)
        self._root: etree._Element | None = root

    def feed(self, markup: object) -> None:
        soup = self.soup
        assert soup is not None
        start, end, data = soup.handle_starttag, soup.handle_endtag, soup.handle_data
        new_attrs, scope = self.attribute_dict_class, self.active_namespace_prefixes[-1]
        root, self._root = self._root, None  # every Tag keeps its builder: not the lxml tree
        for event, el in etree.iterwalk(root, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if isinstance(tag, str):  # not a leftover comment or entity
                    attrs = new_attrs()
                    dict.update(attrs, el.items())  # str values; items(): a name "{x}" is no namespace
                    start(tag, None, None, attrs, namespaces=scope)
                    if el.text:
                        data(el.text)
                continue
            if isinstance(tag, str):
                end(tag)
            if el.tail:
                data(el.tail)


#: Removed, with everything inside, before BeautifulSoup sees the page: never article
#: text (prune() would remove them), and nothing the metadata reads. JSON-LD scripts,
#: <meta> and the <link>s it reads (`_READ_LINKS`) stay, as do figures, whose captions
#: can stand in for a photo story's text.
_DEAD_WEIGHT = tuple(name for name in NEVER_TEXT
                     if name not in ("script", "figure", "figcaption", "link", "meta"))
_READ_LINKS = frozenset(("canonical", "author"))
#: Inline elements that, empty, are only an icon or a spacer; kept with an attribute the
#: metadata may read (a date in `content`, `datetime` or `title`, an `itemprop`).
_EMPTY_INLINE = ("span", "a", "i", "em", "b", "strong", "ins", "label", "font", "small",
                 "u", "s", "sup", "sub", "abbr")
_READ_ATTRS = ("itemprop", "property", "content", "datetime", "title", "rel")
_LXML_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)


#: Dead-weight elements that can hold the article on some pages: an unclosed <nav> or
#: <aside> swallows the rest of the page, and a page that writes its text with scripts
#: gives it to readers without them in a <noscript>.
_MAY_WRAP = ("nav", "aside", "noscript")
#: Such an element holding at least this share of the page's paragraph text (and at least
#: `_MIN_WRAPPED_CHARS` characters of it) holds the article: it is kept, as a <div>.
_WRAPPED_SHARE = 0.5
_MIN_WRAPPED_CHARS = 400
#: Ruby annotations (the readings printed over Japanese and Chinese characters) split
#: every word of the text they annotate.
_ANNOTATIONS = ("rt", "rp")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def _pruned_tree(html: str) -> etree._Element | None:
    """The page's lxml tree with `_DEAD_WEIGHT` elements, scripts other than JSON-LD, ruby
    annotations and comments removed (the text after each is kept), unless one holds the
    article (`_keep_wrappers`); None if lxml cannot read it."""
    try:
        # lxml refuses a str that declares its encoding (<?xml ... encoding=?>, XHTML)
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1),
                                             parser=_LXML_PARSER)
    except (etree.ParserError, ValueError):
        return None
    _keep_wrappers(root)
    # marked for the strip below: a tenth of a page's elements, each 1 µs in BeautifulSoup
    for script in root.iter("script"):
        if not is_json_ld(script.get("type"), script.text):
            script.tag = "noscript"
    for link in root.iter("link"):
        if _READ_LINKS.isdisjoint((link.get("rel") or "").lower().split()):
            link.tag = "noscript"
    for el in root.iter(_EMPTY_INLINE):
        # not even a space: "misguided<a> </a>policy" keeps its space
        if not len(el) and not el.text and not any(name in el.attrib for name in _READ_ATTRS):
            el.tag = "noscript"
    etree.strip_elements(root, *_DEAD_WEIGHT, *_ANNOTATIONS, with_tail=False)
    return root


def is_json_ld(kind: str | None, text: str | None) -> bool:
    """Does a <script> of this type and text hold JSON-LD? Some CMSs (Plone) write it
    without its type: an untyped script whose text is a schema.org object is one too."""
    kind = (kind or "").strip().lower()
    if kind:
        return "ld+json" in kind
    head = (text or "").lstrip()[:200]
    return head.startswith(("{", "[")) and '"@context"' in head and "schema.org" in head


_TEXT_LENGTH = etree.XPath("string-length(string(.))")  # in libxml2, no Python strings
_PARAGRAPH_TEXTS = etree.XPath(".//p//text()")


def _paragraph_chars(root: etree._Element) -> int:
    return sum(len(text) for text in _PARAGRAPH_TEXTS(root))


def _keep_wrappers(root: etree._Element) -> None:
    """Turn into <div>s the `_MAY_WRAP` elements that hold most of the page's paragraphs
    (broken markup or a script-written page), so that the article is judged, not dropped."""
    page: int | None = None
    for el in list(root.iter(*_MAY_WRAP)):
        # most are a menu or a notice: their whole text is short (a cheap bound first)
        if _TEXT_LENGTH(el) < _MIN_WRAPPED_CHARS:
            continue
        held = _paragraph_chars(el)
        if held < _MIN_WRAPPED_CHARS:
            continue
        page = _paragraph_chars(root) if page is None else page
        if held >= _WRAPPED_SHARE * page:
            el.tag = "div"


def is_gone(tag: Tag) -> bool:
    """True once the element (or an ancestor) was decomposed. Reads the flag directly:
    `tag.decomposed` goes through BeautifulSoup's attribute lookup, which runs a find()."""
    return bool(tag.__dict__.get("_decomposed")) or "name" not in tag.__dict__


def tags_by_name(soup: BeautifulSoup) -> dict[str, list[Tag]]:
    """Every element, grouped by tag name, in document order: one walk over the tree
    (BeautifulSoup's find_all runs its matcher over every element on each call)."""
    index: dict[str, list[Tag]] = {}
    for node in soup.descendants:
        if isinstance(node, Tag):
            index.setdefault(node.name, []).append(node)
    return index


def is_hidden(tag: Tag) -> bool:
    """Hidden from readers by the `hidden` attribute, aria-hidden or an inline style."""
    attrs = tag.attrs
    if not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden") == "true":
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def class_and_id(tag: Tag) -> str:
    """The element's class names and id, lower-cased, space-separated."""
    attrs = tag.attrs
    if not attrs:
        return ""
    classes = attrs.get("class") or ()
    if isinstance(classes, str):
        classes = (classes,)
    return " ".join((*classes, attrs.get("id") or "")).lower().strip()


def prune(index: dict[str, list[Tag]]) -> None:
    """Remove elements that never hold article text, and hidden elements. (Boxes named as
    page furniture are judged later, once it is known how much of the article they hold.)
    `index` is `dom.tags_by_name` of the page."""
    text_figures = _figures_holding_text(index)
    for name in NEVER_TEXT:
        for tag in index.get(name, ()):
            if not is_gone(tag) and not (name in _FIGURE_TAGS and id(tag) in text_figures):
                tag.decompose()
    for tags in index.values():
        for tag in tags:
            if tag.attrs and is_hidden(tag) and not is_gone(tag):
                tag.decompose()
    for name in _INLINE_CAPTION_TAGS:
        for tag in index.get(name, ()):
            if tag.attrs and not is_gone(tag) and _CAPTION_CLASS.search(class_and_id(tag)) \
                    and tag.find_parent("p") is not None:
                tag.decompose()


#: Inline elements that, named as a caption or a credit, set a photo's caption inside a
#: paragraph of text (an image set inline before the lead): the caption goes, the
#: paragraph stays. (class_and_id is lower-cased.)
_INLINE_CAPTION_TAGS = ("span", "small", "em", "i", "cite")
_CAPTION_CLASS = re.compile(r"(?:^|[\s_-])(?:caption|credit|attribution)s?(?:$|[\s_-])")


def _figures_holding_text(index: dict[str, list[Tag]]) -> set[int]:
    """The <figure>s (by id) that hold text of the article, not a picture: a table or a
    pull quote (WordPress sets both in one: "wp-block-table", "wp-block-pullquote"), whose
    captions still go; and the <figure>s and <figcaption>s that hold the page's <h1>: a
    header set over its photo, with the date and the lead beside the headline. (Found from
    the few tables, quotes and headlines up, not by searching every figure down: 0.17 ms a
    page.)"""
    if not index.get("figure") and not index.get("figcaption"):
        return set()
    found: set[int] = set()
    for name, holders in _FIGURE_TEXT.items():
        for tag in index.get(name, ()):
            found.update(id(parent) for parent in tag.parents if parent.name in holders)
    return found


_FIGURE_TAGS = ("figure", "figcaption")
_FIGURE_TEXT = {"table": ("figure",), "blockquote": ("figure",), "h1": _FIGURE_TAGS}


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

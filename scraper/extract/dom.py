"""The parsed page: BeautifulSoup on lxml, with what can never be article text removed."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction, Tag
from bs4.element import CData, Declaration

#: Elements whose content is never article text.
NEVER_TEXT = ("script", "style", "noscript", "template", "iframe", "svg", "math", "canvas",
              "object", "embed", "video", "audio", "picture", "img", "map", "button", "input",
              "select", "textarea", "option", "nav", "aside", "footer", "figure",
              "figcaption", "link", "meta", "dialog", "form-control")

#: Block-level elements: a paragraph ends where one starts or ends.
BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frame",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li",
    "main", "menu", "nav", "noframes", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "legend", "option"))

SKIPPED_STRINGS = (Comment, Doctype, ProcessingInstruction, CData, Declaration)

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def parse(html: str) -> BeautifulSoup:
    """Parse with lxml (fast, forgiving of broken markup) through BeautifulSoup."""
    return BeautifulSoup(html, "lxml")


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

"""Articles told from listings: by a URL before fetching it, by a page once fetched.

A crawl writes articles and follows listings (home, section, tag, search pages). Generic
signals decide (rules/listing.toml): a URL with a date, a numeric id or a long slug in
its path is an article's; one with a listing word (/tag/, /search?q=) and none of those
is a listing's. A fetched page with article markup (og:type article, JSON-LD
NewsArticle and kin) is an article; one without it is a listing when it has little
running prose and many links to article URLs of its own site. A site whose article URLs
carry no generic signal gets a pattern as data (a `[[site]]` entry).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

import lxml.html

from scraper.dedup.urls import site_of
from scraper.discover.links import Link, anchors

UrlKind = Literal["article", "listing", "other", "unknown"]

# A date in the path: /2024/05/01/, /2024-05-01, /20240501.
_PATH_DATE = re.compile(r"(?:^|[/_-])(?:19|20)\d{2}(?:[/-](?:0?[1-9]|1[0-2])(?:[/-]\d{1,2})?"
                        r"(?=[/_.-]|$)|(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])(?=\d*(?:[/_.-]|$)))")
# A numeric id: 5 digits or more standing alone or at an end of a slug (d-7123456,
# /read/5591234/, slug-1644528360).
_NUMERIC_ID = re.compile(r"(?:^|[/_.-])\d{5,}(?=[/_.-]|$)")
_WORDS = re.compile(r"[^\W\d_]+")
_ARTICLE_TYPES = re.compile(r"article|posting|report", re.IGNORECASE)


@dataclass(frozen=True)
class ListingRules:
    """The signals of rules/listing.toml."""

    listing_segments: frozenset[str]
    other_segments: frozenset[str]
    search_params: frozenset[str]
    max_listing_prose: int
    min_listing_links: int
    min_slug_words: int
    sites: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def site_pattern(self, host: str) -> re.Pattern[str] | None:
        return self.sites.get(site_of(host)) if host and self.sites else None


@cache
def default_rules() -> ListingRules:
    """The bundled rules (loaded once per process)."""
    text = resources.files("scraper.discover").joinpath("rules/listing.toml").read_text("utf-8")
    return load_rules(tomllib.loads(text))


def load_rules(data: dict) -> ListingRules:
    g = data["generic"]
    return ListingRules(
        listing_segments=frozenset(s.casefold() for s in g["listing_segments"]),
        other_segments=frozenset(s.casefold() for s in g["other_segments"]),
        search_params=frozenset(p.casefold() for p in g["search_params"]),
        max_listing_prose=int(g["max_listing_prose"]),
        min_listing_links=int(g["min_listing_links"]),
        min_slug_words=int(g["min_slug_words"]),
        sites={site["domain"]: re.compile(site["article"]) for site in data.get("site", [])})


def url_kind(url: str, rules: ListingRules | None = None) -> UrlKind:
    """What a URL most likely addresses, before fetching it: "article" (a date, a numeric
    id or a long slug in its path, or the site's own article pattern), "listing" (the
    home page, a listing word such as /tag/ or a search query, and no article signal),
    "other" (the site's own pages: about, login, ...) or "unknown"."""
    rules = rules or default_rules()
    parts = urlsplit(url)
    path = unquote(parts.path)
    pattern = rules.site_pattern((parts.hostname or "").lower())
    if pattern is not None and pattern.search(path + ("?" + parts.query if parts.query else "")):
        return "article"
    segments = [s.casefold() for s in path.split("/") if s]
    if segments and segments[-1].rsplit(".", 1)[-1] in ("xml", "rss", "jpg", "png", "pdf"):
        return "other"
    if any(s in rules.other_segments for s in segments):
        return "other"
    if _PATH_DATE.search(path) or _NUMERIC_ID.search(path) or _id_query(parts.query):
        return "article"
    if segments and len(_WORDS.findall(segments[-1].rsplit(".", 1)[0])) >= rules.min_slug_words \
            and len(segments[-1]) >= 20:
        return "article"
    if not segments or any(s in rules.listing_segments for s in segments) \
            or any(k.casefold() in rules.search_params for k, _ in parse_qsl(parts.query)):
        return "listing"
    return "unknown"


def _id_query(query: str) -> bool:
    """A query that names an article by number (?p=2895, ?id=123456), not a page number."""
    return any(value.isdigit() and len(value) >= 3 for _, value in parse_qsl(query))


@dataclass(frozen=True, slots=True)
class Listing:
    """A page found to be a listing: the links to follow from it."""

    #: Distinct links to article URLs of the page's own site.
    article_links: list[Link]
    #: Distinct links to listing URLs (sections, tags) of the page's own site.
    listing_links: list[Link]


def read_listing(root: lxml.html.HtmlElement | None, url: str,
                 rules: ListingRules | None = None) -> Listing | None:
    """The page at `url` (parsed as `root`) as a listing to follow, or None: it is an
    article (or nothing). Never a listing with an article's URL or article markup; the
    home page always is; else a listing needs little running prose and, unless its URL
    names a listing (/tag/, /search?q=), many links to articles of its own site. The
    cheap signs are read first: most pages a crawl fetches are articles."""
    rules = rules or default_rules()
    kind = url_kind(url, rules)
    if root is None or kind == "article" or _article_markup(root):
        return None
    articles, listings = site_links(root, url, rules)
    if (urlsplit(url).path.strip("/") == ""
            or kind == "listing" and _running_prose(root) < 3 * rules.max_listing_prose
            or len(articles) >= rules.min_listing_links
            and _running_prose(root) < rules.max_listing_prose):
        return Listing(articles, listings)
    return None


def site_links(root: lxml.html.HtmlElement, url: str,
               rules: ListingRules | None = None) -> tuple[list[Link], list[Link]]:
    """(article links, listing links) of a page to its own site, each once, in page order
    (the link text as the title hint)."""
    rules = rules or default_rules()
    host = urlsplit(url).hostname or ""
    site = site_of(host)
    here = url.split("#")[0]
    found: dict[str, tuple[UrlKind, str]] = {}
    sites: dict[str, str] = {host: site}  # host -> its site, each host looked up once
    for target, parts, anchor in anchors(root, url):
        if target == here or target in found:
            continue
        if parts.hostname not in sites:
            sites[parts.hostname] = site_of(parts.hostname)
        if sites[parts.hostname] != site:
            continue
        found[target] = (url_kind(target, rules), " ".join(anchor.text_content().split()))
    articles = [Link(u, None, t or None) for u, (k, t) in found.items() if k == "article"]
    listings = [Link(u) for u, (k, _) in found.items() if k == "listing"]
    return articles, listings


def _article_markup(root: lxml.html.HtmlElement) -> bool:
    # og:type article, or JSON-LD of an article type: a CMS that calls every page
    # "website" in og:type may still say NewsArticle in JSON-LD.
    for meta in root.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type" \
                and "article" in (meta.get("content") or "").lower():
            return True
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower() or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        if _ld_is_article(data):
            return True
    return False


def _ld_is_article(data: object) -> bool:
    """A JSON-LD document whose top item (or an item of its @graph) is of an article
    type; a list of several articles (an ItemList page) is not one article."""
    items = data if isinstance(data, list) else [data]
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        items = data["@graph"]
    kinds = []
    for item in items:
        if isinstance(item, dict):
            kind = item.get("@type")
            kinds += kind if isinstance(kind, list) else [kind]
    articles = [k for k in kinds if isinstance(k, str) and _ARTICLE_TYPES.search(k)]
    return len(articles) == 1 or (len(articles) > 1 and len(articles) == len(set(articles))
                                  and len(articles) <= 3)


_SKIP = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer",
                   "aside", "form", "select", "button", "a"})
# Elements that hold their own run of text: a block's prose is counted without them.
_BLOCKS = frozenset({"div", "section", "article", "main", "table", "tbody", "tr", "td",
                     "body", "html", "figure"})
# Writing systems without spaces between words: their letters are counted instead.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff"
                       r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _running_prose(root: lxml.html.HtmlElement) -> int:
    """The most words of plain text in one block (its own text, paragraphs, list items
    and inline elements, not text inside links or inside nested blocks): an article's
    body is one long run, a listing's teasers are short runs in separate cards. In
    Chinese, Japanese, Thai and the like, two letters count as a word."""
    best = 0
    for element in root.iter(*_BLOCKS):
        best = max(best, _words(_block_text(element)))
    return best


def _block_text(element: lxml.html.HtmlElement) -> str:
    """`element`'s text outside links, skipped elements and nested blocks."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _SKIP and child.tag not in _BLOCKS:
            parts.append(_block_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def _words(text: str) -> int:
    unspaced = len(_UNSPACED.findall(text))
    return len(text.split()) + unspaced // 2 if unspaced else len(text.split())

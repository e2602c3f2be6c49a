"""Multi-page articles: find an article's other pages, or its "show all" view.

The signs are data (rules/pagination.toml): show-all query forms and link texts, next-page
texts, "Halaman N" words, page parameters, and per-site show-all forms. Only links to the
same article count (same host and path, or the path plus a trailing /N), so "next
article" links are never taken for pages.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scraper.discover.links import Page, parse_page


@dataclass(frozen=True)
class PaginationRules:
    show_all_queries: tuple[str, ...]
    show_all_texts: frozenset[str]
    next_texts: frozenset[str]
    page_words: tuple[str, ...]
    page_params: tuple[str, ...]
    sites: dict[str, dict] = field(default_factory=dict)

    def site(self, host: str) -> dict:
        """The per-site entry for `host` (or a subdomain of a listed domain), or {}."""
        host = host.lower()
        for domain, entry in self.sites.items():
            if host == domain or host.endswith("." + domain):
                return entry
        return {}


def bundled_table() -> dict:
    """The bundled rules file, parsed (its `[generic]` table also holds the pager words
    that `scraper.extract.pages` drops from joined pages)."""
    text = resources.files("scraper.discover").joinpath("rules/pagination.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def default_rules() -> PaginationRules:
    """The bundled rules, for callers that pass none (a crawl loads them once and passes
    them)."""
    return load_rules(bundled_table())


def load_rules(data: dict) -> PaginationRules:
    g = data["generic"]
    return PaginationRules(
        show_all_queries=tuple(g["show_all_queries"]),
        show_all_texts=frozenset(t.casefold() for t in g["show_all_texts"]),
        next_texts=frozenset(t.casefold() for t in g["next_texts"]),
        page_words=tuple(w.casefold() for w in g["page_words"]),
        page_params=tuple(g["page_params"]),
        sites={s["domain"]: s for s in data.get("site", [])})


@dataclass
class Pagination:
    """What a page says about its article's other pages."""

    show_all: str | None = None
    pages: dict[int, str] = field(default_factory=dict)  # page number (>= 2) -> URL

    def __bool__(self) -> bool:
        return bool(self.show_all or self.pages)


def find_pagination(html: Page, url: str, rules: PaginationRules | None = None, *,
                    article_url: str | None = None, max_pages: int | None = None) -> Pagination:
    """The show-all view and numbered pages of an article, from the HTML of one of its
    pages at `url` (`article_url`: the article's first page, when `url` is a later one).

    A link counts as page N only with evidence in its text ("2", "Halaman 2", "Next",
    rel=next) and only when it points into the same article: so a path ending in a number
    (/news/2024/123) is never mistaken for page 123 of /news/2024. Pages numbered over
    `max_pages` ([crawl] max_article_pages) are left out.
    """
    rules = rules or default_rules()
    found = Pagination()
    root = parse_page(html)
    if root is None:
        return found
    here, first = urlsplit(url), urlsplit(article_url or url)
    host = (first.hostname or "").lower()
    params = set(rules.page_params) | {rules.site(host).get("page_param", "page")}
    article_path = first.path.rstrip("/") or "/"
    _, _, own_query = _split_query(first.query, params, rules.show_all_queries)
    candidates = [(a.get("href"), _text(a), (a.get("rel") or "").lower()) for a in root.iter("a")]
    candidates += [(link.get("href"), "", "next") for link in root.iter("link")
                   if (link.get("rel") or "").lower() == "next"]
    next_url = None
    for href, text, rel in candidates:
        if not href or href.startswith(("#", "javascript:")):
            continue
        target = urlsplit(urljoin(url, href.strip()))
        if (target.hostname or "").lower() != host:
            continue
        path = target.path.rstrip("/") or "/"
        m = _TRAILING.search(path)
        path_number = int(m.group(1)) if m and path[:m.start()] == article_path else None
        if path != article_path and path_number is None:
            continue
        number, show_all, rest = _split_query(target.query, params, rules.show_all_queries)
        if rest != own_query:
            continue  # another article on a query-addressed site
        number = number or path_number
        absolute = urlunsplit((target.scheme, target.netloc, target.path, target.query, ""))
        if show_all or text in rules.show_all_texts:
            found.show_all = found.show_all or absolute
        elif number and number >= 2 and _names_page(text, number, rules):
            found.pages.setdefault(number, absolute)
        elif number != 1 and ("next" in rel or text in rules.next_texts):
            if number:
                found.pages.setdefault(number, absolute)
            elif absolute != urlunsplit((*here[:4], "")):
                next_url = next_url or absolute
    if next_url and not found.pages:
        found.pages[2] = next_url
    if found.pages and not found.show_all:
        template = rules.site(host).get("show_all")
        if template:  # the site has a show-all view even where the page does not link it
            query = "&".join(filter(None, [own_query, template]))
            found.show_all = urlunsplit((first.scheme, first.netloc, first.path, query, ""))
    found.pages = {n: u for n, u in sorted(found.pages.items())
                   if max_pages is None or n <= max_pages}
    return found


def _names_page(text: str, number: int, rules: PaginationRules) -> bool:
    """Is `text` a label of page `number` ("2", "Halaman 2", "page 2")?"""
    words = text.replace(".", " ").split()
    return bool(words) and words[-1] == str(number) and (
        len(words) == 1 or len(words) == 2 and words[0] in rules.page_words)


def _text(anchor) -> str:
    return " ".join(anchor.text_content().split()).casefold()


_TRAILING = re.compile(r"/(\d{1,3})$")


def _split_query(query: str, page_params: set[str],
                 show_all_queries: tuple[str, ...]) -> tuple[int | None, bool, str]:
    """(page number, is show-all, the rest of the query in a canonical order)."""
    number, show_all, rest = None, False, []
    for key, value in parse_qsl(query, keep_blank_values=True):
        pair = f"{key}={value}".lower()
        if pair in show_all_queries:
            show_all = True
        elif key.lower() in page_params and value.isdigit():
            number = int(value)
        else:
            rest.append((key, value))
    return number, show_all, urlencode(sorted(rest))

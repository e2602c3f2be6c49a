"""Page metadata from HTML: JSON-LD first, then meta tags, then the markup itself.

Read before the page is pruned (pruning removes <meta>, <link> and <script>).
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from bs4 import Tag

from scraper.extract.dom import is_json_ld
from scraper.extract.language import iso639_1
from scraper.textnorm import tidy

_ARTICLE_TYPES = re.compile(r"article|posting|report|news|blog", re.IGNORECASE)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|$|[^\d])")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:•·»]\s+|\s+::\s+|(?<=\w):\s+")
_LANG = re.compile(r"^([a-z]{2,3})(?:[-_].*)?$", re.IGNORECASE)
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z][a-z0-9]{1,31});", re.IGNORECASE)
#: A site name in Latin letters after a headline in another script: "... - Entermedia".
_LATIN_NAME = re.compile(r"[A-Za-z0-9][\w.&' -]{1,40}", re.ASCII)
#: Up to this many words, a Latin part at one end of a non-Latin title is the site's name.
_MAX_SITE_WORDS = 4
#: A headline in a script written without spaces (Chinese, Japanese) is this long at least.
_MIN_UNSPACED_HEADLINE = 8
#: <h1>s weighed as the visible headline, at most (a page's first ones), and the longest one.
_MAX_H1S = 20
_MAX_HEADLINE_CHARS = 200
#: Words, at most, of a kicker set before the headline in its <h1> ("Klimaschutz :").
_MAX_KICKER_WORDS = 6
_NON_WORD = re.compile(r"\W+")
_NO_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_COMMA = re.compile(r"\s+(?=[,)])")
#: What pages written as XHTML wrap a JSON-LD script in: "<![CDATA[ ... ]]>", "<!-- -->".
_LD_WRAPPER = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_CONTENT_WORD = re.compile(r"\w{4,}")

_PUBLISHED_META = ("article:published_time", "og:article:published_time", "datepublished",
                   "pubdate", "publishdate", "publish-date", "publish_date", "date",
                   "dc.date.issued", "dc.date", "dcterms.created", "sailthru.date",
                   "parsely-pub-date", "article.published", "content_publishdate",
                   "originalpublicationdate", "release_date")
#: Elements that carry a marked publish date, and the marks (itemprop or RDFa property).
_DATE_MARK_TAGS = ("span", "abbr", "div", "p", "time", "small", "li", "a")
_PUBLISHED_MARKS = frozenset(("datepublished", "schema:datepublished", "dcterms:issued"))
_CREATED_MARKS = frozenset(("datecreated", "schema:datecreated", "dc:date", "dc:created",
                            "dcterms:created", "dc:date dc:created"))
_OTHER_STORIES = re.compile(r"related|sidebar|comment|recommend|promo|teaser|popular|"
                            r"trending|rail|listing|story-list|carousel", re.IGNORECASE)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified",
                  "last-modified", "dcterms.modified", "article.updated")
#: Where bylines are marked: the elements looked at, and class or id words that mark one
#: (or, for the second pattern, a photo credit, a bio or an avatar beside it).
_BYLINE_TAGS = ("a", "span", "div", "p", "address", "cite", "em", "strong", "li", "dd",
                "link", "meta", "h4", "h5", "small", "b")
_BYLINE_MARK = re.compile(r"byline|author|writer|reporter|penulis|autor|auteur|verfasser",
                          re.IGNORECASE)
_NOT_BYLINE_MARK = re.compile(r"bio|avatar|image|img|photo|pic|thumb|social|follow|more|"
                              r"about|desc|title|date|time|comment|box|wrapper|section",
                              re.IGNORECASE)
#: Regions whose bylines credit other articles (or commenters).
_OTHER_REGION_TAGS = frozenset(("nav", "aside", "footer"))
_PAGE_TAGS = frozenset(("body", "html", "[document]"))
#: Layout classes that say a region has sidebars beside it ("has-double-sidebar",
#: "has-left-sidebar has-right-sidebar"): the region is the page's main column.
_HAS_SIDEBAR = re.compile(r"\b(?:has|with)-(?:[a-z]+-)?sidebars?\b", re.IGNORECASE)
_OTHER_REGION = re.compile(r"related|(?<!has-)(?<!with-)sidebar"
                           # layout: "sidebar-right", "blog-sidebar-position-right"
                           r"(?![-_]?(?:pos\w*[-_])?(?:parent|left|right))|"
                           # Drupal's "node--promoted" is an article put on the front page
                           r"comment|recommend|promo(?!ted)|teaser|popular|"
                           r"trending|newsletter|footer|widget|rail|most-|more-|listing|"
                           # "hfeed" is hAtom's root, around the whole blog
                           r"story-list|\bfeed|carousel|\bnav", re.IGNORECASE)
_AUTHOR_LINK = re.compile(r"/(author|authors|autor|autoren|auteur|writer|writers|people|"
                          r"profile|profiles|perfiles|reporter|penulis|u|bio|staff|team)"
                          # ... then one person's page, not the index of all ("/autoren")
                          r"(?:s?/|[-_.])[^/?#\s]", re.IGNORECASE)
#: hCard's formatted name ("<span class='fn'>") inside a byline.
_HCARD_NAME = re.compile(r"(?:^|\s)fn(?:\s|$)")
_ADDRESS_LIKE = re.compile(r"https?://|www\.", re.IGNORECASE)
_MAX_BYLINE_TAGS = 40
_MAX_BYLINE_CHARS = 100

_AUTHOR_META = ("author", "article:author", "byl", "sailthru.author", "parsely-author",
                "dc.creator", "content_author")


@dataclass
class PageMeta:
    """What the markup says about the article (each None or empty when it says nothing)."""

    title: str | None = None
    h1: str | None = None
    #: every title the metadata gives (headline, og:title, twitter:title, <title>) and the
    #: page's <h1>s, decoded: `pick_title` weighs them against each other
    titles: list[str] = field(default_factory=list)
    h1s: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    #: the other publish dates the structured data gives, for days `published` does not
    #: name (a meta tag beside JSON-LD's, a <time>'s): `dates.reconcile_published` weighs them
    published_others: list[str] = field(default_factory=list)
    modified: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)
    body_hint: str | None = None  # JSON-LD articleBody, when the page has one
    #: the names the page's byline markup shows (`_markup_bylines`)
    bylines: list[str] = field(default_factory=list)
    url_date: str | None = None


def read_metadata(index: dict[str, list[Tag]], url: str | None = None) -> PageMeta:
    """Collect metadata from a parsed, not yet pruned page (`dom.tags_by_name` of it)."""
    meta = PageMeta()
    metas = _meta_tags(index.get("meta", ()))
    ld = _json_ld(index.get("script", ()))

    title = index.get("title")
    meta.title = _first(ld.get("headline"), metas.get("og:title"), metas.get("twitter:title"),
                        _text(title[0]) if title else None)
    h1 = index.get("h1")
    meta.h1 = _text(h1[0]) if h1 else None
    meta.titles = [tidy(unescape_entities(t)) for t in (
        _first(ld.get("headline")), metas.get("og:title"), metas.get("twitter:title"),
        _text(title[0]) if title else None) if t]
    # text joined across inline tags gains a space before a comma ("Metroid</a> , One")
    # ... and a heading's permalink mark ("Evolve: Shared Mutable History ¶", Sphinx)
    meta.h1s = [_SPACE_BEFORE_COMMA.sub("", tidy(unescape_entities(t))).rstrip(" ¶")
                for tag in h1[:_MAX_H1S] if (t := _text(tag))] if h1 else []
    meta.site = _first(metas.get("og:site_name"), _name(ld.get("publisher")),
                       metas.get("application-name"))
    if meta.site:
        meta.site = tidy(unescape_entities(meta.site))  # "Caf&eacute; Babel", escaped twice
    meta.authors = _authors(ld.get("author")) or _meta_authors(metas)
    meta.bylines = _markup_bylines(index)
    # (the markup's marks and other JSON-LD objects only where the usual places say
    # nothing: reading them walks many elements)
    meta.published = _first(ld.get("datePublished"), ld.get("dateCreated"),
                            *(metas.get(k) for k in _PUBLISHED_META)) \
        or _first(_marked_date(index)) or _first(_page_ld_date(index.get("script", ()))) \
        or _time_tag(index.get("time", []))
    if meta.published:
        meta.published_others = _other_days(meta.published, (
            ld.get("datePublished"), *(metas.get(k) for k in _PUBLISHED_META),
            _time_tag(index.get("time", []), own=True)))
    meta.modified = _first(ld.get("dateModified"), *(metas.get(k) for k in _MODIFIED_META))
    meta.image = _first(_image(ld.get("image")), metas.get("og:image"),
                        metas.get("twitter:image"))
    meta.tags = _tags(ld.get("keywords"), metas)
    body = ld.get("articleBody")
    meta.body_hint = body if isinstance(body, str) and body.strip() else None

    html = index.get("html")
    lang = (html[0].get("lang") or html[0].get("xml:lang")) if html else None
    lang = lang or metas.get("content-language") or metas.get("og:locale")
    if lang and _LANG.match(str(lang).strip()):
        meta.language = iso639_1(str(lang))  # "ind" -> "id": the record's codes are ISO 639-1

    canonical = None
    for link in index.get("link", ()):
        if not link.get("href"):
            continue
        rel = link.get("rel") or []
        if "canonical" in [r.lower() for r in (rel if isinstance(rel, list) else [rel])]:
            canonical = link["href"]
            break
    canonical = canonical or metas.get("og:url") or _url_of(ld)
    if canonical and url:
        canonical = urljoin(url, canonical)
    if canonical and urlsplit(canonical).scheme in ("http", "https"):
        meta.canonical_url = canonical.strip()
    for candidate in (url, meta.canonical_url):
        if candidate and (m := _URL_DATE.search(urlsplit(candidate).path)):
            meta.url_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            break
    if meta.image and url:
        meta.image = urljoin(url, meta.image)
    return meta


def unescape_entities(text: str) -> str:
    """Decode entities left as text by pages that escape twice ("&quot;", "&#8217;")."""
    for _ in range(3):  # "&amp;quot;" takes two rounds
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def pick_title(page: PageMeta, url: str | None = None) -> str | None:
    """The headline: the metadata's title without its site suffix (`strip_site_suffix`),
    but as the page shows it when one of its <h1>s is that headline (`_visible_headline`)."""
    title = _corroborated(page.titles, page.h1s) or page.title or page.h1
    if not title:
        return None
    title = strip_site_suffix(title, page.site, page.h1, page.canonical_url or url)
    part = _headline_part(page, url)
    title = _visible_headline(title, page) or part or title
    if part and _closes_title(title, page):
        title = part  # the <h1> closing the title is the logo: another one opens it
    return _without_kicker(title, page, url)


def _visible_headline(title: str, page: PageMeta) -> str | None:
    """The <h1> that is the headline, when the markup shows which one it is:

    1. an <h1> that one of the metadata titles spells out (og:title, <title>, ...): the
       visible headline where the first metadata title is a social-media or SEO variant;
    2. an <h1> that is `title` typeset ("Heartsteel’s" for "Heartsteel's", "–" for "-");
    3. the page's only <h1>, a headline in size that shares a word with the metadata
       titles, where these are the site's name or an SEO phrase ("Home", "About Us").
    An <h1> that is the site's name (a logo) is never the headline."""
    site = _fold(page.site or "")
    h1s = [h for h in page.h1s if _fold(h) and _fold(h) != site]
    spelled = {_fold(t) for t in page.titles}
    for h1 in h1s:
        if _fold(h1) in spelled:
            # spaced as the metadata spells it, where only spaces differ: text joined
            # across inline tags gains some ("Frauen im THW</span> : Vergangenheit")
            squeezed = _NO_SPACE.sub("", h1)
            return next((t for t in page.titles if _NO_SPACE.sub("", t) == squeezed), h1)
    letters = _NON_WORD.sub("", title)
    for h1 in h1s:
        if _NON_WORD.sub("", h1) == letters:
            return h1
    if len(page.h1s) == 1 and h1s and _headline_sized(h1 := h1s[0]) \
            and len(h1) <= _MAX_HEADLINE_CHARS and _shares_word(h1, page.titles) \
            and _fold(h1) not in _fold(title) and _fold(title) not in _fold(h1):
        return h1
    return None


def _headline_part(page: PageMeta, url: str | None) -> str | None:
    """The <h1> that opens a metadata title, the rest being the site's or a section's
    name ("Faire Lieferketten - Jugendwerk in Württemberg - EJW" over <h1>Faire
    Lieferketten</h1>): a headline too short for `strip_site_suffix`'s test. Not an <h1>
    that is the site's name (a logo: "Silicon Exposed: Open Verilog flow ..."), known by
    the site's name or domain, or because the rest of the title is another of its titles.
    (An <h1> closing the title is most often the logo: "... | DimidoBlog".)"""
    names = _site_names(page.site, page.canonical_url or url)
    others = {_fold(t) for t in page.titles}
    for h1 in page.h1s:
        if not (key := _fold(h1)) or _names_site(h1, names):
            continue
        for title in page.titles:
            for sep in _TITLE_SEPARATORS.finditer(title):
                if _fold(title[:sep.start()]) == key and _fold(title[sep.end():]) not in others:
                    return h1
    return None


def _closes_title(text: str, page: PageMeta) -> bool:
    """Does a metadata title end with `text` after a separator ("Kleine Schafskunde |
    Mäscot das Schaf - Webcomic")?"""
    key = _fold(text)
    return any(_fold(title[sep.end():]) == key for title in page.titles
               for sep in _TITLE_SEPARATORS.finditer(title))


def _without_kicker(title: str, page: PageMeta, url: str | None) -> str:
    """An <h1> that is a metadata title after a few words of its own is a kicker and the
    headline ("Investitionen in IT-Sicherheit" over "Cyber-Angriffe: 20 Prozent ...",
    "Klimaschutz : Bohren, bis es heiß wird"): the headline, as the <h1> spells it. Not
    where a metadata title is the whole <h1> too, nor where the title's opening was cut
    as the site's name."""
    folded = {_fold(t) for t in page.titles}
    if _fold(title) in folded:
        return title
    for full in page.titles:
        headline = strip_site_suffix(full, page.site, None, page.canonical_url or url)
        if not full.startswith(headline) or len(title) <= len(headline) \
                or not title.endswith(headline):
            continue
        kicker = title[: -len(headline)]
        if kicker[-1:].isspace() and kicker.strip(" :–-|") \
                and len(kicker.split()) <= _MAX_KICKER_WORDS:
            return headline
    return title


def _corroborated(titles: list[str], h1s: list[str]) -> str | None:
    """The first metadata title that shares a word with another title or an <h1>: a JSON-LD
    "headline" that is the page's description ("constitutional monarchy in Oceania" for
    "New Zealand - Wikipedia") shares none."""
    for i, title in enumerate(titles):
        if _shares_word(title, titles[:i] + titles[i + 1:] + h1s):
            return title
    return None


def _fold(text: str) -> str:
    """Letters and digits only, case folded: the same words however typeset."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


def _shares_word(text: str, others: list[str]) -> bool:
    """Does `text` have a word of four letters or more in common with any of `others`?"""
    words = {w.casefold() for w in _CONTENT_WORD.findall(text)}
    return any(w.casefold() in words for other in others for w in _CONTENT_WORD.findall(other))


def strip_site_suffix(title: str, site: str | None, h1: str | None,
                      url: str | None = None) -> str:
    """ "Headline - Site Name" -> "Headline", when the markup shows which part is the site:
    the page's <h1> opens the title, or one end of it names the site or the domain."""
    title = tidy(unescape_entities(title))
    h1 = tidy(unescape_entities(h1 or ""))
    if h1 and _headline_sized(h1) and h1 in title:
        return h1  # "Site: Section - Headline" with the headline as the page's <h1>
    title = _strip_site(title, site, url)
    # The visible headline may say more than the tag ("In Picture: ..."): it wins.
    if h1 and title in h1 and len(h1) <= len(title) + 40:
        return h1
    return title


def _strip_site(title: str, site: str | None, url: str | None) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    names = _site_names(site, url)
    for cut in (parts[-1], parts[0]):  # the site stands last, sometimes first
        if _names_site(cut, names):
            rest = title.replace(cut, "", 1).strip(" |-–—:•·»")
            return rest or title
    # No name to compare with: a short Latin part at the end of a headline in another
    # script is the site's name all the same ("엘제이-류화영 ... 이유 - Entermedia").
    cut = parts[-1]
    rest = title[: title.rindex(cut)].strip(" |-–—:•·»")
    if _LATIN_NAME.fullmatch(cut) and len(cut.split()) <= _MAX_SITE_WORDS \
            and rest and not _mostly_latin(rest):
        return rest
    return title


def _site_names(site: str | None, url: str | None) -> set[str]:
    """The site's name and its domain (whole, and its first label), squashed."""
    names = {_squash(site or "")}
    if host := site_domain(url):
        names |= {_squash(host), _squash(host.split(".")[0])}
    names.discard("")
    return names


def _names_site(text: str, names: set[str]) -> bool:
    """Is `text` one of `names` (or, above three letters, part of one or holding one)?"""
    key = _squash(text)
    return bool(key) and any(key == name or (len(key) > 3 and (key in name or name in key))
                             for name in names)


def _headline_sized(text: str) -> bool:
    """Long enough to be a headline: three words, or (in a script written without
    spaces) a few characters."""
    return len(text.split()) >= 3 or (len(text) >= _MIN_UNSPACED_HEADLINE
                                      and not _mostly_latin(text))


def _mostly_latin(text: str) -> bool:
    """At least half the letters are Latin (or there are none)."""
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii() or "LATIN" in unicodedata.name(c, ""))
    return latin * 2 >= len(letters)


def site_domain(url: str | None) -> str | None:
    """The URL's host without "www.": the site's name when the page gives none."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


def _meta_tags(tags) -> dict[str, str]:
    found: dict[str, str] = {}
    for tag in tags:
        key = tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv")
        value = tag.get("content")
        if key and value and str(value).strip():
            key = str(key).strip().lower()
            if key in ("article:tag", "article:author") and key in found:
                found[key] += "\x1f" + str(value).strip()
            else:
                found.setdefault(key, str(value).strip())
    return found


def _ld_objects(scripts) -> Iterator[dict]:
    """Every object of the page's JSON-LD scripts (through @graph too), in page order;
    a script that is not JSON is passed over."""
    for script in scripts:
        text = script.string or script.get_text()
        if not is_json_ld(script.get("type"), text):
            continue
        raw = _LD_WRAPPER.sub("", text)
        try:
            data = json.loads(raw.strip().rstrip(";"), strict=False)
        except (ValueError, AttributeError):
            continue
        yield from _walk_ld(data)


def _json_ld(scripts) -> dict:
    """The first article-like JSON-LD object (found through @graph too), or {}."""
    for item in _ld_objects(scripts):
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
            return item
    return {}


def _walk_ld(data) -> list[dict]:
    items: list[dict] = []
    stack = [data]
    while stack and len(items) < 200:
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node
        elif isinstance(node, dict):
            items.append(node)
            if isinstance(node.get("@graph"), list):
                stack[:0] = node["@graph"]
    return items


def _first(*values) -> str | None:
    for value in values:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and tidy(value):
            return tidy(value)
    return None


def _text(tag) -> str | None:
    return tidy(tag.get_text(" ")) or None if tag is not None else None


def _name(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _first(value.get("name"))
    return _first(value)


def _authors(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        if isinstance(item, dict) and "organization" in str(item.get("@type", "")).lower():
            continue  # the outlet or a desk ("El Colombiano"), where no writer is named
        name = _name(item)
        if name and not name.startswith("http") and name not in names:
            names.append(name)
    return names


def _meta_authors(metas: dict[str, str]) -> list[str]:
    for key in _AUTHOR_META:
        if key in metas:
            names = [tidy(n) for n in metas[key].split("\x1f")]
            return [n for n in names if n and not n.startswith("http")]
    return []


def _markup_bylines(index: dict[str, list[Tag]]) -> list[str]:
    """The names in the first byline the markup marks as such: `itemprop=author` (its
    `itemprop=name` when it has one), `rel=author` links, and elements whose class or id
    says byline or author. Outside navigation, sidebars, footers and lists of other
    stories, whose bylines credit other articles."""
    marked = [tag for name in _BYLINE_TAGS for tag in index.get(name, ())
              if tag.attrs and _marks_byline(tag)]  # most tags have no attributes: skip the call
    own_text: list[str] = []
    for tag in sorted(marked[:_MAX_BYLINE_TAGS], key=_document_position):
        if _in_other_region(tag):
            continue
        names, marked_names = _byline_names(tag)
        if names and marked_names:
            return names
        own_text = own_text or names
    # A byline's own text only where no byline marks its names: a label beside the
    # names ("<span class='meta-prep-author'>Posted on</span>") is marked too.
    return own_text


def _marks_byline(tag: Tag) -> bool:
    attrs = tag.attrs
    if attrs.get("itemprop") == "author" or "author" in str(attrs.get("rel", "")).split():
        return True
    marks = attrs.get("class") or ""
    if "id" in attrs:
        marks = f"{marks} {attrs['id']}"
    return bool(marks) and bool(_BYLINE_MARK.search(marks)) and not _NOT_BYLINE_MARK.search(marks)


def _byline_names(tag: Tag) -> tuple[list[str], bool]:
    """What a byline element names: its `itemprop=name`s, else its hCard names
    (class "fn"), else its links to author pages, else its own text when short enough to
    be a byline; and whether the names were marked (the first three, or a <meta> content)."""
    named = tag.find_all(attrs={"itemprop": "name"}) or tag.find_all(class_=_HCARD_NAME) or \
        [a for a in tag.find_all("a") if _AUTHOR_LINK.search(str(a.get("href", "")))]
    marked = bool(named) or bool(tag.get("content")) or (
        tag.name == "a" and bool(_AUTHOR_LINK.search(str(tag.get("href", "")))))
    texts = [_text(t) for t in named] if named else [tag.get("content") or _text(tag)]
    # (a <link rel=author> to a profile gives its address, which names no one)
    return [t for t in texts if t and len(t) <= _MAX_BYLINE_CHARS
            and not _ADDRESS_LIKE.match(t)], marked


def _in_other_region(tag: Tag, *, teasers: bool = True) -> bool:
    """Inside navigation, a sidebar, a footer, comments or a list of other stories? (The
    classes of <body> and <html> describe the page's layout: "right-sidebar", "widgets-hidden".)"""
    for parent in tag.parents:
        if parent.name in _PAGE_TAGS:
            break
        if parent.name in _OTHER_REGION_TAGS:
            return True
        attrs = parent.attrs
        if attrs and (m := _OTHER_REGION.search(marks := f"{attrs.get('class', '')} {attrs.get('id', '')}")) \
                and _OTHER_REGION.search(_HAS_SIDEBAR.sub(" ", marks)):
            if teasers or m.group(0).lower() != "teaser" or _OTHER_REGION.search(marks, m.end()):
                return True
    return False


def _document_position(tag: Tag) -> list[int]:
    """A sort key in document order: the index of each ancestor among its siblings."""
    path = []
    for node in (tag, *tag.parents):
        parent = node.parent
        if parent is None:
            break
        path.append(next(i for i, child in enumerate(parent.contents) if child is node))
    return path[::-1]


def _image(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _first(value.get("url"), value.get("contentUrl"))
    return _first(value)


def _tags(keywords, metas: dict[str, str]) -> list[str]:
    raw: list[str] = []
    if isinstance(keywords, list):
        raw.extend(k for k in keywords if isinstance(k, str))
    elif isinstance(keywords, str):
        raw.extend(keywords.split(","))
    if "article:tag" in metas:
        raw.extend(metas["article:tag"].split("\x1f"))
    for key in ("news_keywords", "keywords"):
        if key in metas and not raw:
            raw.extend(metas[key].split(","))
    tags: list[str] = []
    for tag in raw:
        tag = tidy(tag)
        if tag and tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    return tags[:50]


def beside_article(tag: Tag) -> bool:
    """Is `tag` in comments, navigation, a sidebar, a footer or a list of other stories?
    Dates there are those of other texts."""
    return _in_other_region(tag, teasers=False)


def _marked_date(index: dict[str, list[Tag]]) -> str | None:
    """The publish date the markup marks on an element that is not a <meta>: microdata
    (`itemprop=datePublished`), RDFa (`property=schema:datePublished`) or the hAtom
    microformat (`<abbr class="published" title="...">`), read from the element's content,
    datetime or title attribute; a creation date only where no publish date is marked
    (teasers of other stories mark theirs as dateCreated). Comments' dates do not count."""
    for marks in (_PUBLISHED_MARKS, _CREATED_MARKS):
        found: list[tuple[Tag, str]] = []
        for name in _DATE_MARK_TAGS:
            for tag in index.get(name, ()):
                attrs = tag.attrs
                if not attrs:
                    continue
                mark = str(attrs.get("itemprop") or attrs.get("property") or "").lower()
                if mark not in marks and not (marks is _PUBLISHED_MARKS and name == "abbr"
                                              and "published" in str(attrs.get("class", "")).split()):
                    continue
                value = next((str(attrs[k]).strip() for k in ("content", "datetime", "title")
                              if attrs.get(k) and _ISO_DAY.match(str(attrs[k]).strip())), None)
                if value and not _in_comment(tag) and not _in_other_stories(tag):
                    found.append((tag, value))
        if found:
            return min(found, key=lambda pair: _document_position(pair[0]))[1]
    return None


def _in_other_stories(tag: Tag) -> bool:
    """Inside a teaser or list of other stories, a sidebar or comments? (An article's own
    date often stands in its "entry-footer": a footer is not one of these.)"""
    for parent in tag.parents:
        if parent.name in _PAGE_TAGS:
            break
        attrs = parent.attrs
        if parent.name in ("nav", "aside") or (attrs and _OTHER_STORIES.search(
                f"{attrs.get('class', '')} {attrs.get('id', '')}")):
            return True
    return False


def _in_comment(tag: Tag) -> bool:
    """Is the element part of a reader's comment (RDFa or microdata type Comment)?"""
    for parent in tag.parents:
        kind = str(parent.attrs.get("typeof") or parent.attrs.get("itemtype") or "")
        if "comment" in kind.lower():
            return True
    return False


def _page_ld_date(scripts) -> str | None:
    """datePublished of any JSON-LD object (a WebPage's, where no article object is)."""
    for item in _ld_objects(scripts):
        value = item.get("datePublished")
        if isinstance(value, str) and _ISO_DAY.match(value.strip()):
            return value.strip()
    return None


def _other_days(published: str, values) -> list[str]:
    """The values (strings only) that name a calendar day other than `published`'s, one
    each. Read as ISO 8601 here: the other forms ("Tue Feb 20 2018") are left out."""
    days = {published[:10]}
    others = []
    for value in values:
        if isinstance(value, str) and _ISO_DAY.match(value := value.strip()) \
                and value[:10] not in days:
            days.add(value[:10])
            others.append(value)
    return others


def _time_tag(tags, *, own: bool = False) -> str | None:
    """The first of the page's first <time>s with an ISO date; with `own`, outside
    comments, sidebars and lists of other stories (`_in_other_region`), whose dates are
    other texts'. (As the last place a publish date is read from, any: the regions'
    classes are too broad there, "hfeed", "widget".)"""
    for tag in tags[:5]:
        value = tag.get("datetime")
        if value and re.match(r"\d{4}-\d{2}-\d{2}", str(value)) \
                and not (own and _in_other_region(tag)):
            return str(value)
    return None


def _url_of(ld: dict) -> str | None:
    entity = ld.get("mainEntityOfPage")
    if isinstance(entity, dict):
        entity = entity.get("@id") or entity.get("url")
    return _first(ld.get("url"), entity)

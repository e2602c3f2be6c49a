"""Authors a reader can trust: the people named in a page's author strings.

Pages put all sorts where a writer's name should be: several people in one string
("A und B, dpa"), a byline label ("By ..."), the site's own name, the company behind it
("PT. VIVA MEDIA BARU - VIVA.co.id"), an e-mail address. The rule tables say which words
join names, which label a byline, which mark an organisation or a role and which name a
news agency (see `RuleSet`); this module applies them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from scraper.extract.metadata import unescape_entities
from scraper.extract.rules import RuleSet
from scraper.textnorm import tidy

#: A name longer than this (words) is a sentence or a blurb, not a byline.
MAX_NAME_WORDS = 6
_EDGE = re.compile(r"^[\W_]+|[^\w.]+$")  # brackets, dashes and quotes around a name
#: URLs and e-mail addresses go before a string is split (their "/" and "." would split).
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_SQUASH = re.compile(r"\W+")
#: Host labels that are no brand: "www", "m", top-level and second-level domains.
_GENERIC_LABELS = frozenset(("www", "m", "amp", "com", "co", "id", "net", "org", "or", "go",
                             "ac", "web", "news", "tv", "info", "my", "sg", "uk", "au"))

#: What a site's name may end in besides its brand ("detikcom", "Tempo.co").
_GENERIC_TAILS = ("", "com", "coid", "co", "id", "net", "org", "news", "online", "tv")


def pick_authors(candidates: Iterable[Iterable[str]], rules: RuleSet, *,
                 site: str | None = None, url: str | None = None) -> list[str]:
    """The people of the first candidate list that names any, in order of trust.

    Each list is cleaned by `clean_authors`; a list that names only organisations (a
    JSON-LD author that is the site itself) gives way to the next one.
    """
    fallback: list[str] = []
    candidates = [list(names) for names in candidates]
    for names in candidates:
        people, agencies = split_credits(names, rules, site=site, url=url)
        if people:
            return _in_written_case(people, candidates)
        fallback = fallback or agencies
    return fallback  # a wire story credited to its agency alone


def _in_written_case(people: list[str], candidates: list[list[str]]) -> list[str]:
    """A name in capitals ("NABILLA TASHANDRA", metadata that copied a styled byline) as
    another candidate writes it ("Nabilla Tashandra"), when one does."""
    if not any(name.isupper() for name in people):
        return people
    written = {part.casefold(): part for names in candidates for raw in names
               for part in _EDGE.sub("", tidy(raw)).split(", ") if not part.isupper()}
    return [written.get(name.casefold(), name) if name.isupper() else name for name in people]


def clean_authors(names: Iterable[str], rules: RuleSet, *, site: str | None = None,
                  url: str | None = None) -> list[str]:
    """The people named in `names`; a news agency only when no person is named."""
    people, agencies = split_credits(names, rules, site=site, url=url)
    return people or agencies


def split_credits(names: Iterable[str], rules: RuleSet, *, site: str | None = None,
                  url: str | None = None) -> tuple[list[str], list[str]]:
    """(people, agencies) named in author strings, each once, in order.

    Dropped: e-mail addresses, URLs, numbers, organisations and roles (`not_person`),
    the site's own name or domain, and strings too long for a name.
    """
    known = _Site.of(site, url)
    people: list[str] = []
    agencies: list[str] = []
    owners: list[str] = []  # names that spell the host: a personal site's owner, or the outlet
    for raw in names:
        for part in _parts(raw, rules):
            if part.casefold() in rules.agencies:
                target = agencies
            elif not _is_person(part, rules, known):
                continue
            else:
                target = owners if known.spelled_by(part) else people
            if part.casefold() not in (p.casefold() for p in target):
                target.append(part)
    # "Haki Benita" alone on hakibenita.com is its owner; "Business Insider" after
    # "Tanza Loudenback" on businessinsider.com is the outlet.
    return people or owners, agencies


def _parts(raw: str, rules: RuleSet) -> list[str]:
    """One author string split into candidate names, byline labels removed."""
    text = _ADDRESS.sub(",", tidy(unescape_entities(raw or "")))
    parts: list[str] = []
    pieces = _split(text, rules.author_joiner)
    for piece in pieces:
        piece = rules.author_suffix.sub("", _strip_prefixes(piece, rules))
        piece = _EDGE.sub("", piece).strip()
        if piece:
            parts.append(piece)
    return parts


def _strip_prefixes(text: str, rules: RuleSet) -> str:
    """ "By: Jane Doe" -> "Jane Doe"; "Oleh: Penulis: X" loses both labels."""
    for _ in range(3):
        m = rules.author_prefix.match(text)
        if not m or not m.end():
            break
        text = text[m.end():]
    return text


def _split(text: str, joiner: re.Pattern[str]) -> list[str]:
    """Split on every match of `joiner` (whatever groups its patterns have), except next
    to a piece of a letter or less: "Mac & i" names one magazine, not two people."""
    pieces, seps, start = [], [], 0
    for m in joiner.finditer(text):
        if m.end() > m.start():
            pieces.append(text[start:m.start()])
            seps.append(m.group())
            start = m.end()
    pieces.append(text[start:])
    merged = [pieces[0]]
    short_last = len(_LETTER.findall(pieces[0])) < 2
    for sep, piece in zip(seps, pieces[1:]):
        short = len(_LETTER.findall(piece)) < 2
        if short or short_last:
            merged[-1] += sep + piece
        else:
            merged.append(piece)
        short_last = len(_LETTER.findall(merged[-1])) < 2
    return [p.strip() for p in merged if p.strip()]


def _is_person(name: str, rules: RuleSet, site: _Site) -> bool:
    if not _LETTER.search(name) or len(name) < 2 or len(name.split()) > MAX_NAME_WORDS:
        return False
    if rules.not_person.search(name) or _only_a_date_label(name, rules):
        return False
    return not site.named_by(name)


def _only_a_date_label(name: str, rules: RuleSet) -> bool:
    """Is the "name" a date line's label left alone ("Veröffentlicht am", "Posted on"):
    a byline box whose date was an attribute?"""
    for label in (rules.date_label, rules.modified_label):
        m = label.match(name)
        if m and not name[m.end():].strip(" .:-–—"):
            return True
    return False


@dataclass(frozen=True)
class _Site:
    """The names a site goes by: its own name, as it gives it, and the distinctive labels
    of its host and of a name that is a domain ("KOMPAS.com" -> "kompas")."""

    names: frozenset[str]  # squashed
    brands: frozenset[str]  # squashed host labels

    @classmethod
    def of(cls, site: str | None, url: str | None) -> _Site:
        hosts = [(urlsplit(url).hostname or "") if url else ""]
        if site and "." in site and " " not in site:
            hosts.append(site)
        brands = {_squash(label) for host in hosts for label in host.lower().split(".")
                  if len(label) >= 3 and label not in _GENERIC_LABELS}
        names = {_squash(site)} if site else set()
        return cls(frozenset(names - {""}), frozenset(brands - {""}))

    def named_by(self, name: str) -> bool:
        """Does `name` name the site ("Liputan6.com", "detikcom", "Kompas Cyber Media" on
        kompas.com)? Words that spell the host together ("Haki Benita" on hakibenita.com)
        do not by themselves: see `spelled_by`."""
        key = _squash(name)
        bare = {key.removesuffix(tail) for tail in _GENERIC_TAILS}  # "detikcom" -> "detik"
        if not bare.isdisjoint(self.names):
            return True
        words = {_squash(w) for w in name.split()}
        one_word = len(words) == 1
        return any(brand in words or (one_word and (brand in bare or
                                                    (len(brand) > 5 and brand in key)))
                   for brand in self.brands)

    def spelled_by(self, name: str) -> bool:
        """Do the words of `name` spell one of the host's labels ("Haki Benita")?"""
        return _squash(name) in self.brands


def _squash(text: str) -> str:
    return _SQUASH.sub("", text.casefold())

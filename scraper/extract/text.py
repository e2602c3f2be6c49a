"""Text mode: turn an already-scraped text dump into a clean article record.

The passes run in a fixed order, each over the lines the previous ones kept:
rules from the phrase tables (chrome, captions, metadata, dates) -> truncated echoes ->
the title -> lists (menus, related stories) -> in text dumps, the article's stretch (what
the page printed around it goes) -> datelines joined -> repeats removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from scraper.extract.authors import pick_authors
from scraper.extract.dates import date_among_words, label_before, looks_like_date, parse_date_line
from scraper.extract.language import detect_language
from scraper.extract.lines import (
    Line,
    ends_sentence,
    is_dateline,
    is_heading,
    is_headline_like,
    is_prose,
    split_lines,
    word_count,
)
from scraper.extract.rules import RuleSet, default_rules
from scraper.record import Article, build_article
from scraper.settings import CleanSettings
from scraper.textnorm import match_key

_ELLIPSIS = ("...", "…")
#: Only lines of at least this many words are removed as repeats: short labels and list
#: items ("Stats", "½ cup oatmeal") legitimately recur in an article.
MIN_REPEAT_WORDS = 6
#: A caption rule matching the end of a line after this much text (characters) found a
#: credit glued to a paragraph, not a caption line.
MIN_PROSE_BEFORE_CREDIT = 200
#: Passes of clean_text at most (the second almost always confirms the first).
_MAX_PASSES = 3
#: An echo must keep at least this many characters before its ellipsis.
_MIN_ECHO_CHARS = 8


@dataclass
class Meta:
    """Metadata found while cleaning; first value found wins."""

    title: str | None = None
    site: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    language_hint: Callable[[], str | None] = lambda: None


def clean_text(text: str, source: str, *, settings: CleanSettings | None = None,
               rules: RuleSet | None = None, template: frozenset[str] = frozenset()) -> Article:
    """Clean one text dump into an Article.

    `source` is recorded as given. `template` holds `match_key`s of lines known to be
    template from other documents of the run (see `TemplateLines`).
    """
    rules = rules or default_rules()
    meta, body = _clean_once(text, settings, rules, template)
    # Cleaning must give what cleaning its own output gives (a user may clean twice):
    # on odd dumps a rule can fire only once another has removed its neighbours, so the
    # article's own title and text are cleaned again until they stand still.
    for _ in range(_MAX_PASSES - 1):
        again, again_body = _clean_once(
            "\n\n".join(part for part in (meta.title, body) if part), settings, rules, template)
        if (again.title, again_body) == (meta.title, body):
            break
        meta.title, body = again.title, again_body
    return build_article(
        source=source,
        text=body,
        title=meta.title,
        site=meta.site,
        authors=pick_authors((meta.authors, meta.editors), rules, site=meta.site),
        published=meta.published,
        modified=meta.modified,
        language=detect_language(body) or meta.language_hint(),
        warnings=[] if body else ["no article text found"],
    )


def _clean_once(text: str, settings: CleanSettings | None, rules: RuleSet,
                template: frozenset[str]) -> tuple[Meta, str]:
    meta = Meta()
    body = "\n\n".join(clean_lines(split_lines(text), meta, settings=settings, rules=rules,
                                   template=template, find_title=True))
    return meta, body


def clean_lines(lines: list[Line], meta: Meta, *, settings: CleanSettings | None = None,
                rules: RuleSet | None = None, template: frozenset[str] = frozenset(),
                find_title: bool = False, language: str | None = None) -> list[str]:
    """The shared text rules over `lines`; returns the article's paragraphs.

    Metadata found on the way (title when `find_title`, authors, dates, site) goes into
    `meta`; a title already in `meta` is removed wherever it repeats in the body.
    `language`, when known, helps read date lines; otherwise it is detected on first need.
    """
    settings = settings or CleanSettings()
    rules = rules or default_rules()
    if language:
        meta.language_hint = lambda: language
    else:
        meta.language_hint = cache(lambda: detect_language(" ".join(l.text for l in lines)))

    _apply_rules(lines, rules, template, meta)
    _drop_echoes(lines)
    if find_title:
        meta.title = _take_title(lines, settings)
    elif meta.title:
        _drop_repeats(lines, meta.title)
    _drop_lists(lines, settings)
    if not find_title:
        _drop_closing_sections(lines)
        _drop_dated_bylines(lines, rules, meta)
    if find_title:  # a text dump: the whole page (HTML lines come from its main block)
        first = _keep_article_span(lines)
        if first is not None:
            _take_head(lines, first, meta)
        if meta.title is None:
            # The search stopped at prose that turned out to be outside the article (a
            # cookie banner): look again, as cleaning the cleaned text would.
            meta.title = _take_title(lines, settings)
    kept = [l for l in lines if l.keep]
    # Text dumps have no markup: any heading-shaped line may head a section. In HTML
    # only real headings do (a list item is never moved).
    movable = {l.text for l in kept if l.role == "heading" or (l.role == "body"
                                                               and is_heading(l.text))}
    paragraphs = _dedupe(_join_datelines(kept), movable)
    if paragraphs:
        paragraphs[-1] = rules.trailer.sub("", paragraphs[-1]).rstrip()
    return [p for p in paragraphs if p]


def _apply_rules(lines: list[Line], rules: RuleSet, template: frozenset[str],
                 meta: Meta) -> None:
    """Drop lines the phrase tables and the run's template name; collect metadata."""
    for line in lines:
        text = line.text
        if not line.key:
            line.drop("no words")
        elif line.key in template:
            line.drop("template")
        elif take_meta(text, rules, meta):
            line.drop("meta")
        elif rules.list_header.fullmatch(text):
            line.drop("list header")
            line.role = "list_header"
        elif line.role != "row" and rules.drop.fullmatch(text):
            line.drop("phrase")  # (a table row is structure, whatever its shape)
        elif m := rules.caption.search(text):
            if m.start() >= MIN_PROSE_BEFORE_CREDIT and m.end() == len(text):
                # a paragraph with a photo's credit glued on ("... Kartellbehörden.Foto:
                # photocase.de"): the credit goes, the paragraph stays
                line.text = text[:m.start()].rstrip()
                line.key = match_key(line.text)
            else:
                line.drop("caption")
        elif looks_like_date(text) and (date := parse_date_line(text, rules,
                                                                meta.language_hint())):
            line.drop("date")
            if getattr(meta, date.kind) is None:
                setattr(meta, date.kind, date.value)
            if date.site and meta.site is None:
                meta.site = date.site  # "Kompas.com - 12/01/2024, 08:15 WIB"


#: A byline or date line is at most this long; the article's prose starts and ends with
#: sentences of at least `_MIN_PROSE_WORDS`.
_MAX_DATED_WORDS = 12
_MIN_PROSE_WORDS = 15


def _drop_dated_bylines(lines: list[Line], rules: RuleSet, meta: Meta) -> None:
    """Before the article's first sentence or after its last, a short line that names a
    date among other words and reads as a byline is metadata: with a time ("24. März
    2004, 19:49 | Genesis"), a bar, a byline prefix ("By Amelie Nishizawa Feb 8, 2020 5 min
    read") or a date label ("Posted by ... on November 19, 2019"). List items (references,
    a club's agenda) and embedded posts ("— The Senate (@NGRSenate) October 9, 2018") stay,
    as do dated lines inside the article."""
    kept = [i for i, line in enumerate(lines) if line.keep]
    prose = _sentences(lines, kept, _MIN_PROSE_WORDS)
    if not prose:
        return
    for i in kept:
        if prose[0] < i < prose[-1]:
            continue
        line = lines[i]
        text = line.text
        if line.role == "item" or word_count(text) > _MAX_DATED_WORDS or "@" in text \
                or (ends_sentence(text) and not text.endswith(":")):
            continue
        found = date_among_words(text, rules, meta.language_hint())
        if found is None:
            continue
        if found.value[10:] or " | " in text or rules.author_prefix.match(text) \
                or label_before(text[:found.start], rules):
            line.drop("dated byline")


def take_meta(text: str, rules: RuleSet, meta: Meta) -> bool:
    """If `text` is a metadata line (a `meta` rule matches it whole), record what it names
    (author, editor, site) in `meta` and return True."""
    for pattern in rules.meta:
        if m := pattern.fullmatch(text):
            found = {k: v.strip() for k, v in m.groupdict().items() if v and v.strip()}
            if "site" in found and meta.site is None:
                meta.site = found["site"]
            for key, target in (("author", meta.authors), ("editor", meta.editors)):
                if key in found and found[key] not in target:
                    target.append(found[key])
            return True
    return False


def _drop_echoes(lines: list[Line]) -> None:
    """Drop truncated copies: "Putin Keukeuh Tuntut..." beside "Putin Keukeuh Tuntut
    Jaminan", and pull quotes cut from a paragraph ("... dari sejumlah korban ...")."""
    for line in lines:
        text = line.text
        if not line.keep or not text.endswith(_ELLIPSIS):
            continue
        quoted = text.lstrip(" \"“”'‘’").startswith(_ELLIPSIS)
        stem = text.strip(".… \"“”'‘’")
        stem_key = match_key(stem)
        if len(stem) < _MIN_ECHO_CHARS or not stem_key:
            continue
        if any(other.key != line.key and (f" {stem_key}" in f" {other.key}" if quoted
                                           else other.key.startswith(stem_key))
               for other in lines):
            line.drop("echo")


def _runs(lines: list[Line], min_run: int) -> set[int]:
    """Indexes of kept lines in runs of at least `min_run` headline-like lines in a row
    (a blank line or a prose line ends a run; dropped lines are transparent)."""
    found: set[int] = set()
    run: list[int] = []
    boundary = False  # a blank line stood somewhere since the last kept line
    for i, line in enumerate(lines):
        boundary = boundary or line.block_start
        if not line.keep:
            continue
        if boundary or not is_headline_like(line.text):
            if len(run) >= min_run:
                found.update(run)
            run = []
        boundary = False
        if is_headline_like(line.text):
            run.append(i)
    if len(run) >= min_run:
        found.update(run)
    return found


def _take_title(lines: list[Line], settings: CleanSettings) -> str | None:
    """The first headline-like line of two or more words near the top, before any prose,
    that is not part of a menu; it and its later repeats leave the body."""
    in_lists = _runs(lines, settings.list_run)
    for i in (i for i, l in enumerate(lines) if l.keep):
        text = lines[i].text
        if is_prose(text):
            return None
        if i not in in_lists and lines[i].n_words >= 2 and is_headline_like(text):
            _drop_repeats(lines, text)
            lines[i].role = "title"
            return text
    return None


def _drop_repeats(lines: list[Line], title: str) -> None:
    """Drop the title wherever it stands in the body."""
    title_key = match_key(title)
    for line in lines:
        if line.keep and line.key == title_key:
            line.drop("title")


def _sentences(lines: list[Line], kept: list[int], min_words: int) -> list[int]:
    """Of the `kept` line indices, those of sentences of at least `min_words`: the span
    of the article's prose, which the closing and byline rules look outside of."""
    return [i for i in kept if word_count(lines[i].text) >= min_words
            and ends_sentence(lines[i].text)]


#: The article's last paragraph: a sentence of at least this many words.
_MIN_CLOSING_PROSE_WORDS = 25
#: A label opening a closing section ("Empfohlene Beiträge", "Read the latest from ...").
_MAX_LABEL_WORDS = 6


def _drop_closing_sections(lines: list[Line]) -> None:
    """After the article's last paragraph, a label (a heading, or a short line ending in
    ":" or "?") followed by nothing but links opens a box of other pages ("Empfohlene
    Beiträge", "Mehr von 1000things"), or a heading with nothing after it: the label and
    what follows go. A label followed by text stays (a list of the qualified teams, a
    test's scores, "Pros" and "Cons": the article's own)."""
    kept = [i for i, line in enumerate(lines) if line.keep]
    prose = _sentences(lines, kept, _MIN_CLOSING_PROSE_WORDS)
    if not prose:
        return
    tail = [i for i in kept if i > prose[-1]]
    for j, i in enumerate(tail):
        line = lines[i]
        text = line.text
        after = [lines[k] for k in tail[j + 1:]]
        label = line.role == "heading" or text.endswith((":", "?"))
        # (the links may be gone already, as lone links: the label left alone stands
        # for them)
        if label and word_count(text) <= _MAX_LABEL_WORDS \
                and all(other.linked for other in after) \
                and (after or line.role == "heading"
                     or any(other.linked for other in lines[i + 1:])):
            for k in tail[j:]:
                lines[k].drop("closing section")
            return


def _drop_lists(lines: list[Line], settings: CleanSettings) -> None:
    """Drop menus and lists of other stories: runs of headline-like lines, and the
    headline-like lines after a list header ("Berita Terkait") until prose resumes."""
    for i in _runs(lines, settings.list_run):
        lines[i].drop("list")
    in_list = False
    for line in lines:
        if line.role == "list_header":
            in_list = True
        elif line.keep and in_list:
            if is_headline_like(line.text):
                line.drop("list")
            else:
                in_list = False


# The article's stretch in a text dump (see `_keep_article_span`). Every line gets a score
# in words: prose adds, everything else costs. The figures were tuned on naive dumps of the
# labelled benchmark pages (bench/extraction.py, section 6); the result is flat around them.
#: A prose line is worth its length in words less this much: a long paragraph builds the
#: article up, a one-line teaser or comment barely counts.
SPAN_PROSE_COST = 7.0
#: A line's length counts up to this many words, so one long legal notice or footer does
#: not outweigh an article of ordinary paragraphs.
SPAN_MAX_WORDS = 80
#: What a kept headline-like line costs (a sub-heading, a teaser's headline, a name).
SPAN_SHORT_COST = 4.0
#: What a kept list item or other short line that is not headline-like costs.
SPAN_ITEM_COST = 2.0
#: What a line dropped as chrome costs (menus, story lists, phrases, template lines).
SPAN_CHROME_COST = 4.0
#: What a list header costs ("Related", "Berita Terkait"): other stories start there.
SPAN_HEADER_COST = 40.0
#: Beyond the best stretch, kept lines not cut off by chrome still join it while they cost
#: no more than this in all: a dateline before the first paragraph, a closing note.
SPAN_SLACK = 10.0
#: Lines dropped for these reasons stand beside the article (bylines, dates, captions, the
#: title): they neither build nor break its stretch.
_BESIDE = frozenset({"meta", "date", "title", "caption", "echo", "no words"})


def _keep_article_span(lines: list[Line]) -> int | None:
    """Text dumps: keep the article's one stretch, drop what the page printed around it.

    A naive dump holds the whole page: menus and the cookie banner before the article,
    share bars, story lists, comments and the footer after it. The article is the stretch
    of lines that scores highest (long prose adds, short lines and chrome cost; the most
    words net of the clutter, found in one pass); kept lines outside it are dropped.
    Nothing is dropped when no stretch scores above zero (a page of short lines).
    Returns where the stretch begins, or None.
    """
    scores = _span_scores(lines)
    best, best_at = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, score in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += score
        if total > best:
            best, best_at = total, (start, i)
    if best <= 0:
        return None
    first = _extend(lines, scores, best_at[0], -1)
    last = _extend(lines, scores, best_at[1], +1)
    for i, line in enumerate(lines):
        if line.keep and not first <= i <= last:
            line.drop("outside")
    return first


#: A headline has at least this many words; menu entries are shorter ("World", "Log in").
_MIN_HEADLINE_WORDS = 4


def _take_head(lines: list[Line], first: int, meta: Meta) -> None:
    """Take back the dateline and headline just before the article's stretch from the menu
    run that swallowed them: a dump without blank lines runs the menu, the headline and
    the dateline together into one list of short lines."""
    for line in reversed(lines[:first]):
        if not line.keep and line.why in _BESIDE - {"title"}:
            continue  # a byline or date between headline and text
        if line.why != "list":
            return
        if is_dateline(line.text):
            line.keep, line.why = True, ""  # joins the paragraph it opens
            continue
        if (meta.title is None and line.n_words >= _MIN_HEADLINE_WORDS
                and is_headline_like(line.text)):
            meta.title = line.text
            line.role, line.why = "title", "title"
            _drop_repeats(lines, line.text)
        return


def _span_scores(lines: list[Line]) -> list[float]:
    """Each line's score for `_keep_article_span`, on the text as it will be printed, so
    that cleaning the cleaned text gives the same result: a long line repeated later
    scores once (the copy goes in `_dedupe`), and a dateline scores with the paragraph it
    will open (`_join_datelines`)."""
    scores: list[float] = []
    seen: set[str] = set()
    pending = ""  # datelines waiting for their paragraph
    for line in lines:
        repeat = (line.key in seen and len(line.key.split()) >= MIN_REPEAT_WORDS
                  and not line.twin)
        seen.add(line.key)
        if line.keep and is_dateline(line.text):
            pending = f"{pending} {line.text}".strip()
            scores.append(0.0)
        elif line.keep and pending:
            scores.append(_span_score(line, f"{pending} {line.text}"))
            pending = ""
        else:
            scores.append(0.0 if repeat and line.keep else _span_score(line, line.text))
    return scores


def _span_score(line: Line, text: str) -> float:
    if line.keep:
        if is_prose(text):
            return min(SPAN_MAX_WORDS, word_count(text)) - SPAN_PROSE_COST
        return -SPAN_SHORT_COST if is_headline_like(text) else -SPAN_ITEM_COST
    if line.role == "list_header":
        return -SPAN_HEADER_COST
    return 0.0 if line.why in _BESIDE else -SPAN_CHROME_COST


def _extend(lines: list[Line], scores: list[float], edge: int, step: int) -> int:
    """The stretch's edge moved outwards (`step` -1 or +1) over kept lines that cost
    at most SPAN_SLACK together, up to the first line dropped as chrome."""
    total, i, reach = 0.0, edge + step, edge
    while 0 <= i < len(lines):
        line = lines[i]
        if not line.keep and line.why not in _BESIDE:
            break
        total += scores[i]
        if total < -SPAN_SLACK:
            break
        if line.keep:
            reach = i
        i += step
    return reach


def _join_datelines(lines: list[Line]) -> list[tuple[str, bool]]:
    """The lines' texts, a dateline ("Warta Ekonomi, Moskow -") joined to the paragraph it
    opens; each with its line's `twin` flag."""
    joined: list[tuple[str, bool]] = []
    pending = ""
    for line in lines:
        if is_dateline(line.text):
            pending = f"{pending} {line.text}".strip()
            continue
        joined.append((f"{pending} {line.text}".strip() if pending else line.text, line.twin))
        pending = ""
    if pending:
        joined.append((pending, False))
    return joined


def _dedupe(paragraphs: list[tuple[str, bool]], movable: set[str]) -> list[str]:
    """Keep each paragraph (MIN_REPEAT_WORDS or more) once, in first-seen order, but for
    those flagged as twins (the author's own repeats, `Line.twin`).

    A heading whose section repeats earlier text (a page that prints its article twice,
    the second time with sub-headings) moves to just before that text's first copy, so
    the headings stay with the paragraphs they introduce; one that would land at the very
    top is left out, as it would read as the title.
    """
    out: list[str] = []
    seen: set[str] = set()
    first: dict[str, str] = {}  # key -> the kept paragraph text
    pending: str | None = None
    for text, twin in paragraphs:
        key = match_key(text)
        if not key:
            continue
        if key in seen and len(key.split()) >= MIN_REPEAT_WORDS and not twin:
            if pending is not None and first[key] in out:
                # At the very top a moved heading would read as the title: leave it out.
                at = out.index(first[key])
                if at > 0 and not is_heading(out[at - 1]):
                    out.insert(at, pending)
                pending = None
            continue
        seen.add(key)
        first[key] = text
        if pending is not None:
            out.append(pending)
            pending = None
        if text in movable:
            pending = text
        else:
            out.append(text)
    if pending is not None:
        out.append(pending)
    return out

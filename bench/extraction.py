"""Extraction benchmark: scraper against its peers on every labelled set, in one run.

Run:  .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/extraction.py > bench.md
Options: --only scraper,trafilatura (tools; goose3, justext and boilerpy3 run only when named
here), --sets aeb,id-news (default: all five), --memory-pages N (default 10000, 0 skips),
--no-profile. Needs ../shared/bench (see its README.md); nothing is written to disk.

Prints Markdown:
1. Body scores, one table per set: aeb (181 pages), id-news (30; 26 label a body),
   readability (all 130 pages, then the 93 real ones), newspaper4k (22), trafilatura-eval (990).
   F1, precision, recall, pages with recall < 0.5, ms/page and the time as a ratio to
   trafilatura default. The metric is AEB's shingle metric (bench/aeb_metric.py) except on
   trafilatura-eval, which has its own snippet metric (sets.snippet_score); there the
   "low" column counts pages where fewer than half of the `with` snippets were found.
2. Metadata, per set that labels it: title exact, authors (exact set and any overlap),
   published (same day; same UTC offset where both sides give one). See `title_ok`,
   `names` and `published_ok` for the exact rules.
3. ms/page over all the sets together, per tool, and scraper / trafilatura.
4. scraper's 15 worst pages by page F1 over the body-labelled sets, and on trafilatura-eval
   the 15 pages where it missed most `with` snippets.
5. id-news: pages with boilerplate phrases left in the body, per tool, and scraper's misses.
6. Cleaned text dumps: each body-labelled page as a naive scraper would save it (all visible
   text, a line per block element; `naive_dump`), scored raw and after scraper.clean_text.
7. cProfile of scraper over the AEB pages (unless --no-profile).
8. RSS while scraper extracts N AEB pages, cycled, in one process (unless --memory-pages 0).

Each tool gets what the set's upstream harness gives it (sets.tool_input: bytes for
trafilatura-eval, UTF-8 text elsewhere) and the page URL where the set has one. A tool that
raises on a page scores that page as empty output; crashes are listed under the table.
Times are of the tool call alone, one process, after one warm-up call per tool and set; the
machine may be shared, so compare ratios within a run rather than times across runs.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import html as htmllib
import io
import logging
import pstats
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb_metric import corpus_score, page_scores  # noqa: E402
from sets import LOADERS, SETS, Page, snippet_counts, snippet_score, tool_input  # noqa: E402

from scraper import clean_text, extract_html  # noqa: E402

WIB = timezone(timedelta(hours=7))
TOKEN = re.compile(r"\w+")
WS = re.compile(r"\s+")


# --- tools: each takes (page as str or bytes, url) and returns an Output ---------------------

@dataclass
class Output:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    error: str | None = None


@dataclass
class Tool:
    name: str
    fn: Callable[[str | bytes, str | None], Output]
    #: the metadata this tool reports, of "title", "authors", "published"
    fields: tuple[str, ...] = ()
    #: in the default run (the slow peers run only when named in --only)
    default: bool = True


def as_str(data: str | bytes) -> str:
    """Text for the peers that take only str: UTF-8 if valid, else the charset the page
    declares in its first 4 KB, else windows-1252."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = re.search(rb"""charset=["']?([\w-]+)""", data[:4096], re.I)
    try:
        return data.decode(declared.group(1).decode() if declared else "cp1252", "replace")
    except LookupError:
        return data.decode("cp1252", "replace")


def scraper_tool(html, url):
    a = extract_html(html, url=url)
    return Output(a.text, a.title, list(a.authors), a.published)


def trafilatura_default(html, url):
    import trafilatura
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return Output("")
    # trafilatura joins several authors with "; "
    return Output(doc.text or "", doc.title, [doc.author] if doc.author else [], doc.date)


def trafilatura_precision(html, url):
    import trafilatura
    return Output(trafilatura.extract(html, url=url, favor_precision=True,
                                      include_comments=False) or "")


def readability_tool(html, url):
    import lxml.html
    from readability import Document
    doc = Document(html, url=url)
    summary = doc.summary(html_partial=True)
    if not summary.strip():
        return Output("", doc.short_title())
    tree = lxml.html.fromstring(summary)
    text = "\n\n".join(p.text_content()
                       for p in tree.iter("p", "h2", "h3", "li", "pre", "blockquote"))
    return Output(text or tree.text_content(), doc.short_title())


def resiliparse_tool(html, url):
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding
    from resiliparse.parse.html import HTMLTree
    if isinstance(html, bytes):
        html = bytes_to_str(html, detect_encoding(html))
    return Output(extract_plain_text(HTMLTree.parse(html), main_content=True))


def goose_tool(html, url):
    from goose3 import Goose
    with Goose({"enable_image_fetching": False}) as g:
        article = g.extract(raw_html=as_str(html))
    date = article.publish_datetime_utc.isoformat() if article.publish_datetime_utc \
        else article.publish_date
    return Output(article.cleaned_text or "", article.title, list(article.authors or []), date)


def justext_tool(html, url):
    import justext
    data = html.encode("utf-8") if isinstance(html, str) else html
    paragraphs = justext.justext(data, justext.get_stoplist("English"))
    return Output("\n\n".join(p.text for p in paragraphs if not p.is_boilerplate))


def boilerpy_tool(html, url):
    from boilerpy3 import extractors
    return Output(extractors.ArticleExtractor(raise_on_failure=False)
                  .get_content(as_str(html)) or "")


TOOLS = {t.name: t for t in (
    Tool("scraper", scraper_tool, ("title", "authors", "published")),
    Tool("trafilatura", trafilatura_default, ("title", "authors", "published")),
    Tool("trafilatura-precision", trafilatura_precision),
    Tool("readability-lxml", readability_tool, ("title",)),
    Tool("resiliparse", resiliparse_tool),
    Tool("goose3", goose_tool, ("title", "authors", "published"), default=False),
    Tool("justext", justext_tool, default=False),
    Tool("boilerpy3", boilerpy_tool, default=False),
)}
BASELINE = "trafilatura"


# --- running: the one loop every table reads from ---------------------------------------------

@dataclass
class Run:
    outputs: list[Output]
    seconds: list[float]


def call(tool: Tool, page: Page) -> Output:
    try:
        return tool.fn(tool_input(page), page.url)
    except Exception as exc:  # a peer failing on a page scores as empty, as in the benchmark
        return Output("", error=type(exc).__name__)


def run(tool: Tool, pages: list[Page]) -> Run:
    """Run `tool` over `pages`: its outputs and the seconds each call took."""
    call(tool, pages[0])  # warm-up: imports, models, caches
    outputs, seconds = [], []
    for page in pages:
        start = time.perf_counter()
        out = call(tool, page)
        seconds.append(time.perf_counter() - start)
        outputs.append(out)
    return Run(outputs, seconds)


@dataclass
class Group:
    """The pages one table is about: a set, or part of one (readability's real pages)."""

    label: str
    set: str
    index: list[int]  # positions in the set's page list


def groups_of(set_name: str, pages: list[Page]) -> list[Group]:
    everything = Group(set_name, set_name, list(range(len(pages))))
    if set_name != "readability":
        return [everything]
    real = [i for i, p in enumerate(pages) if not p.synthetic]
    return [Group(f"{set_name} (all)", set_name, everything.index),
            Group(f"{set_name} (real)", set_name, real)]


# --- Markdown helpers -------------------------------------------------------------------------

def table(headers: list[str], rows: list[list]) -> None:
    print("| " + " | ".join(headers) + " |")
    print("|" + "---|" * len(headers))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print()


def frac(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.0%})" if n else "-"


def cell(text: str, limit: int = 70) -> str:
    text = WS.sub(" ", text).strip()
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("|", "\\|")


def ms(seconds: list[float]) -> float:
    return 1000 * sum(seconds) / len(seconds) if seconds else 0.0


def ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}x" if base else "-"


# --- body scores ------------------------------------------------------------------------------

def word_count(text: str | None) -> int:
    return len(TOKEN.findall(text or ""))


class Scores:
    """Per-page scores of every (set, tool) run, computed once and shared by the tables."""

    def __init__(self, pages: dict[str, list[Page]], runs: dict[str, dict[str, Run]]):
        self.pages, self.runs = pages, runs
        self._cache: dict[tuple[str, str], list] = {}

    def per_page(self, set_name: str, tool: str) -> list:
        """(P, R, exact) per page for the shingle sets, (TP, FP, FN) for trafilatura-eval;
        None where the page labels no body."""
        key = (set_name, tool)
        if key not in self._cache:
            outputs = self.runs[set_name][tool].outputs
            if set_name == "trafilatura-eval":
                scores = [snippet_counts(p, o.text) for p, o in zip(self.pages[set_name], outputs)]
            else:
                scores = [page_scores(p.body, o.text) if p.body is not None else None
                          for p, o in zip(self.pages[set_name], outputs)]
            self._cache[key] = scores
        return self._cache[key]

    def row(self, group: Group, tool: str) -> tuple[float, float, float, str, str]:
        """(F1, P, R, pages with low recall, detail) for the group."""
        pages = [self.pages[group.set][i] for i in group.index]
        outputs = [self.runs[group.set][tool].outputs[i] for i in group.index]
        per_page = [self.per_page(group.set, tool)[i] for i in group.index]
        if group.set == "trafilatura-eval":
            s = snippet_score(per_page)
            low = sum(1 for p, c in zip(pages, per_page) if p.with_ and 2 * c[0] < len(p.with_))
            return s.f1, s.precision, s.recall, frac(low, len(pages)), \
                f"TP {s.tp} FP {s.fp} FN {s.fn}"
        s = corpus_score([(p.body, o.text) for p, o in zip(pages, outputs) if p.body is not None])
        low = sum(1 for c in per_page if c is not None and c[1] < 0.5)
        return s.f1, s.precision, s.recall, frac(low, s.pages), f"accuracy {s.accuracy:.3f}"


def body_tables(groups: list[Group], scores: Scores, tools: list[str]) -> None:
    print("## 1. Body text\n")
    for group in groups:
        pages = scores.pages[group.set]
        scored = sum(1 for i in group.index if pages[i].body is not None or pages[i].with_)
        metric = ("trafilatura's snippet metric" if group.set == "trafilatura-eval"
                  else "AEB shingle metric")
        print(f"### {group.label}: {len(group.index)} pages, {scored} scored, {metric}\n")
        low = "pages < half `with` found" if group.set == "trafilatura-eval" else "pages R < 0.5"
        runs = scores.runs[group.set]
        times = {t: ms([runs[t].seconds[i] for i in group.index]) for t in tools}
        rows = []
        for t in tools:
            f1, p, r, lows, detail = scores.row(group, t)
            rows.append([t, f"{f1:.3f}", f"{p:.3f}", f"{r:.3f}", lows, f"{times[t]:.1f}",
                         ratio(times[t], times.get(BASELINE)), detail])
        table(["tool", "F1", "P", "R", low, "ms/page", f"time vs {BASELINE}", "detail"], rows)
        crashes = []
        for t in tools:
            errors = Counter(runs[t].outputs[i].error for i in group.index
                             if runs[t].outputs[i].error)
            crashes += [f"{t} {n}x {e}" for e, n in errors.most_common()]
        if crashes:
            print("Crashes (scored as empty): " + "; ".join(crashes) + "\n")


# --- metadata ---------------------------------------------------------------------------------

#: What each set labels, under the set's own name for the field.
LABELLED = {
    "readability": {"title": "title", "authors": "byline", "published": "published"},
    "newspaper4k": {"title": "title", "authors": "authors", "published": "published"},
    "trafilatura-eval": {"title": "title", "authors": "author", "published": "date"},
    "id-news": {"title": "title", "published": "published day (WIB)"},
}
#: id-news labels the day as the Indonesian page shows it: a tool's zoned time is read in WIB.
LABEL_ZONE = {"id-news": WIB}
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)


def norm_ws(text: str | None) -> str:
    return WS.sub(" ", text or "").strip()


def title_ok(label: str, got: str | None) -> bool:
    """Exact match after whitespace normalisation on both sides. The label is HTML-unescaped
    only when it holds an entity itself (none of the current labels do); the tool's title is
    never unescaped."""
    if ENTITY.search(label):
        label = htmllib.unescape(label)
    return norm_ws(label) == norm_ws(got)


_NAME_SPLIT = re.compile(r"[,;&]|\s+(?:and|und|dan)\s+", re.I)
_NAME_PREFIX = re.compile(r"^(?:written\s+by|by|von|par|oleh)\s+", re.I)


def names(values: list[str] | None) -> frozenset[str]:
    """Author strings as a set of person names, the same way for label and tool: split on
    , ; & and the words "and", "und", "dan"; whitespace collapsed; lower-cased; a leading
    "by", "written by", "von", "par" or "oleh" dropped; empty pieces dropped. Nothing else
    is cleaned, so a noisy label ("By Nathan Willis March 25, 2015") stays noisy."""
    out = set()
    for value in values or ():
        for piece in _NAME_SPLIT.split(value):
            piece = _NAME_PREFIX.sub("", norm_ws(piece).lower()).strip(" .:-")
            if piece:
                out.add(piece)
    return frozenset(out)


_WHEN = re.compile(r"(\d{4})[-.](\d{1,2})[-.](\d{1,2})"
                   r"(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?")


@dataclass
class When:
    day: str
    moment: datetime | None  # aware datetime when the value has a time and an offset
    offset: timedelta | None


def parse_when(value: str | None) -> When | None:
    """An ISO-like date or datetime. Also reads the forms the labels use: "+0100" offsets,
    a space for "T", fractions of a second, and two trafilatura-eval typos ("2022-01.26",
    "2022-11-1")."""
    m = _WHEN.match(norm_ws(value))
    if not m:
        return None
    y, mo, d, hh, mm, ss, zone = m.groups()
    try:
        day = datetime(int(y), int(mo), int(d)).date().isoformat()
    except ValueError:
        return None
    if zone is None:
        return When(day, None, None)
    offset = timedelta(0) if zone == "Z" else \
        (1 if zone[0] == "+" else -1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[-2:]))
    moment = None
    if hh is not None:
        moment = datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss or 0),
                          tzinfo=timezone(offset))
    return When(day, moment, offset)


def published_ok(label: str, got: str | None, zone: timezone | None) -> tuple[bool, bool | None]:
    """(same day, same offset or None when not both give one). The day is compared as each
    side writes it, except that a tool's zoned time is first moved to the label's offset (or
    to the set's zone, WIB for id-news), so 23:30-05:00 and 04:30Z the next day agree."""
    want, have = parse_when(label), parse_when(got)
    if want is None or have is None:
        return False, None
    target = timezone(want.offset) if want.offset is not None else zone
    day = have.moment.astimezone(target).date().isoformat() \
        if have.moment is not None and target is not None else have.day
    offset = want.offset == have.offset if want.offset is not None and have.offset is not None \
        else None
    return day == want.day, offset


@dataclass
class Tally:
    title: list[int] = field(default_factory=lambda: [0, 0])
    exact: list[int] = field(default_factory=lambda: [0, 0])
    overlap: list[int] = field(default_factory=lambda: [0, 0])
    day: list[int] = field(default_factory=lambda: [0, 0])
    offset: list[int] = field(default_factory=lambda: [0, 0])


def tally(pages: list[Page], outputs: list[Output], zone) -> Tally:
    t = Tally()
    for page, out in zip(pages, outputs):
        if page.title:
            t.title[0] += title_ok(page.title, out.title)
            t.title[1] += 1
        if page.authors:
            want, have = names(page.authors), names(out.authors)
            t.exact[0] += want == have
            t.overlap[0] += bool(want & have)
            t.exact[1] += 1
            t.overlap[1] += 1
        if page.published:
            day, offset = published_ok(page.published, out.published, zone)
            t.day[0] += day
            t.day[1] += 1
            if offset is not None:
                t.offset[0] += offset
                t.offset[1] += 1
    return t


def metadata_tables(groups: list[Group], scores: Scores, tools: list[str]) -> None:
    print("## 2. Metadata\n")
    print("Title: exact after whitespace normalisation. Authors: the label's and the tool's "
          "names as sets (split on , ; & and/und/dan, lower-cased, a leading by/von/par/oleh "
          "dropped): exact = same set, overlap = a name in common. Published: same calendar "
          "day; offset = same UTC offset, counted over the pages where both sides give one. "
          "k/n over the pages that label the field.\n")
    for group in groups:
        fields = LABELLED.get(group.set)
        meta_tools = [t for t in tools if TOOLS[t].fields]
        if not fields or not meta_tools:
            continue
        pages = [scores.pages[group.set][i] for i in group.index]
        entities = sum(1 for p in pages if p.title and ENTITY.search(p.title))
        print(f"### {group.label}: labelled {', '.join(fields.values())}\n")
        headers = ["tool"]
        if "title" in fields:
            headers.append(f"{fields['title']} exact")
        if "authors" in fields:
            headers += [f"{fields['authors']} exact", f"{fields['authors']} overlap"]
        if "published" in fields:
            headers += [fields["published"] + (" day" if group.set != "id-news" else "")]
            if group.set != "id-news":
                headers.append("offset (both zoned)")
        rows = []
        for t in meta_tools:
            outputs = [scores.runs[group.set][t].outputs[i] for i in group.index]
            got = tally(pages, outputs, LABEL_ZONE.get(group.set))
            has = TOOLS[t].fields
            row = [t]
            if "title" in fields:
                row.append(frac(*got.title) if "title" in has else "-")
            if "authors" in fields:
                row += [frac(*got.exact), frac(*got.overlap)] if "authors" in has else ["-", "-"]
            if "published" in fields:
                row.append(frac(*got.day) if "published" in has else "-")
                if group.set != "id-news":
                    row.append(frac(*got.offset) if "published" in has else "-")
            rows.append(row)
        table(headers, rows)
        if entities:
            print(f"{entities} title labels held HTML entities and were unescaped.\n")


# --- all sets together, worst pages ---------------------------------------------------------

def combined_time(runs: dict[str, dict[str, Run]], tools: list[str]) -> None:
    print("## 3. Time over all sets together\n")
    total = {t: [s for set_runs in runs.values() for s in set_runs[t].seconds] for t in tools}
    n = len(next(iter(total.values()))) if total else 0
    base = ms(total[BASELINE]) if BASELINE in total else None
    table(["tool", "pages", "ms/page", f"vs {BASELINE}"],
          [[t, n, f"{ms(total[t]):.1f}", ratio(ms(total[t]), base)] for t in tools])
    if "scraper" in total and base:
        print(f"scraper / trafilatura over {n} pages ({', '.join(runs)}): "
              f"{ms(total['scraper']):.1f} / {base:.1f} ms = "
              f"{ms(total['scraper']) / base:.2f}x\n")


def page_f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def worst_pages(scores: Scores, tool: str = "scraper", n: int = 15) -> None:
    print(f"## 4. {tool}'s worst pages\n")
    rows = []
    for set_name, pages in scores.pages.items():
        if set_name == "trafilatura-eval":
            continue
        outputs = scores.runs[set_name][tool].outputs
        for page, out, s in zip(pages, outputs, scores.per_page(set_name, tool)):
            if s is not None:
                label = set_name + (" (synthetic)" if page.synthetic else "")
                rows.append((page_f1(s[0], s[1]), s[0], s[1], label, page.name,
                             word_count(out.text), word_count(page.body)))
    rows.sort(key=lambda r: r[0])
    if rows:
        print(f"By page F1 (AEB metric) over {len(rows)} body-labelled pages; words are "
              "`\\w+` tokens.\n")
        table(["set", "page", "F1", "P", "R", "words kept", "words labelled"],
              [[r[3], cell(r[4], 50), f"{r[0]:.3f}", f"{r[1]:.3f}", f"{r[2]:.3f}", r[5], r[6]]
               for r in rows[:n]])
    if "trafilatura-eval" in scores.pages:
        pages = scores.pages["trafilatura-eval"]
        outputs = scores.runs["trafilatura-eval"][tool].outputs
        found = [(c[2], c[1], p, o) for p, o, c in
                 zip(pages, outputs, scores.per_page("trafilatura-eval", tool))]
        found.sort(key=lambda r: (-r[0], -r[0] / max(1, len(r[2].with_))))
        print(f"trafilatura-eval: the {n} pages with most `with` snippets missed\n")
        rows = []
        for missed, leaked, page, out in found[:n]:
            text = norm_ws(out.text)
            first = next((s for s in page.with_ if norm_ws(s) not in text), "")
            rows.append([cell(page.name, 50), f"{missed}/{len(page.with_)}", leaked,
                         word_count(out.text), out.error or cell(first, 60)])
        table(["page", "with missed", "without leaked", "words kept", "first missed snippet"],
              rows)


# --- id-news boilerplate ----------------------------------------------------------------------

BOILERPLATE = ("baca juga", "loading", "copyright", "berita terkait", "jangan lewatkan",
               "simak juga video", "more photos", "penulis |", "editor |", "google news",
               "whatsapp channel", "telegram")


def boilerplate_check(pages: list[Page], runs: dict[str, Run], tools: list[str]) -> None:
    print("## 5. id-news: boilerplate left in the body\n")
    print(f"Pages (of {len(pages)}) whose body holds the phrase, case-insensitive substring.\n")
    lowered = {t: [o.text.lower() for o in runs[t].outputs] for t in tools}
    rows = [[f"`{phrase}`"] + [sum(phrase in text for text in lowered[t]) for t in tools]
            for phrase in BOILERPLATE]
    rows.append(["**any**"] + [sum(any(ph in text for ph in BOILERPLATE) for text in lowered[t])
                               for t in tools])
    table(["phrase"] + tools, rows)
    if "scraper" not in runs:
        return
    misses = []
    for page, out, text in zip(pages, runs["scraper"].outputs, lowered["scraper"]):
        if page.title and not title_ok(page.title, out.title):
            misses.append(f"title {page.name}: {out.title!r} != {page.title!r}")
        if page.published and not published_ok(page.published, out.published, WIB)[0]:
            misses.append(f"day {page.name}: {out.published!r} != {page.published}")
        left = [ph for ph in BOILERPLATE if ph in text]
        if left:
            misses.append(f"boilerplate {page.name}: {left}")
    if misses:
        print("scraper's id-news misses:\n")
        print("\n".join(f"- {m}" for m in misses) + "\n")


# --- cleaned text dumps -----------------------------------------------------------------------

DUMP_GROUPS = ("aeb", "readability (real)", "newspaper4k", "id-news")
_BLOCKS = frozenset("p div li h1 h2 h3 h4 h5 h6 br tr section article header footer nav aside "
                    "ul ol table blockquote pre".split())
_INVISIBLE = ("script", "style", "noscript", "template")


def naive_dump(html: bytes) -> str:
    """What a naive scraper saves: the visible text of <body> (the whole document if it has
    none), script/style/noscript/template dropped, a line break at each block element's start
    and end, spaces collapsed within lines, empty lines dropped. Inline neighbours (<td>,
    <span>) are joined with no space, as text_content() would."""
    import lxml.html
    from lxml import etree
    root = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
    for el in list(root.iter(*_INVISIBLE)):
        el.drop_tree()  # keeps the tail, which is visible text
    body = root.find("body")
    parts: list[str] = []
    for event, el in etree.iterwalk(body if body is not None else root, events=("start", "end")):
        is_tag = isinstance(el.tag, str)  # comments and processing instructions are not
        if event == "start":
            if is_tag and el.tag in _BLOCKS:
                parts.append("\n")
            if is_tag and el.text:
                parts.append(el.text)
        else:
            if is_tag and el.tag in _BLOCKS:
                parts.append("\n")
            if el.tail and el is not body:
                parts.append(el.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def dump_table(groups: list[Group], pages: dict[str, list[Page]]) -> None:
    print("## 6. Cleaned text dumps\n")
    print("Each body-labelled page as a naive scraper saves it (`naive_dump`: all visible text, "
          "a line per block element), scored against the label raw and after "
          "`scraper.clean_text(dump, source=name)`. AEB shingle metric.\n")
    rows, cleaned_f1, raw_f1 = [], [], []
    for group in groups:
        if group.label not in DUMP_GROUPS:
            continue
        chosen = [pages[group.set][i] for i in group.index if pages[group.set][i].body]
        dumps = [naive_dump(p.html) for p in chosen]
        clean_text(dumps[0], source="warm-up")
        cleaned, seconds = [], []
        for page, dump in zip(chosen, dumps):
            start = time.perf_counter()
            cleaned.append(clean_text(dump, source=page.name).text)
            seconds.append(time.perf_counter() - start)
        raw = corpus_score([(p.body, d) for p, d in zip(chosen, dumps)])
        got = corpus_score([(p.body, c) for p, c in zip(chosen, cleaned)])
        raw_f1.append(raw.f1)
        cleaned_f1.append(got.f1)
        rows.append([group.label, len(chosen), f"{raw.f1:.3f}", f"{raw.precision:.3f}",
                     f"{raw.recall:.3f}", f"{got.f1:.3f}", f"{got.precision:.3f}",
                     f"{got.recall:.3f}", f"{ms(seconds):.1f}"])
    if not rows:
        return
    table(["set", "pages", "raw F1", "raw P", "raw R", "cleaned F1", "cleaned P", "cleaned R",
           "clean_text ms/page"], rows)
    print(f"Average over the {len(rows)} sets: raw F1 {sum(raw_f1) / len(raw_f1):.3f}, "
          f"cleaned F1 {sum(cleaned_f1) / len(cleaned_f1):.3f}\n")


# --- profile and memory -----------------------------------------------------------------------

def profile(pages: list[Page]) -> None:
    print("## 7. Where scraper's time goes (cProfile over the AEB pages, by own time)\n")
    inputs = [(tool_input(p), p.url) for p in pages]
    prof = cProfile.Profile()
    prof.enable()
    for html, url in inputs:
        extract_html(html, url=url)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    print("```")
    print("\n".join(lines[:22]))
    print("```\n")


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def memory(pages: list[Page], n: int) -> None:
    print(f"## 8. RSS while scraper extracts {n:,} pages in one process (AEB pages cycled)\n")
    inputs = [(tool_input(p), p.url) for p in pages]
    marks = {max(1, n // 10) * i for i in range(1, 11)}
    start = time.perf_counter()
    print("```")
    for i in range(1, n + 1):
        html, url = inputs[i % len(inputs)]
        extract_html(html, url=url)
        if i in marks:
            gc.collect()
            print(f"{i:>7,} pages: RSS {rss_mib():7.1f} MiB "
                  f"({i / (time.perf_counter() - start):.0f} pages/s)")
    print("```\n")


# --- main -------------------------------------------------------------------------------------

def progress(message: str) -> None:
    if sys.stderr.isatty():
        print(message, file=sys.stderr, flush=True)


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    out = []
    for dist in ("scraper", "trafilatura", "readability-lxml", "resiliparse", "goose3",
                 "justext", "boilerpy3"):
        try:
            out.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


def pick(names: str | None, known, what: str, default) -> list[str]:
    if not names:
        return list(default)
    chosen = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in known]
    if unknown:
        sys.exit(f"unknown {what}: {', '.join(unknown)} (known: {', '.join(known)})")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated tools: " + ", ".join(TOOLS))
    parser.add_argument("--sets", help="comma-separated sets: " + ", ".join(SETS))
    parser.add_argument("--memory-pages", type=int, default=10_000)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    tools = pick(args.only, TOOLS, "tools", [t for t in TOOLS if TOOLS[t].default])
    set_names = pick(args.sets, SETS, "sets", SETS)
    logging.disable(logging.WARNING)  # peers log per-page complaints; they are not results

    pages = {s: LOADERS[s]() for s in set_names}
    print("# Extraction benchmark\n")
    print(f"{versions()}; Python {sys.version.split()[0]}; one process. Sets: "
          + ", ".join(f"{s} {len(p)}" for s, p in pages.items()) + " pages.\n")
    runs: dict[str, dict[str, Run]] = {s: {} for s in set_names}
    for s in set_names:
        for t in tools:
            progress(f"{t} on {s} ({len(pages[s])} pages)")
            runs[s][t] = run(TOOLS[t], pages[s])
    scores = Scores(pages, runs)
    groups = [g for s in set_names for g in groups_of(s, pages[s])]

    body_tables(groups, scores, tools)
    metadata_tables(groups, scores, tools)
    combined_time(runs, tools)
    if "scraper" in tools:
        worst_pages(scores)
    if "id-news" in pages:
        boilerplate_check(pages["id-news"], runs["id-news"], tools)
    if "scraper" in tools:
        dump_table(groups, pages)
    aeb = pages.get("aeb") or (LOADERS["aeb"]() if not args.no_profile or args.memory_pages
                               else [])
    if not args.no_profile:
        profile(aeb)
    if args.memory_pages:
        memory(aeb, args.memory_pages)


if __name__ == "__main__":
    main()

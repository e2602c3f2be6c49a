"""The labelled sets in ../shared/bench, loaded one way, with each set's own metric.

Every loader returns `Page`s: the page bytes as stored, the labelled body (or the
trafilatura-eval snippets), the URL and whatever metadata the set labels. See
../shared/bench/README.md for each set's format and licence.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from aeb_metric import Score, corpus_score

BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"
SETS = ("aeb", "id-news", "readability", "newspaper4k", "trafilatura-eval")


@dataclass
class Page:
    """One labelled page. `body` is None where the set labels no body (id-news title-only
    pages); trafilatura-eval labels snippets (`with_`, `without`) instead."""

    set: str
    name: str
    html: bytes
    body: str | None = None
    url: str | None = None
    title: str | None = None
    authors: list[str] | None = None
    published: str | None = None  # ISO date or datetime as the set gives it
    synthetic: bool = False
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) and value.strip() and value != "None" else None


def load_aeb() -> list[Page]:
    root = BENCH / "aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [Page("aeb", key, gzip.open(root / "html" / f"{key}.html.gz").read(),
                 body=item["articleBody"], url=_text_or_none(item.get("url")))
            for key, item in sorted(truth.items())]


def load_id_news() -> list[Page]:
    from datetime import datetime, timedelta, timezone
    wib = timezone(timedelta(hours=7))
    root = BENCH / "id-news"
    urls = {}
    for line in (root / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        urls[item["file"]] = item.get("url")
    pages = []
    for path in sorted((root / "html").glob("*.html")):
        label = path.with_suffix(".json")
        expected = json.loads(label.read_text(encoding="utf-8")) if label.exists() else {}
        date = expected.get("date")
        if date is not None and not isinstance(date, str):
            # epoch milliseconds, UTC: the day as the Indonesian page shows it (WIB)
            date = datetime.fromtimestamp(int(date) / 1000, tz=timezone.utc).astimezone(wib).date().isoformat()
        pages.append(Page("id-news", path.name, path.read_bytes(),
                          body=_text_or_none(expected.get("content")),
                          url=expected.get("url") or urls.get(path.name),
                          title=_text_or_none(expected.get("title")), published=date))
    return pages


def load_readability() -> list[Page]:
    root = BENCH / "readability"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in sorted(truth.items()):
        byline = _text_or_none(item.get("byline"))
        pages.append(Page("readability", key, gzip.open(root / "html" / f"{key}.html.gz").read(),
                          body=item["articleBody"], title=_text_or_none(item.get("title")),
                          authors=[byline] if byline else None,
                          published=_text_or_none(item.get("published")),
                          synthetic=bool(item.get("synthetic"))))
    return pages


def load_newspaper4k() -> list[Page]:
    root = BENCH / "newspaper4k"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [Page("newspaper4k", key, gzip.open(root / "html" / f"{key}.html.gz").read(),
                 body=item["articleBody"], url=_text_or_none(item.get("url")),
                 title=_text_or_none(item.get("title")), authors=item.get("authors") or None,
                 published=_text_or_none(item.get("published")))
            for key, item in sorted(truth.items())]


def load_trafilatura_eval() -> list[Page]:
    root = BENCH / "trafilatura-eval"
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for key, item in data.items():
        url = key if key.startswith(("http://", "https://")) else None
        author = _text_or_none(item.get("author"))
        pages.append(Page("trafilatura-eval", item["file"],
                          gzip.open(root / "html" / f"{item['file']}.gz").read(), url=url,
                          title=_text_or_none(item.get("title")),
                          authors=[author] if author else None,
                          published=_text_or_none(item.get("date")),
                          with_=list(item.get("with") or ()),
                          without=list(item.get("without") or ())))
    return pages


#: Sets whose upstream harness hands the extractor the page bytes (README: trafilatura-eval
#: keeps 27 pages in legacy or broken encodings); the other harnesses read the files as UTF-8
#: text, and every page of those sets is valid UTF-8.
BYTES_SETS = frozenset({"trafilatura-eval"})


def tool_input(page: Page) -> str | bytes:
    """The page as the set's upstream harness gives it to an extractor."""
    return page.html if page.set in BYTES_SETS else page.html.decode("utf-8", "replace")


LOADERS = {"aeb": load_aeb, "id-news": load_id_news, "readability": load_readability,
           "newspaper4k": load_newspaper4k, "trafilatura-eval": load_trafilatura_eval}


_WS = re.compile(r"\s+")


def snippet_counts(page: Page, output: str) -> tuple[int, int, int]:
    """trafilatura's own evaluation for one page: (TP, FP, FN) over its snippets."""
    text = _WS.sub(" ", output or "").strip()
    found = [s for s in page.with_ if _WS.sub(" ", s).strip() in text]
    leaked = [s for s in page.without if _WS.sub(" ", s).strip() in text]
    return len(found), len(leaked), len(page.with_) - len(found)


@dataclass
class SnippetScore:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def snippet_score(counts: list[tuple[int, int, int]]) -> SnippetScore:
    tp = sum(c[0] for c in counts)
    fp = sum(c[1] for c in counts)
    fn = sum(c[2] for c in counts)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return SnippetScore(p, r, 2 * p * r / (p + r) if p + r else 0.0, tp, fp, fn)


def body_score(pages: list[Page], outputs: list[str]) -> Score:
    """AEB's shingle metric over the pages that label a body."""
    return corpus_score([(p.body, o) for p, o in zip(pages, outputs) if p.body is not None])

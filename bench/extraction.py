"""Extraction benchmark: scraper against its peers, in one run, on the same pages.

Run:  .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/extraction.py
      (--memory-pages 0 skips the RSS check; --only scraper,trafilatura limits tools)

1. AEB (../shared/bench/aeb, 181 pages): the benchmark's own metric (bench/aeb_metric.py):
   F1, precision, recall, accuracy, and ms/page on one core, with each tool's time as a
   ratio to trafilatura's measured in this run.
2. id-news (../shared/bench/id-news, 30 Indonesian pages): body F1 where the expected
   content exists, exact title, publish day, and boilerplate left in the body.
3. Where scraper's time goes (cProfile, top functions).
4. RSS while one process extracts N pages (AEB pages cycled): it should stay flat.
newspaper4k is left out: it downloads a suffix list at run time and hangs offline; its
published AEB F1 is 0.949.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import gzip
import io
import json
import pstats
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb_metric import corpus_score  # noqa: E402

from scraper import extract_html  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AEB = ROOT.parent / "shared" / "bench" / "aeb"
ID_NEWS = ROOT.parent / "shared" / "bench" / "id-news"
BOILERPLATE = ("baca juga", "loading", "copyright", "berita terkait")
WIB = timezone(timedelta(hours=7))


# --- the tools: each takes HTML and returns (body, title or None, date string or None) ---

def ours(html: str):
    a = extract_html(html)
    return a.text, a.title, a.published


def trafilatura_default(html: str):
    import trafilatura
    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None:
        return "", None, None
    doc = doc if isinstance(doc, dict) else doc.as_dict()
    return doc.get("text") or "", doc.get("title"), doc.get("date")


def trafilatura_precision(html: str):
    import trafilatura
    return trafilatura.extract(html, favor_precision=True) or "", None, None


def readability(html: str):
    import lxml.html
    from readability import Document
    doc = Document(html)
    summary = doc.summary(html_partial=True)
    text = "\n\n".join(p.text_content() for p in lxml.html.fromstring(summary).iter("p", "h2", "h3", "li", "pre", "blockquote")) if summary.strip() else ""
    return text or lxml.html.fromstring(summary).text_content(), doc.short_title(), None


def goose(html: str):
    from goose3 import Goose
    with Goose({"enable_image_fetching": False}) as g:
        article = g.extract(raw_html=html)
    date = article.publish_datetime_utc.isoformat() if article.publish_datetime_utc else article.publish_date
    return article.cleaned_text or "", article.title, date


def justext_tool(html: str):
    import justext
    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate), None, None


def resiliparse_tool(html: str):
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree
    return extract_plain_text(HTMLTree.parse(html), main_content=True), None, None


def boilerpy(html: str):
    from boilerpy3 import extractors
    return extractors.ArticleExtractor(raise_on_failure=False).get_content(html) or "", None, None


TOOLS = {
    "scraper": ours,
    "trafilatura": trafilatura_default,
    "trafilatura-precision": trafilatura_precision,
    "readability-lxml": readability,
    "goose3": goose,
    "justext": justext_tool,
    "resiliparse": resiliparse_tool,
    "boilerpy3": boilerpy,
}


def run_tool(fn, html: str):
    try:
        return fn(html)
    except Exception as exc:  # a peer failing on a page scores as empty, as in the benchmark
        return "", None, f"error: {type(exc).__name__}"


def load_aeb() -> list[tuple[str, str, str]]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return [(key, gzip.open(AEB / "html" / f"{key}.html.gz").read().decode("utf-8", "replace"),
             truth[key]["articleBody"]) for key in sorted(truth)]


def aeb_table(tools: dict, pages) -> dict[str, float]:
    print(f"\n## AEB: {len(pages)} pages, one process\n")
    print("| tool | F1 | precision | recall | accuracy | ms/page | time vs trafilatura |")
    print("|---|---|---|---|---|---|---|")
    times: dict[str, float] = {}
    rows = []
    for name, fn in tools.items():
        run_tool(fn, pages[0][1])  # warm-up: imports, models
        pairs, elapsed = [], 0.0
        for _key, html, truth in pages:
            start = time.perf_counter()
            body = run_tool(fn, html)[0]
            elapsed += time.perf_counter() - start
            pairs.append((truth, body))
        times[name] = 1000 * elapsed / len(pages)
        rows.append((name, corpus_score(pairs)))
    base = times.get("trafilatura")
    for name, score in rows:
        ratio = f"{times[name] / base:.2f}x" if base else "-"
        print(f"| {name} | {score.f1:.3f} | {score.precision:.3f} | {score.recall:.3f} | "
              f"{score.accuracy:.3f} | {times[name]:.1f} | {ratio} |")
    print("| newspaper4k (published, not run) | 0.949 | | | | | |")
    return times


def expected_day(expected: dict) -> str | None:
    date = expected.get("date")
    if date is None:
        return None
    if isinstance(date, str) and len(date) == 10:
        return date
    # epoch milliseconds, UTC: the day as the Indonesian page shows it (WIB)
    return datetime.fromtimestamp(int(date) / 1000, tz=timezone.utc).astimezone(WIB).date().isoformat()


def our_day(value: str | None) -> str | None:
    if not value:
        return None
    if len(value) == 10:
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value[:10]
    return (parsed.astimezone(WIB) if parsed.tzinfo else parsed).date().isoformat()


def id_news_table(tools: dict) -> None:
    pages = []
    for path in sorted((ID_NEWS / "html").glob("*.html")):
        expected_path = path.with_suffix(".json")
        expected = json.loads(expected_path.read_text(encoding="utf-8")) if expected_path.exists() else {}
        pages.append((path.name, path.read_bytes().decode("utf-8", "replace"), expected))
    print(f"\n## id-news: {len(pages)} Indonesian pages\n")
    print("| tool | body F1 (pages) | title exact | publish day | pages with boilerplate left |")
    print("|---|---|---|---|---|")
    for name, fn in tools.items():
        pairs, titles, days, dirty = [], [0, 0], [0, 0], 0
        failures = []
        for file, html, expected in pages:
            body, title, date = run_tool(fn, html)
            if expected.get("content"):
                pairs.append((expected["content"], body))
            if expected.get("title"):
                titles[1] += 1
                titles[0] += (title or "").strip() == expected["title"].strip()
                if name == "scraper" and (title or "").strip() != expected["title"].strip():
                    failures.append(f"title {file}: {title!r} != {expected['title']!r}")
            if (day := expected_day(expected)) is not None:
                days[1] += 1
                ok = our_day(date) == day
                days[0] += ok
                if name == "scraper" and not ok:
                    failures.append(f"day {file}: {date!r} != {day}")
            lowered = body.lower()
            if any(word in lowered for word in BOILERPLATE):
                dirty += 1
                if name == "scraper":
                    failures.append(f"boilerplate {file}: "
                                    f"{[w for w in BOILERPLATE if w in lowered]}")
        score = corpus_score(pairs)
        title_cell = f"{titles[0]}/{titles[1]} ({titles[0] / titles[1]:.0%})" if titles[1] and name in ("scraper", "trafilatura", "readability-lxml", "goose3") else "-"
        day_cell = f"{days[0]}/{days[1]} ({days[0] / days[1]:.0%})" if days[1] and name in ("scraper", "trafilatura", "goose3") else "-"
        print(f"| {name} | {score.f1:.3f} ({score.pages}) | {title_cell} | {day_cell} | {dirty} |")
        if failures:
            print("\n".join(f"  scraper miss: {f}" for f in failures))


def profile(pages) -> None:
    print("\n## Where scraper's time goes (cProfile over the AEB pages, by own time)\n")
    prof = cProfile.Profile()
    prof.enable()
    for _key, html, _truth in pages:
        extract_html(html)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
    lines = [l for l in out.getvalue().splitlines() if l.strip()]
    print("```")
    print("\n".join(lines[:22]))
    print("```")


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def memory(pages, n: int) -> None:
    print(f"\n## RSS while extracting {n:,} pages in one process\n")
    marks = {max(1, n // 10) * i for i in range(1, 11)}
    start = time.perf_counter()
    for i in range(1, n + 1):
        extract_html(pages[i % len(pages)][1])
        if i in marks:
            gc.collect()
            print(f"  {i:>6,} pages: RSS {rss_mib():7.1f} MiB  ({i / (time.perf_counter() - start):.0f} pages/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated tool names")
    parser.add_argument("--memory-pages", type=int, default=10_000)
    args = parser.parse_args()
    tools = {k: v for k, v in TOOLS.items() if not args.only or k in args.only.split(",")}
    pages = load_aeb()
    aeb_table(tools, pages)
    id_news_table(tools)
    profile(pages)
    if args.memory_pages:
        memory(pages, args.memory_pages)


if __name__ == "__main__":
    main()

"""The `scraper` command: typer commands, exit codes, logging and progress."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from scraper import __version__
from scraper.errors import InputError, ScraperError
from scraper.settings import load_settings
from scraper.store import (
    AlreadyRunning,
    AppendOutput,
    JsonlOutput,
    RunLock,
    State,
    write_json_atomic,
)

log = logging.getLogger("scraper")


class ExitCode:
    """Documented exit codes (see `scraper --help`)."""

    OK = 0
    INPUT_FAILED = 1
    USAGE = 2
    INTERNAL = 70
    LOCKED = 75  # EX_TEMPFAIL: another run holds the state; cron can simply try next time
    INTERRUPTED = 130


HELP = """Turn news pages and text dumps into clean, deduplicated article records (JSON Lines).

\b
Examples:
  scraper clean seeds/                      clean every .txt and .txt.gz under seeds/
  scraper clean dump.txt.gz -o out.jsonl    write the records to a file, atomically
  cat dump.txt | scraper clean - | jq .title
  scraper extract saved/ --workers 4        article and metadata from saved HTML pages
  scraper dedup a.jsonl b.jsonl --report clusters.json
  scraper crawl https://example.com/rss.xml --state ~/.scraper -o news.jsonl
  scraper demo                              crawl the bundled demo site (no network)

\b
Exit codes:
  0    every input was processed
  1    one or more inputs failed (reported on stderr; the others were written)
  2    bad usage: unknown option, bad value or settings file
  70   internal error (a bug: please report it)
  75   another run is using the same --state folder (nothing was done; try later)
  130  interrupted
"""

app = typer.Typer(
    name="scraper",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


class LogFormat(str, Enum):
    text = "text"
    json = "json"


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(record.created)),
            "level": record.levelname.lower(),
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, ensure_ascii=False)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"scraper: {record.levelname.lower()}: {record.getMessage()}"


def _setup_logging(quiet: bool, fmt: LogFormat) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if fmt is LogFormat.json else _TextFormatter())
    log.handlers[:] = [handler]
    log.setLevel(logging.ERROR if quiet else logging.INFO)
    log.propagate = False


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scraper {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                        help="Only errors on stderr (for cron).")] = False,
    log_format: Annotated[LogFormat, typer.Option("--log-format",
                                                  help="Log lines as text or JSON.")] = LogFormat.text,
) -> None:
    """Global options, before the command."""
    _setup_logging(quiet, log_format)
    # A progress bar only for a person at a terminal; never under cron or with --quiet.
    ctx.obj = {"progress": not quiet and log_format is LogFormat.text and sys.stderr.isatty()}


# Options every command that writes records takes, declared once.
OutOption = Annotated[Optional[Path], typer.Option(
    "--out", "-o", help="Write records here (atomically) instead of stdout.")]
KeepDuplicatesOption = Annotated[bool, typer.Option(
    "--keep-duplicates", help="Also write duplicates, marked by duplicate_of and similarity.")]
StateOption = Annotated[Optional[Path], typer.Option(
    "--state", help="State folder kept between runs (for cron): the duplicate index, seen "
    "URLs, HTTP validators. One run at a time; with it, --out is appended to, never "
    "replaced, and a killed run loses and repeats nothing.")]
ThresholdOption = Annotated[Optional[float], typer.Option(
    "--threshold", min=0.05, max=1.0,
    help="Similarity at or above which a record is a near duplicate [default: 0.5].")]
ConfigOption = Annotated[Optional[Path], typer.Option(
    "--config", help="Settings file (TOML); flags override it.")]


@app.command()
def clean(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", help="Text dumps: files (.txt, .txt.gz), folders, or - for stdin.")],
    out: OutOption = None,
    keep_duplicates: KeepDuplicatesOption = False,
    config: ConfigOption = None,
) -> None:
    """Clean already-scraped text dumps into article records.

    Keeps the article and drops page chrome (menus, "loading...", font widgets, photo
    credits), promotion and related-story lists ("Baca Juga:", "Berita Terkait"), copyright
    lines, and paragraphs repeated inside one document. Title, authors, publish date,
    site and language move into the record. A line that recurs across three or more
    different articles of one run is treated as site template.

    One JSON record per input; exact duplicates of an earlier input are left out unless
    --keep-duplicates. The record schema is in docs/records.md.
    """
    from scraper.pipeline import run_clean

    settings = _settings(config, keep_duplicates=keep_duplicates or None)
    with _progress("clean", ctx) as on_progress, JsonlOutput(out) as sink:
        summary = run_clean(paths, settings, sink,
                            on_error=lambda exc: log.error("%s", exc),
                            on_progress=on_progress)
    _finish("clean", summary)


@app.command()
def extract(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", help="HTML pages: files (.html, .htm, .html.gz), folders, or - for stdin.")],
    url: Annotated[Optional[str], typer.Option(
        "--url", help="The page's URL, for a single input: resolves links, names the site.")] = None,
    out: OutOption = None,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=1, help="Spread the pages over this many processes.")] = 1,
    keep_duplicates: KeepDuplicatesOption = False,
    config: ConfigOption = None,
) -> None:
    """Extract the article and its metadata from saved HTML pages.

    Main text without navigation, related links, comments, share and font widgets,
    captions, ads and banners; title (without the site suffix), authors, publish and
    modified dates with their UTC offset, language, canonical URL, site, image and tags.
    Bytes in any charset are decoded (BOM, <meta charset>, detection). One JSON record
    per page, in input order; a page with no article gives a record with empty text and
    a warning. The record schema is in docs/records.md.

    \b
    Examples:
      scraper extract saved/ --workers 4 -o records.jsonl
      scraper extract page.html --url https://example.com/news/1
      curl -s https://example.com/a | scraper extract - --url https://example.com/a
    """
    from scraper.pipeline import run_extract

    settings = _settings(config, keep_duplicates=keep_duplicates or None)
    with _progress("extract", ctx) as on_progress, JsonlOutput(out) as sink:
        summary = run_extract(paths, settings, sink, url=url, workers=workers,
                              on_error=lambda exc: log.error("%s", exc),
                              on_progress=on_progress)
    _finish("extract", summary)


@app.command()
def dedup(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="RECORDS", help="Record files (.jsonl, .jsonl.gz), folders, or - for stdin.")],
    out: OutOption = None,
    report: Annotated[Optional[Path], typer.Option(
        "--report", help="Write the duplicate clusters found here (JSON).")] = None,
    state: StateOption = None,
    threshold: ThresholdOption = None,
    keep_duplicates: KeepDuplicatesOption = False,
    config: ConfigOption = None,
) -> None:
    """Drop (or mark) duplicate records: same canonical URL, same text, or near-same text.

    Reads records of the documented schema from any source, in order; the first record
    of each article is kept. URLs are compared in canonical form (tracking parameters,
    www./m./AMP variants, fragments and trailing slashes folded; the page's own canonical
    URL honoured). Texts are compared exactly (normalised) and by MinHash over word
    3-shingles: a record whose estimated similarity to an earlier one reaches --threshold
    (Jaccard, or containment for cut or extended versions) is a duplicate, written only
    with --keep-duplicates, carrying duplicate_of and similarity. With --state, records
    of earlier runs count as earlier records and nothing is written twice.

    \b
    Examples:
      scraper dedup monday.jsonl tuesday.jsonl -o unique.jsonl --report clusters.json
      scraper dedup new.jsonl --state ~/.scraper-state -o all.jsonl     # from cron
    """
    from scraper.pipeline import run_dedup

    settings = _settings(config, keep_duplicates=keep_duplicates or None,
                         dedup__threshold=threshold)
    clusters: list[dict] | None = [] if report is not None else None
    with _progress("dedup", ctx) as on_progress, _record_sink(out, state, settings) as (sink, st):
        summary = run_dedup(paths, settings, sink, state=st, report=clusters,
                            on_error=lambda exc: log.error("%s", exc), on_progress=on_progress)
    if report is not None:
        write_json_atomic(report, {"clusters": clusters})
    _finish("dedup", summary)


@app.command()
def crawl(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(
        metavar="SOURCE", help="Article URLs, RSS/Atom feeds, sitemaps (.xml, .xml.gz, "
        "indexes, Google News), section pages (with --follow), or @FILE listing any of these.")],
    out: OutOption = None,
    state: StateOption = None,
    follow: Annotated[Optional[str], typer.Option(
        "--follow", metavar="REGEX",
        help="Treat HTML sources as section pages: follow their links whose URL matches REGEX.")] = None,
    depth: Annotated[int, typer.Option(
        "--depth", min=1, help="With --follow: also follow matching links found on the "
        "followed pages, this many levels deep.")] = 1,
    since: Annotated[Optional[str], typer.Option(
        "--since", metavar="DATE", help="Skip feed and sitemap entries dated before DATE "
        "(ISO 8601: 2024-05-01 or 2024-05-01T06:00+07:00).")] = None,
    max_pages: Annotated[Optional[int], typer.Option(
        "--max-pages", min=1, help="Fetch at most this many articles in this run.")] = None,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="Fetch articles seen by earlier runs again (conditional GET: "
        "unchanged ones cost a 304).")] = False,
    warc: Annotated[Optional[Path], typer.Option(
        "--warc", help="Also keep the raw responses in this WARC file (gzipped records, "
        "appended).")] = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch hosts on private, loopback and link-local addresses "
        "(refused by default: feeds and sitemaps are untrusted).")] = False,
    delay: Annotated[Optional[float], typer.Option(
        "--delay", min=0, help="Seconds between requests to one host [default: 1; raised to "
        "robots.txt Crawl-delay].")] = None,
    concurrency: Annotated[Optional[int], typer.Option(
        "--concurrency", min=1, help="Requests in flight in all [default: 16].")] = None,
    per_host: Annotated[Optional[int], typer.Option(
        "--per-host", min=1, help="Requests in flight to one host [default: 2].")] = None,
    user_agent: Annotated[Optional[str], typer.Option(
        "--user-agent", help="User-Agent header; name yourself and a contact URL.")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=1, help="Extract pages in this many processes.")] = 1,
    threshold: ThresholdOption = None,
    keep_duplicates: KeepDuplicatesOption = False,
    config: ConfigOption = None,
) -> None:
    """Fetch, extract and deduplicate articles from the web into records.

    Politely: robots.txt obeyed, one request per host per second by default (Crawl-delay
    honoured), retries with backoff on errors, 429 and 5xx (Retry-After honoured), size
    and time caps, a User-Agent naming the tool. Articles split over pages become one
    record (the site's show-all view when it has one). Each article is written once: with
    --state, across runs too, and a re-run fetches only what is new.

    A failing source or page never stops the run: it is counted in the closing summary
    (fetched, new, duplicates, skipped with reasons, failed, per host). Exit code 1 when a
    source could not be read, or when every article fetched failed.

    \b
    Examples:
      scraper crawl https://www.example.com/rss.xml -o news.jsonl
      scraper crawl https://example.com/sitemap.xml --since 2024-05-01 --max-pages 500
      scraper crawl https://example.com/news/ --follow '/read/\d+' --depth 2
      scraper -q --log-format json crawl @sources.txt --state ~/.scraper -o news.jsonl
    """
    from scraper.crawl import CrawlOptions
    from scraper.pipeline import run_crawl

    settings = _settings(config, keep_duplicates=keep_duplicates or None,
                         dedup__threshold=threshold, fetch__delay=delay,
                         fetch__concurrency=concurrency, fetch__per_host=per_host,
                         fetch__user_agent=user_agent,
                         fetch__allow_private=True if allow_private else None)
    options = CrawlOptions(follow=_regex(follow), depth=depth, since=_since(since),
                           max_pages=max_pages, refresh=refresh, workers=workers)
    with _progress("crawl", ctx) as on_progress, _record_sink(out, state, settings) as (sink, st):
        summary = run_crawl(sources, settings, sink, options=options, state=st, warc=warc,
                            on_progress=on_progress)
    _crawl_report(summary)


@app.command()
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Write the records here.")] = Path("demo-output.jsonl"),
    state: StateOption = None,
) -> None:
    """Crawl the bundled demo site with the real crawler; no network needed.

    Serves seeds/demo/site on 127.0.0.1 (a free port): five Indonesian news articles in
    their sites' chrome, an RSS feed and a Google News sitemap listing them, one article
    split over two pages, one republished under another URL with other chrome, and one
    path robots.txt disallows. Crawls the feed and the sitemap (robots.txt obeyed, a
    0.2 s per-host delay instead of 1 s), writes the records to --out and prints them.
    """
    from scraper.crawl import CrawlOptions
    from scraper.demo import serve
    from scraper.pipeline import run_crawl

    settings = _settings(None, fetch__allow_private=True, fetch__delay=0.2)
    with serve() as base, _progress("demo", ctx) as on_progress, \
            _record_sink(out, state, settings) as (sink, st):
        log.info("demo site at %s", base)
        summary = run_crawl([f"{base}/feed.xml", f"{base}/sitemap.xml"], settings, sink,
                            options=CrawlOptions(), state=st, on_progress=on_progress)
    for line in out.read_text(encoding="utf-8").splitlines() if out.exists() else []:
        record = json.loads(line)
        typer.echo(f"{record['published'] or '-':26} {record['word_count']:4} words  "
                   f"{record['title']}")
    typer.echo(f"{summary.written} records in {out}")
    _crawl_report(summary)


def _regex(pattern: str | None):
    import re

    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        log.error("--follow: not a regular expression: %s", exc)
        raise typer.Exit(ExitCode.USAGE) from exc


def _since(value: str | None):
    from scraper.discover import parse_when

    if value is None:
        return None
    when = parse_when(value)
    if when is None:
        log.error("--since: %r is not an ISO 8601 date (2024-05-01 or 2024-05-01T06:00+07:00)",
                  value)
        raise typer.Exit(ExitCode.USAGE)
    return when


def _crawl_report(summary) -> None:
    """The crawl's closing summary: totals, reasons, hosts; exit 1 on failed sources."""
    skipped = sum(summary.skipped.values())
    failed = sum(summary.errors.values())
    log.info("crawl: %d fetched, %d new records written, %d duplicates, %d seen before, "
             "%d unchanged (304), %d skipped, %d failed, %d sources failed",
             summary.fetched, summary.written, summary.duplicates, summary.seen,
             summary.unchanged, skipped, failed, len(summary.failed),
             extra={"fields": {"summary": summary.as_dict()}})
    for reason, count in summary.skipped.most_common():
        log.info("  skipped %d: %s", count, reason)
    for reason, count in summary.errors.most_common():
        log.info("  failed %d: %s", count, reason)
    for host, counts in sorted(summary.hosts.items()):
        log.info("  %s: %s", host, ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    if summary.failed or (failed and not summary.written + summary.duplicates):
        raise typer.Exit(ExitCode.INPUT_FAILED)


@contextmanager
def _record_sink(out: Path | None, state_dir: Path | None, settings) -> Iterator[tuple]:
    """Where records go, and the state when there is one (locked for the whole block)."""
    if state_dir is None:
        with JsonlOutput(out) as sink:
            yield sink, None
        return
    from scraper.dedup.minhash import params_for

    try:
        with RunLock(state_dir), State.open(state_dir, params_for(settings.dedup)) as state:
            if out is None:
                with JsonlOutput(None) as sink:
                    yield sink, state
            else:
                with AppendOutput(out, state.output_size(out)) as sink:
                    yield sink, state
    except AlreadyRunning as exc:
        log.error("%s", exc)
        raise typer.Exit(ExitCode.LOCKED) from exc


def _finish(command: str, summary) -> None:
    """The closing summary line, and exit code 1 when any input failed."""
    log.info("%s: %d inputs, %d records written, %d duplicates, %d seen before, "
             "%d without text, %d failed",
             command, summary.inputs, summary.written, summary.duplicates, summary.seen,
             summary.empty, len(summary.failed),
             extra={"fields": {"summary": summary.as_dict()}})
    if summary.failed:
        raise typer.Exit(ExitCode.INPUT_FAILED)


def _settings(config: Path | None, **overrides):
    try:
        return load_settings(config, **overrides)
    except ScraperError as exc:
        log.error("%s", exc)
        raise typer.Exit(ExitCode.USAGE) from exc


@contextmanager
def _progress(label: str, ctx: typer.Context) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar when the global options asked for one; else None."""
    if not (ctx.obj or {}).get("progress"):
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def main() -> None:
    """Console-script entry point: never a traceback, always a documented exit code."""
    try:
        app()
    except KeyboardInterrupt:
        print("scraper: interrupted", file=sys.stderr)
        sys.exit(ExitCode.INTERRUPTED)
    except InputError as exc:
        print(f"scraper: error: {exc}", file=sys.stderr)
        sys.exit(ExitCode.INPUT_FAILED)
    except ScraperError as exc:
        print(f"scraper: error: {exc}", file=sys.stderr)
        sys.exit(ExitCode.USAGE)
    except (OSError, sqlite3.Error) as exc:  # disk full, output or state unwritable
        print(f"scraper: error: cannot write: {exc}", file=sys.stderr)
        sys.exit(ExitCode.INPUT_FAILED)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        print(f"scraper: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(ExitCode.INTERNAL)

"""The `scraper` command: typer commands, exit codes, logging and progress."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from typer.core import TyperCommand

try:  # typer 0.2x carries its own copy of click, whose exceptions it raises
    from typer._click import exceptions as click_errors
except ImportError:  # earlier typer uses click itself
    from click import exceptions as click_errors

from scraper import __version__
from scraper.errors import (
    AlreadyRunning,
    ConfigError,
    FetchError,
    InputError,
    OutputError,
    ScraperError,
    StateError,
    UsageError,
)
from scraper.settings import CrawlSettings, DedupSettings, bounds, load_settings
from scraper.summary import summary_lines

log = logging.getLogger("scraper")


class ExitCode:
    """Documented exit codes (see `scraper --help`)."""

    OK = 0
    INPUT_FAILED = 1
    USAGE = 2
    INTERNAL = 70
    LOCKED = 75  # EX_TEMPFAIL: another run holds the state; cron can simply try next time
    INTERRUPTED = 130


#: The exit code of each error class: the first class in this order that an error is an
#: instance of decides (so AlreadyRunning comes before the StateError it is).
EXIT_CODES: tuple[tuple[type[ScraperError], int], ...] = (
    (AlreadyRunning, ExitCode.LOCKED),
    (UsageError, ExitCode.USAGE),
    (ConfigError, ExitCode.USAGE),
    (InputError, ExitCode.INPUT_FAILED),
    (OutputError, ExitCode.INPUT_FAILED),
    (StateError, ExitCode.INPUT_FAILED),
    (FetchError, ExitCode.INPUT_FAILED),
    (ScraperError, ExitCode.INPUT_FAILED),
)


def exit_code(exc: ScraperError) -> int:
    """The documented exit code of an error (EXIT_CODES)."""
    return next(code for cls, code in EXIT_CODES if isinstance(exc, cls))


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
Global options (-q, --log-format, --config) go before or after the command.

\b
Exit codes:
  0    every input was processed (crawl: every source was read; some articles may have
       failed, the summary counts them)
  1    an input or a crawl source failed (reported on stderr; the others were written),
       a crawl could write nothing because every article it tried failed, or the output
       or the state could not be written (a full disk, a database that stayed away)
  2    bad usage: unknown option, bad value (flag or settings file), bad rule table
  70   internal error (a bug: please report it)
  75   another run is using the same --state folder, or another export the same
       --name (nothing was done; try later)
  130  interrupted
"""


class _Command(TyperCommand):
    """A command whose usage line reads `SOURCE...` as the README does (typer writes
    required arguments as `{SOURCE}...`)."""

    def collect_usage_pieces(self, ctx: typer.Context) -> list[str]:
        return [re.sub(r"\{(\w+)\}", r"\1", piece)
                for piece in super().collect_usage_pieces(ctx)]


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


def _early_options(args: list[str]) -> tuple[bool, LogFormat]:
    """-q and --log-format wherever they stand, read before click parses the command line
    (whose own errors must already come out in the format asked for)."""
    quiet, fmt = False, LogFormat.text
    for i, arg in enumerate(args):
        if arg == "--":
            break
        quiet = quiet or arg in ("-q", "--quiet")
        value = (args[i + 1] if arg == "--log-format" and i + 1 < len(args)
                 else arg.partition("=")[2] if arg.startswith("--log-format=") else None)
        if value in (LogFormat.text.value, LogFormat.json.value):
            fmt = LogFormat(value)
    return quiet, fmt


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scraper {__version__}")
        raise typer.Exit()


# Global options: taken before the command and after it alike (`scraper crawl URL -q`).
QuietOption = Annotated[bool, typer.Option("--quiet", "-q",
                                           help="Only errors on stderr (for cron).")]
LogFormatOption = Annotated[Optional[LogFormat], typer.Option(
    "--log-format", help="Log lines as text or JSON (one object a line) [default: text].")]
ConfigOption = Annotated[Optional[Path], typer.Option(
    "--config", help="Settings file (TOML); flags override it.")]


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
    config: ConfigOption = None,
) -> None:
    """Global options, before the command (or after it: each command takes them too and
    sets up logging with both; until then, main() has set it up from the command line)."""
    ctx.obj = {"quiet": quiet, "log_format": log_format, "config": config}


def _common(ctx: typer.Context, quiet: bool, log_format: LogFormat | None,
            config: Path | None) -> Path | None:
    """The global options as the command gave them, else as given before it: sets up
    logging and the progress bar, returns the settings file."""
    given = ctx.obj or {}
    quiet = quiet or given.get("quiet", False)
    fmt = log_format or given.get("log_format") or LogFormat.text
    _setup_logging(quiet, fmt)
    # A progress bar only for a person at a terminal; never under cron or with --quiet.
    ctx.obj = {**given, "progress": not quiet and fmt is LogFormat.text and sys.stderr.isatty()}
    return config or given.get("config")


# Options every command that writes records takes, declared once.
OutOption = Annotated[Optional[Path], typer.Option(
    "--out", "-o", help="Write records here (atomically) instead of stdout. A run with "
    "nothing to write leaves an existing file as it was.")]
ForceEmptyOption = Annotated[bool, typer.Option(
    "--force-empty", help="With --out: replace the file even when there is nothing to "
    "write (it becomes empty).")]


class RecordFormat(str, Enum):
    """What --format takes (scraper.store.formats.FORMATS)."""

    jsonl = "jsonl"
    parquet = "parquet"
    csv = "csv"


FormatOption = Annotated[Optional[RecordFormat], typer.Option(
    "--format", help="Write records as JSON Lines, Parquet or CSV (columns in "
    "docs/records.md) [default: from the --out suffix: .parquet, .csv, else jsonl]. "
    "Parquet needs --out; --state appends JSON Lines only.", show_default=False)]
RulesOption = Annotated[Optional[list[Path]], typer.Option(
    "--rules", metavar="FILE", help="A phrase table of your own (TOML, the format of "
    "scraper/extract/rules/), applied with the bundled ones; repeatable, adds to "
    "[rules] paths.")]
KeepDuplicatesOption = Annotated[bool, typer.Option(
    "--keep-duplicates", help="Also write duplicates, marked by duplicate_of and similarity.")]
StateOption = Annotated[Optional[str], typer.Option(
    "--state", metavar="DIR|URL", help="State kept between runs (for cron): the duplicate "
    "index, seen URLs, HTTP validators. A folder (SQLite: one run at a time) or "
    "postgresql://user@host/db, shared by workers on several machines (the password from "
    "PGPASSWORD or ~/.pgpass); [state] url in the config. With it, --out is appended to, "
    "never replaced, and a killed run loses and repeats nothing. JSON Lines only (not with "
    "--format parquet or csv).", show_default=False)]
RegistryOption = Annotated[Optional[list[Path]], typer.Option(
    "--registry", metavar="FILE", help="A registry file of your own (TOML, the format of "
    "scraper/sites/id.toml) adding or overriding outlets; repeatable, adds to "
    "[crawl] registry.")]
ThresholdOption = Annotated[Optional[float], typer.Option(
    "--threshold", help="Similarity at or above which a record is a near duplicate "
    f"({bounds(DedupSettings, 'threshold')}) [default: 0.5].")]

WorkersOption = Annotated[int, typer.Option(
    "--workers", "-w", min=1, help="Extract pages in this many processes.")]

# What to keep of an archive (WARC files for extract, CC-NEWS), declared once.
DomainOption = Annotated[Optional[list[str]], typer.Option(
    "--domain", metavar="DOMAIN", help="WARC input: only pages of this host and its "
    "subdomains (detik.com, *.id), or of the domains @FILE lists one a line; "
    "repeatable.")]
ArchivedSinceOption = Annotated[Optional[str], typer.Option(
    "--since", metavar="DATE", help="WARC input: only records archived (WARC-Date) on "
    "or after this ISO 8601 date or time (UTC unless it names a zone).")]
ArchivedUntilOption = Annotated[Optional[str], typer.Option(
    "--until", metavar="DATE", help="WARC input: only records archived on or before "
    "this date (a date alone: to its end) or time.")]
LangOption = Annotated[Optional[list[str]], typer.Option(
    "--lang", metavar="CODE", help="Only records in this language as extracted "
    "(ISO 639-1: id, en); repeatable or comma-separated.")]


def _page_filter(domain: list[str] | None, since: str | None, until: str | None,
                 lang: list[str] | None):
    """The archive filter the options above describe (bad values: UsageError)."""
    from scraper.corpus.filters import PageFilter, parse_bound, parse_domains, parse_languages

    return PageFilter(domains=parse_domains(domain or ()),
                      since=parse_bound(since, "--since") if since else None,
                      until=parse_bound(until, "--until", end=True) if until else None,
                      languages=parse_languages(lang or ()))


#: The flag that sets each setting, for messages about its value.
_FLAGS = {"dedup__threshold": "--threshold", "crawl__delay": "--delay",
          "crawl__concurrency": "--concurrency", "crawl__per_host": "--per-host",
          "crawl__user_agent": "--user-agent", "crawl__proxy": "--proxy",
          "crawl__max_pages": "--max-pages", "crawl__depth": "--depth",
          "crawl__follow": "--follow", "crawl__since": "--since",
          "crawl__workers": "--workers", "rules__paths": "--rules",
          "crawl__discover": "--discover", "crawl__registry": "--registry"}


@app.command(cls=_Command)
def clean(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", help="Text dumps: files (.txt, .txt.gz), folders, or - for stdin.")],
    out: OutOption = None,
    fmt: FormatOption = None,
    force_empty: ForceEmptyOption = False,
    keep_duplicates: KeepDuplicatesOption = False,
    rules: RulesOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Clean already-scraped text dumps into article records.

    Keeps the article and drops page chrome (menus, "loading...", font widgets, photo
    credits), promotion and related-story lists ("Baca Juga:", "Berita Terkait"), copyright
    lines, and paragraphs repeated inside one document. Title, authors, publish date,
    site and language move into the record. A line that recurs across three or more
    different articles of one run is treated as site template.

    One JSON record per input; exact duplicates of an earlier input are left out unless
    --keep-duplicates. Dumps in any charset are read (UTF-8, Latin-1, ...: detected as
    for web pages). The record schema is in docs/records.md.

    \b
    Examples:
      scraper clean seeds/                          every .txt and .txt.gz under seeds/
      scraper clean dumps/ -o records.jsonl         to a file, written atomically
      scraper clean dumps/ -o records.parquet       as Parquet (or .csv: CSV)
      cat dump.txt | scraper clean - | jq -r .title
      scraper clean dumps/ --rules my-site.toml     with a phrase table of your own
      scraper clean dumps/ -o out.jsonl -q --log-format json    for cron
    """
    from scraper.pipeline import run_clean

    config = _common(ctx, quiet, log_format, config)
    settings, rule_set = _settings(config, keep_duplicates=keep_duplicates or None,
                                   rules__paths=_paths(rules))
    with _progress("clean", ctx) as on_progress, \
            _record_sink(out, None, settings, force_empty, fmt) as (sink, _):
        summary = run_clean(paths, settings, sink,
                            on_error=lambda exc: log.error("%s", exc),
                            on_progress=on_progress, rules=rule_set)
    _finish("clean", summary)


@app.command(cls=_Command)
def extract(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="PATH", help="HTML pages: files (.html, .htm, .html.gz), WARC files (.warc, "
        ".warc.gz), folders of them, or - for stdin.")],
    url: Annotated[Optional[str], typer.Option(
        "--url", help="The page's URL, for a single file or stdin: resolves links, names "
        "the site.")] = None,
    out: OutOption = None,
    fmt: FormatOption = None,
    force_empty: ForceEmptyOption = False,
    workers: WorkersOption = 1,
    as_html: Annotated[bool, typer.Option(
        "--as-html", help="Extract inputs that are not HTML (JSON, PDF, plain text, XML) "
        "anyway, instead of skipping them with a warning.")] = False,
    domain: DomainOption = None,
    since: ArchivedSinceOption = None,
    until: ArchivedUntilOption = None,
    lang: LangOption = None,
    keep_duplicates: KeepDuplicatesOption = False,
    rules: RulesOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Extract the article and its metadata from saved HTML pages and WARC files.

    Main text without navigation, related links, comments, share and font widgets,
    captions, ads and banners; title (without the site suffix), authors, publish and
    modified dates with their UTC offset, language, canonical URL, site, image and tags.
    Bytes in any charset are decoded (BOM, <meta charset>, detection). One JSON record
    per page, in input order; a page with no article gives a record with empty text and
    a warning. An input that is not HTML (JSON, PDF, plain text) is skipped with a warning
    naming what it is (--as-html reads it anyway). The record schema is in docs/records.md.

    A WARC file (gzipped record by record, or not) gives one record per HTTP response
    record: the URL from WARC-Target-URI, the charset from its Content-Type, the source
    FILE#offset (the record's byte offset). Records that are not HTML, not 200, over the
    fetcher's size caps or left out by --domain, --since, --until, --lang are counted as
    skipped, by reason; request, metadata and warcinfo records are passed over. A damaged
    WARC file gives the records before the damage, then an error naming the byte.

    \b
    Examples:
      scraper extract saved/ --workers 4 -o records.jsonl
      scraper extract page.html --url https://example.com/news/1
      curl -s https://example.com/a | scraper extract - --url https://example.com/a
      scraper extract crawl.warc.gz --domain '*.id' --lang id -o id.jsonl
      scraper extract archives/ --since 2024-05-01 --until 2024-05-31 --workers 2
    """
    from scraper.pipeline import run_extract

    config = _common(ctx, quiet, log_format, config)
    settings, rule_set = _settings(config, keep_duplicates=keep_duplicates or None,
                                   rules__paths=_paths(rules))
    pages = _page_filter(domain, since, until, lang)
    with _progress("extract", ctx) as on_progress, \
            _record_sink(out, None, settings, force_empty, fmt) as (sink, _):
        summary = run_extract(paths, settings, sink, url=url, workers=workers,
                              as_html=as_html, on_error=lambda exc: log.error("%s", exc),
                              on_progress=on_progress, rules=rule_set, pages=pages)
    _finish("extract", summary)


@app.command(cls=_Command)
def ccnews(
    ctx: typer.Context,
    listing: Annotated[Optional[str], typer.Argument(
        metavar="LISTING", help="A warc.paths.gz listing (a URL or a file) instead of "
        "--month.", show_default=False)] = None,
    month: Annotated[Optional[str], typer.Option(
        "--month", metavar="YYYY-MM", help="The month of CC-NEWS to read (its "
        "warc.paths.gz under --base).")] = None,
    base: Annotated[str, typer.Option(
        "--base", metavar="URL", help="Where Common Crawl's files are served (a mirror).")]
        = "https://data.commoncrawl.org/",
    max_files: Annotated[int, typer.Option(
        "--max-files", min=0, help="Read at most this many WARC files of the listing "
        "(0: all).")] = 0,
    domain: DomainOption = None,
    since: ArchivedSinceOption = None,
    until: ArchivedUntilOption = None,
    lang: LangOption = None,
    out: OutOption = None,
    fmt: FormatOption = None,
    force_empty: ForceEmptyOption = False,
    state: StateOption = None,
    workers: WorkersOption = 1,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch from private and loopback addresses (a local "
        "mirror).")] = False,
    delay: Annotated[Optional[float], typer.Option(
        "--delay", help="Seconds between requests to one host [default: 1].")] = None,
    threshold: ThresholdOption = None,
    keep_duplicates: KeepDuplicatesOption = False,
    rules: RulesOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Read a month of Common Crawl's CC-NEWS into records, as extract reads WARC files.

    The month's WARC files (about a gigabyte each) are fetched one after the other with
    the polite fetcher and read as they download: nothing is kept on disk. --domain and
    the WARC-Date bounds are applied before a page is extracted, --lang after. With
    --state, a file read to its end is not fetched again, and a run that was killed or
    whose download broke off resumes with that file, passing over the records it had
    written: nothing is written twice. A file that fails is reported and the next one
    read; exit code 1 when any failed.

    \b
    Examples:
      scraper ccnews --month 2026-10 --domain '*.id' -o id.jsonl
      scraper ccnews --month 2026-10 --domain '*.id' --lang id --state ~/.ccnews -o id.jsonl
      scraper ccnews warc.paths.gz --max-files 2 --workers 2 -o sample.parquet
    """
    from scraper.corpus.ccnews import month_listing
    from scraper.pipeline import run_ccnews

    config = _common(ctx, quiet, log_format, config)
    if (month is None) == (listing is None):
        _usage("give --month YYYY-MM or a LISTING (warc.paths.gz), one of them")
    if not base.startswith(("http://", "https://")):
        _usage(f"--base {base!r}: give an http(s) URL")
    where = month_listing(month, base) if month is not None else listing
    settings, rule_set = _settings(config, keep_duplicates=keep_duplicates or None,
                                   dedup__threshold=threshold, crawl__delay=delay,
                                   fetch__allow_private=True if allow_private else None,
                                   rules__paths=_paths(rules))
    pages = _page_filter(domain, since, until, lang)
    with _progress("ccnews", ctx) as on_progress, \
            _record_sink(out, state, settings, force_empty, fmt) as (sink, st):
        summary = run_ccnews(where, settings, sink, state=st, base=base, pages=pages,
                             workers=workers, max_files=max_files, rules=rule_set,
                             on_error=lambda exc: log.error("%s", exc),
                             on_progress=on_progress)
    _finish("ccnews", summary)


@app.command(cls=_Command)
def dedup(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(
        metavar="RECORDS", help="Record files, ours or any tool's (.jsonl, .ndjson, .json, "
        ".csv, each gzipped or not; .parquet), folders, or - for stdin (JSON Lines).")],
    out: OutOption = None,
    fmt: FormatOption = None,
    force_empty: ForceEmptyOption = False,
    report: Annotated[Optional[Path], typer.Option(
        "--report", help="Write the duplicate clusters found here (JSON).")] = None,
    state: StateOption = None,
    threshold: ThresholdOption = None,
    keep_duplicates: KeepDuplicatesOption = False,
    text_field: Annotated[Optional[str], typer.Option(
        "--text-field", metavar="NAME", help="The field (or column) of other tools' "
        "records that holds the text [default: the first of text, maintext, content, "
        "body, raw_content, article that has one].", show_default=False)] = None,
    id_field: Annotated[Optional[str], typer.Option(
        "--id-field", metavar="NAME", help="The field naming each record, which "
        "duplicate_of gives [default: id; a record without one gets one made from its "
        "URL or text, written into that field].", show_default=False)] = None,
    url_field: Annotated[Optional[str], typer.Option(
        "--url-field", metavar="NAME", help="The field holding the page's URL [default: "
        "the first of url, link, source_url, source that is an http(s) URL].",
        show_default=False)] = None,
    title_field: Annotated[Optional[str], typer.Option(
        "--title-field", metavar="NAME", help="The field holding the title (for "
        "--report) [default: title, headline].", show_default=False)] = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Drop (or mark) duplicate records: same canonical URL, same text, or near-same text.

    Reads records of the documented schema, or of any other tool (trafilatura's JSON,
    news-please's, a dataset dump), from any source, in order; the first record
    of each article is kept. URLs are compared in canonical form (tracking parameters,
    www./m./AMP variants, fragments and trailing slashes folded; the page's own canonical
    URL honoured). Texts are compared exactly (normalised) and by MinHash over word
    3-shingles: a record whose estimated similarity to an earlier one reaches --threshold
    (Jaccard, or containment for cut or extended versions) is a duplicate, written only
    with --keep-duplicates, carrying duplicate_of and similarity. With --state, records
    of earlier runs count as earlier records and nothing is written twice.

    Another tool's record (one without schema_version) is written back with its own
    fields as they came, plus duplicate_of and similarity (and an id when it has none);
    its text, id, URL and title are found by name (--text-field and the like name
    others). A line that is not JSON, or a record without text, is reported with its
    file and line and skipped. The formats: docs/records.md.

    \b
    Examples:
      scraper dedup monday.jsonl tuesday.jsonl -o unique.jsonl --report clusters.json
      scraper dedup new.jsonl --state ~/.scraper-state -o all.jsonl     # from cron
      scraper dedup trafilatura/ news-please.jsonl corpus.parquet -o unique.jsonl
      scraper dedup dump.csv --text-field isi --id-field doc_id -o unique.csv
    """
    from scraper.pipeline import run_dedup
    from scraper.records_in import FieldNames

    config = _common(ctx, quiet, log_format, config)
    settings, _ = _settings(config, keep_duplicates=keep_duplicates or None,
                            dedup__threshold=threshold)
    clusters: list[dict] | None = [] if report is not None else None
    with _progress("dedup", ctx) as on_progress, \
            _record_sink(out, state, settings, force_empty, fmt) as (sink, st):
        summary = run_dedup(paths, settings, sink, state=st, report=clusters,
                            on_error=lambda exc: log.error("%s", exc), on_progress=on_progress,
                            fields=FieldNames(text_field, id_field, url_field, title_field))
    if report is not None:
        from scraper.store import write_json_atomic

        if summary.written + summary.duplicates + summary.seen or force_empty:
            write_json_atomic(report, {"clusters": clusters})
        else:
            _kept(report)
    _finish("dedup", summary)


@app.command(cls=_Command)
def crawl(
    ctx: typer.Context,
    sources: Annotated[Optional[list[str]], typer.Argument(
        metavar="SOURCE", help="A site's homepage or section page (its feeds and "
        "sitemaps are discovered), article URLs, RSS/Atom feeds, sitemaps (.xml, .xml.gz, "
        "indexes, Google News), or @FILE listing any of these.", show_default=False)] = None,
    site: Annotated[Optional[list[str]], typer.Option(
        "--site", metavar="KEY", help="Crawl an outlet of the registry by its key "
        "(`scraper sites` lists them); repeatable.")] = None,
    sites: Annotated[Optional[str], typer.Option(
        "--sites", metavar="COUNTRY", help="Crawl every outlet of a country's registry "
        "(id: Indonesia).")] = None,
    registry: RegistryOption = None,
    discover: Annotated[Optional[str], typer.Option(
        "--discover", metavar="STEPS", help="How a homepage or section page finds its "
        "site's sources, comma-separated: feeds, sitemaps, links ([crawl] discover) "
        "[default: feeds,sitemaps,links].")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print what the sources hold and what discovery finds on each "
        "site; fetch no article, write nothing.")] = False,
    out: OutOption = None,
    fmt: FormatOption = None,
    force_empty: ForceEmptyOption = False,
    state: StateOption = None,
    follow: Annotated[Optional[str], typer.Option(
        "--follow", metavar="REGEX",
        help="Treat HTML sources as section pages: follow their links whose URL matches REGEX.")] = None,
    depth: Annotated[Optional[int], typer.Option(
        "--depth", help="With --follow: also follow matching links found on the "
        f"followed pages, this many levels deep ({bounds(CrawlSettings, 'depth')}) "
        "[default: 1]. Without it: a listing (tag, section page) this many links from a "
        "source or less is followed.")] = None,
    since: Annotated[Optional[str], typer.Option(
        "--since", metavar="DATE", help="Skip feed and sitemap entries dated before DATE "
        "(ISO 8601: 2024-05-01 or 2024-05-01T06:00+07:00).")] = None,
    max_pages: Annotated[Optional[int], typer.Option(
        "--max-pages", min=1, help="Fetch at most this many articles in this run "
        "([crawl] max_pages).")] = None,
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
        "--delay", help=f"Seconds between requests to one host ({bounds(CrawlSettings, 'delay')}) "
        "[default: 1; raised to robots.txt Crawl-delay].")] = None,
    concurrency: Annotated[Optional[int], typer.Option(
        "--concurrency", help="Requests in flight in all "
        f"({bounds(CrawlSettings, 'concurrency')}) [default: 16].")] = None,
    per_host: Annotated[Optional[int], typer.Option(
        "--per-host", help="Requests in flight to one host "
        f"({bounds(CrawlSettings, 'per_host')}) [default: 2].")] = None,
    user_agent: Annotated[Optional[str], typer.Option(
        "--user-agent", help="User-Agent header; name yourself and a contact URL.")] = None,
    proxy: Annotated[Optional[str], typer.Option(
        "--proxy", metavar="URL", help="Send every request through this HTTP(S) proxy "
        "(http://host:port; [crawl] proxy, [sites] for one site).")] = None,
    workers: Annotated[Optional[int], typer.Option(
        "--workers", "-w", min=1, help="Extract pages in this many processes "
        "[default: 1].")] = None,
    threshold: ThresholdOption = None,
    keep_duplicates: KeepDuplicatesOption = False,
    rules: RulesOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Fetch, extract and deduplicate articles from the web into records.

    Give it a news site: a homepage or section page is not written but searched for the
    site's sources, in this order: robots.txt Sitemap lines (Google News sitemaps
    preferred over general ones), the page's RSS/Atom links, then the usual paths
    (/sitemap.xml, /feed, /rss, ...; tried once per host), and when there is no feed or
    sitemap at all, the page's own article links. Articles are fetched newest first; on a
    site's first run, entries older than [crawl] first_run_days (3) are left out, and
    later runs (with --state) take only what is new. A listing met among the articles
    (a tag, search or section page) is followed, not written.

    Politely: robots.txt obeyed, one request per host per second by default (Crawl-delay
    honoured), retries with backoff on errors, 429 and 5xx (Retry-After honoured), size
    and time caps, a User-Agent naming the tool. Articles split over pages become one
    record (the site's show-all view when it has one). Each article is written once: with
    --state, across runs too, and a re-run fetches only what is new.

    A failing source or page never stops the run: it is counted in the closing summary
    (fetched, written, duplicates, skipped and failed with reasons, per host) and named on
    stderr. Exit code 1 when a source (feed, sitemap, page) could not be read or nothing
    could be written (every article tried failed), not when some articles failed. With
    --state an article that failed is tried again in later runs, less and less often, and
    given up after [crawl] give_up_after failed runs (5).

    \b
    Examples:
      scraper crawl https://www.example.com/ --state ~/.scraper -o news.jsonl
      scraper crawl --site detik --site kompas --max-pages 200 -o news.jsonl
      scraper crawl --sites id --state ~/.scraper -o news.jsonl -q
      scraper crawl https://www.example.com/ --dry-run
      scraper crawl https://www.example.com/rss.xml -o news.jsonl
      scraper crawl https://example.com/sitemap.xml --since 2024-05-01 --max-pages 500
      scraper crawl https://example.com/news/ --follow '/read/[0-9]+' --depth 2
      scraper crawl @sources.txt --state ~/.scraper -o news.jsonl -q --log-format json
    """
    from scraper.pipeline import run_crawl

    config = _common(ctx, quiet, log_format, config)
    _regex(follow)
    _since(since)
    steps = tuple(s.strip() for s in discover.split(",") if s.strip()) \
        if discover is not None else None
    settings, rule_set = _settings(config, keep_duplicates=keep_duplicates or None,
                                   crawl__discover=steps, crawl__registry=_paths(registry),
                                   dedup__threshold=threshold, crawl__delay=delay,
                                   crawl__concurrency=concurrency, crawl__per_host=per_host,
                                   crawl__user_agent=user_agent, crawl__proxy=proxy,
                                   crawl__max_pages=max_pages, crawl__depth=depth,
                                   crawl__follow=follow, crawl__since=since,
                                   crawl__refresh=True if refresh else None,
                                   crawl__workers=workers,
                                   fetch__allow_private=True if allow_private else None,
                                   rules__paths=_paths(rules))
    from scraper.crawl.site import check_kinds

    check_kinds(settings.crawl.discover)  # before a state folder is made
    outlets = _outlets(settings, site, sites)
    roots = list(sources or []) + [outlet.homepage for outlet in outlets]
    if not roots:
        _usage("give a SOURCE, --site KEY or --sites COUNTRY (`scraper sites` lists the "
               "registry)")
    # Every outlet of the registry is known: a homepage given as a SOURCE gets its
    # outlet's sources and time zone too.
    outlets = _registry_outlets(None, None, None, None, settings=settings)
    if dry_run:
        from scraper.store import JsonlOutput

        with JsonlOutput(None) as sink:
            summary = run_crawl(roots, settings, sink, rules=rule_set, outlets=outlets,
                                report=lambda line: print(line, flush=True))
        _crawl_report(summary)
        return
    with _progress("crawl", ctx) as on_progress, \
            _record_sink(out, state, settings, force_empty, fmt) as (sink, st):
        summary = run_crawl(roots, settings, sink, state=st, warc=warc,
                            on_progress=on_progress, rules=rule_set, outlets=outlets)
    _crawl_report(summary)


def _outlets(settings, keys: list[str] | None, country: str | None) -> list:
    """The registry's outlets that --site and --sites name (each once, in order)."""
    if not keys and not country:
        return []
    chosen = _registry_outlets(None, None, keys, None, settings=settings) if keys else []
    chosen += _registry_outlets(None, None, None, country, settings=settings) if country else []
    return list({outlet.key: outlet for outlet in chosen}.values())


sites_app = typer.Typer(help="The registry of news outlets (scraper/sites/*.toml and your "
                        "own --registry files).", no_args_is_help=False,
                        context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(sites_app, name="sites")
CountryOption = Annotated[Optional[str], typer.Option(
    "--country", metavar="CODE", help="Only this country's outlets (id: Indonesia).")]


@sites_app.callback(invoke_without_command=True)
def sites(
    ctx: typer.Context,
    country: CountryOption = None,
    registry: RegistryOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """List the registry's outlets: key (for crawl --site), name, homepage, language,
    time zone, sources known. `scraper sites check` tries them from here.

    \b
    Examples:
      scraper sites
      scraper sites check detik kompas --delay 2
      scraper crawl --site detik --site kompas -o news.jsonl
    """
    if ctx.invoked_subcommand is not None:
        return
    from scraper.sites import format_table

    outlets = _registry_outlets(_common(ctx, quiet, log_format, config), registry, None,
                                country)
    for line in format_table(outlets):
        print(line)


@sites_app.command("check")
def sites_check(
    ctx: typer.Context,
    names: Annotated[Optional[list[str]], typer.Argument(
        metavar="KEY", help="Outlets to check [default: all of the registry].",
        show_default=False)] = None,
    country: CountryOption = None,
    registry: RegistryOption = None,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Fetch hosts on private and loopback addresses.")] = False,
    delay: Annotated[Optional[float], typer.Option(
        "--delay", help="Seconds between requests to one host [default: 1].")] = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Run discovery for each outlet, crawl nothing, and print a table: feeds and
    sitemaps found, articles they list, the newest date, and problems (robots.txt
    forbids, HTTP 403, no sources). Exit code 1 when an outlet lists no article."""
    import asyncio

    from scraper.crawl.check import check_outlets, format_checks

    config = _common(ctx, quiet, log_format, config)
    settings, _ = _settings(config, crawl__delay=delay, crawl__registry=_paths(registry),
                            fetch__allow_private=True if allow_private else None)
    from scraper.crawl.site import check_kinds

    check_kinds(settings.crawl.discover)
    outlets = _registry_outlets(config, None, names, country, settings=settings)
    checks = asyncio.run(check_outlets(outlets, settings.fetch, settings.crawl.discover))
    for line in format_checks(checks):
        print(line, flush=True)
    failing = [c.outlet.key for c in checks if not c.works]
    if failing:
        log.warning("no article found for: %s", ", ".join(failing))
        raise typer.Exit(ExitCode.INPUT_FAILED)


def _registry_outlets(config: Path | None, registry: list[Path] | None,
                      keys: list[str] | None, country: str | None, *, settings=None) -> list:
    """The registry (bundled, [crawl] registry files, --registry files) narrowed to
    `keys` or `country` when given."""
    from scraper.sites import load_registry

    if settings is None:
        settings = load_settings(config, flags=_FLAGS, crawl__registry=_paths(registry))
    loaded = load_registry([Path(p).expanduser() for p in settings.crawl.registry])
    if keys:
        return [loaded.get(key) for key in keys]
    return loaded.country(country) if country else list(loaded)


@app.command(cls=_Command)
def demo(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Write the records here.")] = Path("demo-output.jsonl"),
    fmt: FormatOption = None,
    state: StateOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Crawl the bundled demo site with the real crawler; no network needed.

    Serves the demo site shipped with the package (built by seeds/demo/build.py) on
    127.0.0.1 (a free port): five Indonesian news articles in
    their sites' chrome, an RSS feed and a Google News sitemap listing them, one article
    split over two pages, one republished under another URL with other chrome, and one
    path robots.txt disallows. Crawls the feed and the sitemap (robots.txt obeyed, a
    0.2 s per-host delay instead of 1 s), writes the records to --out and prints them.
    """
    from scraper.demo import serve
    from scraper.pipeline import run_crawl

    config = _common(ctx, quiet, log_format, config)
    settings, rule_set = _settings(config, fetch__allow_private=True, crawl__delay=0.2)
    with serve() as base, _progress("demo", ctx) as on_progress, \
            _record_sink(out, state, settings, False, fmt) as (sink, st):
        log.info("demo site at %s", base)
        summary = run_crawl([f"{base}/feed.xml", f"{base}/sitemap.xml"], settings, sink,
                            state=st, on_progress=on_progress, rules=rule_set)
    from scraper.store import read_records

    records = read_records(out, fmt and fmt.value) if out.exists() else []
    for record in records:
        typer.echo(f"{record['published'] or '-':26} {record['word_count']:4} words  "
                   f"{record['title']}")
    total = len(records)
    typer.echo(f"{total} record{'' if total == 1 else 's'} in {out} "
               f"({summary.written} written by this run)")
    _crawl_report(summary)


ExportStateOption = Annotated[Optional[str], typer.Option(
    "--state", metavar="URL", help="The shared PostgreSQL state whose articles are "
    "written: postgresql://user@host/db ([state] url in the config); the password from "
    "PGPASSWORD or ~/.pgpass, never printed.", show_default=False)]
ExportFormatOption = Annotated[Optional[RecordFormat], typer.Option(
    "--format", help="Write records as JSON Lines (appended to --out), Parquet or CSV (a "
    "new --out file each run; columns in docs/records.md) [default: from the --out "
    "suffix: .parquet, .csv, else jsonl]. Parquet needs --out.", show_default=False)]


@app.command(cls=_Command)
def export(
    ctx: typer.Context,
    state: ExportStateOption = None,
    name: Annotated[Optional[str], typer.Option(
        "--name", metavar="NAME", help="The export's cursor, kept in the database: every "
        "article not yet written under this name is written, once [default: default]. "
        "One export per name at a time.", show_default=False)] = None,
    since: Annotated[Optional[int], typer.Option(
        "--since", metavar="SEQ", min=0, help="Keep no cursor: write the articles after "
        "this seq (0: all); the summary names the seq to pass next time. Not with "
        "--name.", show_default=False)] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", metavar="FILE", help="Write the records here instead of stdout. "
        "JSON Lines are appended (a named export); Parquet and CSV go into a new file each "
        "run (one that exists is refused); with --since the file is replaced "
        "atomically.", show_default=False)] = None,
    fmt: ExportFormatOption = None,
    config: ConfigOption = None,
    quiet: QuietOption = False,
    log_format: LogFormatOption = None,
) -> None:
    """Write the articles of a shared PostgreSQL state (every worker's records), each
    once per export name.

    Workers that share --state postgresql://... keep every record they write in the
    database, once. An export writes those its NAME has not written yet, in the order
    they were committed, and keeps a cursor per name: lines are written and fsynced a
    thousand at a time, then the cursor moves. A run killed in between is put right by
    the next one, which cuts the file back to what the cursor counts: nothing repeated,
    nothing lost. Rows still being committed by a worker are waited for (up to 10 s),
    never passed over.

    JSON Lines are appended to FILE; another FILE continues where the cursor stands (a
    FILE moved away starts anew). Parquet and CSV cannot be appended: each run writes
    its new records into a new FILE (atomically), and none when there is nothing new.
    Without --out, JSON Lines go to stdout and the cursor moves after each batch reaches
    the pipe (a kill there repeats that batch: for exactly once, give --out).

    The closing summary (stderr) gives the records written, their seq range, the file,
    and where the cursor stands (with --since: the seq to give next time).

    \b
    Examples:
      scraper export --state postgresql://scraper@db.lan/news -o all.jsonl
      scraper export --state postgresql://scraper@db.lan/news --name search -o idx.jsonl
      scraper export --config hosts.toml -o news-$(date +%Y%m%d%H).parquet
      scraper export --state postgresql://scraper@db.lan/news --since 0 | jq -r .title
    """
    from scraper.store import format_for
    from scraper.store.pg.database import Database, is_database_url
    from scraper.store.pg.export import DEFAULT_NAME, export_articles

    config = _common(ctx, quiet, log_format, config)
    if name is not None and since is not None:
        _usage("--since keeps no cursor and --name names one: give one of them")
    settings = load_settings(config, flags={**_FLAGS, "state__url": "--state"},
                             state__url=state)
    url = settings.state.url
    if not url:
        _usage("give --state postgresql://user@host/db ([state] url in the config): the "
               "database the workers share")
    if not is_database_url(url):
        _usage(f"--state {url}: export reads the articles a PostgreSQL state keeps "
               "(postgresql://user@host/db); a state folder keeps none (its records are "
               "in the --out files its runs wrote)")
    kind = format_for(out, fmt.value if fmt is not None else None)
    if kind == "parquet" and out is None:
        _usage("Parquet is a binary file format: give --out FILE.parquet")
    db = Database(url, retry_for=settings.state.retry_for)
    try:
        db.migrate()
        result = export_articles(db, out, kind, name=name or DEFAULT_NAME, since=since)
    finally:
        db.close()
    if result.kept and out is not None:
        log.warning("%s: nothing to export: %s", out,
                    "left as it was" if out.exists() else "not created")
    log.info("%s", result.line(), extra={"fields": {"summary": result.as_dict()}})


def _usage(message: str) -> NoReturn:
    """Bad usage found after parsing: one error line, exit 2."""
    raise UsageError(message)


def _paths(paths: list[Path] | None) -> tuple[str, ...] | None:
    return tuple(str(path) for path in paths) if paths else None


def _regex(pattern: str | None):
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        _usage(f"--follow: not a regular expression: {exc}")


def _since(value: str | None):
    from scraper.discover import parse_when

    if value is None:
        return None
    when = parse_when(value)
    if when is None:
        _usage(f"--since: {value!r} is not an ISO 8601 date (2024-05-01 or "
               "2024-05-01T06:00+07:00)")
    return when


def _summary(command: str, summary) -> None:
    """The closing summary: its first line carries every figure in JSON logs; the text
    lines are made from the same figures."""
    figures = summary.as_dict()
    first, *rest = summary_lines(command, figures)
    log.info("%s", first, extra={"fields": {"summary": figures}})
    for line in rest:
        log.info("%s", line)


def _crawl_report(summary) -> None:
    """The crawl's closing summary, and its exit code (README, exit codes): 1 when a
    source failed or nothing could be written because articles failed."""
    _summary("crawl", summary)
    if summary.failed_sources or (summary.failed and not summary.written + summary.duplicates):
        raise typer.Exit(ExitCode.INPUT_FAILED)


def _kept(path: Path) -> None:
    """Say that an output was not replaced because there was nothing to write."""
    if path.exists():
        log.warning("%s: nothing to write: left as it was (--force-empty replaces it)", path)
    else:
        log.warning("%s: nothing to write: not created (--force-empty creates it empty)", path)


@contextmanager
def _record_sink(out: Path | None, state_at: str | None, settings,
                 force_empty: bool, fmt: RecordFormat | None = None) -> Iterator[tuple]:
    """Where records go, and the state when there is one (`--state`, else `[state] url`):
    a folder, locked for the whole block, or a PostgreSQL database shared with other
    workers. Without a state, a file is replaced only when there is something to write,
    in the format --format or the --out suffix names; with one, records are appended as
    JSON Lines (a Parquet or CSV file cannot be appended to line by line: bad usage)."""
    # Imported here: the state pulls in the duplicate index (numpy, datasketch, scipy),
    # half a second that --help and usage errors need not wait for.
    from scraper.store import AppendOutput, JsonlOutput, RunLock, State, format_for, open_output
    from scraper.store.pg.database import is_database_url

    state_at = state_at or settings.state.url or None
    kind = format_for(out, fmt.value if fmt is not None else None)
    if state_at is not None and kind != "jsonl":
        _usage(f"--state appends records as JSON Lines (so a killed run loses nothing), "
               f"not {kind}: give --out a .jsonl file, or leave out --state")
    if state_at is None:
        with open_output(out, kind, force_empty=force_empty) as sink:
            yield sink, None
        if sink.kept:
            _kept(out)
        return
    from scraper.dedup.minhash import params_for

    params = params_for(settings.dedup)
    with ExitStack() as stack:
        if is_database_url(state_at):
            from scraper.store.pg.state import PgState

            state = stack.enter_context(PgState.open(state_at, params, settings.state))
        else:
            folder = Path(state_at).expanduser()
            stack.enter_context(RunLock(folder))
            state = stack.enter_context(State.open(folder, params))
        if out is None:
            with JsonlOutput(None) as sink:
                yield sink, state
        else:
            if is_database_url(state_at):  # a folder's lock covers its outputs already
                stack.enter_context(state.own_output(out))
            with AppendOutput(out, state.output_size(out)) as sink:
                yield sink, state


def _finish(command: str, summary) -> None:
    """The closing summary line, and exit code 1 when any input failed."""
    _summary(command, summary)
    if summary.failed:
        raise typer.Exit(ExitCode.INPUT_FAILED)


def _settings(config: Path | None, **overrides):
    """The run's settings and phrase tables, loaded once (a bad value or table is a
    ConfigError: bad usage)."""
    from scraper.pipeline import load_rule_tables

    settings = load_settings(config, flags=_FLAGS, **overrides)
    return settings, load_rule_tables(settings.rules)


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
    """Console-script entry point: never a traceback, always a documented exit code, and
    every message in the log format asked for (usage errors included)."""
    quiet, fmt = _early_options(sys.argv[1:])
    _setup_logging(quiet, fmt)
    sys.exit(_run(fmt))


def _run(fmt: LogFormat) -> int:
    try:
        code = app(standalone_mode=False)  # returns the code of typer.Exit; None when done
    except KeyboardInterrupt:  # typer turns one inside a command into exit code 130
        code = ExitCode.INTERRUPTED
    except click_errors.ClickException as exc:  # unknown option, bad value, missing argument
        _usage_error(exc, fmt)
        return exc.exit_code
    except typer.Abort:
        log.error("aborted")
        return ExitCode.INPUT_FAILED
    except ScraperError as exc:  # its class says which stage failed, and the exit code
        log.error("%s", exc)
        return exit_code(exc)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        log.error("internal error: %s: %s", type(exc).__name__, exc)
        return ExitCode.INTERNAL
    if code == ExitCode.INTERRUPTED:
        log.error("interrupted")
    return int(code or 0)


def _usage_error(exc: click_errors.ClickException, fmt: LogFormat) -> None:
    """Click's own usage message (or help, for no arguments at all), or, with
    --log-format json, one JSON line with it."""
    if fmt is not LogFormat.json or type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()
        return
    fields = {}
    if isinstance(exc, click_errors.UsageError) and exc.ctx is not None:
        fields["usage"] = exc.ctx.get_usage()
    log.error("%s", exc.format_message(), extra={"fields": fields})

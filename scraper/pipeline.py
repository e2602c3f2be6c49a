"""Wires the stages for each command and counts what happened."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from scraper.corpus import WarcPage, WarcSkip, open_warc, read_warc
from scraper.corpus.filters import PageFilter
from scraper.emitter import Emitter, Sink
from scraper.errors import ConfigError, InputError, UsageError
from scraper.extract import TemplateLines, clean_text, extract_html
from scraper.extract.rules import RuleSet, default_rules, load_rules
from scraper.inputs import Source, expand, read_bytes, read_text, sniff_page
from scraper.record import Article
from scraper.records_in import RECORD_SUFFIXES, FieldNames, parse_line, read_records
from scraper.settings import CleanSettings, RulesSettings, Settings
from scraper.sites import Outlet
from scraper.store.state import RunState
from scraper.summary import CrawlSummary, Summary
from scraper.workers import process_pool

log = logging.getLogger("scraper")

TEXT_SUFFIXES = (".txt", ".txt.gz")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")


def load_rule_tables(settings: RulesSettings) -> RuleSet:
    """The phrase tables of a run, compiled once: the bundled ones, plus the user's own
    (`[rules] paths`, `--rules`) after them. A bad table is a ConfigError."""
    if not settings.paths:
        return default_rules()
    return load_rules([Path(path) for path in settings.paths], bundled=True)


def run_clean(args: list[str], settings: Settings, out: Sink, *,
              on_error: Callable[[InputError], None],
              on_progress: Callable[[int, int], None] | None = None,
              stdin: BinaryIO | None = None, rules: RuleSet | None = None) -> Summary:
    """Clean every text dump named by `args` into `out`.

    Two passes: the first reads every input to learn the run's template lines (skipped
    when there are too few inputs for the rule to apply), the second cleans and writes.
    A bad input is reported through `on_error` and counted; the others go on. `rules`
    defaults to the tables `settings` names.
    """
    rules = rules or load_rule_tables(settings.rules)
    summary = Summary()
    sources = _sources(args, TEXT_SUFFIXES, summary, on_error)

    texts: dict[str, str] = {}  # stdin can be read once only: keep its text
    def load(source: Source) -> str:
        if source.path is None:
            if source.name not in texts:
                texts[source.name] = read_text(source, stdin)
            return texts[source.name]
        return read_text(source)

    bad: set[Source] = set()
    template: frozenset[str] = frozenset()
    min_docs = settings.clean.template_min_docs
    if min_docs and len(sources) >= min_docs:
        lines = TemplateLines(min_docs, settings.clean.short_line_words)
        for source in sources:
            try:
                lines.add(load(source))
            except InputError as exc:
                bad.add(source)
                _fail(exc, summary, on_error)
        template = lines.keys()

    emitter = Emitter(settings, out, summary)
    for done, source in enumerate(sources, 1):
        if source not in bad:
            try:
                article = clean_text(load(source), source.name, settings=settings.clean,
                                     rules=rules, template=template)
            except InputError as exc:
                _fail(exc, summary, on_error)
            else:
                emitter.emit([article])
        if on_progress:
            on_progress(done, len(sources))
    return summary


def run_extract(args: list[str], settings: Settings, out: Sink, *,
                on_error: Callable[[InputError], None],
                on_progress: Callable[[int, int], None] | None = None,
                url: str | None = None, workers: int = 1, as_html: bool = False,
                stdin: BinaryIO | None = None, rules: RuleSet | None = None,
                pages: PageFilter | None = None) -> Summary:
    """Extract the article of every HTML page named by `args` into `out`, in input order.

    With `workers` > 1 the pages are spread over that many processes; records are still
    written by this process, one whole line at a time, in the order of the inputs. An
    input that is not HTML (JSON, PDF, plain text, XML, binary data) is skipped with a
    warning naming what it is, unless `as_html`. `url` is for one page only (a file or
    stdin): anything else is a UsageError.

    A WARC file (.warc, .warc.gz) gives a page per HTTP response record (scraper.corpus),
    its source `FILE#offset`, streamed: the pool is fed a few pages at a time. Records
    `pages` leaves out, and those that are not pages (not HTML, not 200, too large), are
    counted as skipped by reason; a damaged file fails after the records before it.
    `pages.languages` applies to every record.
    """
    if url is not None and (len(args) != 1 or Path(args[0]).is_dir()
                            or args[0].lower().endswith(WARC_SUFFIXES)):
        raise UsageError("--url is the URL of one page: give exactly one HTML file (or -), "
                          "not a folder, a WARC file or several")
    rules = rules or load_rule_tables(settings.rules)
    pages = pages or PageFilter()
    summary = Summary()
    sources = _sources(args, HTML_SUFFIXES + WARC_SUFFIXES, summary, on_error)
    archives = any(_is_warc(source) for source in sources)
    tasks = _extract_inputs(sources, settings, rules, pages, url=url, as_html=as_html,
                            stdin=stdin)

    emitter = Emitter(settings, out, summary)
    pool = process_pool(workers) if workers > 1 and (len(sources) > 1 or archives) else None
    try:
        _write_results(_in_order(tasks, pool, ahead=8 * workers), emitter, summary, pages,
                       on_error, on_progress=on_progress,
                       total=None if archives else len(sources))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return summary


def _write_results(results: Iterator[Article | _Skipped | InputError], emitter: Emitter,
                   summary: Summary, pages: PageFilter,
                   on_error: Callable[[InputError], None], *,
                   on_progress: Callable[[int, int | None], None] | None = None,
                   total: int | None = None,
                   before_emit: Callable[[Article], None] | None = None) -> None:
    """Count, report or write each result of extraction (`before_emit`: stage what
    must be committed with the record)."""
    for done, result in enumerate(results, 1):
        if isinstance(result, _Skipped):
            summary.count("skipped", reason=result.reason)
            if result.warning:
                log.warning("%s", result.warning)
        elif isinstance(result, InputError):
            _fail(result, summary, on_error)
        elif reason := pages.skip_article(result):
            summary.count("skipped", reason=reason)
        else:
            if before_emit is not None:
                before_emit(result)
            emitter.emit([result])
        if on_progress:
            on_progress(done, total)


def run_ccnews(listing: str, settings: Settings, out: Sink, *,
               on_error: Callable[[InputError], None], state: RunState | None = None,
               base: str, pages: PageFilter | None = None, workers: int = 1,
               max_files: int = 0, rules: RuleSet | None = None,
               on_progress: Callable[[int, int | None], None] | None = None) -> Summary:
    """Read the WARC files a CC-NEWS listing names (`listing`: its URL or a file), in
    order, each as it downloads (the polite fetcher), into records as `extract` makes
    them. With `state`, a file read to its end is not fetched again, and one that broke
    off (or a run that was killed) is read again from its start with the records up to
    the last committed one passed over: nothing is written twice. A file that fails is
    reported; the others are still read (`max_files`: at most this many are read)."""
    import asyncio

    from scraper.corpus.ccnews import (
        LISTING_TYPES,
        Abandoned,
        ChunkStream,
        parse_listing,
        read_listing_file,
    )
    from scraper.fetch import Fetcher

    rules = rules or load_rule_tables(settings.rules)
    pages = pages or PageFilter()
    summary = Summary()
    emitter = Emitter(settings, out, summary, state)
    pool = process_pool(workers) if workers > 1 else None

    def read_file(stream: ChunkStream, url: str, after: int) -> None:
        """In a thread: the file's records, extracted and written as they come."""
        offsets: list[int] = []

        def stage(article: Article) -> None:
            offset = int(article.source.rsplit("#", 1)[1])
            offsets.append(offset)
            if state is not None:
                state.stage_corpus_file(url, offset)
        failed = summary.failed
        try:
            # The stream straight to the reader: it reads in large blocks itself, and a
            # download that broke off is a failed read after the records before it.
            items = read_warc(stream, url, select=pages.skip_record,
                              max_bytes=settings.fetch.max_bytes,
                              max_decompressed=settings.fetch.max_decompressed)
            tasks = _archive_tasks(items, url, settings, rules, after=after)
            _write_results(_in_order(_errors_in_place(tasks), pool, ahead=8 * workers),
                           emitter, summary, pages, on_error, before_emit=stage)
            if state is not None and summary.failed == failed:  # read to its end
                state.stage_corpus_file(url, max(offsets, default=after), done=True)
                emitter.commit()
        finally:
            stream.abandon()

    async def main() -> None:
        async with Fetcher(settings.fetch) as fetcher:
            urls = await _ccnews_listing(fetcher, listing, base)
            summary.inputs = len(urls)
            read = 0
            for done, url in enumerate(urls, 1):
                known = state.corpus_file(url) if state is not None else None
                if known is not None and known[1]:
                    summary.count("seen")  # read to its end by an earlier run
                    continue
                if max_files and read >= max_files:
                    break
                read += 1
                stream = ChunkStream(url)
                reader = asyncio.create_task(asyncio.to_thread(
                    read_file, stream, url, known[0] if known else -1))

                async def into(chunk: bytes, stream: ChunkStream = stream) -> None:
                    await asyncio.to_thread(stream.put, chunk)
                try:
                    result = await fetcher.fetch(url, accept=(), into=into)
                except Abandoned:  # the reader failed (and said so): the download stops
                    result = None
                except BaseException:  # interrupted: the reader must not wait for bytes
                    stream.cancel()
                    raise
                if result is not None and not result.ok:
                    stream.finish(f"download broke off after {result.streamed:,} bytes: "
                                  f"{result.error}" if result.streamed else
                                  result.error or f"HTTP {result.status}")
                else:
                    stream.finish()
                try:
                    await reader
                except BaseException:
                    stream.cancel()
                    raise
                if on_progress:
                    on_progress(done, len(urls))

    async def _ccnews_listing(fetcher: Fetcher, where: str, base: str) -> list[str]:
        if not where.startswith(("http://", "https://")):
            return read_listing_file(Path(where), base)
        result = await fetcher.fetch(where, accept=LISTING_TYPES)
        if not result.ok:
            raise InputError(f"{where}: cannot fetch the listing: {result.error}")
        return parse_listing(result.body, base, where)

    try:
        asyncio.run(main())
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return summary


def run_dedup(args: list[str], settings: Settings, out: Sink, *,
              on_error: Callable[[InputError], None],
              on_progress: Callable[[int, int], None] | None = None,
              state: RunState | None = None, stdin: BinaryIO | None = None,
              report: list[dict] | None = None,
              fields: FieldNames | None = None) -> Summary:
    """Deduplicate records: ours (from any command) or any tool's (JSON Lines, JSON, CSV,
    Parquet: scraper.records_in), their text, id, URL and title found by `fields`.

    Records stream through in batches, so files of any size fit in memory. A line that is
    not a record, or a record without text, is reported (file and line number) and
    skipped. With `report` (a list), the clusters found are appended to it.
    """
    fields = fields or FieldNames()
    summary = Summary()
    sources = _sources(args, RECORD_SUFFIXES, summary, on_error)
    emitter = Emitter(settings, out, summary, state, report=report is not None,
                      read_line=lambda line: parse_line(line, fields))
    for done, source in enumerate(sources, 1):
        records = _records(source, fields, stdin, summary, on_error)
        while batch := list(islice(records, 256)):
            emitter.emit(batch)
        if on_progress:
            on_progress(done, len(sources))
    if report is not None:
        report.extend(emitter.report())
    return summary


def run_crawl(sources: list[str], settings: Settings, out: Sink, *,
              state: RunState | None = None, warc: Path | None = None,
              on_progress: Callable[[int, int], None] | None = None,
              rules: RuleSet | None = None,
              outlets: list[Outlet] | None = None,
              report: Callable[[str], None] | None = None) -> CrawlSummary:
    """Crawl `sources` (URLs, feeds, sitemaps, listing pages, @files of them) into `out`,
    as `settings.crawl` says. Rule tables (phrase and pagination) are loaded here, once.

    `outlets`: the registry's entries: a crawled site that is one of them has its
    sources read when it is discovered, and its time zone dates articles that state none. `report`: a dry run, which reports what the sources hold and what
    discovery finds there, and fetches no article."""
    import asyncio
    import re

    from scraper.crawl import Crawl, CrawlStats
    from scraper.crawl.site import check_kinds
    from scraper.discover import parse_when
    from scraper.discover.pagination import bundled_table
    from scraper.discover.pagination import load_rules as pagination_rules
    from scraper.extract.pages import PagerWords
    from scraper.fetch import Fetcher, WarcLog
    from scraper.inputs import expand_sources

    crawl = settings.crawl
    try:
        follow = re.compile(crawl.follow) if crawl.follow else None
    except re.error as exc:
        raise ConfigError(f"crawl.follow: not a regular expression: {exc}") from exc
    check_kinds(crawl.discover)
    since = parse_when(crawl.since) if crawl.since else None
    if crawl.since and since is None:
        raise ConfigError(f"crawl.since: {crawl.since!r} is not an ISO 8601 date")
    urls = expand_sources(sources)
    rules = rules or load_rule_tables(settings.rules)
    table = bundled_table()
    summary = CrawlSummary()
    summary.sources = len(urls)
    emitter = Emitter(settings, out, summary, state)
    warc_log = WarcLog(warc) if warc is not None else None

    async def main() -> None:
        shared = state.politeness(settings.fetch) if state is not None else None
        async with Fetcher(settings.fetch, warc=warc_log, gate=shared and shared[0],
                           robots=shared and shared[1]) as fetcher:
            await Crawl(fetcher, emitter, CrawlStats(summary), crawl, rules=rules,
                        pagination=pagination_rules(table),
                        pager=PagerWords.from_table(table["generic"]), follow=follow,
                        since=since, state=state, on_progress=on_progress,
                        outlets=outlets, report=report).run(urls)
    try:
        asyncio.run(main())
    finally:
        if warc_log is not None:
            warc_log.close()
    return summary


def _records(source: Source, fields: FieldNames, stdin: BinaryIO | None, summary: Summary,
             on_error: Callable[[InputError], None]) -> Iterator[Article]:
    return read_records(source, fields, stdin=stdin,
                        on_error=lambda exc: _fail(exc, summary, on_error))


@dataclass(frozen=True, slots=True)
class _ExtractTask:
    """One page for `_extract_task`: its bytes (stdin, a WARC record) or path, and how to
    read it. `archived`: a page of a WARC file, whose HTTP header gave `charset`."""

    name: str
    path: str | None
    data: bytes | None
    url: str | None
    as_html: bool
    clean: CleanSettings
    rules: RuleSet
    charset: str | None = None
    archived: bool = False


@dataclass(frozen=True, slots=True)
class _Skipped:
    """A page left out on purpose, counted under `reason`; `warning` is logged (an input
    the user named; pages of a WARC file are only counted)."""

    reason: str
    warning: str | None = None


def _extract_task(task: _ExtractTask) -> Article | InputError | _Skipped:
    """One page, in a worker process or in this one: the record, the input's error, or
    why it was skipped (an input that is something else than HTML)."""
    try:
        data = task.data if task.data is not None else read_bytes(Source(task.name,
                                                                         Path(task.path)))
        if not data.strip():
            if task.archived:
                return _Skipped("empty body")
            raise InputError(f"{task.name}: empty input")
        kind = None if task.as_html else sniff_page(data)
        if kind is not None:
            return _Skipped(f"not HTML ({kind})", None if task.archived else
                            f"{task.name}: {kind}, not an HTML page: skipped "
                            "(--as-html extracts it anyway)")
        return extract_html(data, task.url, source=task.name, charset=task.charset,
                            settings=task.clean, rules=task.rules)
    except InputError as exc:
        return exc


def _is_warc(source: Source) -> bool:
    return source.path is not None and source.path.name.lower().endswith(WARC_SUFFIXES)


def _extract_inputs(sources: list[Source], settings: Settings, rules: RuleSet,
                    pages: PageFilter, *, url: str | None, as_html: bool,
                    stdin: BinaryIO | None) -> Iterator[_ExtractTask | _Skipped | InputError]:
    """A task per page, in input order: one per HTML input, one per response record of a
    WARC file (read as the tasks are drawn), with what is skipped or fails on the way."""
    for source in sources:
        if not _is_warc(source):
            data = read_bytes(source, stdin) if source.path is None else None
            yield _ExtractTask(source.name, str(source.path) if source.path else None,
                               data, url, as_html, settings.clean, rules)
            continue
        try:
            yield from _archive_tasks(
                open_warc(source.path, source.name, select=pages.skip_record,
                          max_bytes=settings.fetch.max_bytes,
                          max_decompressed=settings.fetch.max_decompressed),
                source.name, settings, rules, as_html=as_html)
        except InputError as exc:
            yield exc


def _errors_in_place(items: Iterator[_ExtractTask | _Skipped]) -> Iterator[
        _ExtractTask | _Skipped | InputError]:
    """`items`, and the InputError that ends them (a damaged file) as the last item, so
    that the pages before it are written first."""
    try:
        yield from items
    except InputError as exc:
        yield exc


def _archive_tasks(items: Iterator[WarcPage | WarcSkip], name: str, settings: Settings,
                   rules: RuleSet, *, as_html: bool = False,
                   after: int = -1) -> Iterator[_ExtractTask | _Skipped]:
    """A task per page of a WARC file read as `name` (its source `name#offset`), the
    skipped records where they stand; records at or before offset `after` (read by an
    earlier run) are passed over."""
    for item in items:
        if item.offset <= after:
            continue
        if isinstance(item, WarcSkip):
            yield _Skipped(item.reason)
        else:
            yield _ExtractTask(f"{name}#{item.offset}", None, item.body, item.uri, as_html,
                               settings.clean, rules, charset=item.charset, archived=True)


def _in_order(items: Iterator[_ExtractTask | _Skipped | InputError], pool: Executor | None,
              *, ahead: int) -> Iterator[Article | _Skipped | InputError]:
    """Each task's result, in order, with the other items where they stand. With a pool,
    at most `ahead` tasks are in flight and the rest not yet drawn from `items`, so that
    a WARC file of any size streams through in bounded memory."""
    window: deque = deque()
    for item in items:
        if not isinstance(item, _ExtractTask):
            window.append(item)
        else:
            window.append(pool.submit(_extract_task, item) if pool else _extract_task(item))
        while window and (len(window) > ahead or not isinstance(window[0], Future)):
            first = window.popleft()
            yield first.result() if isinstance(first, Future) else first
    for first in window:
        yield first.result() if isinstance(first, Future) else first


def _sources(args: list[str], suffixes: tuple[str, ...], summary: Summary,
             on_error: Callable[[InputError], None]) -> list[Source]:
    sources: list[Source] = []
    for item in expand(args, suffixes):
        if isinstance(item, InputError):
            _fail(item, summary, on_error)
        else:
            sources.append(item)
    summary.inputs = len(sources) + summary.failed
    return sources


def _fail(exc: InputError, summary: Summary, on_error: Callable[[InputError], None]) -> None:
    summary.failures.append(str(exc))
    on_error(exc)

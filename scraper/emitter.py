"""The end of every pipeline: check each record against the duplicate index, write the
ones to keep, then remember them (and, with a state, commit), in that order.

Order is what makes cron runs safe, and `Emitter.emit` is the one place it is kept: a
record is written and handed to the OS before the state says so; a run killed in between
leaves a line the next run finds past the committed length of the output and enters into
the state instead of writing it again (`_recover`). Every commit of a run goes through
`_commit`, with the output's length.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from scraper.dedup import DuplicateIndex, MemoryStore, Verdict
from pathlib import Path

from scraper.errors import StateError
from scraper.record import Article
from scraper.settings import Settings
from scraper.store.state import RunState, Validators
from scraper.summary import CrawlSummary, Summary

log = logging.getLogger("scraper")


class Sink(Protocol):
    """Where records go (`scraper.store.output`: JsonlOutput, AppendOutput)."""

    #: Lines a killed run wrote after the state's last commit (to enter, not write again).
    recovered: Sequence[str]

    def write(self, article: Article) -> None:
        """Write one record as one whole line, handed to the OS when it returns."""
    def position(self) -> tuple[Path, int] | None:
        """(path, length) to commit with the state, or None when the sink has none."""


#: A fetch log entry that goes with a record: (URL key, what the server said).
Fetched = tuple[str, Validators]


@dataclass
class Cluster:
    """A kept record and the duplicates found of it in this run (for `--report`)."""

    id: str
    url: str | None = None
    title: str | None = None
    duplicates: list[dict] = field(default_factory=list)


class Emitter:
    """Dedup and write records; with a `State`, persistently and crash-safely."""

    def __init__(self, settings: Settings, sink: Sink, summary: Summary | CrawlSummary,
                 state: RunState | None = None, *, report: bool = False,
                 read_line: Callable[[str], Article] = Article.from_json) -> None:
        """`read_line` reads back a line of the output (after a killed run): a record
        of ours by default; dedup's reads other tools' records as well."""
        self.settings = settings
        self.sink = sink
        self.read_line = read_line
        self.summary = summary
        self.state = state
        self.index = DuplicateIndex.from_settings(state or MemoryStore(), settings.dedup)
        self.clusters: dict[str, Cluster] | None = {} if report else None
        self._this_run: set[str] = set()  # ids handled in this run
        if state is not None:
            self._recover()

    def emit(self, articles: Iterable[Article], *, fetched: Iterable[Fetched] = ()) -> None:
        """Check, write and remember each record, in order, and commit after each: the
        record is written (handed to the OS), then entered in the index, with the last
        one the `fetched` log entries that go with it are staged, then the state commits
        all of it at once with the output's new length. Killed before the commit, the
        next run re-enters the line (`_recover`); after it, there is nothing to redo."""
        batch = list(articles)
        # One at a time: a record is checked against the ones entered before it.
        for number, verdict in enumerate(self.index.check_many(batch), 1):
            self._handle(verdict)
            if number == len(batch):
                self._stage(fetched)
            self._commit()

    def commit(self, *, fetched: Iterable[Fetched] = ()) -> None:
        """Commit the state now (with the output's length): `fetched` entries, and the
        changes staged on the state since the last commit (failures)."""
        self._stage(fetched)
        self._commit()

    def _stage(self, fetched: Iterable[Fetched]) -> None:
        if self.state is not None:
            for key, validators in fetched:
                self.state.stage_fetch(key, validators)

    def _handle(self, verdict: Verdict) -> None:
        count = self.summary.count  # under the record's source: for a crawl, the URL asked for
        if verdict.reason == "seen":
            if verdict.article.id not in self._this_run:
                count("seen", url=verdict.article.source)  # handled by an earlier run: silent
                return
            verdict = self._repeat(verdict)  # the same URL or input twice in one run
        self._this_run.add(verdict.article.id)
        article = verdict.article
        if article.duplicate_of is not None:
            count("duplicates", url=article.source)
            self._note_duplicate(article, verdict.reason)
            if self.settings.keep_duplicates:
                self._write(article)
        else:
            self._write(article)
            if self.clusters is not None:
                self.clusters[article.id] = Cluster(article.id, article.url, article.title)
        if verdict.reason != "repeat":  # a repeat's id is in the index already
            self.index.add(verdict)

    def _write(self, article: Article) -> None:
        self.sink.write(article)
        if self.state is not None:
            self.state.stage_record(article)
        self.summary.count("written", url=article.source)
        if not article.text:
            self.summary.count("empty", url=article.source)
            log.warning("%s: no article text found", article.url or article.source)

    @staticmethod
    def _repeat(verdict: Verdict) -> Verdict:
        article = verdict.article
        return Verdict(article.replace(duplicate_of=article.id, similarity=None),
                       verdict.entry, "repeat")

    def _note_duplicate(self, article: Article, reason: str | None) -> None:
        if self.clusters is None:
            return
        owner = article.duplicate_of or ""
        cluster = self.clusters.setdefault(owner, Cluster(owner))
        cluster.duplicates.append({"id": article.id, "url": article.url, "title": article.title,
                                   "reason": reason, "similarity": article.similarity})

    def _commit(self) -> None:
        """The one commit of the state: everything staged, with the output's length."""
        if self.state is not None:
            self.state.commit(self.sink.position())

    def _recover(self) -> None:
        """Enter records a killed run wrote after its last commit, without writing them."""
        records = []
        for line in self.sink.recovered:
            try:
                records.append(self.read_line(line))
            except ValueError as exc:
                where = (self.sink.position() or ("the output",))[0]
                raise StateError(f"{where}: a line after the last committed one is not a "
                                 f"record ({exc}); move the file away to start a new one") from exc
        for record, verdict in zip(records, self.index.check_many(records)):
            if verdict.reason != "seen":
                self.index.add(verdict)
            self.state.stage_record(record)  # as it is in the output
        self._commit()

    def report(self) -> list[dict]:
        """The clusters with at least one duplicate, first-seen record first."""
        return [{"id": c.id, "url": c.url, "title": c.title, "duplicates": c.duplicates}
                for c in (self.clusters or {}).values() if c.duplicates]

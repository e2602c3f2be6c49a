"""Wires the stages for each command and counts what happened."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from scraper.dedup import ExactDuplicates
from scraper.errors import InputError
from scraper.extract import TemplateLines, clean_text
from scraper.inputs import Source, expand, read_text
from scraper.settings import Settings
from scraper.store import JsonlOutput

TEXT_SUFFIXES = (".txt", ".txt.gz")


@dataclass
class Summary:
    """What a run did, for the closing line and the exit code."""

    inputs: int = 0
    written: int = 0
    duplicates: int = 0
    empty: int = 0
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"inputs": self.inputs, "written": self.written,
                "duplicates": self.duplicates, "empty": self.empty, "failed": len(self.failed)}


def run_clean(args: list[str], settings: Settings, out: JsonlOutput, *,
              on_error: Callable[[InputError], None],
              on_progress: Callable[[int, int], None] | None = None,
              stdin: BinaryIO | None = None) -> Summary:
    """Clean every text dump named by `args` into `out`.

    Two passes: the first reads every input to learn the run's template lines (skipped
    when there are too few inputs for the rule to apply), the second cleans and writes.
    A bad input is reported through `on_error` and counted; the others go on.
    """
    summary = Summary()
    sources: list[Source] = []
    for item in expand(args, TEXT_SUFFIXES):
        if isinstance(item, InputError):
            summary.failed.append(str(item))
            on_error(item)
        else:
            sources.append(item)
    summary.inputs = len(sources) + len(summary.failed)

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
                summary.failed.append(str(exc))
                on_error(exc)
        template = lines.keys()

    exact = ExactDuplicates()
    for done, source in enumerate(sources, 1):
        if source not in bad:
            try:
                article = clean_text(load(source), source.name, settings=settings.clean,
                                     template=template)
            except InputError as exc:
                summary.failed.append(str(exc))
                on_error(exc)
            else:
                _emit(exact.mark(article), out, settings, summary)
        if on_progress:
            on_progress(done, len(sources))
    return summary


def _emit(article, out: JsonlOutput, settings: Settings, summary: Summary) -> None:
    if not article.text:
        summary.empty += 1
    if article.duplicate_of is not None:
        summary.duplicates += 1
        if not settings.keep_duplicates:
            return
    out.write(article)
    summary.written += 1

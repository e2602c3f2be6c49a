"""What a run did: one counter object per command, each figure defined once.

The closing summary line (text) and its JSON form are both made from `as_dict()`, so they
cannot disagree. Figures (README, "The closing summary"):

- `inputs` / `sources`: what the command was given (files found under folders count one
  each; a crawl's sources are its URLs after `@FILE` lists are read);
- `fetched`: HTTP responses that arrived whole (2xx) for the crawl's own requests:
  sources, articles, show-all views and later pages of split articles (robots.txt is
  not counted, in the totals or per host);
- `written`: records written; `duplicates`: records found to be duplicates (written only
  with --keep-duplicates, and then counted in both); `seen`: handled by an earlier run on
  the same --state, so neither fetched nor written; `empty`: records written without text;
- `unchanged`: sources and articles answered 304 Not Modified;
- `skipped`: inputs or URLs left out on purpose (robots.txt, --since, --max-pages, not
  HTML, a URL waiting before its next retry), by reason;
- `failed`: inputs or URLs that could not be read, fetched or extracted, by reason
  (sources and articles alike; `sources_failed` counts the sources among them);
- `given_up`: article URLs that failed in `[crawl] give_up_after` runs and are not
  tried again;
- `discovered` (a crawl given a listing page): the sources site discovery found, by
  step, and the usual paths it tried.

A crawl counts every figure under a host (the URL's, after redirects); its totals are
the sums over the hosts, and `failed` (like `skipped`, `given_up`) the sum of its reasons.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

#: The words for each figure, (one, many), in the order summaries give them.
WORDS: dict[str, tuple[str, str]] = {
    "inputs": ("input", "inputs"),
    "sources": ("source", "sources"),
    "sources_failed": ("source failed", "sources failed"),
    "fetched": ("fetched", "fetched"),
    "written": ("record written", "records written"),
    "duplicates": ("duplicate", "duplicates"),
    "seen": ("seen before", "seen before"),
    "unchanged": ("unchanged (304)", "unchanged (304)"),
    "empty": ("without text", "without text"),
    "skipped": ("skipped", "skipped"),
    "failed": ("failed", "failed"),
    "given_up": ("given up", "given up"),
}
#: Figures that are counted with a reason.
WITH_REASONS = ("skipped", "failed", "given_up")
#: A crawl's figures, each counted per host.
CRAWL_FIGURES = ("fetched", "written", "duplicates", "seen", "unchanged", "empty",
                 "skipped", "failed", "given_up")


def phrase(count: int, figure: str) -> str:
    """`count` with the figure's words: "1 record written", "2 duplicates"."""
    one, many = WORDS[figure]
    return f"{count} {one if count == 1 else many}"


def summary_lines(command: str, figures: dict) -> list[str]:
    """The closing summary as text lines, from the same dict the JSON form carries: the
    totals, then each reason of the figures that have them, then each host."""
    totals = [phrase(n, key) for key, n in figures.items() if isinstance(n, int)]
    lines = [f"{command}: {', '.join(totals)}"]
    for figure in WITH_REASONS:
        for reason, n in sorted(figures.get(f"{figure}_by_reason", {}).items(),
                                key=lambda item: (-item[1], item[0])):
            lines.append(f"  {WORDS[figure][0]} {n}: {reason}")
    if figures.get("discovered"):
        lines.append("  discovered: " + ", ".join(f"{n} {step}" for step, n
                                                  in figures["discovered"].items()))
    for host, counts in figures.get("hosts", {}).items():
        lines.append(f"  {host}: {', '.join(phrase(n, key) for key, n in counts.items())}")
    return lines


@dataclass
class Summary:
    """clean, extract, dedup: inputs and records. `failures` holds the message of each
    input (or record line) that failed; `failed` is their number."""

    inputs: int = 0
    written: int = 0
    duplicates: int = 0
    seen: int = 0
    empty: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)
    #: Why pages were skipped ("not HTML (image/jpeg)", "HTTP 404"), where a reason is given.
    skipped_reasons: Counter[str] = field(default_factory=Counter)

    @property
    def failed(self) -> int:
        return len(self.failures)

    def count(self, figure: str, *, url: str | None = None, reason: str | None = None) -> None:
        """One more of `figure`, and of its `reason` when given (`url` is for crawls)."""
        setattr(self, figure, getattr(self, figure) + 1)
        if reason is not None and figure == "skipped":
            self.skipped_reasons[reason] += 1

    def as_dict(self) -> dict:
        figures: dict = {"inputs": self.inputs, "written": self.written,
                         "duplicates": self.duplicates, "seen": self.seen, "empty": self.empty,
                         "skipped": self.skipped, "failed": self.failed}
        if self.skipped_reasons:
            figures["skipped_by_reason"] = dict(sorted(self.skipped_reasons.items()))
        return figures


@dataclass
class CrawlSummary:
    """crawl: every figure counted under a host, with its reason where it has one; the
    totals are sums over the hosts (`summary.written`, `summary.failed`, ...)."""

    sources: int = 0
    failed_sources: list[str] = field(default_factory=list)
    hosts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    reasons: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    #: What site discovery found, by step ("sitemaps (robots.txt)", "feeds (link)",
    #: "news sitemaps (path)", "page links", "passed over", "usual paths tried").
    discovered: Counter[str] = field(default_factory=Counter)

    def count(self, figure: str, *, url: str | None = None, reason: str | None = None) -> None:
        """One more of `figure` for `url`'s host; `reason` is required for the figures
        counted by reason, so that their reasons always add up to them."""
        if figure not in CRAWL_FIGURES:
            raise ValueError(f"not a crawl figure: {figure}")
        if (figure in WITH_REASONS) != (reason is not None):
            raise ValueError(f"{figure}: a reason is {'needed' if reason is None else 'not used'}")
        self.hosts[host_of(url)][figure] += 1
        if reason is not None:
            self.reasons[figure][reason] += 1

    def total(self, figure: str) -> int:
        return sum(counts[figure] for counts in self.hosts.values())

    def __getattr__(self, name: str) -> int:
        if name in CRAWL_FIGURES:
            return self.total(name)
        raise AttributeError(name)

    def as_dict(self) -> dict:
        figures: dict = {"sources": self.sources, "sources_failed": len(self.failed_sources)}
        figures.update({figure: self.total(figure) for figure in CRAWL_FIGURES})
        for figure in WITH_REASONS:
            figures[f"{figure}_by_reason"] = dict(sorted(self.reasons[figure].items()))
        if self.discovered:
            figures["discovered"] = dict(sorted(self.discovered.items()))
        figures["hosts"] = {host: {f: counts[f] for f in CRAWL_FIGURES if counts[f]}
                            for host, counts in sorted(self.hosts.items())}
        return figures


def host_of(url: str | None) -> str:
    """The host a URL is counted under: its host name, or the text itself when it has none
    (a source that is not a URL), so every count has a name."""
    if not url:
        return "(none)"
    try:
        return (urlsplit(url).hostname or url).lower()
    except ValueError:
        return url

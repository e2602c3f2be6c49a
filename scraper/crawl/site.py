"""Site discovery: the feeds and sitemaps of a news site, found from one of its listing
pages (the homepage, a section page).

In this order, each step counted: sources known for the outlet (the registry);
robots.txt `Sitemap:` lines; the page's `<link rel="alternate">` RSS/Atom feeds; when
those give nothing, the usual paths (tried once per host: the state remembers which
exist); and when there is still no feed or sitemap, the page's own article links. Google
News sitemaps (`news:` tags) are preferred: when one is found, general sitemaps are
passed over. `kinds` ("feeds", "sitemaps", "links") chooses the steps.

Fetching and reading a candidate is the caller's (`read`): the crawl counts it like any
source. Nothing here writes: what was probed is returned for the caller to remember.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html

from scraper.crawl.sources import SourceReading
from scraper.discover import Link
from scraper.discover.listing import site_links
from scraper.errors import ConfigError
from scraper.fetch import FetchResult

#: The steps discovery can take, for `--discover`.
KINDS = ("feeds", "sitemaps", "links")
#: Usual paths, tried when robots.txt and the page name no source.
SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml")
FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/index.xml")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
               "application/feed+json", "application/xml", "text/xml")
_NEWS_NAMESPACE = b"google.com/schemas/sitemap-news"

def check_kinds(kinds: tuple[str, ...]) -> None:
    """Refuse discovery steps that do not exist, or none at all (ConfigError)."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        raise ConfigError(f"crawl.discover: {'unknown step(s) ' + ', '.join(unknown) if unknown else 'no step'}; "
                          f"choose from {', '.join(KINDS)}")


#: Reads one candidate source: its fetch result and what it holds.
Read = Callable[[str], Awaitable[tuple[FetchResult, SourceReading]]]


@dataclass(frozen=True, slots=True)
class Found:
    """A source found: "news sitemap", "sitemap" or "feed", from which step, and what
    reading it gave (its entries are crawled from it, not fetched again)."""

    url: str
    kind: str
    step: str
    reading: SourceReading
    result: FetchResult


@dataclass
class SiteSources:
    """What discovery found for one site."""

    host: str
    #: Sources to crawl, news sitemaps first.
    sources: list[Found] = field(default_factory=list)
    #: General sitemaps left out because a news sitemap was found.
    passed_over: list[Found] = field(default_factory=list)
    #: The page's own article and listing links, when the site has no feed or sitemap.
    links: list[Link] = field(default_factory=list)
    listings: list[Link] = field(default_factory=list)
    #: Found per step ("robots.txt", "link", "path", "page links", ...).
    steps: Counter[str] = field(default_factory=Counter)
    #: Usual paths tried in this run: path -> exists (for the state to remember).
    probed: dict[str, bool] = field(default_factory=dict)
    #: What went wrong ("robots.txt sitemap .../x.xml: HTTP 404").
    problems: list[str] = field(default_factory=list)
    #: Candidates that failed for now (a timeout, 5xx, 429): the site was not all read.
    failed: list[str] = field(default_factory=list)

    @property
    def feeds(self) -> list[Found]:
        return [f for f in self.sources if f.kind == "feed"]

    @property
    def sitemaps(self) -> list[Found]:
        return [f for f in self.sources if f.kind != "feed"]


def alternate_feeds(root: lxml.html.HtmlElement | None, url: str) -> list[str]:
    """The page's `<link rel="alternate">` feeds (RSS, Atom, RDF), resolved, each once."""
    if root is None:
        return []
    found: dict[str, None] = {}
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in _FEED_TYPES and href:
            try:
                absolute = urljoin(url, href)
            except ValueError:
                continue
            if urlsplit(absolute).scheme in ("http", "https"):
                found.setdefault(absolute)
    return list(found)


def kind_of(reading: SourceReading, body: bytes, url: str) -> str | None:
    """"news sitemap", "sitemap" or "feed" for a source reading (None: neither). A sitemap
    index counts as news when its file name says so (sitemap-news.xml)."""
    if reading.kind == "feed":
        return "feed"
    if reading.kind != "sitemap":
        return None
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    news = _NEWS_NAMESPACE in body[:8192] if reading.articles or reading.too_old \
        else "news" in name
    return "news sitemap" if news else "sitemap"


async def discover_site(page: FetchResult, root: lxml.html.HtmlElement | None, read: Read,
                        robots_sitemaps: Callable[[str], Awaitable[list[str]]], *,
                        kinds: Iterable[str] = KINDS, known: Iterable[str] = (),
                        probed_before: dict[str, bool] | None = None,
                        site_done: bool = False) -> SiteSources:
    """Find the sources of the site of `page` (a listing, parsed as `root`).

    `known`: the outlet's sources from the registry. `probed_before`: usual paths the
    state knows (path -> exists): a missing one is not tried again, a found one is read
    without asking. `site_done`: this run already ran the site-wide steps (robots.txt,
    usual paths) for the host; only the page's own feeds and links are looked at.
    """
    kinds = set(kinds)
    url = page.final_url
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    found = SiteSources((parts.hostname or "").lower())
    candidates: dict[str, str] = {}  # url -> step
    for source in known:
        candidates.setdefault(source, "registry")
    if "sitemaps" in kinds and not site_done:
        for sitemap in await robots_sitemaps(url):
            candidates.setdefault(sitemap, "robots.txt")
    if "feeds" in kinds:
        for feed in alternate_feeds(root, url):
            candidates.setdefault(feed, "link")
    await _read_all(found, candidates, read, kinds)
    if not found.sources and not site_done:
        probed_before = probed_before or {}
        paths = (SITEMAP_PATHS if "sitemaps" in kinds else ()) + \
                (FEED_PATHS if "feeds" in kinds else ())
        tries = {origin + path: "path" for path in paths if probed_before.get(path) is not False}
        outcomes = await _read_all(found, tries, read, kinds, quiet=True)
        # Remembered: found, or surely missing (404, 410, or a page that is no source);
        # a path that failed for now is tried again next run.
        found.probed = {urlsplit(url).path: outcome == "found"
                        for url, outcome in outcomes.items() if outcome != "failed"}
    news = [f for f in found.sources if f.kind == "news sitemap"]
    if news:
        found.passed_over = [f for f in found.sources if f.kind == "sitemap"]
        found.sources = news + [f for f in found.sources if f.kind == "feed"]
        found.steps["passed over"] = len(found.passed_over)
    if not found.sources and "links" in kinds and root is not None:
        found.links, found.listings = site_links(root, url)
        found.links = [Link(link.url) for link in found.links]  # anchor texts are no titles
        found.steps["page links"] = len(found.links)
        if not found.links and not found.listings:
            found.problems.append("no feed, sitemap or article link found")
    elif not found.sources:
        found.problems.append("no feed or sitemap found")
    return found


async def _read_all(found: SiteSources, candidates: dict[str, str], read: Read,
                    kinds: set[str], *, quiet: bool = False) -> dict[str, str]:
    """Read every candidate (at once: the fetcher keeps each host's pace) and keep the
    feeds and sitemaps among them, in the candidates' order. `quiet`: a guessed path
    that is missing is no problem. Returns each URL's outcome: "found", "missing" (404,
    410, or not a feed or sitemap) or "failed" (for now: a timeout, 5xx, 429)."""
    urls = list(candidates)
    readings = await asyncio.gather(*(read(u) for u in urls))
    outcomes: dict[str, str] = {}
    for url, (result, reading) in zip(urls, readings):
        kind = kind_of(reading, result.body, result.final_url) if result.ok else None
        wanted = kind is not None and ("feeds" if kind == "feed" else "sitemaps") in kinds
        missing = result.ok or result.status in (404, 410) or result.skipped
        outcomes[url] = "found" if wanted else "missing" if missing else "failed"
        if wanted:
            found.sources.append(Found(url, kind, candidates[url], reading, result))
            found.steps[f"{kind}s ({candidates[url]})"] += 1
            continue
        if outcomes[url] == "failed" and not quiet:  # a guessed path may fail each run
            found.failed.append(url)
        if not quiet:
            why = result.reason or (f"HTTP {result.status}" if not result.ok else
                                    reading.reason or "not a feed or sitemap")
            found.problems.append(f"{candidates[url]} {url}: {why}")
    return outcomes


def describe_reading(reading: SourceReading, *, kind: bool = True) -> str:
    """A source's content in a few words: "sitemap, 120 pages, newest 2024-05-01" (without
    its kind when not `kind`)."""
    entries = reading.articles + reading.too_old
    dates = [link.published for link in entries if link.published]
    words = [f"{len(entries)} entries" if reading.kind == "feed" else f"{len(entries)} pages"]
    if reading.sitemaps:
        words = [f"{len(reading.sitemaps)} sitemaps"] + (words if entries else [])
    if dates:
        words.append(f"newest {max(dates).isoformat(timespec='minutes')}")
    if reading.too_old:
        words.append(f"{len(reading.too_old)} older than the window")
    return (f"{reading.kind}, " if kind else "") + ", ".join(words)


def describe(found: SiteSources, page_url: str) -> list[str]:
    """What discovery found for a site, as lines for people (printed once per site)."""
    lines = [f"{found.host}: from {page_url}"]
    for source in found.sources:
        lines.append(f"  {source.kind:<13} {source.url} ({source.step}; "
                     f"{describe_reading(source.reading, kind=False)})")
    for source in found.passed_over:
        lines.append(f"  {'passed over':<13} {source.url} (a general sitemap: the site "
                     "has a news sitemap)")
    if found.probed:
        hits = [p for p, hit in found.probed.items() if hit]
        lines.append(f"  {'usual paths':<13} {len(found.probed)} tried, "
                     + (f"found {', '.join(hits)}" if hits else "none found"))
    if found.links or found.listings:
        lines.append(f"  {'page links':<13} {len(found.links)} articles, "
                     f"{len(found.listings)} listings (no feed or sitemap)")
    lines += [f"  problem: {problem}" for problem in found.problems]
    return lines

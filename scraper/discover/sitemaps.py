"""XML sitemaps: `urlset` (with Google News tags) and `sitemapindex`, gzip or not.

Sitemaps are untrusted input: parsed without entities, DTDs or network access, and
gunzipped under a size cap.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

from lxml import etree

from scraper.discover.links import Link, parse_when
from scraper.errors import FetchError

#: The sitemap protocol's own limit for one file, uncompressed.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          recover=True, huge_tree=False)


@dataclass
class Sitemap:
    """What one sitemap file lists: pages, and (for an index) more sitemaps."""

    pages: list[Link] = field(default_factory=list)
    sitemaps: list[Link] = field(default_factory=list)


class SitemapError(FetchError, ValueError):
    """Not a sitemap, or a broken one."""


def looks_like_sitemap(data: bytes) -> bool:
    """gzip bytes, or XML whose root is urlset or sitemapindex."""
    if data[:2] == b"\x1f\x8b":
        return True
    head = data[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_sitemap(data: bytes, base_url: str = "") -> Sitemap:
    """Pages with their `lastmod` / `news:publication_date` and `news:title` hints, and
    child sitemaps (locations resolved against `base_url`); raises SitemapError for
    bytes that are neither."""
    if data[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(wbits=47)
        try:
            data = inflater.decompress(data, MAX_SITEMAP_BYTES + 1)
        except zlib.error as exc:
            raise SitemapError(f"corrupt gzip data ({exc})") from None
        if len(data) > MAX_SITEMAP_BYTES:
            raise SitemapError(f"larger than {MAX_SITEMAP_BYTES // 2**20} MB uncompressed")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not XML ({exc})") from None
    if root is None:
        raise SitemapError("empty document")
    kind = etree.QName(root).localname
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    result = Sitemap()
    for entry in root:
        if not isinstance(entry.tag, str):
            continue
        values = _values(entry)
        url = values.get("loc")
        if not url:
            continue
        when = parse_when(values.get("publication_date")) or parse_when(values.get("lastmod"))
        if when is None and kind == "sitemapindex":
            when = archive_end(url)
        link = Link(urljoin(base_url, url), when, values.get("title"))
        (result.pages if kind == "urlset" else result.sitemaps).append(link)
    return result


# A period in an archive's file name: sitemap-2024-05.xml, post-2024-05-01.xml, 2019.xml
# (not sitemap2001.xml: a page number).
_ARCHIVE = re.compile(r"(?<![0-9A-Za-z])((?:19|20)\d{2})(?:[-_/]?(0[1-9]|1[0-2])(?:[-_/]?(0[1-9]|[12]\d|3[01]))?)?"
                      r"(?!\d)")


def archive_end(url: str) -> datetime | None:
    """When the period an archive sitemap is named for ends (sitemap-2024-05.xml: the
    start of June 2024, UTC), for a child listed without `lastmod`: what it lists is no
    newer than that. None when the name holds no year."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    match = _ARCHIVE.search(name)
    if match is None:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if day is not None:
            return datetime(year, month, day, tzinfo=timezone.utc) + timedelta(days=1)
        if month is not None:
            return datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone.utc)
        return datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    except ValueError:  # 2024-02-31
        return None


def _values(entry: etree._Element) -> dict[str, str]:
    """Text of the entry's descendants by local name (news:news/news:title -> title)."""
    values: dict[str, str] = {}
    for node in entry.iter():
        if isinstance(node.tag, str) and node is not entry and node.text and node.text.strip():
            name = etree.QName(node).localname
            parent = node.getparent()
            if name == "title" and (parent is None or etree.QName(parent).localname != "news"):
                continue  # image:title, video:title are not the article's
            values.setdefault(name, node.text.strip())
    return values

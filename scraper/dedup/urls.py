"""Canonical URLs: one key for every variant of one article's address.

w3lib (Scrapy's URL library) does the standard part: percent-encoding, sorted query,
fragment dropped. On top of it, the folds news sites need: tracking parameters,
default ports, `www.` / `m.` / `amp.` hosts, AMP paths and trailing slashes.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

# Query parameters that track the reader, never choose the page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl"
    r"|ref|ref_src|referrer|source|cmpid|icid|share|s_cid|spm|from|amp|outputtype|amp_js_v"
    r"|usqp|__twitter_impression)$", re.IGNORECASE)
# Host prefixes that serve the same article as the bare host.
_HOST_PREFIXES = ("www.", "m.", "amp.", "mobile.")
# AMP path forms: /amp/..., .../amp, ....amp(.html)
_AMP_PATH = re.compile(r"(^/amp(?=/)|/amp/?$|\.amp(?=(\.html?)?$))", re.IGNORECASE)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str, declared: str | None = None) -> str | None:
    """The canonical form of `url`, or of the page's own `declared` canonical
    (`<link rel=canonical>`, `og:url`) when that is an http(s) URL on the same site.

    None for anything that is not an http(s) URL. Both http and https fold to https:
    news sites serve one article under both.
    """
    chosen = url
    if declared and _same_site(declared, url):
        chosen = declared
    parts = urlsplit(chosen.strip())
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        return None
    query = _without_tracking(parts.query)
    host = parts.hostname.rstrip(".")
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[parts.scheme.lower()]) else f"{host}:{port}"
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    rebuilt = urlunsplit(("https", netloc, path, query, ""))
    return canonicalize_url(rebuilt)


def url_key(url: str, declared: str | None = None) -> str | None:
    """The one key of a URL: what the crawl's in-run seen set, the state's fetch log and
    the duplicate index know it by. Its canonical form (with the page's own `declared`
    canonical, once the page is read); None for a text that is no http(s) URL."""
    return canonical_url(url, declared)


def without_tracking(url: str) -> str:
    """`url` without its tracking parameters (`utm_*`, `fbclid`, ...), otherwise as it
    is: the URL to request, where `canonical_url` is the key to compare."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    return urlunsplit(parts._replace(query=_without_tracking(parts.query)))


def _without_tracking(query: str) -> str:
    return "&".join(p for p in query.split("&") if p and not _is_tracking(p))


def _is_tracking(pair: str) -> bool:
    return bool(_TRACKING.match(pair.split("=", 1)[0]))


def _same_site(declared: str, url: str) -> bool:
    """A declared canonical counts only on the page's own registrable site, so a hostile
    page cannot claim another site's article (and suppress it as a duplicate)."""
    a, b = urlsplit(declared), urlsplit(url)
    if a.scheme.lower() not in _DEFAULT_PORTS or not a.hostname or not b.hostname:
        return False
    return site_of(a.hostname) == site_of(b.hostname)


# The public suffix list snapshot bundled with tldextract; never fetched at run time.
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def site_of(host: str) -> str:
    """The registrable domain (kompas.com, go.id sites), or the host itself (IPs, localhost)."""
    return _SUFFIXES(host).top_domain_under_public_suffix or host.lower()

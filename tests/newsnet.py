"""A small news network for the shared-crawl tests: N sites, each its own HTTP server on
its own loopback address (127.0.0.2, 127.0.0.3, ...: one host name each, so per-host
politeness is per site), with a feed and a sitemap, stories republished under a second
URL, and near-duplicate rewrites of one site's stories on another."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from tests.httpd import LocalServer, article_html, rss, story


@dataclass
class Site:
    server: LocalServer
    urls: list[str] = field(default_factory=list)  # every article URL listed

    @property
    def base(self) -> str:
        return self.server.base


@dataclass
class Network:
    sites: list[Site]
    #: groups of URLs carrying one story (a republished copy, a near-duplicate rewrite):
    #: exactly one of each group may be an original
    groups: list[list[str]] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return [f"{s.base}/rss.xml" for s in self.sites] + \
               [f"{s.base}/sitemap.xml" for s in self.sites]

    @property
    def urls(self) -> set[str]:
        return {u for s in self.sites for u in s.urls}

    def stop(self) -> None:
        for site in self.sites:
            site.server.stop()


def _sitemap(urls: list[str], dates: list[str]) -> str:
    entries = "".join(f"<url><loc>{u}</loc><lastmod>{d}</lastmod></url>"
                      for u, d in zip(urls, dates))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset '
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + entries + "</urlset>")


def build(hosts: int = 10, per_host: int = 30, *, republished: int = 1,
          rewritten: int = 1) -> Network:
    """`hosts` sites of `per_host` stories; on each site `republished` stories are also
    served under a second URL, and `rewritten` stories of the next site appear rewritten
    (one paragraph changed) among its own."""
    net = Network([])
    rng = random.Random(7)
    for h in range(hosts):
        server = LocalServer(f"127.0.0.{h + 2}").start()
        server.page("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
        net.sites.append(Site(server))
    for h, site in enumerate(net.sites):
        dated: list[tuple[str, str]] = []
        for i in range(per_host):
            seed = 1000 * h + i
            title, paras = story(seed, 6)
            path = f"/news/2026/11/{seed:06d}-{title.split()[0].lower()}-berita"
            day = f"2026-11-{1 + i % 28:02d}T{8 + i % 12:02d}:00:00+07:00"
            site.server.validated_page(path, article_html(title, paras, published=day),
                                       etag=f'"{seed}"')
            dated.append((site.base + path, day))
            if i < republished:  # the same page again under another URL
                copy = path + "-amp"
                site.server.validated_page(copy, article_html(title, paras, published=day),
                                           etag=f'"{seed}a"')
                dated.append((site.base + copy, day))
                net.groups.append([site.base + path, site.base + copy])
        for r in range(rewritten):  # a story of the next site, one paragraph changed
            other = (h + 1) % len(net.sites)
            seed = 1000 * other + per_host - 1 - r
            title, paras = story(seed, 6)
            paras = paras[:5] + [" ".join(rng.sample(paras[5].split(), 20)) + "."]
            path = f"/news/2026/11/{seed:06d}-ulang-{title.split()[0].lower()}-berita"
            day = f"2026-11-{1 + (per_host - 1 - r) % 28:02d}T09:30:00+07:00"
            site.server.validated_page(path, article_html(title, paras, published=day),
                                       etag=f'"{seed}r"')
            dated.append((site.base + path, day))
            original = [u for u, _ in dated if False]  # filled below, once all sites exist
            net.groups.append([site.base + path, *original])
        rng.shuffle(dated)
        half = len(dated) // 2
        feed, mapped = dated[:half], dated[half:]
        site.server.page("/rss.xml", rss(*[u for u, _ in feed],
                                          dates=tuple(_rfc822(d) for _, d in feed)),
                         "application/rss+xml")
        site.server.page("/sitemap.xml", _sitemap([u for u, _ in mapped],
                                                  [d for _, d in mapped]), "application/xml")
        site.urls = [u for u, _ in dated]
    # the rewrites' originals: the story of the same seed on its own site
    for group in net.groups:
        if "-ulang-" in group[0]:
            seed = group[0].rsplit("/", 1)[1].split("-")[0]
            group.extend(u for s in net.sites for u in s.urls
                         if u.rsplit("/", 1)[1].startswith(seed + "-") and "-ulang-" not in u
                         and not u.endswith("-amp"))
    return net


def _rfc822(iso: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    return format_datetime(datetime.fromisoformat(iso))

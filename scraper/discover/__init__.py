"""Discovery: what to fetch, from feeds, sitemaps, section pages and article pagination."""

from scraper.discover.feeds import looks_like_feed, parse_feed
from scraper.discover.links import Link, page_links, parse_page, parse_when
from scraper.discover.pagination import Pagination, find_pagination
from scraper.discover.sitemaps import Sitemap, SitemapError, looks_like_sitemap, parse_sitemap

__all__ = ["Link", "Pagination", "Sitemap", "SitemapError", "find_pagination",
           "looks_like_feed", "looks_like_sitemap", "page_links", "parse_feed", "parse_page", "parse_sitemap",
           "parse_when"]

"""The crawl, one concern per module: `scheduler` (queue, seen set, limits), `sources`
(what a feed, sitemap or section page yields), `articles` (fetch -> extract in the
worker pool -> join later pages), `stats` (the summary's figures), and `run` (the short
wiring of them). `scraper.pipeline.run_crawl` builds one from the settings."""

from scraper.crawl.run import Crawl
from scraper.crawl.scheduler import Job, Scheduler
from scraper.crawl.sources import SourceReading, read_source
from scraper.crawl.stats import CrawlStats

__all__ = ["Crawl", "CrawlStats", "Job", "Scheduler", "SourceReading", "read_source"]

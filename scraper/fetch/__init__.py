"""Fetching: the polite async HTTP client and what it returns."""

from scraper.fetch.client import PAGE_TYPES, SOURCE_TYPES, Fetcher
from scraper.fetch.politeness import HostGate
from scraper.fetch.result import FetchResult
from scraper.fetch.warc import WarcLog

__all__ = ["PAGE_TYPES", "SOURCE_TYPES", "FetchResult", "Fetcher", "HostGate", "WarcLog"]

"""Duplicates: canonical URLs, exact text hashes, and near duplicates by MinHash LSH."""

from scraper.dedup.index import DedupStore, DuplicateIndex, Entry, MemoryStore, Verdict
from scraper.dedup.minhash import SignatureParams
from scraper.dedup.urls import canonical_url, url_key

__all__ = ["DedupStore", "DuplicateIndex", "Entry", "MemoryStore",
           "SignatureParams", "Verdict", "canonical_url", "url_key"]

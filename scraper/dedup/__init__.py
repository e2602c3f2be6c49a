"""Dedup: decide which records repeat an earlier one."""

from scraper.dedup.exact import ExactDuplicates

__all__ = ["ExactDuplicates"]

"""Corpora read in batch: WARC files as pages (`warc`), and which of their pages to keep
(`filters`)."""

from scraper.corpus.warc import (
    MAX_BYTES,
    MAX_DECOMPRESSED,
    WarcError,
    WarcHead,
    WarcPage,
    WarcSkip,
    open_warc,
    read_warc,
)

__all__ = ["MAX_BYTES", "MAX_DECOMPRESSED", "WarcError", "WarcHead", "WarcPage", "WarcSkip",
           "open_warc", "read_warc"]

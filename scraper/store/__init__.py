"""Store: where records and run state go."""

from scraper.store.output import JsonlOutput

__all__ = ["JsonlOutput"]

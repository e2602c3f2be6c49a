"""Where records and run state go: JSONL writers, the SQLite state, the run lock."""

from scraper.store.lock import AlreadyRunning, RunLock
from scraper.store.output import AppendOutput, JsonlOutput, write_json_atomic
from scraper.store.state import State

__all__ = ["AlreadyRunning", "AppendOutput", "JsonlOutput", "RunLock", "State",
           "write_json_atomic"]

"""Where records and run state go: JSONL, Parquet and CSV writers, the SQLite state, the
run lock."""

from scraper.store.formats import (
    FORMATS,
    CsvOutput,
    ParquetOutput,
    format_for,
    open_output,
    read_records,
)
from scraper.store.lock import AlreadyRunning, RunLock
from scraper.store.output import AppendOutput, JsonlOutput, write_json_atomic
from scraper.store.state import State

__all__ = ["FORMATS", "AlreadyRunning", "AppendOutput", "CsvOutput", "JsonlOutput",
           "ParquetOutput", "RunLock", "State", "format_for", "open_output", "read_records",
           "write_json_atomic"]

"""Worker processes for extraction, shared by `extract` and `crawl`."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` processes that are spawned, not forked, and die with us.

    Spawned: a forked worker inherits every open descriptor, the --state lock among them,
    and kept holding it after its parent was killed (the crawl SIGKILL test found this).
    Dying with us: SIGKILL gives the parent no chance to stop its workers, and orphans
    would pile up under cron.
    """
    return ProcessPoolExecutor(max(1, workers), mp_context=multiprocessing.get_context("spawn"),
                               initializer=_exit_with_parent, initargs=(os.getpid(),))


def _exit_with_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)
    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()

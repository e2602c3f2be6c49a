"""Worker processes for extraction, shared by `extract` and `crawl`."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager


class _Pool(ProcessPoolExecutor):
    """A pool whose workers never see Ctrl-C: the parent stops them (see `process_pool`).

    Workers start on demand, from `submit`: SIGINT is blocked in the submitting thread
    while it may start one, so a new worker begins with SIGINT blocked (the mask is
    inherited through fork and exec) and ignores it before unblocking it. A Ctrl-C at
    that moment is held for the parent, not lost.
    """

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with _sigint_blocked():
            return super().submit(fn, *args, **kwargs)


@contextmanager
def _sigint_blocked() -> Iterator[None]:
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def process_pool(workers: int, *, setup: Callable[..., None] | None = None,
                 setup_args: tuple = ()) -> ProcessPoolExecutor:
    """A pool of `workers` processes that are spawned, not forked, ignore Ctrl-C, and die
    with us.

    Spawned: a forked worker inherits every open descriptor, the --state lock among them,
    and kept holding it after its parent was killed (the crawl SIGKILL test found this).
    Ignoring Ctrl-C: the terminal sends SIGINT to the whole process group; a worker that
    took it died with a KeyboardInterrupt traceback each. The parent alone handles it and
    shuts the pool down. Dying with us: SIGKILL gives the parent no chance to stop its
    workers, and orphans would pile up under cron. `setup(*setup_args)` runs once in each
    worker as it starts (to keep what every task needs, sent once).
    """
    return _Pool(max(1, workers), mp_context=multiprocessing.get_context("spawn"),
                 initializer=_start_worker, initargs=(os.getpid(), setup, setup_args))


def _start_worker(parent: int, setup: Callable[..., None] | None = None,
                  setup_args: tuple = ()) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # discards a SIGINT held while blocked
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)
    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()
    if setup is not None:
        setup(*setup_args)

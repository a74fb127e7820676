"""Great Expectations in a process of its own, loaded while dbt builds (issue 15).

Importing GX takes 2.5-3.8 s on the bench machine's 2 cores, all of it Python holding the GIL: in
a thread of the refresh it only takes turns with dbt. In a second process it does not. The
transform stage calls :func:`start` before dbt runs, so GX loads on the other core while dbt builds;
the checks and the publish stage's Data Docs then call :func:`run`, which runs a function in that
process and returns its result, and the refresh never imports GX itself.

A function given to :func:`run` must be importable by name (a module-level function), its
arguments and result picklable (paths, suites, GX's results). Its exceptions are raised again
here, with the other process's traceback as their cause.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None


def _load() -> None:
    """The process's start: GX loaded once, before any call, and a quick end."""
    import great_expectations  # noqa: F401

    # its end, as the `cpb` command ends (orchestration/cli.py): nothing is left to write when the
    # pool stops it, and an interpreter's normal exit spends 0.8 s here freeing what GX loaded
    atexit.register(os._exit, 0)


def start() -> None:
    """Start the process and its import of GX, unless it runs already; return at once."""
    global _pool
    if _pool is None:
        # spawn: a fresh interpreter, not a fork of a process whose other threads may hold locks
        _pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_load)
        _pool.submit(int)  # the pool starts its process with the first task


def run(function: Callable[..., T], *args, **kwargs) -> T:
    """``function(*args, **kwargs)`` in the GX process (started now if it is not running)."""
    start()
    try:
        return _pool.submit(function, *args, **kwargs).result()
    except BrokenProcessPool as exc:
        stop()  # the next call starts a new one
        raise RuntimeError(
            f"the Great Expectations process ended while running {function.__name__} "
            "(killed, or out of memory?)"
        ) from exc


@atexit.register
def stop() -> None:
    """End the process (the ``cpb`` command runs this before it exits; so does a normal interpreter exit)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None

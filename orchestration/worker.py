"""A second Python process for the refresh's work that holds Python's lock (issue 15).

The bench machine has 2 cores and the refresh is one process: whatever Python code runs, threads
take turns on one core (the GIL). Great Expectations is CPU-bound Python that needs nothing from
the step running beside it, so it runs here, on the other core: ``cpb refresh`` calls
:func:`start` before it loads Dagster and dbt (the transform stage calls it again for a run Dagster
launched, before dbt runs), the process imports GX (2.5-3.8 s) meanwhile, and the checks and Data
Docs then :func:`submit` here while the refresh renders the report; the refresh never imports GX
itself.

A function sent here must be importable by name (a module-level function), its arguments and
result picklable (paths, suites, their results as plain values; not GX's objects, which would load
GX back in the refresh to unpickle them). Its exceptions are raised again in the caller, with this
process's traceback as their cause; if the process dies (killed, out of memory), the call fails
with an error that says so (:func:`wait`) and the next call starts a new process.

The process is started as Python's ``spawn`` starts one: it imports the main module of the program
again, so a script that runs a refresh does so under ``if __name__ == "__main__":`` (``cpb``,
Dagster's run worker and pytest do).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None


def _load() -> None:
    """The process's start: what it runs, loaded once before any call, and a quick end."""
    import great_expectations  # noqa: F401

    # its end, as the `cpb` command ends (orchestration/cli.py): nothing is left to write when the
    # pool stops it, and an interpreter's normal exit spends 0.8 s here freeing what GX loaded
    atexit.register(os._exit, 0)


def start() -> None:
    """Start the process and its imports, unless it runs already; return at once."""
    global _pool
    if _pool is None:
        # spawn: a fresh interpreter, not a fork of a process whose other threads may hold locks
        _pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=_load)
        _pool.submit(int)  # the pool starts its process with the first task


def submit(function: Callable[..., T], *args, **kwargs) -> Future[T]:
    """``function(*args, **kwargs)`` queued in the process (started now if it is not running)."""
    start()
    try:
        return _pool.submit(function, *args, **kwargs)
    except BrokenProcessPool:  # the process died in an earlier call (killed, out of memory): a new one
        stop()
        start()
        return _pool.submit(function, *args, **kwargs)


def run(function: Callable[..., T], *args, **kwargs) -> T:
    """``function(*args, **kwargs)`` in the process; its result, once it returns."""
    return wait(submit(function, *args, **kwargs))


def wait(future: Future[T]) -> T:
    """A submitted call's result, or its exception; if the process died meanwhile, an error saying so."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise RuntimeError(
            "the worker process (orchestration/worker.py) ended before its call returned: killed, or out "
            "of memory?"
        ) from exc


@atexit.register
def stop() -> None:
    """End the process (the ``cpb`` command runs this before it exits; so does a normal interpreter exit)."""
    global _pool
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None

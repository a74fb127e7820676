"""The pipeline's Python: Dagster assets per stage, the extractor, settings, the report and the CLI.

Importing the package sets how often Python's cyclic garbage collector runs, in every process that
runs the refresh (``cpb``, Dagster's run worker, the tests). By default it looks for cycles among
the youngest objects after every 700 net allocations. A refresh allocates millions of objects that
live to its end (Dagster's, dbt's and dagster-dbt's modules, dbt's manifest, the event log), and
those passes, with the full ones they lead to, took 2.6-2.8 s of a 20 s refresh on the embedded
snapshot (issue 15). After every 10 000 they take 1.1-1.5 s, and the peak memory is the same
(docs/benchmarks.md, item 28, with the settings tried and left). While dbt builds, the objects
loaded by then are also left out of the passes (:func:`heap_frozen`, item 47).
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

gc.set_threshold(10_000)  # the young generation's threshold; the older two keep Python's defaults


@contextmanager
def heap_frozen() -> Iterator[None]:
    """Within: the objects alive on entry are left out of the collector's passes (``gc.freeze``).

    dbt's build starts with Dagster, dbt and the parsed project loaded, objects that live to the end
    of the run, and a full pass during the build walked them all once more (0.25 s of the embedded
    snapshot's refresh). They are unfrozen on exit, so a process that lives on (the tests, Dagster's
    code server) collects them as before.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

"""The pipeline's Python: Dagster assets per stage, the extractor, settings, the report and the CLI.

Importing the package sets how often Python's cyclic garbage collector runs, in every process that
runs the refresh (``cpb``, Dagster's run worker, the tests). By default it looks for cycles among
the youngest objects after every 700 net allocations. A refresh allocates millions of objects that
live to its end (Dagster's, dbt's and dagster-dbt's modules, dbt's manifest, the event log), and
those passes, with the full ones they lead to, took 2.6-2.8 s of a 20 s refresh on the embedded
snapshot (issue 15). After every 10 000 they take 1.1-1.5 s, and the peak memory is the same
(docs/benchmarks.md, item 28, with the settings tried and left).
"""

import gc

gc.set_threshold(10_000)  # the young generation's threshold; the older two keep Python's defaults

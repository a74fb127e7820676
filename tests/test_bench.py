"""The bench's own arithmetic (bench/run.py): which of several warm refreshes it shows and judges."""

from bench import run as bench


def runs(*walls):
    return [bench.Run(wall=w, peak_mb=100.0) for w in walls]


def test_the_median_warm_run_is_shown():
    # a busy moment (13.8 s) between two quiet runs: the median is 9.9 s, not the mean 11.2 s
    assert bench.median_run(runs(9.9, 13.8, 9.7)).wall == 9.9
    # of an even number, the faster of the middle two
    assert bench.median_run(runs(10.4, 9.8, 12.0, 9.6)).wall == 9.8
    assert bench.median_run(runs(11.0)).wall == 11.0

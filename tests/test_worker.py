"""The worker process: GX loaded before the checks ask for it, the spreadsheets written beside the pages.

This module is imported in the worker too (to find ``loaded``): it does not import GX.
"""

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures.process import BrokenProcessPool

import duckdb
import pytest

from expectations.validate import validate_warehouse
from orchestration import worker
from tests.conftest import PROJECT_DIR


def loaded(module: str) -> bool:
    return module in sys.modules


def test_a_function_runs_in_another_process_that_loaded_gx_before_the_call():
    worker.start()
    assert worker.run(os.getpid) != os.getpid()
    assert worker.run(loaded, "great_expectations")  # by the process's start, not by this call


def test_an_error_in_the_process_is_raised_here(tmp_path):
    with pytest.raises(duckdb.IOException, match="missing.duckdb"):
        worker.run(validate_warehouse, tmp_path / "missing.duckdb", tmp_path / "marts.duckdb", [])


def test_a_process_that_dies_fails_its_call_and_the_next_call_starts_another():
    first = worker.run(os.getpid)
    with pytest.raises(RuntimeError, match="worker process .* ended before its call returned") as failed:
        worker.run(os._exit, 3)
    assert isinstance(failed.value.__cause__, BrokenProcessPool)
    assert worker.run(os.getpid) not in (first, os.getpid())


def write_pid(path, seconds: float) -> None:
    time.sleep(seconds)
    path.write_text(str(os.getpid()))


def test_shared_calls_go_to_the_process_one_at_a_time_and_the_rest_are_made_here(tmp_path):
    """The process takes the first call at once and the second once it is free; this process,
    busy meanwhile, makes the third when it finishes (the process is in its second then)."""
    worker.run(os.getpid)  # the process is up
    calls = [(tmp_path / name, seconds) for name, seconds in (("a", 0.1), ("b", 3), ("c", 0))]
    finish = worker.share(write_pid, calls)
    time.sleep(1)  # this process's own work
    finish()
    made_by = {path.name: int(path.read_text()) for path, _ in calls}
    assert made_by["c"] == os.getpid()
    assert made_by["a"] == made_by["b"] != os.getpid()


def test_a_process_busy_with_an_earlier_call_takes_no_shared_call_this_one_can_make(tmp_path):
    """As the checks' validation occupies the process while the report shares its spreadsheets: a
    call queued behind it would wait there while this process, done with its own work, is free."""
    worker.run(os.getpid)  # the process is up
    busy = worker.submit(time.sleep, 2)
    calls = [(tmp_path / name, 0) for name in ("a", "b")]
    finish = worker.share(write_pid, calls)
    time.sleep(0.5)  # this process's own work, done before the process is free
    finish()
    assert not busy.done()
    assert {path.name: int(path.read_text()) for path, _ in calls} == {"a": os.getpid(), "b": os.getpid()}
    worker.wait(busy)


def test_a_shared_call_that_fails_is_raised_by_finish_and_the_rest_are_made_here(tmp_path):
    calls = [(tmp_path / "missing" / "a", 0), (tmp_path / "b", 0.3), (tmp_path / "c", 0)]
    finish = worker.share(write_pid, calls)
    with pytest.raises(FileNotFoundError, match="missing"):
        finish()
    assert {path.name for path in tmp_path.iterdir()} == {"b", "c"}


def test_a_refresh_never_loads_gx_or_pandas_itself_and_still_publishes_data_docs_and_spreadsheets(tmp_path):
    shutil.copytree(PROJECT_DIR / "raw" / "embedded", tmp_path / "raw" / "embedded")
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_DIR),
        "CPB_RAW_DIR": str(tmp_path / "raw"),
        "CPB_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    for name in ("CPB_SOURCE", "CPB_CUTOFF_DATE", "DAGSTER_HOME"):
        env.pop(name, None)
    script = (
        "import sys; from orchestration import cli; code = cli.main(['refresh']); "
        "print('exit', code, 'gx here', 'great_expectations' in sys.modules, "
        "'pandas here', 'pandas' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600
    )
    output = result.stdout[-3000:] + result.stderr[-3000:]
    # pandas (0.3 s to load) is the worker's, for GX: the crosswalk is JSON and Parquet comes from Arrow
    assert result.stdout.rstrip().endswith("exit 0 gx here False pandas here False"), output
    # the six suites and the change check ran (in the other process): their lines and their Data Docs
    assert result.stdout.count("expectations passed") == 6
    assert "changes_since_publication: nothing published yet" in result.stdout
    quality = (tmp_path / "warehouse" / "published" / "quality" / "index.html").read_text()
    assert quality.count("<td>passed</td>") == 7
    from openpyxl import load_workbook

    # the spreadsheets of the three assessments (ar3, ar4, ar5), each with its README sheet first
    report = tmp_path / "warehouse" / "published" / "report"
    assert sorted(p.name for p in report.glob("*.xlsx")) == ["ar3.xlsx", "ar4.xlsx", "ar5.xlsx"]
    for book in report.glob("*.xlsx"):
        assert load_workbook(book, read_only=True).sheetnames[0] == "README"

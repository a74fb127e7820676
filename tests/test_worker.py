"""The worker process: GX loaded before the checks ask for it, and never in the refresh's own process.

This module is imported in the worker too (to find ``loaded``): it does not import GX.
"""

import os
import shutil
import subprocess
import sys
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

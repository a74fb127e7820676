"""Great Expectations gate: validate the built marts before they are published.

Suites are data (``expectations/suites/<table>.json``: the table, why it matters, and GX
expectation configurations). Tables are read from DuckDB into pandas and validated there: GX's SQL
datasource on DuckDB reads rows after the connection returned to the pool and silently fails
every expectation; our tables are small.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

SUITES_DIR = Path(__file__).parent / "suites"


@dataclass(frozen=True)
class Suite:
    name: str
    table: str
    why: str
    expectations: list[dict]


@dataclass(frozen=True)
class SuiteResult:
    suite: Suite
    success: bool
    evaluated: int
    failures: list[str]  # one readable line per failed expectation


def load_suites(suites_dir: Path = SUITES_DIR) -> list[Suite]:
    suites = []
    for path in sorted(Path(suites_dir).glob("*.json")):
        data = json.loads(path.read_text())
        suites.append(Suite(path.stem, data["table"], data.get("why", ""), data["expectations"]))
    return suites


def validate_table(con: duckdb.DuckDBPyConnection, suite: Suite) -> SuiteResult:
    """Run one suite against one table of an open DuckDB connection."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    frame = con.sql(f"select * from {suite.table}").df()
    context = _context()
    gx_suite = gx.ExpectationSuite(name=suite.name)
    for expectation in suite.expectations:
        gx_suite.add_expectation_configuration(ExpectationConfiguration(**expectation))
    context.suites.add_or_update(gx_suite)
    batch = _batch_definition(context)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite.name, data=batch, suite=context.suites.get(suite.name))
    )
    outcome = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    failures = [
        f"{suite.table}: {r.expectation_config.type}({_kwargs(r.expectation_config.kwargs)}) failed; "
        f"unexpected {r.result.get('unexpected_count', '?')}, "
        f"e.g. {r.result.get('partial_unexpected_list', [])[:5]}"
        for r in outcome.results
        if not r.success
    ]
    return SuiteResult(suite, outcome.success, len(outcome.results), failures)


def validate_warehouse(db_path: Path, suites: list[Suite] | None = None) -> list[SuiteResult]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return [validate_table(con, suite) for suite in suites or load_suites()]


@cache
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return context


def _batch_definition(context):
    source = context.data_sources.add_or_update_pandas("marts")
    asset = next((a for a in source.assets if a.name == "table"), None) or source.add_dataframe_asset("table")
    return next((b for b in asset.batch_definitions if b.name == "whole"), None) or (
        asset.add_batch_definition_whole_dataframe("whole")
    )


def _kwargs(kwargs: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k != "batch_id")


def main() -> int:
    """``python -m expectations.validate [db]``: validate a built or published DuckDB file."""
    import sys

    db = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("warehouse/build/cpb_indicators.duckdb")
    results = validate_warehouse(db)
    for result in results:
        print(f"{'PASS' if result.success else 'FAIL'} {result.suite.name} ({result.evaluated} expectations)")
        for line in result.failures:
            print("  " + line)
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

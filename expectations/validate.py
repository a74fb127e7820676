"""Great Expectations gate: validate what the build read and made before it is published.

Suites are data (``expectations/suites/<name>.json``): the asset they judge (``table``), why it
matters, the frame to validate (``query``, by default the whole table), ``parameters`` (SQL whose
results fill ``{"$PARAMETER": name}`` in the expectations: the BCH's country list, today's date)
and GX expectation configurations. dbt's constraints already hold keys and row-level rules of
the marts; these suites judge the raw and staging data against the BCH's own lists and plausible
ranges, and distributions. Frames are read from DuckDB into pandas and validated there: GX's SQL
datasource on DuckDB reads rows after the connection returned to the pool and silently fails
every expectation; our frames are small.

With a project directory (``warehouse/build/quality/``) every validation result is kept in a GX
file context, from which :func:`build_quality_site` renders Data Docs for the publication.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from orchestration.sql import sql_escape

if TYPE_CHECKING:  # pandas loads with the checks, not with the Dagster definitions that import this
    import pandas as pd

SUITES_DIR = Path(__file__).parent / "suites"
# GX's pages load their logos from GX's servers, with the context's id: replaced by the local copy.
GX_ASSET_URL = re.compile(r"https://great-expectations-web-assets\.s3[^\"')\s]*")


@dataclass(frozen=True)
class Suite:
    name: str
    table: str  # the asset the suite judges, `schema.table`
    why: str
    expectations: list[dict]
    query: str = ""  # the frame validated; empty = every row of `table`
    parameters: dict = field(default_factory=dict)  # name -> {"value": sql} or {"values": sql}
    identify: list[str] = field(default_factory=list)  # columns naming a failing row (snapshot, file, record)


@dataclass(frozen=True)
class SuiteResult:
    suite: Suite
    success: bool
    evaluated: int
    failures: list[str]  # one readable line per failed expectation
    # the failing rows' identifying columns (the suite's ``identify``), as GX lists them; plain
    # values, not GX's objects: a result sent back from the worker process (orchestration/worker.py)
    # would load GX in the refresh to unpickle them
    unexpected_rows: list[dict] = field(default_factory=list)


def load_suites(suites_dir: Path = SUITES_DIR) -> list[Suite]:
    suites = []
    for path in sorted(Path(suites_dir).glob("*.json")):
        data = json.loads(path.read_text())
        suites.append(
            Suite(
                path.stem,
                data["table"],
                data.get("why", ""),
                data["expectations"],
                data.get("query", ""),
                data.get("parameters", {}),
                data.get("identify", []),
            )
        )
    return suites


def validate_table(con: duckdb.DuckDBPyConnection, suite: Suite, context=None) -> SuiteResult:
    """Run one suite against the frame it names in an open DuckDB connection."""
    frame = con.sql(suite.query or f"select * from {suite.table}").df()
    parameters = {name: _parameter(con, spec) for name, spec in suite.parameters.items()}
    return validate_frame(suite, frame, parameters, context)


def validate_frame(
    suite: Suite, frame: pd.DataFrame, parameters: dict | None = None, context=None
) -> SuiteResult:
    """Validate ``frame`` with ``suite``'s expectations in GX ``context`` (:func:`quality_context`;
    None: an ephemeral one). A file context keeps the result for Data Docs."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = quality_context(None) if context is None else context
    gx_suite = gx.ExpectationSuite(name=suite.name, meta={"table": suite.table, "why": suite.why})
    for expectation in suite.expectations:
        gx_suite.add_expectation_configuration(ExpectationConfiguration(**expectation))
    context.suites.add_or_update(gx_suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(
            name=suite.name, data=_batch_definition(context, suite), suite=context.suites.get(suite.name)
        )
    )
    outcome = definition.run(
        batch_parameters={"dataframe": frame},
        expectation_parameters=parameters or {},
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": suite.identify}
        if suite.identify
        else "SUMMARY",
    )
    failed = [r for r in outcome.results if not r.success]
    rows = [row for r in failed for row in r.result.get("unexpected_index_list") or []]
    failures = [_failure(suite, r) for r in failed]
    return SuiteResult(suite, outcome.success, len(outcome.results), failures, rows)


def validate_warehouse(
    build_db: Path, marts_db: Path, suites: list[Suite] | None = None, context=None
) -> list[SuiteResult]:
    """Run ``suites`` (default: all) on a build: its staging and intermediate file ``build_db`` and
    the file dbt built the marts into, ``marts_db``, in which ``marts.<table>`` is found as well.
    ``context``: as for :func:`validate_frame`, one for every suite."""
    context = quality_context(None) if context is None else context
    with duckdb.connect(str(build_db), read_only=True) as con:
        con.execute(f"attach '{sql_escape(marts_db)}' as built_marts (read_only)")
        con.execute("set search_path = 'main,built_marts.marts'")  # `marts.x` is built_marts.marts.x
        return [validate_table(con, suite, context) for suite in suites or load_suites()]


def quality_context(gx_dir: Path | None):
    """A GX file context in ``gx_dir`` (results kept for Data Docs), or an ephemeral one."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    if gx_dir is None:
        context = gx.get_context(mode="ephemeral")
    else:
        Path(gx_dir).mkdir(parents=True, exist_ok=True)
        context = gx.get_context(mode="file", project_root_dir=str(gx_dir))
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return context


def build_quality_site(gx_dir: Path, site_dir: Path, context=None) -> Path:
    """Render Data Docs of the latest validation of every suite into ``site_dir``; return its index.

    ``context`` is the file context of ``gx_dir`` if the caller has it open. GX writes one static
    HTML page per suite and validation result. Its index page, though, builds its tables with
    scripts fetched from CDNs, so offline it is empty: it is replaced by a plain HTML index (suite,
    what it judges and why, verdict, link to GX's page). GX's pages also fetch their logos from
    GX's servers (with the context's id); pages and styles get the local copy instead.
    """
    (quality_context(gx_dir) if context is None else context).build_data_docs()
    project = Path(gx_dir) / "gx"
    results_dir = project / "uncommitted" / "validations"
    shutil.rmtree(site_dir, ignore_errors=True)
    shutil.copytree(project / "uncommitted" / "data_docs" / "local_site", site_dir)
    for page in [*Path(site_dir).rglob("*.html"), *Path(site_dir).rglob("*.css")]:
        logo = os.path.relpath(Path(site_dir) / "static" / "images" / "logo-long.png", page.parent)
        page.write_text(GX_ASSET_URL.sub(logo, page.read_text()))
    rows = []
    for suite_dir in sorted(p for p in results_dir.iterdir() if p.is_dir()):
        latest = max(suite_dir.rglob("*.json"), key=lambda p: p.parent.name)
        result = json.loads(latest.read_text())
        meta = json.loads((project / "expectations" / f"{suite_dir.name}.json").read_text())["meta"]
        stats = result["statistics"]
        page = latest.relative_to(results_dir).with_suffix(".html")
        verdict = "passed" if result["success"] else "FAILED"
        met = f"{stats['successful_expectations']} of {stats['evaluated_expectations']}"
        rows.append(
            f"<tr><td><a href='validations/{html.escape(str(page))}'>{html.escape(suite_dir.name)}</a></td>"
            f"<td><code>{html.escape(meta['table'])}</code></td><td>{html.escape(meta['why'])}</td>"
            f"<td>{verdict}</td><td>{met}</td>"
            f"<td><a href='expectations/{html.escape(suite_dir.name)}.html'>expectations</a></td></tr>"
        )
    index = Path(site_dir) / "index.html"
    index.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Quality gate</title></head><body>"
        "<h1>Quality gate: the latest validation</h1>"
        f"<p>Great Expectations suites run on the build before publication, {datetime.date.today()}. "
        "Keys and row-level rules of every dbt model are constraints (dbt docs); these suites judge the raw "
        "and staging data, distributions, and the change against the previous publication.</p>"
        "<table border='1' cellpadding='4'><tr><th>suite</th><th>judges</th><th>why</th><th>verdict</th>"
        "<th>expectations met</th><th>definition</th></tr>" + "".join(rows) + "</table></body></html>\n"
    )
    return index


def _parameter(con: duckdb.DuckDBPyConnection, spec: dict):
    """A suite parameter from SQL: ``{"value": sql}`` one value, ``{"values": sql}`` a first column."""
    if "values" in spec:
        return [_plain(row[0]) for row in con.execute(spec["values"]).fetchall()]
    return _plain(con.execute(spec["value"]).fetchone()[0])


def _plain(value):
    """Dates as pandas timestamps: DuckDB's dates arrive in frames as datetime64 columns."""
    import pandas as pd

    return pd.Timestamp(value) if isinstance(value, datetime.date) else value


def _batch_definition(context, suite: Suite):
    source = context.data_sources.add_or_update_pandas("warehouse")
    asset = next((a for a in source.assets if a.name == suite.name), None) or source.add_dataframe_asset(
        suite.name
    )
    return next((b for b in asset.batch_definitions if b.name == "whole"), None) or (
        asset.add_batch_definition_whole_dataframe("whole")
    )


def _failure(suite: Suite, result) -> str:
    config = result.expectation_config
    what = f"{suite.table}: {config.type}({_kwargs(config.kwargs)}) failed"
    errors = [
        info["exception_message"]
        for info in (result.exception_info or {}).values()
        if isinstance(info, dict) and info.get("raised_exception")
    ]
    if errors:
        return f"{what}; could not be evaluated: {errors[0]}"
    # with identifying columns, GX lists the failing rows; without, their values
    key = "partial_unexpected_index_list" if suite.identify else "partial_unexpected_list"
    examples = result.result.get(key) or []
    return f"{what}; unexpected {result.result.get('unexpected_count', '?')}, e.g. {_rows(examples[:5])}"


def _rows(examples: list) -> str:
    """Failing rows as ``field=value`` lists, so a message names the snapshot, file and record."""
    if not examples or not isinstance(examples[0], dict):
        return str(examples)
    return "; ".join(", ".join(f"{k}={_shown(v)}" for k, v in row.items()) for row in examples)


def _shown(value) -> str:
    import pandas as pd

    return str(value.date()) if isinstance(value, pd.Timestamp) and value == value.normalize() else str(value)


def _kwargs(kwargs: dict) -> str:
    return ", ".join(f"{k}={_argument(v)}" for k, v in kwargs.items() if k != "batch_id")


def _argument(value) -> str:
    """An expectation's argument for a message: a long value set (a questionnaire's options) abridged."""
    import pandas as pd

    if isinstance(value, pd.Timestamp):
        return _shown(value)
    if isinstance(value, list | set) and len(value) > 8:
        return f"[{', '.join(repr(v) for v in list(value)[:5])}, ... {len(value)} values]"
    return repr(value)


def main() -> int:
    """``python -m expectations.validate``: validate the latest build of the configured warehouse.

    Its marts are in the build while their publication was blocked, else in the published file
    (publishing moved them there)."""
    from orchestration.settings import Settings

    cfg = Settings.from_env()
    marts = cfg.next_publication_db if cfg.next_publication_db.is_file() else cfg.published_db
    results = validate_warehouse(cfg.build_db, marts)
    for result in results:
        print(f"{'PASS' if result.success else 'FAIL'} {result.suite.name} ({result.evaluated} expectations)")
        for line in result.failures:
            print("  " + line)
    return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Stage 4, checks: Great Expectations suites as blocking Dagster asset checks, run as one step.

Each suite of ``expectations/suites/`` is a check on the table it judges (staging, intermediate or
marts), and ``gx_changes_since_publication`` compares the build with the previous publication. A
failing check stops the publish stage: the previous publication stays in place. The publish asset
depends on every checked table (``CHECKED_ASSETS``): Dagster blocks only the direct dependants of a
failed blocking check, and the staging tables are otherwise upstream of it only through marts built
in the same dbt step. The checks are one multi-asset check (one step, one call to the process that
loaded GX while dbt built, :mod:`orchestration.worker`), which also renders their Data Docs.

While that process validates, this one renders the build's report (:mod:`orchestration.report`)
into ``warehouse/build/report/``, which the publish stage copies in once every check has passed:
the report's pages and the checks are both about a second of Python, one on each core, where the
refresh would otherwise wait for one and then the other (issue 15). A blocked build's report stays
in the build folder, never published.
"""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, multi_asset_check

from expectations.changes import SUITE_NAME, ChangeReport
from expectations.gate import run_gate
from expectations.validate import Suite, SuiteResult, load_suites
from orchestration import worker
from orchestration.assets.raw import current_snapshot
from orchestration.progress import say
from orchestration.resources import SettingsResource

CHANGED_ASSET = AssetKey(["marts", "indicator_status"])
SUITES = load_suites()
CHECKED_ASSETS = sorted({AssetKey(s.table.split(".")) for s in SUITES} | {CHANGED_ASSET}, key=str)


def _suite_spec(suite: Suite) -> AssetCheckSpec:
    return AssetCheckSpec(
        f"gx_{suite.name}", asset=AssetKey(suite.table.split(".")), blocking=True, description=suite.why
    )


CHANGES_SPEC = AssetCheckSpec(
    f"gx_{SUITE_NAME}",
    asset=CHANGED_ASSET,
    additional_deps=[AssetKey(["marts", "fct_report_answer"]), AssetKey(["marts", "dim_party"])],
    blocking=True,
    description=(
        "Counted Parties per region and cycle, counted reports per cycle and indicator shares against "
        "the previous publication: a move beyond CPB_MAX_COUNT_CHANGE_PCT / CPB_MAX_SHARE_CHANGE_PP "
        "blocks publication unless the run accepts changes (settings accept_changes)."
    ),
)
SUITE_SPECS = {suite.name: _suite_spec(suite) for suite in SUITES}
SPECS = [*SUITE_SPECS.values(), CHANGES_SPEC]


@multi_asset_check(
    specs=SPECS,
    name="quality_gate",
    description=(
        "The Great Expectations suites and the change check, with their Data Docs; the build's report is "
        "rendered meanwhile (published with the marts once every check passed)."
    ),
)
def quality_gate(context, settings: SettingsResource):
    from orchestration.report import build_report  # altair and jinja2: loaded only by a refresh

    cfg = settings.get()
    validating = worker.submit(
        run_gate,
        cfg.build_db,
        cfg.next_publication_db,
        cfg.published_db,
        cfg.max_count_change_pct,
        cfg.max_share_change_pp,
        cfg.quality_dir,
        cfg.quality_site_dir,
    )
    index = build_report(
        cfg.next_publication_db,
        current_snapshot(cfg),
        cfg.source,
        cfg.build_report_dir,
        cache_dir=cfg.build_db.parent,
    )
    say(context, "checks", f"report of the build -> {index} (published once every check passed)")
    gate = worker.wait(validating)
    for result in gate.suites:
        yield _suite_result(context, SUITE_SPECS[result.suite.name], result)
    yield _changes_result(context, gate.changes, settings.accept_changes)


def _suite_result(context, spec: AssetCheckSpec, result: SuiteResult) -> AssetCheckResult:
    suite = result.suite
    verdict = "passed" if result.success else "FAILED"
    say(context, "checks", f"{suite.name} ({suite.table}): {result.evaluated} expectations {verdict}")
    for line in result.failures:
        say(context, "checks", "  " + line)
    return AssetCheckResult(
        asset_key=spec.asset_key,
        check_name=spec.name,
        passed=result.success,
        severity=AssetCheckSeverity.ERROR,
        metadata={"expectations": result.evaluated, "failures": "\n".join(result.failures) or "none"},
    )


def _changes_result(context, report: ChangeReport, accept_changes: bool) -> AssetCheckResult:
    key = {"asset_key": CHANGES_SPEC.asset_key, "check_name": CHANGES_SPEC.name}
    if not report.compared:
        say(context, "checks", f"{SUITE_NAME}: nothing published yet, nothing to compare")
        return AssetCheckResult(**key, passed=True, metadata={"compared": False, "failures": "none"})
    accepted = bool(report.moved) and accept_changes
    verdict = "accepted (accept_changes)" if accepted else ("FAILED" if report.moved else "passed")
    say(context, "checks", f"{SUITE_NAME}: {len(report.moved)} moved beyond the thresholds, {verdict}")
    for change in report.moved:
        say(context, "checks", "  " + change["message"])
    return AssetCheckResult(
        **key,
        passed=not report.moved or accepted,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "compared": True,
            "accepted": accepted,
            "failures": "none" if accepted else "\n".join(c["message"] for c in report.moved) or "none",
            "moved": "\n".join(c["message"] for c in report.moved) or "none",
        },
    )


gx_checks = [quality_gate]

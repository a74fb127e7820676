"""Stage 4, checks: Great Expectations suites as blocking Dagster asset checks.

Each suite of ``expectations/suites/`` is a check on the table it judges (staging, intermediate or
marts), and ``gx_changes_since_publication`` compares the build with the previous publication. A
failing check stops the publish stage: the previous publication stays in place. The publish asset
depends on every checked table (``CHECKED_ASSETS``): Dagster blocks only the direct dependants of a
failed blocking check, and the staging tables are otherwise upstream of it only through marts built
in the same dbt step. The suites run in the process that loaded GX while dbt built
(:mod:`orchestration.worker`).
"""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check

from expectations.changes import SUITE_NAME, detect_changes
from expectations.validate import Suite, load_suites, validate_warehouse
from orchestration import worker
from orchestration.progress import say
from orchestration.resources import SettingsResource

CHANGED_ASSET = AssetKey(["marts", "indicator_status"])


def gx_check(suite: Suite):
    schema, table = suite.table.split(".")

    @asset_check(
        asset=AssetKey([schema, table]), name=f"gx_{suite.name}", blocking=True, description=suite.why
    )
    def _check(context, settings: SettingsResource) -> AssetCheckResult:
        cfg = settings.get()
        result = worker.run(
            validate_warehouse, cfg.build_db, cfg.next_publication_db, [suite], gx_dir=cfg.quality_dir
        )[0]
        verdict = "passed" if result.success else "FAILED"
        say(context, "checks", f"{suite.name} ({suite.table}): {result.evaluated} expectations {verdict}")
        for line in result.failures:
            say(context, "checks", "  " + line)
        return AssetCheckResult(
            passed=result.success,
            severity=AssetCheckSeverity.ERROR,
            metadata={"expectations": result.evaluated, "failures": "\n".join(result.failures) or "none"},
        )

    return _check


@asset_check(
    asset=CHANGED_ASSET,
    additional_deps=[AssetKey(["marts", "fct_report_answer"]), AssetKey(["marts", "dim_party"])],
    name=f"gx_{SUITE_NAME}",
    blocking=True,
    description=(
        "Counted Parties per region and cycle, counted reports per cycle and indicator shares against "
        "the previous publication: a move beyond CPB_MAX_COUNT_CHANGE_PCT / CPB_MAX_SHARE_CHANGE_PP "
        "blocks publication unless the run accepts changes (settings accept_changes)."
    ),
)
def changes_check(context, settings: SettingsResource) -> AssetCheckResult:
    cfg = settings.get()
    report = worker.run(
        detect_changes,
        cfg.next_publication_db,
        cfg.published_db,
        cfg.max_count_change_pct,
        cfg.max_share_change_pp,
        cfg.quality_dir,
    )
    if not report.compared:
        say(context, "checks", f"{SUITE_NAME}: nothing published yet, nothing to compare")
        return AssetCheckResult(passed=True, metadata={"compared": False, "failures": "none"})
    accepted = bool(report.moved) and settings.accept_changes
    verdict = "accepted (accept_changes)" if accepted else ("FAILED" if report.moved else "passed")
    say(context, "checks", f"{SUITE_NAME}: {len(report.moved)} moved beyond the thresholds, {verdict}")
    for change in report.moved:
        say(context, "checks", "  " + change["message"])
    return AssetCheckResult(
        passed=not report.moved or accepted,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "compared": True,
            "accepted": accepted,
            "failures": "none" if accepted else "\n".join(c["message"] for c in report.moved) or "none",
            "moved": "\n".join(c["message"] for c in report.moved) or "none",
        },
    )


SUITES = load_suites()
gx_checks = [*(gx_check(suite) for suite in SUITES), changes_check]
CHECKED_ASSETS = sorted({AssetKey(s.table.split(".")) for s in SUITES} | {CHANGED_ASSET}, key=str)

"""Stage 4, checks: Great Expectations suites as blocking Dagster asset checks on the marts.

A failing suite fails its check, and a blocking check stops the publish stage: the previous
publication stays in place.
"""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check

from expectations.validate import Suite, load_suites, validate_warehouse
from orchestration.progress import say
from orchestration.resources import SettingsResource


def gx_check(suite: Suite):
    schema, table = suite.table.split(".")

    @asset_check(
        asset=AssetKey([schema, table]), name=f"gx_{suite.name}", blocking=True, description=suite.why
    )
    def _check(context, settings: SettingsResource) -> AssetCheckResult:
        result = validate_warehouse(settings.get().build_db, [suite])[0]
        verdict = "passed" if result.success else "FAILED"
        say(context, "checks", f"{suite.table}: {result.evaluated} expectations {verdict}")
        for line in result.failures:
            say(context, "checks", "  " + line)
        return AssetCheckResult(
            passed=result.success,
            severity=AssetCheckSeverity.ERROR,
            metadata={"expectations": result.evaluated, "failures": "\n".join(result.failures) or "none"},
        )

    return _check


gx_checks = [gx_check(suite) for suite in load_suites()]

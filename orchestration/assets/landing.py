"""Stage 2, landing: national-report answers normalised to Parquet, and the question crosswalk.

Both are Python because they apply rules better expressed as code than SQL: the BCH analyzer's
answer normalisation and the composition of cross-cycle mappings. dbt reads them as sources.
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetSpec, MaterializeResult, asset, multi_asset

from orchestration.assets.raw import current_snapshot
from orchestration.catalogue import validate_catalogue
from orchestration.crosswalk import write_crosswalk
from orchestration.landing import land_national_reports
from orchestration.progress import say
from orchestration.registry import load_cycles
from orchestration.resources import SettingsResource

LANDED = {
    "national_reports": "One row per report of every cycle's analyzer export",
    "national_report_answers": "One row per selected answer value, normalised as the BCH analyzer does",
    "quarantine": "Report records that could not be landed, with the field and the reason",
}


@multi_asset(
    specs=[
        AssetSpec(
            ["landing", name], description=text, deps=[["bch", "national_reports"]], group_name="landing"
        )
        for name, text in LANDED.items()
    ],
    can_subset=False,
)
def landed_national_reports(
    context: AssetExecutionContext, settings: SettingsResource
) -> Iterator[MaterializeResult]:
    cfg = settings.get()
    result = land_national_reports(current_snapshot(cfg), cfg.landing_dir)
    verb = "reused" if result.reused else "landed"
    say(context, "landing", f"{verb} {result.reports} reports, {result.answers} answers -> {result.path}")
    if result.quarantined:
        say(
            context,
            "landing",
            f"{result.quarantined} report records quarantined (see staging.stg_bch__report_quarantine)",
        )
    counts = {
        "national_reports": result.reports,
        "national_report_answers": result.answers,
        "quarantine": result.quarantined,
    }
    for name in LANDED:
        yield MaterializeResult(
            asset_key=["landing", name], metadata={"rows": counts[name], "path": str(result.path)}
        )


@asset(key=["landing", "question_crosswalk"], deps=[["bch", "national_reports"]], group_name="landing")
def question_crosswalk(context: AssetExecutionContext, settings: SettingsResource) -> MaterializeResult:
    """Every cycle's question keys in the catalogue's 4th-report keys, from the registry's mapping files.

    The reference data (registry, mappings, indicator catalogue) is checked here, before dbt: a
    bad key or option code stops the run naming the file, key or indicator.
    """
    cfg = settings.get()
    indicators = validate_catalogue(cfg.dbt_project_dir)
    cycles = load_cycles(cfg.dbt_project_dir)
    path = write_crosswalk(cfg.dbt_project_dir, cycles, cfg.landing_dir / "reference")
    say(context, "landing", f"{indicators} indicators checked; question crosswalk -> {path}")
    return MaterializeResult(metadata={"path": str(path), "indicators": indicators})

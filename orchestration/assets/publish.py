"""Stage 5, publish: the validated marts' file moved into warehouse/published/ for BI tools."""

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from expectations.changes import detect_changes
from orchestration import worker
from orchestration.assets.raw import current_snapshot
from orchestration.assets.transform import mart_names
from orchestration.assets.validate import CHECKED_ASSETS
from orchestration.progress import say
from orchestration.publication import code_version, fingerprint, publish
from orchestration.resources import SettingsResource
from orchestration.summary import quarantine_counts, report_markdown


@asset(
    key=["published", "cpb_indicators"],
    # the checked staging tables too: only a direct dependant waits for a blocking check
    deps=sorted({AssetKey(["marts", name]) for name in mart_names()} | set(CHECKED_ASSETS), key=str),
    group_name="publish",
    description=(
        "warehouse/published/: cpb_indicators.duckdb (schema marts), parquet/<table>/, docs/ (dbt docs), "
        "report.md, report/ (HTML report, spreadsheets), quality/ (Data Docs of the validation), "
        "manifest.json"
    ),
)
def published_marts(context: AssetExecutionContext, settings: SettingsResource) -> MaterializeResult:
    cfg = settings.get()
    snapshot = current_snapshot(cfg)
    with duckdb.connect(str(cfg.next_publication_db), read_only=True) as con:
        quarantine = quarantine_counts(con)
    # what the change check let through; compared before the swap, against the publication it replaces
    limits = (cfg.max_count_change_pct, cfg.max_share_change_pp)
    accepted = []
    if settings.accept_changes:
        accepted = worker.run(detect_changes, cfg.next_publication_db, cfg.published_db, *limits).moved
    record = publish(
        cfg.next_publication_db,
        cfg.published_dir,
        mart_names(),
        {
            "snapshot_id": snapshot.snapshot_id,
            "snapshot_path": str(snapshot.path),
            "source": cfg.source,
            "synthetic": bool(snapshot.manifest.get("synthetic")),
            "code_version": code_version(cfg.project_dir),
            "fingerprint": fingerprint(cfg, snapshot),
            # publish runs only once every blocking check passed
            "validation": {"result": "passed", "data_docs": "quality/index.html"},
            "overrides": {
                "force": settings.force,
                "accept_changes": settings.accept_changes,
                "cutoff_date": cfg.cutoff_date,
            },
            "quarantine": quarantine,
            "accepted_changes": accepted,
        },
        report=report_markdown,
        sites={
            "docs": cfg.build_docs_dir,  # rendered by the transform stage
            "quality": cfg.quality_site_dir,  # the Data Docs, rendered by the checks
            "report": cfg.build_report_dir,  # rendered while the checks ran
        },
    )
    say(context, "publish", f"{len(record['tables'])} tables -> {cfg.published_db}")
    say(context, "publish", f"report -> {cfg.published_dir / 'report' / 'index.html'}")
    if quarantine["total"]:
        say(
            context, "publish", f"{quarantine['total']} quarantined records published in marts.fct_quarantine"
        )
    return MaterializeResult(
        metadata={
            "path": str(cfg.published_db),
            "quarantined": quarantine["total"],
            **{f"rows.{t}": n for t, n in record["tables"].items()},
        }
    )

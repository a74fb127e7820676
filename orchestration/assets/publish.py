"""Stage 5, publish: validated marts swapped into warehouse/published/ for BI tools."""

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.assets.raw import current_snapshot
from orchestration.assets.transform import mart_names
from orchestration.progress import say
from orchestration.publication import fingerprint, publish
from orchestration.resources import SettingsResource
from orchestration.summary import quarantine_counts, report_markdown


@asset(
    key=["published", "cpb_indicators"],
    deps=[AssetKey(["marts", name]) for name in mart_names()],
    group_name="publish",
    description="warehouse/published/: cpb_indicators.duckdb (marts), parquet/<table>/, docs/, report.md",
)
def published_marts(context: AssetExecutionContext, settings: SettingsResource) -> MaterializeResult:
    cfg = settings.get()
    snapshot = current_snapshot(cfg)
    with duckdb.connect(str(cfg.build_db), read_only=True) as con:
        quarantine = quarantine_counts(con)
    record = publish(
        cfg.build_db,
        cfg.published_dir,
        mart_names(),
        {
            "snapshot_id": snapshot.snapshot_id,
            "snapshot_path": str(snapshot.path),
            "source": cfg.source,
            "synthetic": bool(snapshot.manifest.get("synthetic")),
            "fingerprint": fingerprint(cfg, snapshot),
            "quarantine": quarantine,
        },
        report=report_markdown,
        docs_site=cfg.build_docs_dir,
    )
    say(context, "publish", f"{len(record['tables'])} tables -> {cfg.published_db}")
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

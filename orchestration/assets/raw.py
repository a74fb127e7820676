"""Stage 1, raw: the BCH snapshot in use, one Dagster asset per API endpoint.

``embedded`` uses the newest complete snapshot under ``raw/embedded/``; ``live`` extracts a new one
from the BCH API (:mod:`orchestration.extract.live`), or keeps the previous one when nothing
changed. Either way the snapshot in use is verified against its manifest (a file changed on disk
since fails the run, even when the snapshot is already published) and must carry, in some
record, every index field an indicator reads
(:func:`~orchestration.extract.live.check_index_fields`), so a wrong field name fails the run
instead of publishing 0. The data version of each endpoint is the sha256 of its files, so an
unchanged source is visible as unchanged data versions downstream. When that snapshot is already
published with this code and configuration, the stage materialises nothing and the rest of the run
is skipped: a nightly run on an unchanged source publishes nothing.
"""

import hashlib
from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetSpec, DataVersion, MaterializeResult, multi_asset

from orchestration.extract.live import check_index_fields
from orchestration.progress import human_bytes, say
from orchestration.publication import unchanged_message, unchanged_publication
from orchestration.registry import load_cycles
from orchestration.resources import SettingsResource
from orchestration.settings import Settings
from orchestration.snapshot import Snapshot, latest_snapshot, verify_snapshot

# asset name -> path prefix of its files in the snapshot (raw/README.md); the bch.* dbt sources
# and the reference step depend on these assets by key
ENDPOINT_ASSETS = {
    "countries": "countries.json",
    "thesaurus_countries": "thesaurus/countries.json",
    "thesaurus_regions": "thesaurus/regions.json",
    "thesaurus_decision_types": "thesaurus/DecisionTypes.json",
    "national_reports": "national_reports/",
    "index": "index/",
}


def current_snapshot(settings: Settings) -> Snapshot:
    """The snapshot every downstream step of a run reads: the newest complete one of the source."""
    return latest_snapshot(settings.source_dir)


@multi_asset(
    specs=[
        AssetSpec(
            ["bch", name],
            description=f"BCH `{prefix}*` files of the raw snapshot in use",
            group_name="raw",
            skippable=True,
        )
        for name, prefix in ENDPOINT_ASSETS.items()
    ]
    + [
        AssetSpec(
            ["bch", "snapshot_manifest"],
            description="The raw snapshot's manifest: its id, source, and when it was taken",
            group_name="raw",
            skippable=True,
        )
    ],
    can_subset=False,
)
def bch_raw_snapshot(
    context: AssetExecutionContext, settings: SettingsResource
) -> Iterator[MaterializeResult]:
    cfg = settings.get()
    if cfg.source == "live":
        from orchestration.extract.client import BchClient
        from orchestration.extract.live import extract_live_snapshot

        with BchClient.from_settings(cfg) as client:
            result = extract_live_snapshot(
                client, cfg, load_cycles(cfg.dbt_project_dir), progress=lambda line: say(context, "raw", line)
            )
        snapshot = result.snapshot  # the previous one when the source is unchanged (the extractor says so)
    else:
        snapshot = current_snapshot(cfg)
    verify_snapshot(snapshot)  # the files read downstream are the ones the manifest describes
    check_index_fields(snapshot)  # whatever its source: a field an indicator reads is in some record
    synthetic = " (synthetic)" if snapshot.manifest.get("synthetic") else ""
    say(context, "raw", f"snapshot {snapshot.path}{synthetic}")
    current = None if settings.force else unchanged_publication(cfg, snapshot)
    if current:
        # no materialisation: every downstream step of the run is skipped, the publication stays
        say(context, "raw", unchanged_message(cfg, snapshot, current))
        return
    for name, prefix in ENDPOINT_ASSETS.items():
        files = [f for f in snapshot.files if f["path"].startswith(prefix)]
        records = sum(f.get("records") or 0 for f in files)
        size = sum(f["bytes"] for f in files)
        say(context, "raw", f"{name}: {len(files)} files, {records} records, {human_bytes(size)}")
        digest = hashlib.sha256("".join(sorted(f["sha256"] for f in files)).encode()).hexdigest()
        yield MaterializeResult(
            asset_key=["bch", name],
            metadata={
                "snapshot_id": snapshot.snapshot_id,
                "files": len(files),
                "records": records,
                "bytes": size,
            },
            data_version=DataVersion(digest),
        )
    yield MaterializeResult(
        asset_key=["bch", "snapshot_manifest"],
        metadata={"snapshot_id": snapshot.snapshot_id, "finished_at": snapshot.manifest.get("finished_at")},
        data_version=DataVersion(snapshot.snapshot_id),
    )

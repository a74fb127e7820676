"""The refresh job and its nightly schedule: every asset, from the BCH snapshot to the publication.

`cpb refresh` launches this same job, so a scheduled run, a UI run and a CLI run behave alike: the
run holds the warehouse lock (SettingsResource), and on a snapshot that is already published the
raw stage materialises nothing and the rest of the run is skipped. The job runs in one process so
that the lock is held from the first step to the last.
"""

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)

refresh_job = define_asset_job(
    "refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description=(
        "Extract (CPB_SOURCE=live) or pick the embedded snapshot, land, build with dbt, validate, publish; "
        "stops after the raw stage when that snapshot is already published. Resource `settings` config "
        "overrides the environment (force: true rebuilds anyway; accept_changes: true publishes counts or "
        "shares that moved beyond the change thresholds, recorded in manifest.json)."
    ),
)

nightly_refresh = ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_job,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    description=(
        "Runs the refresh job at 02:00 UTC every night; an unchanged BCH snapshot publishes nothing. "
        "Off until turned on: in the UI (Automation > nightly_refresh > on) or `dagster schedule start "
        "nightly_refresh`, with the Dagster daemon running (`make dev` runs one) and CPB_SOURCE=live "
        "in the deployment's environment."
    ),
)

"""The nightly refresh: every asset, from the BCH snapshot to the publication."""

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

refresh_job = define_asset_job(
    "refresh", selection=AssetSelection.all(), description="Extract, build, validate, publish"
)

nightly_refresh = ScheduleDefinition(job=refresh_job, cron_schedule="0 2 * * *", execution_timezone="UTC")

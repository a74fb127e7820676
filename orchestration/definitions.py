"""The Dagster code location: the whole flow, extract -> raw (+ reference) -> dbt -> checks -> publish.

dagster dev -m orchestration.definitions
"""

from dagster import Definitions

from orchestration.assets.publish import published_marts
from orchestration.assets.raw import bch_raw_snapshot
from orchestration.assets.reference import question_crosswalk
from orchestration.assets.transform import cpb_dbt_models
from orchestration.assets.validate import gx_checks
from orchestration.resources import SettingsResource
from orchestration.schedules import nightly_refresh, refresh_job

ASSETS = [bch_raw_snapshot, question_crosswalk, cpb_dbt_models, published_marts]


def build_definitions(settings: SettingsResource | None = None) -> Definitions:
    return Definitions(
        assets=ASSETS,
        asset_checks=gx_checks,
        jobs=[refresh_job],
        schedules=[nightly_refresh],
        resources={"settings": settings or SettingsResource()},
    )


defs = build_definitions()

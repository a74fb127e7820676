"""One runtime: the nightly schedule, the UI and `cpb refresh` run the same `refresh` job.

The job holds the warehouse lock for the whole run and, on a snapshot that is already published
with this code and configuration, materialises nothing after the raw stage.
"""

import fcntl
import gc
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, build_schedule_context

from orchestration import cli, heap_frozen
from orchestration.assets.transform import ensure_manifest
from orchestration.assets.validate import SPECS
from orchestration.cli import root_message
from orchestration.definitions import defs
from tests.test_publish import good_snapshot
from tests.test_repository_checks import repository_checks

PUBLISHED = AssetKey(["published", "cpb_indicators"])


def scheduled_run(instance):
    """What the daemon does at 02:00: evaluate the schedule's tick and run its job with that request."""
    schedule = defs.resolve_schedule_def("nightly_refresh")
    tick = schedule.evaluate_tick(
        build_schedule_context(
            instance=instance, scheduled_execution_time=datetime(2026, 12, 3, 2, tzinfo=UTC)
        )
    )
    (request,) = tick.run_requests
    job = defs.resolve_job_def(schedule.job_name)
    return job.execute_in_process(
        run_config=request.run_config, tags=request.tags, instance=instance, raise_on_error=False
    )


def materialized(result) -> set[AssetKey]:
    return {event.asset_key for event in result.get_asset_materialization_events()}


def test_the_schedule_launches_the_refresh_job_and_says_how_to_turn_it_on():
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert schedule.job_name == "refresh"  # the job `cpb refresh` runs (cli.run_refresh_job)
    assert "dagster schedule start nightly_refresh" in schedule.description


def test_a_second_scheduled_run_on_an_unchanged_snapshot_publishes_nothing(pipeline):
    good_snapshot(pipeline, "20200101T000000Z")  # the environment (CPB_RAW_DIR, ...) is the deployment's
    published = pipeline.warehouse_dir / "published"
    with DagsterInstance.ephemeral() as instance:
        first = scheduled_run(instance)
        assert first.success
        assert gc.get_freeze_count() == 0  # the build froze the heap it started with, and unfroze it
        assert PUBLISHED in materialized(first)
        files = {p.name: p.read_bytes() for p in published.iterdir() if p.is_file()}
        assert {"cpb_indicators.duckdb", "manifest.json"} <= set(files)

        second = scheduled_run(instance)
        assert second.success
        assert materialized(second) == set()  # raw stopped the run: nothing landed, built or published
        assert {p.name: p.read_bytes() for p in published.iterdir() if p.is_file()} == files


def test_a_run_started_while_another_holds_the_warehouse_fails_before_any_work(pipeline):
    good_snapshot(pipeline, "20200101T000000Z")
    pipeline.warehouse_dir.mkdir(parents=True)
    with open(pipeline.warehouse_dir / ".refresh.lock", "w") as held, DagsterInstance.ephemeral() as instance:
        fcntl.flock(held, fcntl.LOCK_EX)  # a CLI refresh in progress
        result = scheduled_run(instance)
    assert not result.success
    assert materialized(result) == set()
    messages = [root_message(e.event_specific_data.error) for e in result.all_events if e.is_failure]
    assert any("another refresh is running" in m for m in messages), messages
    assert not pipeline.published_db.exists()


def test_cli_runs_are_recorded_in_the_dagster_home_the_ui_reads_and_dbt_runs_on_its_own(pipeline):
    from dagster._core.instance.ref import InstanceRef

    good_snapshot(pipeline, "20200101T000000Z")
    assert pipeline.refresh() == 0
    nodes = json.loads(Path(ensure_manifest()).read_text())["nodes"]
    skipped = repository_checks()
    data_tests = sum(n["resource_type"] == "test" for uid, n in nodes.items() if uid not in skipped)
    home = pipeline.warehouse_dir / "dagster_home"  # DAGSTER_HOME unset: under the warehouse, as `make dev`
    assert "PooledSqliteEventLogStorage" in (home / "dagster.yaml").read_text()
    # read as the UI reads it (the home's dagster.yaml), and by Dagster's own default storage
    for config in ("dagster.yaml", "no-such-file.yaml"):
        ref = InstanceRef.from_dir(str(home), config_filename=config)
        with DagsterInstance.from_ref(ref) as instance:
            runs = instance.get_runs()
            assert [(r.job_name, r.status.value) for r in runs] == [("refresh", "SUCCESS")]
            assert instance.get_latest_materialization_event(PUBLISHED) is not None
            events = instance.all_logs(runs[0].run_id)
            checks = [
                e
                for e in events
                if e.dagster_event_type and e.dagster_event_type.value == "ASSET_CHECK_EVALUATION"
            ]
            # a check result per dbt data test a refresh runs (10 at this writing), and the 7 GX checks
            assert len(checks) == data_tests + len(SPECS)
    # dbt by hand on the same landed snapshot and build files, without writing --vars; the published
    # marts were moved out of the build, so it starts from a copy of them (dim_region's tests read
    # dim_party) and leaves the publication as it was
    published = pipeline.published_db.read_bytes()
    assert cli.main(["dbt", "build", "--select", "dim_region"]) == 0
    assert pipeline.published_db.read_bytes() == published


def test_the_heap_frozen_for_the_build_is_unfrozen_after_it_even_when_it_fails():
    kept = [object() for _ in range(1000)]
    with heap_frozen():
        assert gc.get_freeze_count() >= len(kept)  # left out of the collector's passes meanwhile
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError), heap_frozen():
        raise RuntimeError("dbt failed")
    assert gc.get_freeze_count() == 0

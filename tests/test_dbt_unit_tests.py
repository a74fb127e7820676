"""dbt's unit tests run here, in `make test`, and not in a refresh (``REFRESH_BUILD`` in
orchestration/assets/transform.py): they check the SQL on fixed inputs, so a snapshot cannot change
their outcome."""

import json
from pathlib import Path

from orchestration import cli
from orchestration.assets.transform import ensure_manifest
from tests.conftest import Pipeline


def test_unit_tests_pass_by_hand_and_the_refresh_skips_them(embedded_run, monkeypatch):
    target = embedded_run.warehouse_dir / "build" / "dbt_target"
    refreshed = json.loads((target / "run_results.json").read_text())["results"]
    assert refreshed, "the refresh's dbt build left no results"
    assert [r["unique_id"] for r in refreshed if r["unique_id"].startswith("unit_test.")] == []

    # staging: the answers and the records; intermediate: the counted reports; marts: the timeliness
    defined = set(json.loads(Path(ensure_manifest()).read_text())["unit_tests"])
    assert len(defined) == 4
    Pipeline(embedded_run.root, monkeypatch)  # the run's folders in the environment again
    assert cli.main(["dbt", "test", "--select", "test_type:unit"]) == 0
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert {r["unique_id"]: r["status"] for r in results} == dict.fromkeys(defined, "pass")

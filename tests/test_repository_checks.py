"""The repository's own checks run here, in `make test`, not in a refresh: dbt's unit tests and the
data tests of seeds (the ``repository_checks`` selector, dbt_project/selectors.yml). Their outcome
depends on the repository alone, so a snapshot cannot change it; a refresh builds the ``refresh``
selector, everything else."""

import json
from pathlib import Path

from orchestration import cli
from orchestration.assets.transform import ensure_manifest, is_seed_only_test
from orchestration.definitions import defs
from tests.conftest import Pipeline


def repository_checks() -> set[str]:
    """Worked out from the manifest: every unit test, and every data test that reads seeds only (the
    rule the Dagster translator applies; dbt's own reading of the selector is compared with it)."""
    manifest = json.loads(Path(ensure_manifest()).read_text())
    on_seeds = {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == "test" and is_seed_only_test(manifest, uid)
    }
    return set(manifest["unit_tests"]) | on_seeds


def test_the_repository_checks_pass_by_hand_and_the_refresh_skips_them(embedded_run, monkeypatch):
    checks = repository_checks()
    # 4 unit tests (staging: the records; intermediate: the answers and the counted reports; marts:
    # the timeliness) and the 32 tests of the registry, catalogue and reference lists
    assert len([c for c in checks if c.startswith("unit_test.")]) == 4
    assert len(checks) == 36
    target = embedded_run.warehouse_dir / "build" / "dbt_target"
    refreshed = {r["unique_id"] for r in json.loads((target / "run_results.json").read_text())["results"]}
    assert refreshed and not refreshed & checks
    # a test of a staging model against a seed (national reports' cycles in the registry) stays
    assert any(
        uid.startswith("test.cpb_indicators.relationships_stg_bch__national_reports") for uid in refreshed
    )
    # and Dagster declares as checks exactly the data tests a refresh runs, none it never reports on
    graph = defs.resolve_asset_graph()
    declared = {c.name for key in graph.get_all_asset_keys() for c in graph.get(key).check_keys}
    ran = {uid.split(".")[2] for uid in refreshed if uid.startswith("test.")}
    assert len(ran) == 10
    assert {name for name in declared if not name.startswith("gx_")} == ran

    Pipeline(embedded_run.root, monkeypatch)  # the run's folders in the environment again
    assert cli.main(["dbt", "test", "--selector", "repository_checks"]) == 0
    results = json.loads((target / "run_results.json").read_text())["results"]
    assert {r["unique_id"]: r["status"] for r in results} == dict.fromkeys(checks, "pass")

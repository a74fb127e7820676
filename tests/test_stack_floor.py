"""bench/stack_floor.py times as many dbt nodes and Dagster steps as a refresh has. No timing here."""

import json
from pathlib import Path

import pytest

from bench import stack_floor
from orchestration.assets.transform import ensure_manifest

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"


def data_test_ids() -> list[str]:
    manifest = json.loads(ensure_manifest().read_text())
    return [uid for uid, node in manifest["nodes"].items() if node["resource_type"] == "test"]


def test_counts_are_the_refreshs():
    counts = stack_floor.node_counts()
    # counted by hand: a seed per CSV, a model per SQL file of the three layers; the refresh job
    # runs raw, the question crosswalk, dbt, the quality gate (six suites, the change check) and publish
    assert counts["seeds"] == len(list((DBT_PROJECT / "seeds").glob("*.csv"))) == 12
    assert counts["models"] == len(list((DBT_PROJECT / "models").glob("*/*.sql"))) == 11 + 15 + 14
    assert counts["dagster steps"] == 3 + 1 + 1
    # a refresh leaves the unit tests and the 32 tests of seeds alone to `make test` (selectors.yml)
    assert counts["unit tests"] == 0
    assert counts["data tests"] == len(data_test_ids()) - 32


@pytest.mark.parametrize("unit_tests", [2, 0])  # 0: what a refresh runs now
def test_generated_project_parses_to_those_counts(tmp_path, unit_tests):
    from dbt.cli.main import dbtRunner

    counts = {"seeds": 3, "models": 7, "data tests": 20, "unit tests": unit_tests}
    root = tmp_path / "project"
    stack_floor.write_project(root, counts)
    flags = ["--project-dir", str(root), "--profiles-dir", str(root), "--log-level", "none"]
    parsed = dbtRunner().invoke(["parse", *flags, "--target-path", str(tmp_path / "target")])
    assert parsed.success, parsed.exception
    kinds = [node.resource_type for node in parsed.result.nodes.values()]
    assert kinds.count("seed") == 3
    assert kinds.count("model") == 7
    assert kinds.count("test") == 20  # 20 = 7 models x 2 + 6 with a third test
    assert len(parsed.result.unit_tests) == unit_tests

"""bench/stack_floor.py times as many dbt nodes and Dagster steps as a refresh has. No timing here."""

from pathlib import Path

from bench import stack_floor

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"


def test_counts_are_the_warehouses():
    counts = stack_floor.node_counts()
    # counted by hand: a seed per CSV, a model per SQL file of the three layers; the refresh job
    # runs raw, the question crosswalk, dbt, six suites, the change gate and publish
    assert counts["seeds"] == len(list((DBT_PROJECT / "seeds").glob("*.csv"))) == 12
    assert counts["models"] == len(list((DBT_PROJECT / "models").glob("*/*.sql"))) == 11 + 15 + 14
    assert counts["dagster steps"] == 3 + 6 + 1 + 1
    assert counts["unit tests"] == 4  # records, answers, the counted reports, the timeliness
    assert counts["data tests"] > counts["models"]


def test_generated_project_parses_to_those_counts(tmp_path):
    from dbt.cli.main import dbtRunner

    counts = {"seeds": 3, "models": 7, "data tests": 20, "unit tests": 2}
    root = tmp_path / "project"
    stack_floor.write_project(root, counts)
    flags = ["--project-dir", str(root), "--profiles-dir", str(root), "--log-level", "none"]
    parsed = dbtRunner().invoke(["parse", *flags, "--target-path", str(tmp_path / "target")])
    assert parsed.success, parsed.exception
    kinds = [node.resource_type for node in parsed.result.nodes.values()]
    assert kinds.count("seed") == 3
    assert kinds.count("model") == 7
    assert kinds.count("test") == 20  # 20 = 7 models x 2 + 6 with a third test
    assert len(parsed.result.unit_tests) == 2

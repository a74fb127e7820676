"""The Dagster code location: loads, validates, and its asset graph matches the reviewed snapshot.

A renamed asset or a lost dependency shows up as a diff of tests/snapshots/asset_graph.txt;
regenerate it with `UPDATE_SNAPSHOTS=1 pytest tests/test_definitions.py` and review the diff.
"""

import os
import subprocess
import sys
from pathlib import Path

from dagster import AssetKey

from expectations.changes import SUITE_NAME
from expectations.validate import load_suites
from orchestration.definitions import defs

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.txt"


def graph_text() -> str:
    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        parents = ", ".join(sorted(p.to_user_string() for p in node.parent_keys))
        checks = ", ".join(sorted(c.name for c in node.check_keys if c.name.startswith("gx_")))
        lines.append(
            f"{key.to_user_string()} [{node.group_name}] <- {parents or '-'}"
            + (f" | {checks}" if checks else "")
        )
    return "\n".join(lines) + "\n"


def test_asset_graph_matches_snapshot():
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(graph_text())
    assert graph_text() == SNAPSHOT.read_text()


def test_every_expectation_suite_is_a_blocking_check_before_publication():
    specs = [spec for check in defs.asset_checks for spec in check.check_specs if spec.name.startswith("gx_")]
    names = [suite.name for suite in load_suites()] + [SUITE_NAME]
    assert sorted(s.name for s in specs) == sorted(f"gx_{name}" for name in names)
    assert all(spec.blocking for spec in specs)
    # Dagster holds back only direct dependants of a failed blocking check
    publish = defs.resolve_asset_graph().get(AssetKey(["published", "cpb_indicators"]))
    assert {spec.asset_key for spec in specs} <= set(publish.parent_keys)


def test_the_code_location_orchestration_validates(tmp_path):
    # as `make dev` loads it: from pyproject's [tool.dagster], with an instance outside the repository
    dagster = Path(sys.executable).with_name("dagster")
    result = subprocess.run(
        [str(dagster), "definitions", "validate"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful for code location orchestration." in result.stdout + result.stderr

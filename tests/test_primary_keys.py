"""The marts' primary keys: added once a contracted table is filled, its rows in the key's order
(macros/primary_key_after_rows.sql), still in the catalogue, and still refusing a duplicate key.
Run on a copy of the dbt project's configuration and macros with two small marts of its own, so the
real contract, dispatch and post-hook settings are the ones tested."""

import duckdb
import pytest

from orchestration.dbt_runner import run_dbt
from tests.conftest import small_dbt_project

MODELS = """
version: 2
models:
  - name: keyed
    config: {contract: {enforced: true}}
    constraints:
      - type: primary_key
        columns: [cycle_code, party_code]
    columns:
      - {name: cycle_code, data_type: varchar, constraints: [{type: not_null}]}
      - {name: party_code, data_type: varchar, constraints: [{type: not_null}]}
      - {name: n, data_type: integer}
  - name: keyed_twice
    config: {contract: {enforced: true}}
    constraints:
      - type: primary_key
        columns: [cycle_code, party_code]
    columns:
      - {name: cycle_code, data_type: varchar}
      - {name: party_code, data_type: varchar}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return small_dbt_project(
        tmp_path_factory.mktemp("keys"),
        "marts",
        {
            "_models.yml": MODELS,
            # two Parties in nr4, one of them again in nr5: (cycle, party) is unique; not in the key's order
            "keyed.sql": "select * from (values ('nr5', 'ke', 3), ('nr4', 'mx', 2), ('nr4', 'ke', 1)) "
            "as t(cycle_code, party_code, n)",
            # the same Party twice in one cycle: the key's one duplicate
            "keyed_twice.sql": "select * from (values ('nr4', 'ke'), ('nr4', 'ke')) "
            "as t(cycle_code, party_code)",
        },
    )


def build(project, model, monkeypatch):
    """Run one model; return dbt's result and the file the marts go to (the next publication's)."""
    marts_db = project.parent / "publication.duckdb"
    monkeypatch.setattr("orchestration.dbt_runner.DBT_PROJECT_DIR", project)
    env = {"CPB_DUCKDB_PATH": str(project.parent / "keys.duckdb"), "CPB_PUBLICATION_PATH": str(marts_db)}
    result = run_dbt(["run", "-s", model], target_path=project / "target", env=env)
    return result, marts_db


def test_a_filled_mart_has_its_primary_key(project, monkeypatch):
    result, db = build(project, "keyed", monkeypatch)
    assert result.success, result.failures
    with duckdb.connect(str(db), read_only=True) as con:
        keys = con.execute(
            "select constraint_column_names from duckdb_constraints() "
            "where table_name = 'keyed' and constraint_type = 'PRIMARY KEY'"
        ).fetchall()
        stored = con.execute("select cycle_code, party_code, n from marts.keyed").fetchall()
    assert keys == [(["cycle_code", "party_code"],)]
    # stored in the key's order (the insert sorts them, so the key is built in one ordered pass)
    assert stored == [("nr4", "ke", 1), ("nr4", "mx", 2), ("nr5", "ke", 3)]


def test_a_duplicate_key_stops_the_build(project, monkeypatch):
    result, _ = build(project, "keyed_twice", monkeypatch)
    assert not result.success
    (failure,) = result.failures
    assert "model.cpb_indicators.keyed_twice" in failure
    assert "duplicate key" in failure.lower() and "nr4, ke" in failure

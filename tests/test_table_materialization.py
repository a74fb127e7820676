"""The project's table materialization (macros/table_materialization.sql): a model built in one
batch and one transaction, its primary key added once the rows are in (in the key's order), its
descriptions stored as comments where persist_docs asks; a second build replaces the table, and a
failed one leaves the earlier table as it was. Run on a copy of the dbt project's configuration and
macros with small marts of its own, so the real contract, dispatch and materialization are tested."""

import duckdb
import pytest

from orchestration.dbt_runner import run_dbt
from tests.conftest import small_dbt_project

MODELS = """
version: 2
models:
  - name: keyed
    description: Two Parties in nr4, one again in nr5.
    config: {contract: {enforced: true}}
    constraints:
      - type: primary_key
        columns: [cycle_code, party_code]
    columns:
      - {name: cycle_code, data_type: varchar, description: The cycle., constraints: [{type: not_null}]}
      - {name: party_code, data_type: varchar, description: The Party., constraints: [{type: not_null}]}
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

# two Parties in nr4, one of them again in nr5: (cycle, party) is unique; not in the key's order
KEYED = (
    "select * from (values ('nr5', 'ke', 3), ('nr4', 'mx', 2), ('nr4', 'ke', 1)) t(cycle_code, party_code, n)"
)

KEY = (
    "select constraint_column_names from duckdb_constraints() "
    "where table_name = 'keyed' and constraint_type = 'PRIMARY KEY'"
)


@pytest.fixture
def project(tmp_path):
    return small_dbt_project(
        tmp_path,
        "marts",
        {
            "_models.yml": MODELS,
            "keyed.sql": KEYED,
            # the same Party twice in one cycle: the key's one duplicate
            "keyed_twice.sql": "select 'nr4' as cycle_code, 'ke' as party_code from range(2)",
        },
    )


def build(project, model, monkeypatch):
    """Run one model; return dbt's result and the file the marts go to (the next publication's)."""
    marts_db = project.parent / "publication.duckdb"
    monkeypatch.setattr("orchestration.dbt_runner.DBT_PROJECT_DIR", project)
    env = {"CPB_DUCKDB_PATH": str(project.parent / "keys.duckdb"), "CPB_PUBLICATION_PATH": str(marts_db)}
    result = run_dbt(["run", "-s", model], target_path=project / "target", env=env)
    return result, marts_db


def read(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_filled_mart_has_its_primary_key_and_comments(project, monkeypatch):
    result, db = build(project, "keyed", monkeypatch)
    assert result.success, result.failures
    assert read(db, KEY) == [(["cycle_code", "party_code"],)]
    # stored in the key's order (the insert sorts them, so the key is built in one ordered pass)
    assert read(db, "select cycle_code, party_code, n from marts.keyed") == [
        ("nr4", "ke", 1),
        ("nr4", "mx", 2),
        ("nr5", "ke", 3),
    ]
    # the marts persist their docs (dbt_project.yml): the model's and the described columns'
    assert read(db, "select comment from duckdb_tables() where table_name = 'keyed'") == [
        ("Two Parties in nr4, one again in nr5.",)
    ]
    comments = read(
        db,
        "select column_name, comment from duckdb_columns() where table_name = 'keyed' order by column_index",
    )
    assert comments == [("cycle_code", "The cycle."), ("party_code", "The Party."), ("n", None)]
    # one table of that name, nothing left beside it (no temporary or backup table)
    assert read(db, "select table_name from duckdb_tables() order by 1") == [("keyed",)]


def test_a_second_build_replaces_the_table(project, monkeypatch):
    assert build(project, "keyed", monkeypatch)[0].success
    (project / "models" / "marts" / "keyed.sql").write_text(KEYED.replace("('nr5', 'ke', 3), ", ""))
    result, db = build(project, "keyed", monkeypatch)
    assert result.success, result.failures
    assert read(db, "select cycle_code, party_code, n from marts.keyed") == [
        ("nr4", "ke", 1),
        ("nr4", "mx", 2),
    ]
    assert read(db, KEY) == [(["cycle_code", "party_code"],)]


def test_a_failed_build_leaves_the_earlier_table(project, monkeypatch):
    assert build(project, "keyed", monkeypatch)[0].success
    # the same model now gives a duplicate key: drop, create, insert and key are one transaction
    (project / "models" / "marts" / "keyed.sql").write_text(KEYED.replace("'nr5'", "'nr4'"))
    result, db = build(project, "keyed", monkeypatch)
    assert not result.success
    assert read(db, "select cycle_code, party_code, n from marts.keyed") == [
        ("nr4", "ke", 1),
        ("nr4", "mx", 2),
        ("nr5", "ke", 3),
    ]


def test_a_duplicate_key_stops_the_build(project, monkeypatch):
    result, _ = build(project, "keyed_twice", monkeypatch)
    assert not result.success
    (failure,) = result.failures
    assert "model.cpb_indicators.keyed_twice" in failure
    assert "duplicate key" in failure.lower() and "nr4, ke" in failure

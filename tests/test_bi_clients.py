"""The publication as BI tools read it: DuckDB 1.x clients, SQLAlchemy, pandas and polars on Parquet.

The README's "Querying the marts" SQL runs in each, with the same rows as the pinned client.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from tests.conftest import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text()
QUERYING = README.split("## Querying the marts", 1)[1].split("\n## ", 1)[0]
STATEMENTS = [
    s.strip()
    for b in re.findall(r"```sql\n(.*?)```", QUERYING, flags=re.S)
    for s in b.split(";")
    if s.strip()
]
# 1.4.4: the client the Evidence node package embeds. 1.1.0: the oldest that opens the file; DuckDB
# 1.0.x cannot read the primary-key indexes that DuckDB 2.0 writes even in the v1.0.0 format (the
# same table written by DuckDB 1.4.4 in that format opens in 1.0.0), see README "Querying the marts".
DUCKDB_1X = ["1.1.0", "1.4.4"]


@pytest.fixture(scope="session", params=DUCKDB_1X)
def duckdb1_python(request) -> tuple[str, Path]:
    """A separate, cached environment with a DuckDB 1.x client (created once, beside .venv)."""
    version = request.param
    env = PROJECT_DIR / ".venv" / f"duckdb-{version}"
    python = env / "bin" / "python"
    if not (env / ".ready").is_file():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(env)], check=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                f"duckdb=={version}",
            ],
            check=True,
        )
        (env / ".ready").write_text(version)
    return version, python


def rows_as_text(rows) -> list[list[str]]:
    return [[str(v) for v in row] for row in rows]


def test_the_readme_queries_run_in_a_duckdb_1x_client_with_the_same_rows(embedded_run, duckdb1_python):
    version, python = duckdb1_python
    assert len(STATEMENTS) >= 3
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(json.dumps({'version': duckdb.__version__, 'rows': "
        "[[[str(v) for v in r] for r in con.execute(q).fetchall()] for q in json.loads(sys.argv[2])]}))\n"
    )
    out = subprocess.run(
        [str(python), "-c", script, str(embedded_run.published_db), json.dumps(STATEMENTS)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout)
    assert result["version"] == version
    for sql, rows in zip(STATEMENTS, result["rows"], strict=True):
        assert rows, f"no rows in DuckDB {version}:\n{sql}"
        assert rows == rows_as_text(embedded_run.query(sql)), sql


def test_every_published_table_and_column_carries_its_description(embedded_run):
    tables = embedded_run.query("select table_name, comment from duckdb_tables() where schema_name = 'marts'")
    assert len(tables) >= 9 and all(comment and comment.strip() for _, comment in tables), tables
    blank = embedded_run.query(
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'marts' and coalesce(trim(comment), '') = ''"
    )
    assert blank == []
    keys = dict(
        embedded_run.query(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where schema_name = 'marts' and constraint_type = 'PRIMARY KEY'"
        )
    )
    assert keys["indicator_status"] == ["indicator_code", "cycle_code", "region_code"]
    assert keys["dim_party"] == ["party_code"]


def test_each_table_is_a_parquet_folder_with_its_columns_types_and_descriptions(embedded_run):
    parquet = embedded_run.warehouse_dir / "published" / "parquet"
    for (table,) in embedded_run.query("select table_name from duckdb_tables() where schema_name = 'marts'"):
        columns = embedded_run.query(
            "select column_name, data_type from duckdb_columns() "
            "where schema_name = 'marts' and table_name = ? order by column_index",
            [table],
        )
        (count,) = embedded_run.query(f"select count(*) from marts.{table}")[0]
        frame = pd.read_parquet(parquet / table)  # the folder: this table only
        assert list(frame.columns) == [c for c, _ in columns] and len(frame) == count, table
        schema = pq.read_schema(next((parquet / table).glob("*.parquet")))
        for name, data_type in columns:
            field = schema.field(name)
            assert field.metadata and field.metadata[b"description"].strip(), (table, name)
            if data_type in ("BIGINT", "INTEGER"):
                assert str(field.type).startswith("int"), (table, name, field.type)
    by_polars = pl.read_parquet(parquet / "indicator_status" / "*.parquet")
    assert by_polars.height == embedded_run.query("select count(*) from marts.indicator_status")[0][0]
    assert by_polars.schema["n_met"] == pl.Int64


def test_sqlalchemy_with_duckdb_engine_lists_the_marts_and_runs_the_readme_queries(embedded_run):
    expected = [rows_as_text(embedded_run.query(sql)) for sql in STATEMENTS]  # one configuration per file
    engine = sa.create_engine(f"duckdb:///{embedded_run.published_db}?access_mode=read_only")
    try:
        with engine.connect() as con:
            inspector = sa.inspect(con)
            names = inspector.get_table_names(schema="marts")
            assert {"indicator_status", "indicator_progress", "dim_party", "fct_quarantine"} <= set(names)
            assert inspector.get_table_comment("indicator_status", schema="marts")["text"]
            columns = inspector.get_columns("indicator_status", schema="marts")
            assert all(c.get("comment") for c in columns), columns
            for sql, rows in zip(STATEMENTS, expected, strict=True):
                assert rows_as_text(con.execute(sa.text(sql)).fetchall()) == rows, sql
    finally:
        engine.dispose()


def test_the_dbt_docs_site_is_published(embedded_run):
    page = embedded_run.warehouse_dir / "published" / "docs" / "index.html"
    assert page.is_file() and "indicator_progress" in page.read_text()


def test_the_manifest_says_what_was_published_from_what(embedded_run):
    manifest = json.loads((embedded_run.warehouse_dir / "published" / "manifest.json").read_text())
    assert manifest["snapshot_id"] == "20260701T000000Z-synthetic" and manifest["source"] == "embedded"
    assert manifest["publication_id"] and manifest["published_at"] and manifest["code_version"]
    assert (
        manifest["tables"]["indicator_status"]
        == embedded_run.query("select count(*) from marts.indicator_status")[0][0]
    )
    assert manifest["validation"] == {"result": "passed", "data_docs": "quality/index.html"}
    assert (embedded_run.warehouse_dir / "published" / manifest["validation"]["data_docs"]).is_file()
    assert (
        manifest["quarantine"]["total"]
        == embedded_run.query("select count(*) from marts.fct_quarantine")[0][0]
    )
    assert manifest["overrides"] == {"force": False, "accept_changes": False, "cutoff_date": None}

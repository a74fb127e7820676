"""Every dbt model and seed, and every column it builds, is described in YAML."""

import json
from pathlib import Path

from orchestration.assets.transform import ensure_manifest


def test_every_model_seed_and_column_is_documented(embedded_run):
    nodes = json.loads(Path(ensure_manifest()).read_text())["nodes"].values()
    # staging and intermediate stay in the build file; the marts' file was published
    built = {}
    for db in (embedded_run.warehouse_dir / "build" / "cpb_indicators.duckdb", embedded_run.published_db):
        for schema, table, column in embedded_run.query(
            "select table_schema, table_name, column_name from information_schema.columns", db=db
        ):
            built.setdefault((schema, table), []).append(column)
    missing = []
    for node in nodes:
        if node["resource_type"] not in ("model", "seed"):
            continue
        if not node["description"].strip():
            missing.append(f"{node['name']}: no description")
        documented = {name for name, column in node["columns"].items() if column["description"].strip()}
        columns = built.get((node["schema"], node["alias"]), [])
        assert columns, f"{node['name']} was not built into {node['schema']}"
        missing += [f"{node['name']}.{c}" for c in columns if c not in documented]
    assert not missing, "undocumented in YAML:\n" + "\n".join(missing)


def test_published_docs_show_each_models_compiled_sql(embedded_run):
    """The docs page is generated from the build's manifest without compiling again (--no-compile):
    the SQL dbt ran must still be on it, every ref resolved to a table of the build."""
    page = (embedded_run.warehouse_dir / "published" / "docs" / "index.html").read_text()
    start = page.index('manifest:{"metadata"') + len("manifest:")
    manifest, _ = json.JSONDecoder().raw_decode(page, start)
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    assert len(models) >= 40
    not_compiled = [name for name, n in models.items() if not n.get("compiled_code")]
    assert not not_compiled, f"no compiled SQL on the docs page for {not_compiled}"
    status = models["indicator_status"]["compiled_code"]
    assert "{{" not in status and "ref(" not in status
    assert '"intermediate"."int_indicator_shares"' in status

"""Stage 3, transform: the dbt project (staging -> intermediate -> marts) as Dagster assets.

dbt builds into a fresh private DuckDB file every run (``warehouse/build/``); only the publish
stage writes what BI tools read. dbt tests become Dagster asset checks through dagster-dbt.
"""

import json
import os
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from functools import cache
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.assets.raw import current_snapshot
from orchestration.crosswalk import REFERENCE_CYCLE
from orchestration.landing import landing_path
from orchestration.progress import say
from orchestration.resources import SettingsResource
from orchestration.settings import PROJECT_DIR, Settings
from orchestration.snapshot import Snapshot
from orchestration.sql import sql_escape

DBT_PROJECT = DbtProject(project_dir=PROJECT_DIR / "dbt_project", profiles_dir=PROJECT_DIR / "dbt_project")
DBT_EXECUTABLE = str(Path(sys.executable).with_name("dbt"))  # the venv's dbt, activated or not


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(
        project_dir=DBT_PROJECT, profiles_dir=str(DBT_PROJECT.profiles_dir), dbt_executable=DBT_EXECUTABLE
    )


PROJECT_FILE_GLOBS = (
    "dbt_project.yml",
    "profiles.yml",
    "models/**/*",
    "seeds/**/*",
    "macros/**/*",
    "tests/**/*",
)


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Run ``dbt parse`` when the manifest is missing or older than a file of the dbt project."""
    manifest = Path(project.manifest_path)
    root = Path(project.project_dir)
    newest = max(
        (p.stat().st_mtime for g in PROJECT_FILE_GLOBS for p in root.glob(g) if p.is_file()), default=0
    )
    if not manifest.is_file() or manifest.stat().st_mtime < newest:
        dbt_resource().cli(["parse", "--quiet"], target_path=manifest.parent).wait()
    return manifest


def layer(props: Mapping) -> str:
    """The dbt folder (staging, intermediate, marts) of a model; seeds are reference data."""
    return "reference" if props["resource_type"] == "seed" else props["fqn"][1]


class LayerTranslator(DagsterDbtTranslator):
    """Asset keys and groups follow the dbt folders, so the Dagster UI shows the repository's layers."""

    def get_asset_key(self, dbt_resource_props: Mapping) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return AssetKey([layer(dbt_resource_props), dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping) -> str | None:
        return layer(dbt_resource_props)


@cache
def mart_names() -> list[str]:
    """The published tables: every model in models/marts."""
    nodes = json.loads(Path(ensure_manifest()).read_text())["nodes"].values()
    return sorted(n["name"] for n in nodes if n["resource_type"] == "model" and n["fqn"][1] == "marts")


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """dbt reads the DuckDB path from its profile's env_var; set it only for this invocation."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


def run_vars(cfg: Settings, snapshot: Snapshot) -> dict:
    """The dbt ``--vars`` of a run on ``snapshot``: where its raw and landed files are, and the cutoffs."""
    # the dbt sources (and an error message) put these paths inside SQL string literals
    return {
        "snapshot_dir": sql_escape(snapshot.path),
        "landing_dir": sql_escape(landing_path(cfg.landing_dir, snapshot)),
        "reference_dir": sql_escape(cfg.landing_dir / "reference"),
        "reference_cycle": REFERENCE_CYCLE,
        "cutoff_overrides": {k: v.isoformat() for k, v in cfg.cutoff_overrides().items()},
    }


@dbt_assets(manifest=ensure_manifest(), project=DBT_PROJECT, dagster_dbt_translator=LayerTranslator())
def cpb_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, settings: SettingsResource):
    cfg = settings.get()
    dbt_vars = run_vars(cfg, current_snapshot(cfg))
    cfg.build_db.parent.mkdir(parents=True, exist_ok=True)
    cfg.build_db.unlink(missing_ok=True)  # a fresh build: no table survives from an earlier run
    shutil.rmtree(cfg.quality_dir, ignore_errors=True)  # and its validation starts afresh
    log_path = cfg.build_db.with_name("dbt.log")
    say(context, "transform", f"dbt build -> {cfg.build_db} (log: {log_path})")
    started = time.monotonic()
    results: dict[str, int] = {}
    # dagster-dbt echoes every dbt log line to stdout; keep them in a file, print a summary.
    with _environment(CPB_DUCKDB_PATH=str(cfg.build_db)), open(log_path, "w") as log:
        with redirect_stdout(log):
            invocation = dbt.cli(
                ["build", "--vars", json.dumps(dbt_vars)],
                context=context,
                raise_on_error=False,
                # one fixed folder: dagster-dbt's default is a new 5 MB folder per run in dbt_project/
                target_path=cfg.build_db.parent / "dbt_target",
            )
            for event in invocation.stream():
                kind = "tests" if type(event).__name__ == "AssetCheckResult" else "models and seeds"
                results[kind] = results.get(kind, 0) + 1
                yield event
        error = invocation.get_error()
    if error is not None:
        causes = failed_nodes(cfg.build_db.parent / "dbt_target" / "run_results.json")
        raise RuntimeError(f"dbt build failed (full log: {log_path}):\n" + ("\n".join(causes) or str(error)))
    summary = ", ".join(f"{n} {kind}" for kind, n in sorted(results.items()))
    say(context, "transform", f"dbt build done in {time.monotonic() - started:.1f} s: {summary}")
    with _environment(CPB_DUCKDB_PATH=str(cfg.build_db)), open(log_path, "a") as log, redirect_stdout(log):
        write_docs_site(dbt, dbt_vars, cfg.build_db.parent / "dbt_target", cfg.build_docs_dir)
    say(context, "transform", f"dbt docs -> {cfg.build_docs_dir / 'index.html'}")


def write_docs_site(dbt: DbtCliResource, dbt_vars: dict, target_path: Path, out_dir: Path) -> None:
    """The dbt docs of this build as one self-contained page (``--static``), published as docs/."""
    dbt.cli(["docs", "generate", "--static", "--vars", json.dumps(dbt_vars)], target_path=target_path).wait()
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target_path / "static_index.html", out_dir / "index.html")


def failed_nodes(run_results: Path, limit: int = 10) -> list[str]:
    """The real causes of a failed dbt build: each failing node and dbt's message (the DuckDB error)."""
    if not run_results.is_file():
        return []
    results = json.loads(run_results.read_text())["results"]
    failed = [r for r in results if r["status"] in ("error", "fail")]
    lines = [
        f"  {r['unique_id']}: {' '.join((r.get('message') or r['status']).split())}" for r in failed[:limit]
    ]
    if len(failed) > limit:
        lines.append(f"  ... and {len(failed) - limit} more")
    return lines

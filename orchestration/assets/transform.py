"""Stage 3, transform: the dbt project (staging -> intermediate -> marts) as Dagster assets.

dbt builds into a fresh private DuckDB file every run (``warehouse/build/``); only the publish
stage writes what BI tools read. dbt runs in this process (:mod:`orchestration.dbt_runner`); its
results become Dagster materialisations and, for dbt tests, asset checks through dagster-dbt.

The dbt sources read the snapshot through a fixed link, ``warehouse/build/inputs/snapshot``,
re-pointed at the one in use before dbt runs: the ``--vars`` stay the same from run to run, so
dbt's parse of the project is reused until a project file changes (a path in the vars would make
every new snapshot a full re-parse). Any source under ``var('snapshot_dir')`` is covered, whatever
file it reads.
"""

import json
import os
import shutil
import time
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets
from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration import heap_frozen, worker
from orchestration.assets.raw import current_snapshot
from orchestration.crosswalk import REFERENCE_CYCLE
from orchestration.dbt_runner import DBT_PROJECT_DIR, DbtStream, run_dbt
from orchestration.progress import say
from orchestration.resources import SettingsResource
from orchestration.settings import Settings
from orchestration.snapshot import Snapshot
from orchestration.sql import sql_escape

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# What a refresh builds: dbt_project/selectors.yml's `refresh`, every seed, model and data test but
# the repository's own checks (dbt's unit tests, the tests of seeds alone). Their outcome changes
# with the code and the seeds, not with a snapshot: dbt's docs advise running unit tests in
# development and CI, not in production. `make test` runs them (tests/test_repository_checks.py),
# as does `cpb dbt build` by hand; a refresh saves their nodes.
REFRESH_BUILD = ["build", "--selector", "refresh"]

PROJECT_FILE_GLOBS = (
    "dbt_project.yml",
    "profiles.yml",
    "selectors.yml",
    "models/**/*",
    "seeds/**/*",
    "macros/**/*",
    "tests/**/*",
)


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Parse the project when the manifest is missing or older than a file of the dbt project."""
    manifest = Path(project.manifest_path)
    root = Path(project.project_dir)
    newest = max(
        (p.stat().st_mtime for g in PROJECT_FILE_GLOBS for p in root.glob(g) if p.is_file()), default=0
    )
    if not manifest.is_file() or manifest.stat().st_mtime < newest:
        parsed = run_dbt(["parse"], target_path=manifest.parent, log_dir=root / "logs")
        parsed.raise_for_failure("parse", root / "logs" / "dbt.log")
    return manifest


def layer(props: Mapping) -> str:
    """The dbt folder (staging, intermediate, marts) of a model; seeds are reference data."""
    return "reference" if props["resource_type"] == "seed" else props["fqn"][1]


def is_seed_only_test(manifest: Mapping, unique_id: str) -> bool:
    """A data test that reads seeds alone: one of dbt_project/selectors.yml's ``repository_checks``
    (with dbt's unit tests, which Dagster does not make checks of), which a refresh does not run."""
    parents = manifest["nodes"][unique_id]["depends_on"]["nodes"]  # a source is not among "nodes"
    return bool(parents) and all(manifest["nodes"].get(p, {}).get("resource_type") == "seed" for p in parents)


class LayerTranslator(DagsterDbtTranslator):
    """Asset keys and groups follow the dbt folders, so the Dagster UI shows the repository's layers;
    it shows as checks the dbt tests a refresh runs, not the repository's own (``is_seed_only_test``).

    dagster-dbt's own ``exclude`` cannot leave those out: dbt's eager indirect selection would drop
    the test of a staging model against a seed with them, and its ``selector=`` fails on dbt's
    cautious selection (``TypeError`` at import)."""

    def get_asset_key(self, dbt_resource_props: Mapping) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed"):
            return AssetKey([layer(dbt_resource_props), dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping) -> str | None:
        return layer(dbt_resource_props)

    def get_asset_check_spec(self, asset_spec, manifest: Mapping, unique_id: str, project):
        if is_seed_only_test(manifest, unique_id):
            return None
        return super().get_asset_check_spec(asset_spec, manifest, unique_id, project)


@cache
def mart_names() -> list[str]:
    """The published tables: every model in models/marts."""
    nodes = json.loads(Path(ensure_manifest()).read_text())["nodes"].values()
    return sorted(n["name"] for n in nodes if n["resource_type"] == "model" and n["fqn"][1] == "marts")


def inputs_dir(cfg: Settings) -> Path:
    return cfg.build_db.parent / "inputs"


def run_vars(cfg: Settings) -> dict:
    """The dbt ``--vars``: fixed paths to the inputs (see the module's docstring), and the cutoffs."""
    # the dbt sources (and an error message) put these paths inside SQL string literals
    return {
        "snapshot_dir": sql_escape(inputs_dir(cfg) / "snapshot"),
        "reference_dir": sql_escape(cfg.reference_dir),
        "reference_cycle": REFERENCE_CYCLE,
        "max_response_bytes": cfg.http_max_response_bytes,
        "cutoff_overrides": {k: v.isoformat() for k, v in cfg.cutoff_overrides().items()},
    }


def link_inputs(cfg: Settings, snapshot: Snapshot) -> dict[str, str]:
    """Point the fixed input link at ``snapshot``; return dbt's environment.

    The environment names the build's two files (the profile's path and its attached publication
    file) and the snapshot id (the lineage of BCH records and error messages, escaped for a SQL
    literal).
    """
    link = inputs_dir(cfg) / "snapshot"
    link.parent.mkdir(parents=True, exist_ok=True)
    staged = link.with_name(".snapshot.link")
    staged.unlink(missing_ok=True)
    staged.symlink_to(snapshot.path.resolve(), target_is_directory=True)
    os.replace(staged, link)  # atomic: a reader sees the old snapshot or the new one
    return {
        "CPB_DUCKDB_PATH": str(cfg.build_db),
        "CPB_PUBLICATION_PATH": str(cfg.next_publication_db),
        "CPB_SNAPSHOT_ID": sql_escape(snapshot.snapshot_id),
    }


@dbt_assets(manifest=ensure_manifest(), project=DBT_PROJECT, dagster_dbt_translator=LayerTranslator())
def cpb_dbt_models(context: AssetExecutionContext, settings: SettingsResource):
    cfg = settings.get()
    snapshot = current_snapshot(cfg)
    env = link_inputs(cfg, snapshot)
    cfg.build_db.parent.mkdir(parents=True, exist_ok=True)
    for db in (cfg.build_db, cfg.next_publication_db):  # a fresh build: no table survives an earlier run
        for path in (db, db.with_name(db.name + ".wal")):
            path.unlink(missing_ok=True)
    for folder in (cfg.quality_dir, cfg.build_report_dir):  # nor does a validation or a report
        shutil.rmtree(folder, ignore_errors=True)
    target = cfg.build_db.parent / "dbt_target"  # one fixed folder: it keeps dbt's parse between runs
    log = target.parent / "dbt.log"
    say(context, "transform", f"dbt build -> {cfg.build_db}, marts -> {cfg.next_publication_db} (log: {log})")
    worker.start()  # started already by `cpb refresh`; for a run Dagster launched, GX loads while dbt builds
    started = time.monotonic()
    # the parse is handed to the build in memory: its manifest.json, which the build writes again, is
    # not written (0.1 s)
    parsed = run_dbt(["parse", "--no-write-json"], target_path=target, dbt_vars=run_vars(cfg), env=env)
    parsed.raise_for_failure("parse", log)
    say(context, "transform", f"dbt parse done in {time.monotonic() - started:.1f} s")
    # what is loaded by now (Dagster, dbt, the parsed project) lives to the run's end: no pass walks it
    with heap_frozen():
        started = time.monotonic()
        build = DbtStream(
            REFRESH_BUILD, target_path=target, dbt_vars=run_vars(cfg), env=env, manifest=parsed.manifest
        )
        # dbt's node results as they come, translated as dagster-dbt translates its subprocess's log lines
        manifest, translator, _ = get_manifest_and_translator_from_dbt_assets([context.assets_def])
        results: dict[str, int] = {}
        for raw in build:
            event = DbtCoreCliEventMessage(raw_event=raw, event_history_metadata={})
            for dagster_event in event.to_default_asset_events(
                manifest, translator, context, target, DBT_PROJECT
            ):
                kind = "tests" if type(dagster_event).__name__ == "AssetCheckResult" else "models and seeds"
                results[kind] = results.get(kind, 0) + 1
                yield dagster_event
        names = {f"{inputs_dir(cfg) / 'snapshot'}/": f"snapshot {snapshot.snapshot_id}, file "}
        build.result.raise_for_failure(f"build of snapshot {snapshot.snapshot_id}", log, names)
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(results.items()))
        say(context, "transform", f"dbt build done in {time.monotonic() - started:.1f} s: {summary}")
        started = time.monotonic()
        write_docs_site(env, run_vars(cfg), target, parsed.manifest, cfg.build_docs_dir, log)
        say(
            context,
            "transform",
            f"dbt docs -> {cfg.build_docs_dir / 'index.html'} in {time.monotonic() - started:.1f} s",
        )


def write_docs_site(env: dict, dbt_vars: dict, target_path: Path, manifest, out_dir: Path, log: Path) -> None:
    """The dbt docs of this build as one self-contained page (``--static``), published as docs/.

    ``manifest`` is the one ``dbt build`` just ran, which holds every node's compiled SQL by now, so
    ``--no-compile`` skips compiling the project a second time (issue 15: 5-8 s -> under 1 s); the
    page still shows each model's compiled code.
    """
    docs = run_dbt(
        ["docs", "generate", "--static", "--no-compile"],
        target_path=target_path,
        dbt_vars=dbt_vars,
        env=env,
        manifest=manifest,
    )
    docs.raise_for_failure("docs generate", log)
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(target_path / "static_index.html", out_dir / "index.html")

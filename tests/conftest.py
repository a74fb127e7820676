"""Shared fixtures: run the real pipeline (CLI -> Dagster in-process -> dbt -> DuckDB) on a temp tree."""

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import cli

PROJECT_DIR = Path(__file__).resolve().parents[1]


def pytest_configure(config):
    """Parse the dbt project once, before the xdist workers start: each worker imports the Dagster
    definitions, which parse it when the manifest is stale, and two parses would write one file."""
    if not hasattr(config, "workerinput"):
        from orchestration.assets.transform import ensure_manifest

        ensure_manifest()


class Pipeline:
    """Runs ``cpb`` with its raw and warehouse folders under a temporary directory."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch):
        self.root = root
        self.raw_dir = root / "raw"
        self.source_dir = self.raw_dir / "embedded"
        self.warehouse_dir = root / "warehouse"
        self.published_db = self.warehouse_dir / "published" / "cpb_indicators.duckdb"
        monkeypatch.setenv("CPB_RAW_DIR", str(self.raw_dir))
        monkeypatch.setenv("CPB_WAREHOUSE_DIR", str(self.warehouse_dir))
        monkeypatch.delenv("CPB_SOURCE", raising=False)
        monkeypatch.delenv("CPB_CUTOFF_DATE", raising=False)
        monkeypatch.delenv("DAGSTER_HOME", raising=False)

    def refresh(self, *args: str) -> int:
        return cli.main(["refresh", *args])

    def query(self, sql: str, params=None, db: Path | None = None) -> list[tuple]:
        with duckdb.connect(str(db or self.published_db), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()


def small_dbt_project(root: Path, layer: str, files: dict[str, str]) -> Path:
    """A dbt project of its own under ``root``: the warehouse's configuration (contracts, dispatch,
    hooks, profile) and macros, with ``files`` (name -> text) as its models in ``models/<layer>/``."""
    project = root / "dbt_project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / "dbt_project" / name, project / name)
    shutil.copytree(PROJECT_DIR / "dbt_project" / "macros", project / "macros")
    models = project / "models" / layer
    models.mkdir(parents=True)
    for name, text in files.items():
        (models / name).write_text(text)
    return project


@pytest.fixture
def pipeline(tmp_path, monkeypatch) -> Pipeline:
    return Pipeline(tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def embedded_run(tmp_path_factory) -> Pipeline:
    """One pipeline run on the committed embedded snapshot, shared by the tests that read its marts."""
    root = tmp_path_factory.mktemp("embedded")
    shutil.copytree(PROJECT_DIR / "raw" / "embedded", root / "raw" / "embedded")
    with pytest.MonkeyPatch.context() as mp:
        run = Pipeline(root, mp)
        assert run.refresh() == 0
    return run

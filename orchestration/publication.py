"""Publication: copy validated marts into a new DuckDB file, Parquet and Data Docs, then swap them in.

The DuckDB file is renamed over the previous one in a single ``os.replace``: a BI tool holding the
old file open keeps reading the old inode, never a half-written file, and never blocks a refresh.
``publication.json`` records what was published and the fingerprint of the inputs, so an
unchanged refresh can stop early.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

import duckdb

from orchestration.landing import LANDING_VERSION
from orchestration.settings import Settings
from orchestration.snapshot import Snapshot, utc_now

PUBLICATION_FILE = "publication.json"
FINGERPRINT_GLOBS = (
    "dbt_project/**/*",
    "expectations/**/*.py",
    "expectations/**/*.json",
    "orchestration/**/*.py",
)
IGNORED_PARTS = {"target", "logs", "__pycache__", "dbt_packages"}


def fingerprint(settings: Settings, snapshot: Snapshot) -> str:
    """Checksum of everything a publication depends on: the snapshot, the code and data files, config."""
    digest = hashlib.sha256()
    digest.update(f"{snapshot.content_sha256()}|{settings.cutoff_date}|{LANDING_VERSION}\n".encode())
    for pattern in FINGERPRINT_GLOBS:
        for path in sorted(settings.project_dir.glob(pattern)):
            if path.is_file() and not IGNORED_PARTS.intersection(
                path.relative_to(settings.project_dir).parts
            ):
                digest.update(f"{path.relative_to(settings.project_dir)}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_publication(published_dir: Path) -> dict | None:
    path = Path(published_dir) / PUBLICATION_FILE
    return json.loads(path.read_text()) if path.is_file() else None


def unchanged_publication(settings: Settings, snapshot: Snapshot) -> dict | None:
    """The current publication if it was built from this snapshot with this code and configuration.

    The refresh job's raw stage stops the run when it is (nothing downstream is rebuilt); the CLI asks
    the same before it even imports Dagster.
    """
    current = read_publication(settings.published_dir)
    if (
        current
        and settings.published_db.is_file()
        and current.get("fingerprint") == fingerprint(settings, snapshot)
    ):
        return current
    return None


def unchanged_message(settings: Settings, snapshot: Snapshot, current: dict) -> str:
    return (
        f"Unchanged: snapshot {snapshot.snapshot_id} with this code and configuration is already published "
        f"({settings.published_db}, {current['published_at']}); nothing rebuilt (force to rebuild)."
    )


def publish(
    build_db: Path, published_dir: Path, tables: list[str], info: dict, report=None, quality_site=None
) -> dict:
    """Copy ``marts.<tables>`` of ``build_db`` to ``published_dir`` atomically; return the record.

    ``report(db_path, record) -> str``, if given, writes ``report.md`` from the new file;
    ``quality_site``, the Data Docs of this build's validation, becomes ``quality/``.
    """
    published_dir = Path(published_dir)
    published_dir.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:12]
    new_db = published_dir / f".cpb_indicators.{token}.duckdb"
    new_parquet = published_dir / f".parquet.{token}"
    new_quality = published_dir / f".quality.{token}"
    new_parquet.mkdir()
    rows = {}
    try:
        with duckdb.connect(str(new_db)) as con:
            con.execute(f"attach '{build_db}' as build (read_only)")
            con.execute("create schema marts")
            for table in tables:
                con.execute(f"create table marts.{table} as select * from build.marts.{table}")
                con.execute(f"copy marts.{table} to '{new_parquet / (table + '.parquet')}' (format parquet)")
                rows[table] = con.execute(f"select count(*) from marts.{table}").fetchone()[0]
            con.execute("detach build")
        record = {**info, "published_at": utc_now(), "tables": rows}
        report_text = report(new_db, record) if report else None
        if quality_site is not None:
            shutil.copytree(quality_site, new_quality)
        os.replace(new_db, published_dir / "cpb_indicators.duckdb")  # the commit point
    except BaseException:
        new_db.unlink(missing_ok=True)
        shutil.rmtree(new_parquet, ignore_errors=True)
        shutil.rmtree(new_quality, ignore_errors=True)
        raise
    _swap_dir(new_parquet, published_dir / "parquet")
    if quality_site is not None:
        _swap_dir(new_quality, published_dir / "quality")
    if report_text is not None:
        _write_text(published_dir / "report.md", report_text)
    _write_text(published_dir / PUBLICATION_FILE, json.dumps(record, indent=2) + "\n")
    return record


def _swap_dir(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)

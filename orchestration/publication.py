"""Publication: the validated marts' file moved in beside its Parquet, docs and report, swapped in at once.

dbt builds the marts into a file of their own (``warehouse/build/publication.duckdb``, in the
storage format BI clients read); publishing moves that file, so no row is copied from DuckDB to
DuckDB. It is renamed over the previous publication in a single ``os.replace``: a BI tool holding
the old file open keeps reading the old inode, never a half-written file, and never blocks a refresh.
``manifest.json`` records what was published and the fingerprint of the inputs, so an
unchanged refresh can stop early.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from orchestration.settings import Settings
from orchestration.snapshot import Snapshot, utc_now

PUBLICATION_FILE = "manifest.json"
FINGERPRINT_GLOBS = (
    "dbt_project/**/*",
    "expectations/**/*.py",
    "expectations/**/*.json",
    "orchestration/**/*.py",
    "orchestration/**/*.j2",  # the report's templates
)
IGNORED_PARTS = {"target", "logs", "__pycache__", "dbt_packages"}


def fingerprint(settings: Settings, snapshot: Snapshot) -> str:
    """Checksum of everything a publication depends on: the snapshot, the code and data files, config.

    The code is hashed as text (a staging rule changed is a changed file), so this module imports no
    stage: an unchanged refresh answers without loading DuckDB, Arrow or dbt.
    """
    digest = hashlib.sha256()
    digest.update(f"{snapshot.content_sha256()}|{settings.cutoff_date}\n".encode())
    for pattern in FINGERPRINT_GLOBS:
        for path in sorted(settings.project_dir.glob(pattern)):
            if path.is_file() and not IGNORED_PARTS.intersection(
                path.relative_to(settings.project_dir).parts
            ):
                digest.update(f"{path.relative_to(settings.project_dir)}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_version(project_dir: Path) -> str:
    """The git commit of the code that built a publication (``+dirty`` with local changes), if known."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(project_dir), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(project_dir), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return (commit + ("+dirty" if dirty else "")) if commit else "unknown"


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


def remove_abandoned_publications(published_dir: Path) -> None:
    """Remove the new DuckDB files and folders that killed publications never swapped in.

    publish() runs inside the refresh job, which holds the warehouse lock for the whole run, so no
    other publication is writing here: every such temporary name is a dead run's.
    """
    for path in Path(published_dir).glob(".cpb_indicators.*"):
        path.unlink(missing_ok=True)
    for pattern in (".parquet.*", ".docs.*", ".quality.*", ".report.*"):
        for path in Path(published_dir).glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


def publish(
    marts_db: Path,
    published_dir: Path,
    tables: list[str],
    info: dict,
    report=None,
    sites: Mapping[str, Path] | None = None,
) -> dict:
    """Move ``marts_db``, the file dbt built the marts into, to ``published_dir``; return the record.

    The file is already what BI tools read (schema ``marts``, the contracts' types, constraints,
    keys and comments, the oldest storage format they open), so it is published as it is: moved,
    not copied, and each of ``tables`` written to Parquet from it. ``report(db_path, record) -> str``,
    if given, writes ``report.md`` from the new file. ``sites`` maps a folder name of the publication
    to the folder of this build that becomes it: the dbt docs (``docs``), the Data Docs of the
    validation (``quality``), the HTML report and spreadsheets (``report``). If any of it fails, the
    file goes back to the build and the previous publication stays.
    """
    marts_db, published_dir = Path(marts_db), Path(published_dir)
    wal = marts_db.with_name(marts_db.name + ".wal")
    if wal.exists():  # rows dbt has not checkpointed into the file: moving it alone would lose them
        raise RuntimeError(
            f"{marts_db} has a write-ahead log ({wal.name}): open it in DuckDB once, then publish"
        )
    published_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned_publications(published_dir)
    token = uuid.uuid4().hex[:12]
    new_db = published_dir / f".cpb_indicators.{token}.duckdb"
    new_parquet = published_dir / f".parquet.{token}"
    sites = dict(sites or {})
    new_sites = {name: published_dir / f".{name}.{token}" for name in sites}
    new_parquet.mkdir()
    shutil.move(marts_db, new_db)  # a rename when build/ and published/ share a file system
    try:
        rows = _write_parquet(new_db, new_parquet, tables)
        record = {"publication_id": token, **info, "published_at": utc_now(), "tables": rows}
        report_text = report(new_db, record) if report else None
        for name, site in sites.items():
            shutil.copytree(site, new_sites[name])
        os.replace(new_db, published_dir / "cpb_indicators.duckdb")  # the commit point
    except BaseException:
        shutil.move(new_db, marts_db)  # the build keeps its marts for inspection
        for folder in (new_parquet, *new_sites.values()):
            shutil.rmtree(folder, ignore_errors=True)
        raise
    _swap_link(new_parquet, published_dir / "parquet")
    for name, folder in new_sites.items():
        _swap_dir(folder, published_dir / name)
    if report_text is not None:
        _write_text(published_dir / "report.md", report_text)
    _write_text(published_dir / PUBLICATION_FILE, json.dumps(record, indent=2) + "\n")
    return record


def _write_parquet(db: Path, folder: Path, tables: list[str]) -> dict[str, int]:
    """One Parquet folder per table of ``marts`` in ``db``; returns each table's row count.

    Each field carries its column's comment as its description, and the file the table's.
    Two tables are written at a time: DuckDB and Arrow both work outside Python's lock.
    """
    import duckdb  # here, not at the top: the unchanged path of `cpb refresh` never loads it

    with duckdb.connect(str(db), read_only=True) as con, ThreadPoolExecutor(max_workers=2) as pool:
        written = [pool.submit(_write_table, con.cursor(), table, folder / table) for table in tables]
        return {table: done.result() for table, done in zip(tables, written, strict=True)}


def _write_table(con, table: str, folder: Path) -> int:
    """``marts.<table>`` on ``con`` (a cursor of its own, which this closes) to ``folder``; its rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir()
    with con:
        where = "database_name = current_database() and schema_name = 'marts' and table_name = ?"
        (comment,) = con.execute(f"select comment from duckdb_tables() where {where}", [table]).fetchone()
        columns = con.execute(f"select column_name, comment from duckdb_columns() where {where}", [table])
        descriptions = dict(columns.fetchall())
        reader = con.sql(f"select * from marts.{table}").to_arrow_reader(100_000)
        schema = pa.schema(
            [f.with_metadata({"description": descriptions[f.name] or ""}) for f in reader.schema],
            metadata={"description": comment or "", "table": f"marts.{table}"},
        )
        rows = 0
        with pq.ParquetWriter(folder / f"{table}.parquet", schema) as writer:
            for batch in reader:
                writer.write_batch(pa.RecordBatch.from_arrays(batch.columns, schema=schema))
                rows += batch.num_rows
    return rows


def _swap_link(new: Path, link: Path) -> None:
    """Point ``link`` (a symlink) at the new Parquet set in one rename: readers see old or new, never a mix.

    The set is renamed to a visible ``parquet-<token>`` folder first, then earlier sets are removed (a
    reader that already opened a file keeps reading it).
    """
    target = new.with_name("parquet-" + new.name.rsplit(".", 1)[-1])
    new.rename(target)
    if link.exists() and not link.is_symlink():  # a folder from before links were used
        shutil.rmtree(link)
    tmp_link = link.with_name(f".{link.name}.link")
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(target.name)
    os.replace(tmp_link, link)
    for old in link.parent.glob("parquet-*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)


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

"""The Dagster instance of ``cpb refresh`` and ``make dev``: its home and its event log.

A refresh records about a thousand events (a materialisation or a check result for every dbt node,
each planned first). Dagster's default SQLite event log opens a new database engine for every one,
commits it with a disk sync and disposes of the engine: 6-7 s of every refresh on the build
machine, a third of the run's own Python time (issue 15). :class:`PooledSqliteEventLogStorage`
keeps one engine per database file for the life of the process and writes in SQLite's WAL mode
with ``synchronous=NORMAL`` (a commit is synced at checkpoints, not each time; a power cut may lose
the last events, never corrupt the file), and remembers the tables, columns and migrations that
Dagster's storage asks about before most writes and reads. Files, tables and schema are Dagster's
own, so the UI, the daemon and a plain ``SqliteEventLogStorage`` read the same home.

The home's ``dagster.yaml`` names this storage; :func:`prepare_home` writes it (``cpb refresh`` and
``make dev`` call it), and leaves a ``dagster.yaml`` someone else wrote alone.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event

INSTANCE_YAML = """\
# Written by cpb (orchestration/instance.py): the event log keeps one SQLite engine per file.
event_log_storage:
  module: orchestration.instance
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {history}
"""


def prepare_home(home: Path) -> Path:
    """Create the Dagster home with its ``dagster.yaml`` (unless one exists); return the home."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        history = home / "history" / "runs"  # where Dagster's default storage keeps run shards
        config.write_text(INSTANCE_YAML.format(history=history))
    return home


def _write_ahead(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log (one file per run plus an index), with an engine kept per file.

    Only the most recently used files keep theirs (the index and the run being written, while a
    refresh runs): the UI and the daemon live for days and read the files of many runs.
    """

    OPEN_FILES = 4

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: dict = {}  # shard -> engine, least recently used first
        self._present: set[tuple[str, str]] = set()  # tables, asset-key columns, migrations seen
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            engine = self._engines.pop(shard, None)
            if engine is None:
                engine = create_engine(
                    self.conn_string_for_shard(shard),
                    connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
                )
                event.listen(engine, "connect", _write_ahead)
                if shard not in self._initialized_dbs:
                    self._initdb(engine)
                    self._initialized_dbs.add(shard)
            self._engines[shard] = engine
            while len(self._engines) > self.OPEN_FILES:  # no connection is out: the lock is held
                self._engines.pop(next(iter(self._engines))).dispose()
            with engine.connect() as conn, conn.begin():
                yield conn

    # Dagster asks whether its tables, columns and finished migrations exist before most writes and
    # reads: a schema query each time (``has_table`` on an engine of its own). What exists stays
    # (migrations only add), so a yes is remembered; a no is asked again.
    def has_table(self, table_name: str) -> bool:
        return self._remembered(("table", table_name), partial(super().has_table, table_name))

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        asked = partial(super()._has_asset_key_col_on_connection, conn, column_name)
        return self._remembered(("asset_keys column", column_name), asked)

    def has_secondary_index(self, name: str) -> bool:
        return self._remembered(("migration", name), partial(super().has_secondary_index, name))

    def _remembered(self, what: tuple[str, str], ask: Callable[[], bool]) -> bool:
        if what not in self._present and ask():
            self._present.add(what)
        return what in self._present

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
        super().dispose()


if __name__ == "__main__":  # `make dev`: the home the UI and the daemon use, prepared as a refresh does
    from orchestration.settings import Settings

    print(prepare_home(Settings.from_env().dagster_home_dir))

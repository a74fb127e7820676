"""The refresh's Dagster event log (orchestration/instance.py): Dagster's SQLite files, fewer queries."""

import sqlite3

from orchestration.instance import PooledSqliteEventLogStorage


def test_a_table_column_or_migration_found_is_remembered_and_one_missing_is_asked_again(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path / "runs"))
    index = tmp_path / "runs" / "index.db"
    try:
        assert storage.has_table("asset_event_tags")  # one of Dagster's own tables
        assert storage.has_asset_key_col("cached_status_data")
        assert not storage.has_table("later_table")
        assert not storage.has_secondary_index("later_migration")
        with sqlite3.connect(index) as db:  # behind the storage's back: what it said yes to goes ...
            db.execute("drop table asset_event_tags")
            db.execute("create table later_table (x int)")  # ... and what it said no to comes
            db.execute(
                "insert into secondary_indexes (name, create_timestamp, migration_completed) "
                "values ('later_migration', current_timestamp, current_timestamp)"
            )
        assert storage.has_table("asset_event_tags")  # remembered, not asked again
        assert storage.has_asset_key_col("cached_status_data")
        assert storage.has_table("later_table")  # a no is asked again
        assert storage.has_secondary_index("later_migration")
    finally:
        storage.dispose()

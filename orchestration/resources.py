"""Dagster resources: the run's configuration, built from the environment in one place."""

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import ConfigurableResource, InitResourceContext

from orchestration.settings import Settings


class RefreshBusy(RuntimeError):
    """Another refresh holds the warehouse."""


class SettingsResource(ConfigurableResource):
    """Configuration of a run: environment variables (DESIGN.md), overridden by these fields.

    ``force`` rebuilds and republishes even when the snapshot in use, with this code and
    configuration, is already published (otherwise such a run stops after the raw stage).
    ``accept_changes`` lets through a build whose counts or shares moved beyond the thresholds
    against the previous publication (a person looked and the move is real); the publication's
    manifest records what moved.

    While a run uses it, it holds the warehouse's lock (the refresh job runs in one process, so
    that is the whole run): a second refresh, from the CLI, the schedule or the UI, fails at once
    instead of rebuilding the same DuckDB file.
    """

    source: str | None = None
    bch_base_url: str | None = None
    raw_dir: str | None = None
    warehouse_dir: str | None = None
    cutoff_date: str | None = None
    force: bool = False
    accept_changes: bool = False

    def get(self) -> Settings:
        return Settings.from_env(
            source=self.source,
            bch_base_url=self.bch_base_url,
            raw_dir=self.raw_dir,
            warehouse_dir=self.warehouse_dir,
            cutoff_date=self.cutoff_date,
        )

    @contextmanager
    def yield_for_execution(self, context: InitResourceContext) -> Iterator["SettingsResource"]:
        warehouse = self.get().warehouse_dir
        warehouse.mkdir(parents=True, exist_ok=True)
        with open(warehouse / ".refresh.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RefreshBusy(
                    f"another refresh is running on {warehouse}; try again when it ends."
                ) from None
            yield self

"""Dagster resources: the run's configuration, built from the environment in one place."""

from dagster import ConfigurableResource

from orchestration.settings import Settings


class SettingsResource(ConfigurableResource):
    """Configuration of a run: environment variables (DESIGN.md), overridden by these fields."""

    source: str | None = None
    bch_base_url: str | None = None
    raw_dir: str | None = None
    warehouse_dir: str | None = None
    cutoff_date: str | None = None

    def get(self) -> Settings:
        return Settings.from_env(
            source=self.source,
            bch_base_url=self.bch_base_url,
            raw_dir=self.raw_dir,
            warehouse_dir=self.warehouse_dir,
            cutoff_date=self.cutoff_date,
        )

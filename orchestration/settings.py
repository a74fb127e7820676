"""Configuration: read once from the environment (DESIGN.md, "Configuration"); CLI flags override.

Nothing else in the code base reads ``os.environ``: assets and resources receive a ``Settings``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from orchestration.registry import RegistryError, cutoff_overrides, load_cycles

PROJECT_DIR = Path(__file__).resolve().parents[1]
SOURCES = ("embedded", "live")


class ConfigError(ValueError):
    """A configuration value is missing or malformed."""


@dataclass(frozen=True)
class Settings:
    source: str = "embedded"
    bch_base_url: str = "https://api.cbd.int"
    raw_dir: Path = PROJECT_DIR / "raw"
    warehouse_dir: Path = PROJECT_DIR / "warehouse"
    cutoff_date: str | None = None  # CPB_CUTOFF_DATE: see registry.cutoff_overrides
    dagster_home: Path | None = None  # DAGSTER_HOME; default <warehouse>/dagster_home (see dagster_home_dir)
    project_dir: Path = PROJECT_DIR
    # Live extraction: polite by default.
    http_timeout_seconds: float = 60.0  # connecting, and each read: a stalled server
    http_deadline_seconds: float = 300.0  # one whole attempt: a server dripping its response
    http_max_attempts: int = 5
    http_requests_per_second: float = 2.0
    http_max_response_bytes: int = 200_000_000
    index_page_rows: int = 500
    # Change detection against the previous publication (expectations/changes.py): a move beyond
    # these blocks publication unless the run accepts changes.
    max_count_change_pct: float = 20.0
    max_share_change_pp: float = 10.0

    # environment variable -> field
    ENV = {
        "CPB_SOURCE": "source",
        "BCH_BASE_URL": "bch_base_url",
        "CPB_RAW_DIR": "raw_dir",
        "CPB_WAREHOUSE_DIR": "warehouse_dir",
        "CPB_CUTOFF_DATE": "cutoff_date",
        "DAGSTER_HOME": "dagster_home",
        "BCH_HTTP_TIMEOUT_SECONDS": "http_timeout_seconds",
        "BCH_HTTP_DEADLINE_SECONDS": "http_deadline_seconds",
        "BCH_HTTP_MAX_ATTEMPTS": "http_max_attempts",
        "BCH_REQUESTS_PER_SECOND": "http_requests_per_second",
        "BCH_MAX_RESPONSE_BYTES": "http_max_response_bytes",
        "BCH_INDEX_PAGE_ROWS": "index_page_rows",
        "CPB_MAX_COUNT_CHANGE_PCT": "max_count_change_pct",
        "CPB_MAX_SHARE_CHANGE_PP": "max_share_change_pp",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if env is None else env
        values = {name: env[var] for var, name in cls.ENV.items() if env.get(var)}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls()._with(values)

    def _with(self, values: Mapping[str, object]) -> Settings:
        types = {f.name: f.type for f in fields(self)}
        parsed = {}
        for name, raw in values.items():
            var = next((v for v, n in self.ENV.items() if n == name), name)
            try:
                parsed[name] = _parse(types[name], raw)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{var}={raw!r}: {exc}") from None
        settings = replace(self, **parsed)
        if settings.source not in SOURCES:
            raise ConfigError(f"CPB_SOURCE={settings.source!r}: expected one of {', '.join(SOURCES)}")
        url = urlsplit(settings.bch_base_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ConfigError(
                f"BCH_BASE_URL={settings.bch_base_url!r}: expected an http(s) URL such as https://api.cbd.int"
            )
        settings.cutoff_overrides()  # a malformed CPB_CUTOFF_DATE stops the run before any work
        for var in ("CPB_MAX_COUNT_CHANGE_PCT", "CPB_MAX_SHARE_CHANGE_PP"):
            if getattr(settings, self.ENV[var]) < 0:
                raise ConfigError(f"{var}={getattr(settings, self.ENV[var])}: a threshold cannot be negative")
        return settings

    def cutoff_overrides(self) -> dict[str, date]:
        """CPB_CUTOFF_DATE parsed against the cycle registry: ``{cycle_code: cutoff}``."""
        if not self.cutoff_date:
            return {}
        try:
            return cutoff_overrides(self.cutoff_date, load_cycles(self.dbt_project_dir))
        except RegistryError as exc:
            raise ConfigError(str(exc)) from None

    @property
    def dbt_project_dir(self) -> Path:
        return self.project_dir / "dbt_project"

    @property
    def source_dir(self) -> Path:
        """Where snapshots of the configured source live: ``raw/<source>/``."""
        return self.raw_dir / self.source

    @property
    def build_db(self) -> Path:
        """The DuckDB file dbt builds staging and intermediate into; never read by BI tools."""
        return self.warehouse_dir / "build" / "cpb_indicators.duckdb"

    @property
    def next_publication_db(self) -> Path:
        """The DuckDB file dbt builds the marts into, in the publication's storage format: once the
        checks pass, the publish stage moves this very file into ``published/`` (no copy)."""
        return self.warehouse_dir / "build" / "publication.duckdb"

    @property
    def build_docs_dir(self) -> Path:
        """The dbt docs site of the latest build (published as ``docs/``)."""
        return self.warehouse_dir / "build" / "docs"

    @property
    def quality_dir(self) -> Path:
        """The Great Expectations project of the build: its validation results and Data Docs."""
        return self.warehouse_dir / "build" / "quality"

    @property
    def quality_site_dir(self) -> Path:
        """The Data Docs of the latest validation, rendered by the checks (published as ``quality/``)."""
        return self.quality_dir / "site"

    @property
    def build_report_dir(self) -> Path:
        """The report of the latest build, rendered while the checks run (published as ``report/``)."""
        return self.warehouse_dir / "build" / "report"

    @property
    def reference_dir(self) -> Path:
        """Reference data derived from the registry that dbt sources read (the question crosswalk)."""
        return self.warehouse_dir / "reference"

    @property
    def dagster_home_dir(self) -> Path:
        """The Dagster instance (runs, materialisations, schedules) shared by `cpb refresh` and `make dev`."""
        return self.dagster_home or self.warehouse_dir / "dagster_home"

    @property
    def published_dir(self) -> Path:
        return self.warehouse_dir / "published"

    @property
    def published_db(self) -> Path:
        return self.published_dir / "cpb_indicators.duckdb"


def _parse(kind, raw):
    if not isinstance(raw, str):
        return raw
    kind = str(kind)
    if "Path" in kind:
        path = Path(raw)
        return path if path.is_absolute() else (Path.cwd() / path).resolve()
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    return raw

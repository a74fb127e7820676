"""Stage 2, reference: the question crosswalk that dbt staging reads beside the raw snapshot.

It comes from the registry's files (cycles, mapping files, indicator catalogue), not from the
snapshot, and composing chains of mapping files is code, not SQL (:mod:`orchestration.crosswalk`).
The reference data is checked here, before dbt: a bad key or option code stops the run naming the
file, key or indicator.
"""

from dagster import AssetExecutionContext, MaterializeResult, asset

from orchestration.catalogue import validate_catalogue
from orchestration.crosswalk import write_crosswalk
from orchestration.progress import say
from orchestration.registry import load_cycles
from orchestration.resources import SettingsResource


# after the raw stage, though it reads no snapshot file: when raw stops an unchanged run, this is skipped
@asset(key=["registry", "question_crosswalk"], deps=[["bch", "national_reports"]], group_name="reference")
def question_crosswalk(context: AssetExecutionContext, settings: SettingsResource) -> MaterializeResult:
    """Every cycle's question keys in the catalogue's 4th-report keys, from the registry's mapping files."""
    cfg = settings.get()
    indicators = validate_catalogue(cfg.dbt_project_dir)
    cycles = load_cycles(cfg.dbt_project_dir)
    path = write_crosswalk(cfg.dbt_project_dir, cycles, cfg.reference_dir)
    say(context, "reference", f"{indicators} indicators checked; question crosswalk -> {path}")
    return MaterializeResult(metadata={"path": str(path), "indicators": indicators})

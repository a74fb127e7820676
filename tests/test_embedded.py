"""The committed embedded snapshot: complete, in the documented formats, and it publishes."""

import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.snapshot import latest_snapshot, verify_snapshot

PROJECT_DIR = Path(__file__).resolve().parents[1]
CONTRACT_TOOL = PROJECT_DIR.parent / "shared" / "tools" / "check_marts_contract.py"


@pytest.fixture(scope="module")
def snapshot():
    return latest_snapshot(PROJECT_DIR / "raw" / "embedded")


def test_embedded_snapshot_matches_its_manifest_and_says_it_is_synthetic(snapshot):
    verify_snapshot(snapshot)
    assert snapshot.manifest["synthetic"] is True
    endpoints = {f["endpoint"] for f in snapshot.files}
    assert endpoints == {"countries", "thesaurus", "national_reports", "index"}


def test_embedded_snapshot_stages_every_report(snapshot, embedded_run):
    build_db = embedded_run.warehouse_dir / "build" / "cpb_indicators.duckdb"

    def count(sql: str) -> tuple:
        return embedded_run.query(sql, db=build_db)[0]

    reports, answers = count(
        "select count(distinct (cycle_code, document_id)), count(*) from intermediate.int_report_answers"
    )
    (staged,) = count("select count(*) from staging.stg_bch__national_reports")
    (quarantined,) = count("select count(*) from staging.stg_bch__report_quarantine")
    (latest,) = count(
        "select count(distinct (cycle_code, document_id)) from intermediate.int_national_reports_counted "
        "where is_latest"
    )
    expected = sum(f["records"] for f in snapshot.files_of("national_reports"))
    assert staged + quarantined == expected  # every record of the manifest, placed or set aside
    assert reports == latest < staged  # each latest report has answers; the superseded ones are not read
    assert answers > latest * 20  # every question of each questionnaire is answered


def test_the_build_stores_the_reports_json_with_zstd(embedded_run):
    # the contract's `using compression zstd` reaches the table: DuckDB's own choice (DICT_FSST) made the
    # checkpoint that writes the reports the build's longest stall at x100 (docs/benchmarks.md, item 50)
    build_db = embedded_run.warehouse_dir / "build" / "cpb_indicators.duckdb"
    compressions = embedded_run.query(
        "select distinct compression from pragma_storage_info('staging.stg_bch__national_report_records') "
        "where column_name = 'report' and segment_type = 'JSON'",
        db=build_db,
    )
    assert compressions == [("ZSTD",)]


def test_embedded_run_publishes_every_mart_for_every_region(embedded_run):
    regions = embedded_run.query("select distinct region_code from marts.indicator_status order by 1")
    assert [r[0] for r in regions] == ["africa", "asia_pacific", "cee", "global", "grulac", "weog"]
    parties = embedded_run.query(
        "select count(*) from marts.fct_party_indicator "
        "where cycle_code = 'nr4' and indicator_code = 'a_measures_full'"
    )
    assert parties[0][0] >= 20


@pytest.mark.skipif(
    not CONTRACT_TOOL.is_file(), reason="the shared contract checker is not beside this checkout"
)
def test_published_marts_meet_the_design_contract(embedded_run):
    result = subprocess.run(
        [sys.executable, str(CONTRACT_TOOL), str(embedded_run.published_db)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout

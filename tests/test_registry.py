"""The cycle registry and configuration."""

from datetime import date
from pathlib import Path

import pytest

from orchestration.registry import RegistryError, cutoff_overrides, load_assessments, load_cycles
from orchestration.settings import ConfigError, Settings

DBT = Path(__file__).resolve().parents[1] / "dbt_project"


def test_registry_lists_the_cutoffs_and_assessments_the_baselines():
    cycles = {c.cycle_code: c for c in load_cycles(DBT)}
    assert cycles["nr2"].cutoff_date == date(2011, 12, 31)
    assert cycles["nr4"].cutoff_date == date(2020, 1, 15)
    assert cycles["nr5"].cutoff_date == date(2026, 2, 28)  # the BCH's frozen NR5 dataset
    assessments = {a.assessment_code: a for a in load_assessments(DBT)}
    assert {(a.cycle_code, a.baseline_cycle_code, a.catalogue_code) for a in assessments.values()} == {
        ("nr3", "nr2", "sp2011"),
        ("nr4", "nr2", "sp2011"),
        ("nr5", "nr4", "ip2021"),
    }
    assert assessments["ar5"].baseline_record_date == date(2019, 12, 31)
    assert assessments["ar4"].cycle_record_date is None  # the cycle's cutoff


def test_an_assessment_row_is_checked(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("report_cycles.csv", "catalogues.csv", "assessments.csv"):
        (seeds / name).write_text((DBT / "seeds" / name).read_text())
    with open(seeds / "assessments.csv", "a") as fh:
        fh.write("ar9,Twice nr4,sp2011,nr4,nr3,,\n")
    with pytest.raises(RegistryError, match="assessment ar9: cycle nr4 is already assessed by ar4"):
        load_assessments(tmp_path)
    text = (DBT / "seeds" / "assessments.csv").read_text().replace("ip2021,nr5,nr4", "ip2021,nr5,nr9")
    (seeds / "assessments.csv").write_text(text)
    with pytest.raises(RegistryError, match="ar5: baseline_cycle_code 'nr9' is not a registry cycle"):
        load_assessments(tmp_path)


def test_cutoff_override_forms():
    cycles = load_cycles(DBT)
    newest = max(cycles, key=lambda c: c.cutoff_date).cycle_code
    assert cutoff_overrides("nr4=2019-12-31", cycles) == {"nr4": date(2019, 12, 31)}
    assert cutoff_overrides("2027-01-01", cycles) == {newest: date(2027, 1, 1)}
    with pytest.raises(RegistryError, match="'nr9' is not a cycle"):
        cutoff_overrides("nr9=2019-12-31", cycles)
    with pytest.raises(RegistryError, match="is not a date"):
        cutoff_overrides("nr4=tomorrow", cycles)


def test_settings_from_environment(tmp_path):
    s = Settings.from_env({"CPB_SOURCE": "live", "CPB_RAW_DIR": str(tmp_path), "BCH_HTTP_MAX_ATTEMPTS": "3"})
    assert (s.source, s.raw_dir, s.http_max_attempts) == ("live", tmp_path, 3)
    assert s.source_dir == tmp_path / "live"
    with pytest.raises(ConfigError, match="CPB_SOURCE='ftp'"):
        Settings.from_env({"CPB_SOURCE": "ftp"})
    with pytest.raises(ConfigError, match="BCH_HTTP_MAX_ATTEMPTS='many'"):
        Settings.from_env({"BCH_HTTP_MAX_ATTEMPTS": "many"})

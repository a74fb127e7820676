"""Cross-cycle mappings: composed through the registry's tree, checked against the questionnaires."""

import json
import shutil
from pathlib import Path

import pytest

from orchestration.crosswalk import crosswalk_rows, load_edges
from orchestration.registry import RegistryError, load_cycles, questionnaires

DBT = Path(__file__).resolve().parents[1] / "dbt_project"


def rows_for(dbt_dir=DBT):
    cycles = load_cycles(dbt_dir)
    return list(crosswalk_rows(cycles, load_edges(dbt_dir, cycles), questionnaires(dbt_dir)))


def lookup(rows, cycle, reference_key):
    return [r for r in rows if r["cycle_code"] == cycle and r["reference_question_key"] == reference_key]


def test_baseline_keys_and_values_are_translated_to_4th_report_codes():
    (row,) = lookup(rows_for(), "nr2", "Q014")
    assert row["question_key"] == "Q015"
    assert json.loads(row["value_map"])["implementation.fullFramwork"] == "implementation.fullInPlace"


def test_5th_report_reaches_4th_report_keys_through_5_4():
    (row,) = lookup(rows_for(), "nr5", "Q014")
    assert row["via_mapping_files"] == "cpbNationalReport5-4.json"


def test_survey_keys_of_the_baseline_are_used():
    assert lookup(rows_for(), "nr2", "Q073")[0]["question_key"].startswith("S")


@pytest.fixture
def dbt_copy(tmp_path):
    target = tmp_path / "dbt_project"
    shutil.copytree(DBT / "seeds", target / "seeds")
    shutil.copytree(DBT / "mappings", target / "mappings")
    return target


def test_mapping_to_a_missing_older_key_is_an_error_naming_file_and_key(dbt_copy):
    path = dbt_copy / "mappings" / "cpbNationalReport4-2.json"
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    data["Q018"] = "Q999"
    path.write_text(json.dumps(data))
    with pytest.raises(RegistryError, match=r"cpbNationalReport4-2.json: Q018 maps to 'Q999'"):
        rows_for(dbt_copy)


def test_contact_fields_of_the_5th_report_are_known_exceptions_not_errors(dbt_copy):
    assert not lookup(rows_for(dbt_copy), "nr5", "Q001")
    (dbt_copy / "seeds" / "mapping_exceptions.csv").write_text("mapping_file,question_key,reason\n")
    with pytest.raises(RegistryError, match=r"cpbNationalReport5-4.json: key 'Q001' is not a question"):
        rows_for(dbt_copy)

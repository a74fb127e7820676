"""Cross-cycle mappings: composed through the registry's tree, checked against the questionnaires."""

import json
import shutil
from pathlib import Path

import pytest

from orchestration.crosswalk import build_crosswalk, crosswalk_rows, load_edges
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


# Answer values the mappings cannot carry: translated or listed in answer_value_exceptions.csv.
def checked_rows(dbt_dir=DBT):
    return build_crosswalk(dbt_dir, load_cycles(dbt_dir))


def value_map(rows, cycle, key):
    (row,) = [r for r in rows if r["cycle_code"] == cycle and r["question_key"] == key]
    return json.loads(row["value_map"] or "{}")


def test_listed_translations_reach_the_value_map_and_known_losses_do_not():
    rows = checked_rows()
    assert value_map(rows, "nr2", "Q146") == {"true.some": "true"}  # "Yes, a few" needs remain
    assert value_map(rows, "nr5", "Q017") == {"true.some": "true"}
    # the BCH's 5-4 map keys NR4 "1 to 4" by "5-", so inverted it turned NR5 "1+" into "5-"
    assert value_map(rows, "nr5", "Q131")["1+"] == "1+"
    assert "3+" not in value_map(rows, "nr2", "S033")  # "3 or more": known loss


def edit_exceptions(dbt_copy, drop=None, add=()):
    path = dbt_copy / "seeds" / "answer_value_exceptions.csv"
    lines = [line for line in path.read_text().splitlines() if not (drop and line.startswith(drop))]
    path.write_text("\n".join([*lines, *add]) + "\n")


def test_an_unlisted_lost_value_fails_naming_file_question_and_value(dbt_copy):
    edit_exceptions(dbt_copy, drop="nr2,S033,3+,")
    with pytest.raises(
        RegistryError,
        match=r"answer_value_exceptions.csv: cycle nr2 question S033 value '3\+' \('3 or more'\) reaches",
    ):
        checked_rows(dbt_copy)


def test_a_lossy_hand_made_option_fails_until_translated_or_listed(dbt_copy):
    # the baseline's Q026 (contained use; 4-2 maps it to NR4 Q024, Yes/No) given a third option
    options = dbt_copy / "seeds" / "bch_question_options.csv"
    options.write_text(options.read_text() + "cpbNationalReport2,2,Q026,3,true.some,,,In some cases\n")
    with pytest.raises(
        RegistryError, match=r"nr2 question Q026 value 'true.some' \('In some cases'\) reaches Q024"
    ):
        checked_rows(dbt_copy)
    edit_exceptions(dbt_copy, add=["nr2,Q026,true.some,true,hand-made: in some cases is yes"])
    assert value_map(checked_rows(dbt_copy), "nr2", "Q026") == {"true.some": "true"}
    edit_exceptions(dbt_copy, drop="nr2,Q026,true.some,", add=["nr2,Q026,true.some,,hand-made: known loss"])
    assert value_map(checked_rows(dbt_copy), "nr2", "Q026") == {}  # not translated: dbt drops it


def test_a_translation_to_a_non_option_or_a_stale_row_fails(dbt_copy):
    edit_exceptions(dbt_copy, drop="nr2,S033,3+,", add=["nr2,S033,3+,3+,not an NR4 option"])
    with pytest.raises(RegistryError, match=r"S033 value '3\+' .*reference_value '3\+' is not an option"):
        checked_rows(dbt_copy)
    stale = "nr2,S033,5+,5+,not lost"
    edit_exceptions(dbt_copy, drop="nr2,S033,3+,", add=["nr2,S033,3+,,known loss", stale])
    with pytest.raises(RegistryError, match=r"line \d+: cycle nr2 question S033 value '5\+' is not"):
        checked_rows(dbt_copy)


def test_a_value_mapping_target_that_is_not_an_option_is_an_error_naming_file_key_and_value(dbt_copy):
    # a typo in the target of 4-2's Q014 mapping would turn every baseline "full" into "not answered"
    path = dbt_copy / "mappings" / "cpbNationalReport4-2.json"
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    data["Q014"]["valueMapping"]["implementation.fullFramwork"] = "implementation.fullInPlce"
    path.write_text(json.dumps(data))
    with pytest.raises(
        RegistryError,
        match=r"cpbNationalReport4-2.json: Q014 valueMapping target\(s\) \['implementation.fullInPlce'\]",
    ):
        rows_for(dbt_copy)

"""The indicator catalogue resolves to real questions and option codes; a typo stops the build."""

import shutil
from pathlib import Path

import pytest

from orchestration.catalogue import validate_catalogue
from orchestration.registry import RegistryError, read_csv

DBT = Path(__file__).resolve().parents[1] / "dbt_project"


def test_every_catalogue_row_resolves():
    rows = read_csv(DBT / "seeds" / "indicators.csv")
    assert validate_catalogue(DBT) == len(rows) >= 50
    sp = [r for r in rows if r["catalogue_code"] == "sp2011"]
    assert {r["thematic_area"] for r in sp} == set("ABCDEFGHIJKL")
    ip = [r for r in rows if r["catalogue_code"] == "ip2021"]
    # every Implementation Plan row cites NR5 keys that map onto its NR4 keys, or is not measured
    assert all(r["cycle_question_keys"] for r in ip if r["source"] == "national_report")
    assert {r["operational_objective"] for r in ip if r["source"] != "not_measured"} == {
        "A.1(a)",
        "A.1(b)",
        "A.1(c)",
        "A.2(a)",
        "A.2(b)",
        "A.2(d)",
        "A.3(a)",
        # goals confirmed outside the Plan's unread text: B.1 (CP-10/4 annex), B.4 (the NR5 form)
        "B.1",
        "B.4",
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "Q042,true",
            "Q042,ture",
            r"indicator a_ffp_import_rules: met value\(s\) \['ture'\] are not options",
        ),
        (
            "answer_in,Q109,",
            "answer_in,Q1090,",
            r"indicator a_institutional_capacity: question 'Q1090' is not a",
        ),
        (
            "count_above_zero,Q101",
            "count_above_zero,Q104",
            r"indicator f_customs_trained: met value\(s\) \['0'\]",
        ),
        (
            ",cpb_parties,Q075,true,",
            ",cpb_parties,Q075,yes,",
            r"indicator c_ra_for_all_decisions: population_values \['yes'\]",
        ),
        (
            "Q168,true,cpb_parties,,,,,pct_parties,higher_is_better,true",
            "Q168,true,cpb_parties,,,,,pct_parties,better,true",
            r"indicator j_monitoring_enforcement: polarity 'better' is not one of",
        ),
        (
            "Q168,true,cpb_parties,,,,,pct_parties,higher_is_better,true",
            "Q168,true,cpb_parties,,,,,pct_parties,higher_is_better,yes",
            r"indicator j_monitoring_enforcement: baseline_comparable 'yes' is not one of",
        ),
        (
            "answer_all_in,Q065_a|Q065_b|Q065_c,",
            "answer_every,Q065_a|Q065_b|Q065_c,",
            r"indicator c_people_trained_ra: rule 'answer_every' is not a rule of source 'national_report'",
        ),
        (
            # all-of: every met value must be an option of every listed question (Q066 is Yes/No)
            "answer_all_in,Q065_a|Q065_b|Q065_c,",
            "answer_all_in,Q065_a|Q065_b|Q066,",
            r"indicator c_people_trained_ra: met value\(s\) \['1\+', '10\+', '50\+', '100\+'\] are not "
            r"options of every one of",
        ),
        (
            "has_record,,,cpb_parties,,,biosafetyLaw",
            "has_record,,,cpb_parties,,,biosafetyLow",
            r"indicator i_laws_published: record_schema 'biosafetyLow'",
        ),
        (
            # NR5 Q011 maps to NR4 Q018, not Q017
            "answer_in,Q018,true,cpb_parties,,,,,pct_parties,higher_is_better,true,Q011,",
            "answer_in,Q017,true,cpb_parties,,,,,pct_parties,higher_is_better,true,Q011,",
            r"indicator ip_a1_qualified_staff: cycle_question_keys map to \['Q018'\], not to",
        ),
    ],
)
def test_a_typo_fails_with_the_indicator_code(tmp_path, old, new, message):
    seeds = tmp_path / "seeds"
    shutil.copytree(DBT / "seeds", seeds)
    shutil.copytree(DBT / "mappings", tmp_path / "mappings")
    catalogue = seeds / "indicators.csv"
    text = catalogue.read_text()
    assert old in text
    catalogue.write_text(text.replace(old, new, 1))
    with pytest.raises(RegistryError, match=message):
        validate_catalogue(tmp_path)

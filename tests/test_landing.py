"""Landing national reports: nothing lost, rejected records quarantined with the field and the reason."""

import pyarrow.parquet as pq
import pytest

from orchestration.answers import AnswerShapeError
from orchestration.landing import land_national_reports
from tests.factory import country, report, write_snapshot


def snapshot_with(tmp_path, reports):
    return write_snapshot(
        tmp_path / "raw" / "embedded",
        countries=[country("ke", cpb="2004-01-01")],
        regions={"africa": ["ke"]},
        reports={"nr4": reports},
    )


def test_unplaceable_reports_are_quarantined_with_the_reason(tmp_path):
    good = report(
        "ke",
        1,
        "2019-06-01",
        Q014={"value": "implementation.fullInPlace"},
        Q015=[
            {"value": "instrument.nationalBiosafetyLaws"},
            {"value": "instrument.other", "additionalInformation": {"en": "a decree"}},
        ],
    )
    no_government = {**report("ke", 2, "2019-06-01"), "government": {}}
    bad_date = report("ke", 3, "2019-06-01") | {"date": "sometime in 2019"}
    duplicate = report("ke", 1, "2019-07-01")
    result = land_national_reports(
        snapshot_with(tmp_path, [good, no_government, bad_date, duplicate]), tmp_path / "landing"
    )
    assert (result.reports, result.answers, result.quarantined) == (1, 3, 3)
    quarantine = pq.read_table(result.path / "quarantine.parquet").to_pylist()
    assert [(q["record_index"], q["field"]) for q in quarantine] == [
        (1, "government.identifier"),
        (2, "date"),
        (3, "documentId"),
    ]
    assert "sometime in 2019" in quarantine[1]["reason"]
    assert all(q["source_file"] == "national_reports/nr4.json.gz" for q in quarantine)
    answers = pq.read_table(result.path / "national_report_answers.parquet").to_pylist()
    assert {(a["question_key"], a["position"], a["answer_value"], a["answer_text"]) for a in answers} == {
        ("Q014", 0, "implementation.fullInPlace", None),
        ("Q015", 0, "instrument.nationalBiosafetyLaws", None),
        ("Q015", 1, "instrument.other", "a decree"),
    }


def test_unknown_answer_shape_stops_landing_naming_snapshot_cycle_government_and_question(tmp_path):
    snapshot = snapshot_with(tmp_path, [report("ke", 1, "2019-06-01", Q014={"weird": 1})])
    with pytest.raises(AnswerShapeError) as error:
        land_national_reports(snapshot, tmp_path / "landing")
    message = str(error.value)
    assert snapshot.snapshot_id in message and "national_reports/nr4.json.gz" in message
    assert "cycle nr4, government ke, question Q014: unknown answer shape" in message
    assert not (tmp_path / "landing").exists() or not any((tmp_path / "landing").iterdir())


def test_unknown_answer_shape_fails_the_refresh_with_a_clear_message(pipeline, capsys):
    write_snapshot(
        pipeline.source_dir,
        countries=[country("ke", cpb="2004-01-01")],
        regions={"africa": ["ke"]},
        reports={"nr4": [report("ke", 1, "2019-06-01", Q014={"weird": 1})]},
    )
    assert pipeline.refresh() == 1
    err = capsys.readouterr().err
    assert "cycle nr4, government ke, question Q014: unknown answer shape" in err
    assert "nothing was published" in err

"""A field an indicator reads but no single record must carry (SolrQuery.required_somewhere).

Absent from every record of a non-empty result, it means a wrong field name or an index that no
longer serves it; i_decisions_with_ra would publish 0 instead of failing. Every snapshot passes
the check: the live extractor before it keeps one, the raw stage on the snapshot in use.
"""

import pytest

from orchestration.extract.live import MissingFieldError, check_index_fields
from tests.factory import country, report, write_snapshot

SNAPSHOT_ID = "20200116T000000Z"


def decision(rid, government="ke", **fields):
    return {
        "identifier_s": rid,
        "uniqueIdentifier_s": f"bch-dec-{government}-{rid}-1",
        "schema_s": "biosafetyDecision",
        "government_s": government,
        "title_s": rid,
        "createdDate_dt": "2018-05-01T00:00:00.000Z",
        "decisionTypes_ss": ["E8C5A15C-A736-4fb7-A1B6-192412BE7E45"],
        **fields,
    }


def snapshot_with(source_dir, decisions):
    return write_snapshot(
        source_dir,
        countries=[country("ke", cpb="2004-01-01")],
        regions={"africa": ["ke"]},
        reports={"nr4": [report("ke", 1, "2019-06-01", Q014={"value": "implementation.fullInPlace"})]},
        records={"biosafetyDecision": decisions},
        snapshot_id=SNAPSHOT_ID,
    )


def test_a_field_set_in_some_records_passes(tmp_path):
    # as in the embedded snapshot: the link is set in some decisions, absent or [] in others
    snapshot = snapshot_with(
        tmp_path,
        [decision("d1", riskAssessments_ss=["ra1"]), decision("d2"), decision("d3", riskAssessments_ss=[])],
    )
    check_index_fields(snapshot)


def test_an_empty_result_passes(tmp_path):
    check_index_fields(snapshot_with(tmp_path, []))  # no decisions at all: nothing to miss


@pytest.mark.parametrize("link", [None, []], ids=["absent", "empty"])
def test_a_field_in_no_record_fails_naming_field_snapshot_file_and_records(tmp_path, link):
    extra = {} if link is None else {"riskAssessments_ss": link}
    snapshot = snapshot_with(tmp_path, [decision("d1", **extra), decision("d2", **extra)])

    with pytest.raises(MissingFieldError) as error:
        check_index_fields(snapshot)

    message = str(error.value)
    assert f"snapshot {SNAPSHOT_ID}, index/biosafetyDecision/page-00000.json.gz" in message
    assert "field riskAssessments_ss is absent from all 2 biosafetyDecision records" in message
    assert "bch-dec-ke-d1-1, bch-dec-ke-d2-1" in message


def test_the_refresh_fails_and_publishes_nothing(pipeline, capsys):
    snapshot_with(pipeline.source_dir, [decision("d1"), decision("d2")])

    assert pipeline.refresh() == 1

    err = capsys.readouterr().err
    assert "field riskAssessments_ss is absent from all 2 biosafetyDecision records" in err
    assert f"snapshot {SNAPSHOT_ID}, index/biosafetyDecision/page-00000.json.gz" in err
    assert "bch-dec-ke-d1-1" in err
    assert "nothing was published" in err
    assert not pipeline.published_db.exists()

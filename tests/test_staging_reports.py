"""Analyzer exports read by dbt staging: an answer in a shape the analyzer rules do not cover stops
the refresh, naming the snapshot, file, cycle, government and question.

The shapes that are read, and the records set aside with the field and reason, are dbt unit tests
(dbt_project/models/staging/_staging__models.yml), run by tests/test_repository_checks.py.
"""

from tests.factory import country, report, write_snapshot


def test_unknown_answer_shape_fails_the_refresh_naming_where_it_is(pipeline, capsys):
    snapshot = write_snapshot(
        pipeline.source_dir,
        countries=[country("ke", cpb="2004-01-01")],
        regions={"africa": ["ke"]},
        reports={
            "nr4": [
                report("ke", 1, "2019-06-01", Q014={"value": "implementation.fullInPlace"}),
                report("ke", 2, "2019-06-01", Q015=[[{"value": "instrument.other"}]]),  # a list in a list
            ]
        },
    )
    assert pipeline.refresh() == 1
    err = capsys.readouterr().err
    assert (
        f"snapshot {snapshot.snapshot_id}, national_reports/nr4.json.gz: cycle nr4, government ke, "
        'question Q015: unknown answer shape [{"value":"instrument.other"}]'
    ) in err
    assert "nothing was published" in err
    assert not pipeline.published_db.exists()

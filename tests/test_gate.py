"""The quality gate: raw/staging expectations, change detection against the previous publication,
and the Data Docs published beside the marts."""

import json

from expectations.changes import SUITE_NAME
from expectations.validate import load_suites
from tests.factory import country, report, write_snapshot

AFRICA = ["dz", "ke", "ng", "gh", "sn", "tz", "ug", "et", "ml", "ne"]
FULL = {"Q014": {"value": "implementation.fullInPlace"}}


def snapshot(pipeline, snapshot_id, africa_reporting, date="2019-06-01"):
    """Ten African Parties and Germany; ``africa_reporting`` of them and Germany file a 4th report."""
    return write_snapshot(
        pipeline.source_dir,
        snapshot_id=snapshot_id,
        countries=[country(c, cpb="2004-01-01") for c in [*AFRICA, "de"]],
        regions={"africa": AFRICA, "weog": ["de"]},
        reports={
            "nr4": [
                report(code, i, date if i == 1 else "2019-06-01", **FULL)
                for i, code in enumerate([*AFRICA[:africa_reporting], "de"], start=1)
            ]
        },
    )


def published(pipeline):
    return pipeline.warehouse_dir / "published"


def test_a_region_losing_most_reports_is_blocked_unless_accepted(pipeline, capsys):
    snapshot(pipeline, "20200101T000000Z", africa_reporting=10)
    assert pipeline.refresh() == 0
    before = {p: p.read_bytes() for p in published(pipeline).rglob("*") if p.is_file()}

    # 8 of the 10 African reports are gone: Africa's counted Parties 10 -> 2 is -80%, the cycle's
    # counted reports 11 -> 3 is -72.7% (rounded -73%). Every answer is still "fully in place"
    # (100%), but the reports-filed indicators, over every Party, drop: Africa 10/10 -> 2/10
    # (-80 points), global 11/11 -> 3/11 (27.3%, -72.7 points).
    snapshot(pipeline, "20200201T000000Z", africa_reporting=2)
    capsys.readouterr()
    assert pipeline.refresh() == 1
    err = capsys.readouterr().err
    assert f"gx_{SUITE_NAME} failed (publication blocked)" in err
    assert "region africa: counted Parties nr4 10 -> 2 (-80%) exceeds 20%" in err
    assert "cycle nr4: counted reports 11 -> 3 (-73%) exceeds 20%" in err
    assert "indicator j_reports_submitted nr4 africa: share 100.0% -> 20.0% (-80.0 pp) exceeds 10 pp" in err
    assert "indicator j_reports_submitted nr4 global: share 100.0% -> 27.3% (-72.7 pp) exceeds 10 pp" in err
    assert "region weog" not in err and "a_measures_full" not in err  # 1 -> 1 and 100% -> 100%
    assert "--accept-changes" in err
    # the previous publication, Data Docs included, is byte-identical
    assert {p: p.read_bytes() for p in published(pipeline).rglob("*") if p.is_file()} == before

    assert pipeline.refresh("--accept-changes") == 0
    record = json.loads((published(pipeline) / "manifest.json").read_text())
    assert record["snapshot_id"] == "20200201T000000Z"
    assert [(c["metric"], c["previous"], round(c["current"], 1)) for c in record["accepted_changes"]] == [
        ("cycle nr4: counted reports", 11, 3),
        # the Implementation Plan's A.3(a) reads the same filings as the Strategic Plan's j_ ones
        ("indicator ip_a3_reports_by_deadline nr4 africa: share", 100, 20),
        ("indicator ip_a3_reports_by_deadline nr4 global: share", 100, 27.3),
        ("indicator j_reports_submitted nr4 africa: share", 100, 20),
        ("indicator j_reports_submitted nr4 global: share", 100, 27.3),
        ("indicator j_reports_submitted_by_deadline nr4 africa: share", 100, 20),
        ("indicator j_reports_submitted_by_deadline nr4 global: share", 100, 27.3),
        ("region africa: counted Parties nr4", 10, 2),
    ]
    assert record["accepted_changes"][-1] == {
        "metric": "region africa: counted Parties nr4",
        "previous": 10,
        "current": 2,
        "change": -80.0,
        "unit": "%",
        "threshold": 20.0,
        "message": "region africa: counted Parties nr4 10 -> 2 (-80%) exceeds 20%",
    }
    assert pipeline.query("select count(distinct party_code) from marts.fct_report_answer") == [(3,)]


def test_a_change_under_the_thresholds_publishes(pipeline):
    snapshot(pipeline, "20200101T000000Z", africa_reporting=10)
    assert pipeline.refresh() == 0
    # one African report fewer: Africa 10 -> 9 is -10%, the cycle 11 -> 10 is -9.1%; the
    # reports-filed shares move -10 points in Africa (9/10, at the threshold, which is allowed) and
    # -9.1 globally (10/11); the answers' shares stay 100%
    snapshot(pipeline, "20200201T000000Z", africa_reporting=9)
    assert pipeline.refresh() == 0
    record = json.loads((published(pipeline) / "manifest.json").read_text())
    assert record["snapshot_id"] == "20200201T000000Z" and record["accepted_changes"] == []


def test_the_thresholds_come_from_the_environment(pipeline, monkeypatch, capsys):
    snapshot(pipeline, "20200101T000000Z", africa_reporting=10)
    assert pipeline.refresh() == 0
    # the same -10% move as above, now beyond a 5% threshold
    monkeypatch.setenv("CPB_MAX_COUNT_CHANGE_PCT", "5")
    snapshot(pipeline, "20200201T000000Z", africa_reporting=9)
    assert pipeline.refresh() == 1
    assert "region africa: counted Parties nr4 10 -> 9 (-10%) exceeds 5%" in capsys.readouterr().err


def test_data_docs_of_the_validation_are_published_beside_the_marts(pipeline):
    snapshot(pipeline, "20200101T000000Z", africa_reporting=10)
    assert pipeline.refresh() == 0
    index = published(pipeline) / "quality" / "index.html"
    text = index.read_text()
    for name in [s.name for s in load_suites()] + [SUITE_NAME]:
        assert f">{name}</a>" in text
    assert "FAILED" not in text
    # readable offline: the index needs nothing from the network, and every page it links exists
    assert "http" not in text
    for link in text.split("href='")[1:]:
        assert (index.parent / link.split("'")[0]).is_file()
    # GX's pages fetch nothing from GX's servers (its logo carried the context's id)
    site = [p.read_text() for p in index.parent.rglob("*") if p.suffix in (".html", ".css")]
    assert not any("great-expectations-web-assets" in text for text in site)


def test_a_report_dated_1900_blocks_publication_naming_the_record(pipeline, capsys):
    snapshot(pipeline, "20200101T000000Z", africa_reporting=10, date="1900-01-01")
    assert pipeline.refresh() == 1
    err = capsys.readouterr().err
    assert "gx_stg_bch__national_reports failed (publication blocked)" in err
    assert (
        "staging.stg_bch__national_reports: expect_column_values_to_be_between(column='report_date', "
        "min_value=2000-01-29, max_value="
    ) in err
    assert (
        "unexpected 1, e.g. report_date=1900-01-01, snapshot_id=20200101T000000Z, "
        "source_file=national_reports/nr4.json.gz, record_index=0, cycle_code=nr4, document_id=1"
    ) in err
    assert not published(pipeline).exists()

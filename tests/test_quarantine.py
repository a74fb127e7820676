"""Faults that used to publish wrong figures quietly: each is quarantined and shown, or blocks.

Hand-made snapshots (tests/factory.py) in the real format; figures worked out in the comments.
"""

import json

from tests.factory import country, report, write_snapshot

PARTY = "2004-01-01"
REGIONS = {"africa": ["dz", "ke"], "weog": ["de"]}
COUNTRIES = [country(c, cpb=PARTY) for c in ("dz", "ke", "de")]
FULL = {"value": "implementation.fullInPlace"}


def a_measures_full(pipeline, region="global"):
    return pipeline.query(
        "select n_parties, n_met from marts.indicator_status "
        "where indicator_code = 'a_measures_full' and cycle_code = 'nr4' and region_code = ?",
        [region],
    )[0]


def quarantine(pipeline):
    return pipeline.query(
        "select source_file, record_index, government_code, field, value, reason from marts.fct_quarantine "
        "order by record_index"
    )


def published(pipeline) -> dict:
    return json.loads((pipeline.warehouse_dir / "published" / "manifest.json").read_text())


def test_unknown_government_and_unknown_answer_code_are_quarantined_and_published(pipeline, capsys):
    nr4 = [
        report("dz", 1, "2019-06-01", Q014=FULL),  # met
        report("ke", 2, "2019-06-01", Q014={"value": "implementation.fullInPlce"}),  # typo: quarantined
        report("zz", 3, "2019-06-01", Q014=FULL),  # zz is no BCH country: report quarantined
        report("de", 4, "2019-06-01", Q014={"value": "implementation.none"}),  # not met
    ]
    write_snapshot(pipeline.source_dir, countries=COUNTRIES, regions=REGIONS, reports={"nr4": nr4})
    assert pipeline.refresh() == 0
    # answered: dz and de (ke's only answer is not an option, zz is not a country): 1 met of 2
    assert a_measures_full(pipeline) == (2, 1)
    assert a_measures_full(pipeline, "africa") == (1, 1)
    rows = quarantine(pipeline)
    assert [r[:5] for r in rows] == [
        ("national_reports/nr4.json.gz", 1, "ke", "Q014", "implementation.fullInPlce"),
        ("national_reports/nr4.json.gz", 2, "zz", "government.identifier", "zz"),
    ]
    assert "not an option of nr4 question Q014" in rows[0][5]
    assert "not a country of the BCH countries endpoint" in rows[1][5]
    assert published(pipeline)["quarantine"] == {
        "total": 2,
        "by_field": {"staging:Q014": 1, "staging:government.identifier": 1},
    }
    assert "Quarantine: 2 records set aside" in capsys.readouterr().out
    # the HTML report says it at the top (ke's answer and zz's report)
    page = pipeline.published_db.with_name("report").joinpath("index.html").read_text()
    assert '<span data-field="quarantined" data-value="2">2</span> records set aside' in page
    report_md = (pipeline.warehouse_dir / "published" / "report.md").read_text()
    assert "| national_reports/nr4.json.gz | 2 | government.identifier | zz |" in report_md.split("snapshot")[
        -1
    ] or ("government.identifier | zz |" in report_md)
    status = pipeline.query("select report_status from marts.fct_report_answer where party_code = 'zz'")
    assert status == [("unknown_government",)]


def test_an_empty_export_blocks_and_names_snapshot_and_file(pipeline, capsys):
    write_snapshot(
        pipeline.source_dir, snapshot_id="20200101T000000Z", countries=COUNTRIES, regions=REGIONS,
        reports={"nr4": [report("dz", 1, "2019-06-01", Q014=FULL)]},
    )  # fmt: skip
    assert pipeline.refresh() == 0
    before = pipeline.published_db.read_bytes()
    write_snapshot(
        pipeline.source_dir,
        snapshot_id="20200201T000000Z",
        countries=COUNTRIES,
        regions=REGIONS,
        reports={"nr4": []},
    )
    assert pipeline.refresh() == 1
    err = capsys.readouterr().err
    assert "snapshot 20200201T000000Z, national_reports/nr4.json.gz" in err
    assert "holds no reports" in err
    assert pipeline.published_db.read_bytes() == before


def test_a_party_in_no_regional_group_stops_the_build_unless_listed(pipeline, capsys):
    countries = [*COUNTRIES, country("fr", cpb=PARTY)]  # fr is in no group of the thesaurus
    write_snapshot(
        pipeline.source_dir, countries=countries, regions=REGIONS,
        reports={"nr4": [report("fr", 1, "2019-06-01", Q014=FULL)]},
    )  # fmt: skip
    assert pipeline.refresh() == 1
    err = capsys.readouterr().err
    assert "Party fr" in err and "none of the five UN regional groups" in err
    assert "countries_outside_regional_groups.csv" in err
    assert not pipeline.published_db.exists()

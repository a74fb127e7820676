"""Assessments as data, on a hand-made input: the fifth assessment (ar5: nr5 against nr4, the
Implementation Plan catalogue) with its record dates; expected figures worked out by hand.

ar5 counts BCH records on 2019-12-31 for the baseline (nr4) and, per indicator, on 2026-03-02
(A.1(b)) and 2025-12-31 (A.2(d)) for nr5; nr5 reports count up to the 2026-02-28 data freeze.
Parties dz, ke (Africa), br (GRULAC), all since 2004.
"""

import pytest

from tests.factory import country, record, report, write_snapshot
from tests.test_rules import ART10, v


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from tests.conftest import Pipeline

    with pytest.MonkeyPatch.context() as mp:
        pipeline = Pipeline(tmp_path_factory.mktemp("assessments"), mp)
        write_snapshot(
            pipeline.source_dir,
            snapshot_id="20260401T000000Z",  # taken on 2026-04-01: the "as of snapshot" day
            countries=[country(c, cpb="2004-01-01") for c in ("dz", "ke", "br")],
            regions={"africa": ["dz", "ke"], "grulac": ["br"]},
            reports={
                "nr4": [
                    report("dz", 1, "2019-06-01", Q018=v("true")),
                    report("ke", 2, "2019-06-01", Q018=v("false")),
                    report("br", 3, "2019-06-01", Q018=v("true")),
                ],
                "nr5": [
                    report("dz", 11, "2024-06-01", Q011=v("true")),
                    report("ke", 12, "2025-06-01", Q011=v("true")),
                    report("br", 13, "2026-03-10", Q011=v("false")),  # after the data freeze
                ],
            },
            decision_types=[{"identifier": ART10, "name": "Article 10"}],
            records={
                "focalPoint": [
                    record("focalPoint", "f1", "dz", "2010-01-01", type_ss=["CPB-FP1"]),
                    record("focalPoint", "f2", "dz", "2019-06-01", type_ss=["CPB-A17-FP"]),
                    record("focalPoint", "f3", "ke", "2015-01-01", type_ss=["CPB-FP1"]),
                    record("focalPoint", "f4", "ke", "2026-03-01", type_ss=["CPB-A17-FP"]),
                    record("focalPoint", "f5", "br", "2012-01-01", type_ss=["CPB-FP1", "CPB-A17-FP"]),
                ],
                "authority": [
                    record("authority", "a1", "dz", "2015-01-01"),
                    record("authority", "a2", "ke", "2018-01-01"),
                    record("authority", "a3", "br", "2026-03-05"),  # after 2026-03-02
                ],
                "biosafetyDecision": [
                    record(
                        "biosafetyDecision",
                        "d1",
                        "dz",
                        "2017-01-01",
                        decisionTypes_ss=[ART10],
                        riskAssessments_ss=["r1"],
                    ),
                    record("biosafetyDecision", "d2", "dz", "2019-11-01", decisionTypes_ss=[ART10]),
                    record(
                        "biosafetyDecision",
                        "d3",
                        "ke",
                        "2024-01-01",
                        decisionTypes_ss=[ART10],
                        riskAssessments_ss=["r3"],
                    ),
                    record(
                        "biosafetyDecision",
                        "d4",
                        "ke",
                        "2026-01-10",
                        decisionTypes_ss=[ART10],
                        riskAssessments_ss=["r4"],
                    ),
                ],
            },
        )
        assert pipeline.refresh() == 0
        yield pipeline


def progress(run, assessment, indicator):
    return run.query(
        "select cycle_code, baseline_cycle_code, comparison_population, n_comparable, baseline_n_met, "
        "cycle_n_met, round(baseline_pct, 2), round(cycle_pct, 2), round(change_pp, 2) "
        "from marts.indicator_progress where assessment_code = ? and indicator_code = ? "
        "and region_code = 'global' and analysis_as_of = 'cutoff'",
        [assessment, indicator],
    )


def test_dim_assessment_lists_each_assessment_with_its_dates(run):
    rows = run.query(
        "select assessment_code, catalogue_code, cycle_code, baseline_cycle_code, cutoff_date::varchar, "
        "baseline_record_date::varchar, cycle_record_date::varchar from marts.dim_assessment order by 1"
    )
    assert rows == [
        ("ar3", "sp2011", "nr3", "nr2", "2016-01-31", "2011-12-31", "2016-01-31"),
        ("ar4", "sp2011", "nr4", "nr2", "2020-01-15", "2011-12-31", "2020-01-15"),
        ("ar5", "ip2021", "nr5", "nr4", "2026-02-28", "2019-12-31", "2026-02-28"),
    ]


def test_all_of_several_records_at_each_record_date(run):
    # A.1(b) needs a focal point, an Article 17 contact point and an authority.
    # 2019-12-31: dz all three; ke no contact point yet (f4 is 2026); br no authority -> 1 of 3.
    # 2026-03-02: dz; ke (f4 on 2026-03-01); br's authority a3 comes on 2026-03-05 -> 2 of 3.
    assert progress(run, "ar5", "ip_a1_nfp_cna_contact") == [
        ("nr5", "nr4", "all_parties_at_cutoff", None, 1, 2, 33.33, 66.67, 33.33)
    ]


def test_share_of_records_at_a_date_not_in_a_window(run):
    # A.2(d): every decision published by the date. 2019-12-31: d1 (linked), d2 -> 1 of 2 = 50%.
    # 2025-12-31: d1, d2, d3 (linked) -> 2 of 3 = 66.67%; d4 (2026-01-10) is after the date.
    # A window from the nr4 cutoff would have held d3 alone (100%).
    assert run.query(
        "select cycle_code, n_records, n_records_met, round(value, 2) from marts.indicator_status "
        "where indicator_code = 'ip_a2_decisions_with_ra' and region_code = 'global' "
        "and cycle_code in ('nr4', 'nr5') order by 1"
    ) == [("nr4", 2, 1, 50.0), ("nr5", 3, 2, 66.67)]


def test_the_fifth_assessment_compares_nr5_with_nr4_over_the_comparable_set(run):
    # A.1(c) qualified staff, NR4 Q018 vs NR5 Q011 (mapped). br's NR5 is after the 2026-02-28
    # freeze, so the comparable set is dz, ke: baseline 1 of 2 (dz), cycle 2 of 2, +50 points.
    assert progress(run, "ar5", "ip_a1_qualified_staff") == [
        ("nr5", "nr4", "comparable_set", 2, 1, 2, 50.0, 100.0, 50.0)
    ]
    # a cycle in two assessments: nr4 is assessed in ar4 (Strategic Plan indicators only) and is
    # ar5's baseline; each assessment compares only its own catalogue's indicators
    assert run.query(
        "select assessment_code, count(*) filter (where indicator_code like 'ip_%') > 0, "
        "count(*) filter (where indicator_code not like 'ip_%') > 0 "
        "from marts.indicator_progress group by 1 order by 1"
    ) == [("ar3", False, True), ("ar4", False, True), ("ar5", True, False)]


def test_not_measured_indicators_are_listed_without_figures(run):
    assert run.query(
        "select count(*) from marts.dim_indicator where source = 'not_measured' and note is not null"
    ) == [(3,)]  # ip_a2_bch_use, ip_a3_other (sources not found), ip_b4_coop_no_baseline (no NR4 counterpart)
    assert run.query(
        "select count(*) from marts.indicator_status s join marts.dim_indicator i using (indicator_code) "
        "where i.source = 'not_measured'"
    ) == [(0,)]


def test_a_report_filed_after_the_cutoff_counts_only_as_of_the_snapshot(run):
    # A.1(c) again. br filed its NR5 on 2026-03-10, after the 2026-02-28 freeze and before the
    # snapshot (2026-04-01). Official: comparable set dz, ke (1 -> 2 of 2, +50 points, above).
    # As of the snapshot the set is dz, ke, br: baseline dz, br (2 of 3: ke had no staff in NR4),
    # cycle dz, ke (2 of 3: br says no): 0 points.
    rows = run.query(
        "select analysis_as_of, as_of_date::varchar, n_comparable, baseline_n_met, cycle_n_met, "
        "round(change_pp, 2) from marts.indicator_progress where assessment_code = 'ar5' "
        "and indicator_code = 'ip_a1_qualified_staff' and region_code = 'global' order by 1"
    )
    assert rows == [("cutoff", "2026-02-28", 2, 1, 2, 50.0), ("snapshot", "2026-04-01", 3, 2, 2, 0.0)]
    # the report itself: after the cutoff in the official analysis, counted as of the snapshot
    assert run.query(
        "select party_code, report_status, is_counted, snapshot_report_status, is_counted_as_of_snapshot, "
        "days_after_deadline from marts.fct_national_report where cycle_code = 'nr5' order by 1"
    ) == [
        ("br", "after_cutoff", False, "counted", True, 10),
        ("dz", "counted", True, "counted", True, -637),
        ("ke", "counted", True, "counted", True, -272),
    ]
    # records as of the snapshot: br's authority (2026-03-05) completes A.1(b) for all three
    assert run.query(
        "select analysis_as_of, cycle_n_met from marts.indicator_progress where assessment_code = 'ar5' "
        "and indicator_code = 'ip_a1_nfp_cna_contact' and region_code = 'global' order by 1"
    ) == [("cutoff", 2), ("snapshot", 3)]


def test_reporting_timeliness_counts_parties_filed_by_each_day_after_the_deadline(run):
    # NR5 deadline 2026-02-28, snapshot 2026-04-01: days 0 to 32. dz and ke filed before the
    # deadline (day 0 already counts them), br on 2026-03-10, day 10.
    curve = run.query(
        "select days_after_deadline, n_parties, n_filed, round(pct_filed, 2) from marts.reporting_timeliness "
        "where cycle_code = 'nr5' and region_code = ? and days_after_deadline in (0, 9, 10, 32) order by 1",
        ["global"],
    )
    assert curve == [(0, 3, 2, 66.67), (9, 3, 2, 66.67), (10, 3, 3, 100.0), (32, 3, 3, 100.0)]
    assert run.query(
        "select max(days_after_deadline) from marts.reporting_timeliness where cycle_code = 'nr5'"
    ) == [(32,)]
    # by region: Africa (dz, ke) complete from day 0; GRULAC (br) from day 10
    assert run.query(
        "select region_code, min(days_after_deadline) filter (where n_filed = n_parties) "
        "from marts.reporting_timeliness where cycle_code = 'nr5' and region_code <> 'global' "
        "group by 1 order by 1"
    ) == [("africa", 0), ("grulac", 10)]
    # every cycle is compared at the day the latest cycle (nr5) has reached: 32; nr4's reports are
    # all from 2019-06-01, before its 2019-10-01 deadline
    assert run.query(
        "select cycle_code, days_after_deadline, n_filed from marts.reporting_timeliness "
        "where is_comparison_day and region_code = 'global' and cycle_code in ('nr4', 'nr5') order by 1"
    ) == [("nr4", 32, 3), ("nr5", 32, 3)]

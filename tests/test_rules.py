"""Every rule kind of the catalogue on a hand-made input; expected figures worked out by hand.

Cycle nr4: cutoff 2020-01-15, deadline 2019-10-01, period for BCH records after nr3's cutoff
(2016-01-31). Parties: dz, ke, ng (Africa), br, mx (GRULAC), de (WEOG); Supplementary-Protocol
Parties at the cutoff: dz and ke (ng only from 2020-06-01). The baseline nr2 (cutoff 2011-12-31)
has reports of dz, ke and br.
"""

import pytest

from tests.factory import country, record, report, write_snapshot

ART10, ART10_NARROW, ART11, OTHER = (
    "E8C5A15C-A736-4fb7-A1B6-192412BE7E45",
    "A0F944AD-1578-47F4-BB71-A9805EC0EB7A",
    "BE64016A-C3BD-4C61-9620-C3FEF96B2A24",
    "5B6177DD-5E5E-434E-8CB7-D63D67D5EBED",
)
SP_FULL, SP_PARTIAL = "74B17D51-786F-3D68-3B76-A50121842925", "FAA03A2A-F79E-1347-22E3-0EB4815DF05B"


def v(value):
    return {"value": value}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from tests.conftest import Pipeline

    with pytest.MonkeyPatch.context() as mp:
        pipeline = Pipeline(tmp_path_factory.mktemp("rules"), mp)
        write_snapshot(
            pipeline.source_dir,
            countries=[
                country("dz", cpb="2004-01-01", sp="2018-03-05"),
                country("ke", cpb="2004-01-01", sp="2019-01-01"),
                country("ng", cpb="2004-01-01", sp="2020-06-01"),
                *(country(c, cpb="2004-01-01") for c in ("br", "mx", "de")),
            ],
            regions={"africa": ["dz", "ke", "ng"], "grulac": ["br", "mx"], "weog": ["de"]},
            reports={
                "nr4": [
                    report(
                        "dz",
                        1,
                        "2019-06-01",
                        Q101=v("1+"),
                        Q075=v("true"),
                        Q078=v("true"),
                        Q171={"identifier": SP_FULL},
                        Q065_a=v("1+"),
                        Q065_b=v("10+"),
                        Q065_c=v("100+"),
                        Q066=v("false"),
                        Q071_a=v("true"),
                        Q134=v("false"),
                    ),
                    report(
                        "ke",
                        2,
                        "2019-06-01",
                        Q101=v("0"),
                        Q075=v("true"),
                        Q078=v("false"),
                        Q171={"identifier": SP_PARTIAL},
                        Q065_a=v("1+"),
                        Q065_b=v("0"),
                        Q065_c=v("1+"),
                        Q066=v("false"),
                        Q134=v("false"),
                    ),
                    # ng answers Q078 although its Q075 "false" does not enable it,
                    # and Q171 before it is a Party to the Supplementary Protocol
                    report(
                        "ng",
                        3,
                        "2019-06-01",
                        Q101=v("10+"),
                        Q075=v("false"),
                        Q078=v("true"),
                        Q171={"identifier": SP_FULL},
                        Q065_a=v("10+"),  # Q065_c left blank
                        Q065_b=v("1+"),
                    ),
                    report("br", 4, "2019-06-01", Q075=v("false"), Q134=v("true")),
                    report(  # after the deadline, before the cutoff
                        "de", 5, "2019-12-01", Q101=v("100+"), Q065_a=v("0"), Q065_b=v("0"), Q065_c=v("0")
                    ),
                ],
                # the baseline asks Q134 as Q146, with a third option "Yes, a few" (true.some)
                "nr2": [
                    report("dz", 21, "2011-06-01", Q146="true.some"),
                    report("ke", 22, "2011-06-01", Q146="false"),
                    report("br", 23, "2011-06-01", Q146="true"),
                ],
            },
            decision_types=[
                {"identifier": ART10, "name": "Article 10", "narrowerTerms": [ART10_NARROW]},
                {"identifier": ART10_NARROW, "name": "Article 10, narrower", "broaderTerms": [ART10]},
                {"identifier": ART11, "name": "Article 11"},
                {"identifier": OTHER, "name": "Other"},
            ],
            records={
                "biosafetyDecision": [
                    record(
                        "biosafetyDecision",
                        "d1",
                        "dz",
                        "2017-05-01",
                        decisionTypes_ss=[ART10_NARROW],
                        riskAssessments_ss=["ra1"],
                    ),
                    record("biosafetyDecision", "d2", "dz", "2018-05-01", decisionTypes_ss=[ART11]),
                    record(
                        "biosafetyDecision",
                        "d3",
                        "ke",
                        "2015-05-01",
                        decisionTypes_ss=[ART10],
                        riskAssessments_ss=["ra2"],
                    ),  # nr3's period
                    record("biosafetyDecision", "d4", "ke", "2019-05-01", decisionTypes_ss=[OTHER]),
                    record(
                        "biosafetyDecision", "d5", "br", "2020-03-01", decisionTypes_ss=[ART10]
                    ),  # too late
                ],
                "focalPoint": [
                    record("focalPoint", "f1", "dz", "2010-01-01", type_ss=["CPB-FP1"]),
                    record("focalPoint", "f2", "ke", "2015-01-01", type_ss=["CPB-FP1", "BCH-FP"]),
                    record("focalPoint", "f3", "ng", "2021-01-01", type_ss=["CPB-A17-FP"]),
                ],
                "biosafetyLaw": [record("biosafetyLaw", "l1", "de", "2012-01-01")],
            },
        )
        assert pipeline.refresh() == 0
        yield pipeline


def status(run, indicator, cycle="nr4"):
    rows = run.query(
        "select n_parties, n_met, round(pct, 2), value from marts.indicator_status "
        "where indicator_code = ? and cycle_code = ? and region_code = 'global'",
        [indicator, cycle],
    )
    return rows[0]


def test_count_above_zero(run):
    # answered dz 1+, ke 0, ng 10+, de 100+; br did not answer
    assert status(run, "f_customs_trained")[:3] == (4, 3, 75.0)


def test_follow_up_population_counts_only_parties_whose_answer_enabled_it(run):
    # Q078 among Q075 = true: dz (true) and ke (false); ng's Q078 is outside the population
    assert status(run, "c_ra_for_all_decisions")[:3] == (2, 1, 50.0)
    assert run.query(
        "select status from marts.fct_party_indicator where indicator_code = 'c_ra_for_all_decisions' "
        "and cycle_code = 'nr4' and party_code = 'ng'"
    ) == [("not_in_population",)]


def test_supplementary_protocol_population_and_treaty_status(run):
    assert status(run, "e_sp_measures_full")[:3] == (2, 1, 50.0)  # dz full, ke partial; ng not yet a Party
    assert status(run, "e_sp_party")[:2] == (6, 2)


def test_reports_filed_by_cutoff_and_by_deadline(run):
    assert status(run, "j_reports_submitted")[:2] == (6, 5)  # mx filed nothing
    assert status(run, "j_reports_submitted_by_deadline")[:2] == (6, 4)  # de filed after 2019-10-01


def test_has_record_with_category(run):
    assert status(run, "i_nfp_designated")[:3] == (6, 2, 33.33)  # dz, ke
    assert status(run, "i_bch_nfp_designated")[:2] == (6, 1)  # ke
    assert status(run, "i_art17_contact_designated")[:2] == (6, 0)  # ng's is after the cutoff
    assert status(run, "i_laws_published")[1:] == (1, 16.67, 1.0)  # value: Parties with a law


def test_decisions_of_the_period_match_narrower_decision_types(run):
    # d1 (narrower Art. 10 type) and d2 (Art. 11) in the period; d3 earlier, d4 other type, d5 too late
    n_parties, n_met, _, value = status(run, "i_decisions_published")
    assert (n_met, value) == (1, 2.0)
    # of d1 and d2, only d1 links a risk assessment
    assert status(run, "i_decisions_with_ra")[::3] == (1, 50.0)


def test_baseline_period_and_relative_change(run):
    # nr2 (up to 2011-12-31): no law yet (de's is from 2012); nr4: one
    rows = run.query(
        "select baseline_value, cycle_value, change_relative_pct from marts.indicator_progress "
        "where indicator_code = 'i_laws_published' and cycle_code = 'nr4' and region_code = 'global' "
        "and analysis_as_of = 'cutoff'"
    )
    assert rows == [(0.0, 1.0, None)]


def test_answer_all_in_needs_every_question_answered_and_met(run):
    # Q065_a/b/c (people trained in RA, RM, monitoring): dz 1+/10+/100+ met; ke 1+/0/1+ not met;
    # de 0/0/0 not met; ng left Q065_c blank: not answered; br, mx nothing
    assert status(run, "c_people_trained_ra")[:3] == (3, 1, 33.33)
    assert run.query(
        "select status from marts.fct_party_indicator where indicator_code = 'c_people_trained_ra' "
        "and cycle_code = 'nr4' and party_code = 'ng'"
    ) == [("not_answered",)]


def test_answer_in_over_several_questions_is_any_of_them(run):
    # Q066|Q071_a|Q071_b = true: dz (Q066 false, Q071_a true) met; ke (Q066 false only) not met
    assert status(run, "c_ra_guidance_used")[:3] == (2, 1, 50.0)


def test_baseline_partial_answer_is_translated_through_answer_value_exceptions(run):
    # b_cb_needs_met = Q134 "false" (no needs remain). nr2 Q146: dz "Yes, a few" -> true (not met),
    # ke false (met), br true. nr4: dz false, ke false, br true. Comparable set {dz, ke, br}:
    # baseline 1/3, cycle 2/3, +33.33 points. Without the translation dz would drop out: 1/2 and 1/2.
    rows = run.query(
        "select n_comparable, baseline_n_met, cycle_n_met, round(change_pp, 2) from marts.indicator_progress "
        "where indicator_code = 'b_cb_needs_met' and cycle_code = 'nr4' and region_code = 'global' "
        "and analysis_as_of = 'cutoff'"
    )
    assert rows == [(3, 1, 2, 33.33)]


def test_indicator_without_a_comparable_baseline_has_no_progress_row(run):
    # e_sp_party: 2 of 6 at the nr4 cutoff, 0 in 2011 (the Supplementary Protocol was not in force)
    # would read +33.33 points; baseline_comparable = false gives it no row at all
    assert status(run, "e_sp_party", "nr2")[:2] == (6, 0)
    assert run.query("select count(*) from marts.indicator_progress where indicator_code = 'e_sp_party'") == [
        (0,)
    ]
    assert run.query(
        "select polarity, baseline_comparable from marts.dim_indicator "
        "where indicator_code = 'e_sp_no_process'"
    ) == [("lower_is_better", True)]

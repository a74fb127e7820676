"""The whole pipeline on a hand-made input whose figures are worked out by hand below."""

import pytest

from tests.factory import country, report, write_snapshot

PARTY = "2004-01-01"
# a_measures_full = 4th-report Q014 "implementation.fullInPlace"; the 2nd report asks it as Q015
# with older codes that the BCH mapping 4-2 translates (fullFramwork -> fullInPlace).
NR4 = [
    report("dz", 401, "2019-06-01", Q014={"value": "implementation.fullInPlace"}),  # met
    report("ke", 402, "2019-03-01", Q014={"value": "implementation.partiallyInPlace"}),  # superseded by 403
    report("ke", 403, "2019-11-01", Q014={"value": "implementation.fullInPlace"}),  # met
    report("ng", 404, "2019-07-01", Q014={"value": "implementation.partiallyInPlace"}),  # not met
    report("br", 405, "2019-08-01", Q014={"value": "implementation.none"}),  # not met
    report("mx", 406, "2020-02-01", Q014={"value": "implementation.fullInPlace"}),  # after the cutoff
    report("de", 407, "2019-09-01", Q015=[{"value": "instrument.nationalBiosafetyLaws"}]),  # Q014 unanswered
    report(
        "uz", 408, "2019-12-01", Q014={"value": "implementation.fullInPlace"}
    ),  # Party only from 2020-01-23
    report("us", 409, "2019-05-01", Q014={"value": "implementation.fullInPlace"}),  # never a Party
]
NR2 = [
    report("dz", 201, "2011-05-01", Q015="implementation.partialFramwork"),  # not met
    report("ke", 202, "2011-05-01", Q015="implementation.fullFramwork"),  # met
    report("br", 203, "2011-05-01", Q015="implementation.partialFramwork"),  # not met
    report("ng", 204, "2012-03-01", Q015="implementation.fullFramwork"),  # after the 2011-12-31 cutoff
    report("de", 205, "2011-04-01", Q015="implementation.fullFramwork"),  # met
]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    from tests.conftest import Pipeline

    root = tmp_path_factory.mktemp("small")
    with pytest.MonkeyPatch.context() as mp:
        run = Pipeline(root, mp)
        write_snapshot(
            run.source_dir,
            countries=[
                *(country(c, cpb=PARTY) for c in ("dz", "ke", "ng", "br", "mx", "de")),
                country("uz", cpb="2020-01-23"),
                country("us"),
            ],
            regions={
                "africa": ["dz", "ke", "ng"],
                "grulac": ["br", "mx"],
                "weog": ["de", "us"],
                "asia_pacific": ["uz"],
            },
            reports={"nr4": NR4, "nr2": NR2},
        )
        assert run.refresh() == 0
        yield run


def status(run, cycle):
    rows = run.query(
        "select region_code, n_parties, n_met, pct from marts.indicator_status "
        "where indicator_code = 'a_measures_full' and cycle_code = ?",
        [cycle],
    )
    return {r[0]: (r[1], r[2], None if r[3] is None else round(r[3], 2)) for r in rows}


def test_nr4_status_counts_only_the_latest_report_of_parties_before_the_cutoff(small_run):
    # answered: dz, ke (latest report), ng, br; met: dz, ke. mx is late, uz and us are not Parties.
    assert status(small_run, "nr4") == {
        "global": (4, 2, 50.0),
        "africa": (3, 2, 66.67),
        "grulac": (1, 0, 0.0),
        "weog": (0, 0, None),
        "asia_pacific": (0, 0, None),
        "cee": (0, 0, None),
    }


def test_baseline_answers_are_translated_with_the_bch_value_mapping(small_run):
    # nr2 counted: dz (partial), ke (full), br (partial), de (full); ng's report is after the cutoff.
    assert status(small_run, "nr2")["global"] == (4, 2, 50.0)


def test_progress_is_computed_over_parties_that_answered_both_cycles(small_run):
    rows = small_run.query(
        "select region_code, n_comparable, baseline_n_met, cycle_n_met, round(change_pp, 2) "
        "from marts.indicator_progress where indicator_code = 'a_measures_full' and cycle_code = 'nr4' "
        "and analysis_as_of = 'cutoff'"
    )
    by_region = {r[0]: r[1:] for r in rows}
    # comparable: dz, ke, br (ng has no counted nr2 report, de did not answer in nr4)
    assert by_region["global"] == (3, 1, 2, 33.33)
    assert by_region["africa"] == (2, 1, 2, 50.0)
    assert by_region["grulac"] == (1, 0, 0, 0.0)


def test_every_report_is_kept_with_its_status(small_run):
    rows = small_run.query(
        "select distinct party_code, report_status from marts.fct_national_report where cycle_code = 'nr4'"
    )
    assert sorted(rows) == [
        ("br", "counted"),
        ("de", "counted"),
        ("dz", "counted"),
        ("ke", "counted"),
        ("ke", "superseded"),
        ("mx", "after_cutoff"),
        ("ng", "counted"),
        ("us", "non_party"),
        ("uz", "non_party"),
    ]


def test_the_answers_of_each_governments_latest_report_are_published(small_run):
    # every NR4 report but ke's 402, superseded by 403 at the cutoff and as of the snapshot, and mx's
    # 406, dated 2020-02-01: after the cutoff and after the snapshot day (2020-01-16), so no analysis
    # reads it (fct_national_report lists it, above)
    rows = small_run.query(
        "select distinct document_id from marts.fct_report_answer where cycle_code = 'nr4'"
    )
    assert sorted(r[0] for r in rows) == ["401", "403", "404", "405", "407", "408", "409"]


def test_drill_down_lists_the_parties_behind_a_percentage(small_run):
    met = small_run.query(
        "select party_code from marts.fct_party_indicator "
        "where indicator_code = 'a_measures_full' and cycle_code = 'nr4' and is_met order by 1"
    )
    assert met == [("dz",), ("ke",)]


def test_a_baseline_answer_carries_the_question_and_value_the_indicator_counted(small_run):
    # dz's 2nd report answered Q015 "partialFramwork"; mapping 4-2 reads it as Q014 "partiallyInPlace"
    rows = small_run.query(
        "select question_key, answer_value, reference_question_key, reference_value, is_reference_option "
        "from marts.fct_report_answer where cycle_code = 'nr2' and party_code = 'dz'"
    )
    assert rows == [
        ("Q015", "implementation.partialFramwork", "Q014", "implementation.partiallyInPlace", True)
    ]

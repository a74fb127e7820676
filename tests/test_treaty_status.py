"""Who is a Party at the cutoff, and in which UN regional group, on hand-made treaty and region records.

The Party rule (stg_bch__country_treaties.party_date): only a ratification, accession,
acceptance, approval or succession makes a Party; in force from the later of the served `party`
date and the deposit + 90 days (the `party` date alone without a deposit date); a succession from
its `party` date (the date of succession). Cutoff of nr4: 2020-01-15.

Regions: `expandedNarrowerTerms` where served, else `narrowerTerms`; a Party in none of the five
groups (the EU) counts in `global` only.
"""

import pytest

from tests.factory import REGION_IDS, country, report, treaty, write_snapshot

COUNTRIES = [
    country("dz", cpb="2004-01-01", sp=treaty("ratification", deposit="2019-12-01", party="2019-12-01")),
    # accession whose party date is deposit + 90: in force 2019-11-30; its SP party date is the
    # deposit itself, as the front-end assumes: in force 2019-11-30 as well
    country(
        "ke",
        cpb=treaty("accession", deposit="2019-09-01", party="2019-11-30"),
        sp=treaty("accession", deposit="2019-09-01", party="2019-09-01"),
    ),
    # party date = deposit 2019-11-20: in force 2020-02-18, after the cutoff
    country("ng", cpb=treaty("ratification", deposit="2019-11-20", party="2019-11-20")),
    country("br", cpb=treaty(signature="2000-05-24")),  # signed only
    # an instrument that makes no Party, whatever its dates
    country("mx", cpb=treaty("signature", deposit="2004-01-01", party="2004-01-01")),
    # succession from 2019-12-01, notified on 2019-12-20: bound from the date of succession
    country("me", cpb=treaty("succession", deposit="2019-12-20", party="2019-12-01")),
    country("de", cpb=treaty("approval", party="2010-01-01")),  # no deposit date: the party date
    # deposited before the Protocol itself entered into force (2003-09-11): the later date
    country("at", cpb=treaty("acceptance", deposit="2002-01-01", party="2003-09-11")),
    country("eu", cpb="2004-01-01", sp="2018-03-05"),  # a Party in no UN regional group
]
# Non-Parties in GRULAC, so that the one country without a group stays under the 5% the
# dim_party expectation tolerates (1 of 21)
OTHERS = ["ar", "bo", "cl", "co", "cr", "cu", "ec", "gt", "hn", "pe", "py", "uy"]


def region(code, narrower, **served):
    """A UN regional group's thesaurus term; ``served`` adds fields such as ``expandedNarrowerTerms``."""
    return {
        "identifier": REGION_IDS[code],
        "name": code,
        "title": {"en": code},
        "narrowerTerms": narrower,
    } | served


REGIONS = [
    region("africa", ["dz"], expandedNarrowerTerms=["dz", "ke", "ng"]),  # the expanded list is preferred
    region("grulac", ["br", "mx", *OTHERS]),  # no expanded list: narrowerTerms
    region("cee", ["me"], expandedNarrowerTerms=[]),  # an empty expanded list is not trusted
    region("weog", ["de", "at"], expandedNarrowerTerms=None),  # served as null: narrowerTerms
    region("asia_pacific", []),
    # another grouping of the thesaurus, with the EU in it: ignored
    {"identifier": "FAKE-GROUPING", "name": "other", "narrowerTerms": ["eu", "de", "dz"]},
]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from tests.conftest import Pipeline

    with pytest.MonkeyPatch.context() as mp:
        pipeline = Pipeline(tmp_path_factory.mktemp("treaties"), mp)
        write_snapshot(
            pipeline.source_dir,
            countries=COUNTRIES + [country(code) for code in OTHERS],
            regions={},
            thesaurus_regions=REGIONS,
            reports={
                "nr4": [
                    report("dz", 1, "2019-06-01", Q014={"value": "implementation.fullInPlace"}),
                    report("eu", 2, "2019-06-01", Q014={"value": "implementation.fullInPlace"}),
                    report("me", 3, "2019-12-15", Q014={"value": "implementation.none"}),
                    report("ng", 4, "2019-06-01", Q014={"value": "implementation.fullInPlace"}),
                ]
            },
        )
        assert pipeline.refresh() == 0
        yield pipeline


def test_parties_at_the_cutoff_follow_the_instrument_and_the_90_day_rule(run):
    rows = run.query(
        "select party_code, region_code, is_cpb_party, is_sp_party from intermediate.int_parties_at_cutoff "
        "where cycle_code = 'nr4' and party_code not in (select unnest(?))",
        [OTHERS],
        db=run.warehouse_dir / "build" / "cpb_indicators.duckdb",
    )
    assert {r[0]: r[1:] for r in rows} == {
        "dz": ("africa", True, False),  # SP deposit = party 2019-12-01: in force 2020-02-29
        "ke": ("africa", True, True),  # both in force 2019-11-30
        "ng": ("africa", False, False),  # in force 2020-02-18
        "br": ("grulac", False, False),  # signature only
        "mx": ("grulac", False, False),  # "signature" is no instrument of a Party
        "me": ("cee", True, False),  # succession, from 2019-12-01
        "de": ("weog", True, False),  # approval, party date alone
        "at": ("weog", True, False),  # in force 2003-09-11
        "eu": (None, True, True),
    }


def test_published_party_dates(run):
    rows = run.query(
        "select party_code, cpb_party_since::varchar, sp_party_since::varchar from marts.dim_party "
        "where party_code not in (select unnest(?))",
        [OTHERS],
    )
    assert {r[0]: r[1:] for r in rows} == {
        "dz": ("2004-01-01", "2020-02-29"),
        "ke": ("2019-11-30", "2019-11-30"),
        "ng": ("2020-02-18", None),
        "br": (None, None),
        "mx": (None, None),
        "me": ("2019-12-01", None),
        "de": ("2010-01-01", None),
        "at": ("2003-09-11", None),
        "eu": ("2004-01-01", "2018-03-05"),
    }


def status(run, indicator):
    rows = run.query(
        "select region_code, n_parties, n_met from marts.indicator_status "
        "where indicator_code = ? and cycle_code = 'nr4'",
        [indicator],
    )
    return {r[0]: r[1:] for r in rows}


def test_the_supplementary_protocol_indicator_reads_the_same_rule(run):
    # Parties at the cutoff: dz, ke, me, de, at, eu; Parties to the SP among them: ke, eu
    assert status(run, "e_sp_party")["global"] == (6, 2)
    assert status(run, "e_sp_party")["africa"] == (2, 1)


def test_a_party_in_no_regional_group_counts_in_global_only(run):
    # reports counted by the cutoff: dz (Africa), me (CEE), eu (no group); ng is not a Party
    by_region = status(run, "j_reports_submitted")
    assert by_region == {
        "africa": (2, 1),  # dz, ke
        "asia_pacific": (0, 0),
        "cee": (1, 1),  # me
        "grulac": (0, 0),
        "weog": (2, 0),  # de, at
        "global": (6, 3),  # the five groups' 5 Parties + the EU; met: dz, me, eu
    }
    regions = [v for k, v in by_region.items() if k != "global"]
    assert by_region["global"] == (sum(n for n, _ in regions) + 1, sum(m for _, m in regions) + 1)
    assert run.query("select region_code from marts.dim_party where party_code = 'eu'") == [(None,)]

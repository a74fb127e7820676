"""Report cycles are data: a new cycle needs registry, mapping and questionnaire rows only."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.factory import country, record, report, write_snapshot

PROJECT_DIR = Path(__file__).resolve().parents[1]
PARTY = "2004-01-01"


def test_adding_a_fictitious_nr6_and_its_assessment_needs_data_files_only(tmp_path):
    # A copy of the project: code unchanged, only data files added: a cycle nr6 (registry row,
    # mapping to nr5, questionnaire rows) and an assessment ar6 of nr6 against nr5 with its own
    # two-indicator catalogue (one national-report indicator, one BCH-record indicator).
    project = tmp_path / "project"
    ignore = shutil.ignore_patterns("target", "logs", "__pycache__", "*.egg-info")
    for part in ("orchestration", "expectations", "dbt_project"):
        shutil.copytree(PROJECT_DIR / part, project / part, ignore=ignore)
    seeds = project / "dbt_project" / "seeds"
    with open(seeds / "report_cycles.csv", "a") as fh:
        fh.write(
            "nr6,cpbNationalReport6,Sixth national report (fictitious),/api/v2019/report-analyzer/"
            "cpb-national-report-6,2028,2028-06-30,2028-12-31,cpbNationalReport6-5.json\n"
        )
    with open(seeds / "catalogues.csv", "a") as fh:
        fh.write("fx2031,Fictitious plan 2031-2040,CP-99/1,nr6\n")
    with open(seeds / "thematic_areas.csv", "a") as fh:
        fh.write("FX,Fictitious goal\n")
    with open(seeds / "assessments.csv", "a") as fh:
        fh.write("ar6,Sixth assessment (fictitious),fx2031,nr6,nr5,2024-12-31,2026-06-30\n")
    append_csv(
        seeds / "indicators.csv",
        {
            "indicator_code": "fx_measures",
            "catalogue_code": "fx2031",
            "title": "Parties with national measures fully in place",
            "operational_objective": "X.1",
            "thematic_area": "FX",
            "source": "national_report",
            "rule": "answer_in",
            "nr4_question_keys": "Q014",
            "met_values": "implementation.fullInPlace",
            "population": "cpb_parties",
            "value_kind": "pct_parties",
            "polarity": "higher_is_better",
            "baseline_comparable": "true",
            "cycle_question_keys": "Q100",
        },
    )
    append_csv(
        seeds / "indicators.csv",
        {
            "indicator_code": "fx_focal_point",
            "catalogue_code": "fx2031",
            "title": "Parties with a national focal point in the BCH",
            "operational_objective": "X.2",
            "thematic_area": "FX",
            "source": "bch_records",
            "rule": "has_record",
            "population": "cpb_parties",
            "record_schema": "focalPoint",
            "value_kind": "pct_parties",
            "polarity": "higher_is_better",
            "baseline_comparable": "true",
        },
    )
    (project / "dbt_project" / "mappings" / "cpbNationalReport6-5.json").write_text(
        json.dumps({"schema": "cpbNationalReport5", "Q100": "Q007"})
    )
    append_csv(
        seeds / "bch_questions.csv",
        {
            "report_type": "cpbNationalReport6",
            "cycle": "6",
            "section_key": "Article2",
            "section_title_en": "Article 2",
            "position": "1",
            "key": "Q100",
            "number": "100",
            "type": "option",
            "multiple": "false",
            "n_options": "2",
            "title_en": "Has your country introduced the necessary national measures?",
        },
    )
    for position, value in enumerate(["implementation.fullInPlace", "implementation.none"], start=1):
        append_csv(
            seeds / "bch_question_options.csv",
            {
                "report_type": "cpbNationalReport6",
                "cycle": "6",
                "question_key": "Q100",
                "position": str(position),
                "value": value,
                "title_en": value,
            },
        )

    raw = tmp_path / "raw"
    full, none = {"value": "implementation.fullInPlace"}, {"value": "implementation.none"}
    write_snapshot(
        raw / "embedded",
        snapshot_id="20261101T000000Z",  # report dates must not be in the future
        countries=[country(c, cpb=PARTY) for c in ("dz", "ke", "br")],
        regions={"africa": ["dz", "ke"], "grulac": ["br"]},
        reports={
            "nr5": [report("dz", 51, "2025-05-01", Q007=none), report("ke", 52, "2025-05-01", Q007=full)],
            "nr6": [
                report("dz", 61, "2026-10-01", Q100=full),
                report("ke", 62, "2026-10-01", Q100=full),
                report("br", 63, "2026-10-01", Q100=none),
            ],
        },
        records={
            "focalPoint": [
                record("focalPoint", "f1", "dz", "2020-01-01", type_ss=["CPB-FP1"]),
                record("focalPoint", "f2", "ke", "2026-01-01", type_ss=["CPB-FP1"]),
                # after the nr6 record date (2026-06-30), before the snapshot
                record("focalPoint", "f3", "br", "2026-09-15", type_ss=["CPB-FP1"]),
            ]
        },
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(project),
        "CPB_RAW_DIR": str(raw),
        "CPB_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    env.pop("CPB_CUTOFF_DATE", None)
    result = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "refresh"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    with duckdb.connect(str(tmp_path / "warehouse/published/cpb_indicators.duckdb"), read_only=True) as con:
        assert con.execute(
            "select cutoff_date::varchar, baseline_cycle_code from marts.dim_cycle where cycle_code = 'nr6'"
        ).fetchall() == [("2028-12-31", "nr5")]
        assert con.execute(
            "select catalogue_code, catalogue_title, cycle_code, baseline_cycle_code "
            "from marts.dim_assessment where assessment_code = 'ar6'"
        ).fetchall() == [("fx2031", "Fictitious plan 2031-2040", "nr6", "nr5")]
        progress = con.execute(
            "select indicator_code, comparison_population, n_comparable, baseline_n_met, cycle_n_met, "
            "round(change_pp, 2) from marts.indicator_progress where assessment_code = 'ar6' "
            "and region_code = 'global' and analysis_as_of = 'cutoff' order by 1"
        ).fetchall()
        assert progress == [
            # records on 2024-12-31 (baseline): dz only, 1 of 3; on 2026-06-30: dz and ke, 2 of 3
            ("fx_focal_point", "all_parties_at_cutoff", None, 1, 2, 33.33),
            # nr6 Q100 -> nr5 Q007 -> nr4 Q014. Comparable set dz, ke (br has no nr5):
            # baseline ke (1 of 2), cycle dz and ke (2 of 2): +50 points
            ("fx_measures", "comparable_set", 2, 1, 2, 50.0),
        ]
        # as of the snapshot (2026-11-01) br's focal point of 2026-09-15 counts: 3 of 3
        assert con.execute(
            "select cycle_n_met from marts.indicator_progress where assessment_code = 'ar6' "
            "and indicator_code = 'fx_focal_point' and region_code = 'global' and analysis_as_of = 'snapshot'"
        ).fetchall() == [(3,)]


def append_csv(path: Path, row: dict) -> None:
    with open(path, newline="") as fh:
        columns = next(csv.reader(fh))
    with open(path, "a", newline="") as fh:
        csv.DictWriter(fh, fieldnames=columns).writerow(row)


NR4 = [
    report("dz", 1, "2019-06-01", Q014={"value": "implementation.fullInPlace"}),
    report("ke", 2, "2019-09-15", Q014={"value": "implementation.fullInPlace"}),
    report("ke", 3, "2019-12-20", Q014={"value": "implementation.none"}),
    report("br", 4, "2020-01-10", Q014={"value": "implementation.fullInPlace"}),
]


@pytest.fixture
def two_cutoffs(pipeline):
    write_snapshot(
        pipeline.source_dir,
        countries=[country(c, cpb=PARTY) for c in ("dz", "ke", "br")],
        regions={"africa": ["dz", "ke"], "grulac": ["br"]},
        reports={"nr4": NR4, "nr2": [report("dz", 9, "2011-05-01", Q015="implementation.fullFramwork")]},
    )
    assert pipeline.refresh() == 0
    registry = tables(pipeline)
    # the earlier cutoff drops br's report, a move the change gate would block: accepted here
    assert pipeline.refresh("--cutoff-date", "nr4=2019-10-01", "--accept-changes") == 0
    return registry, tables(pipeline)


def tables(pipeline) -> dict[str, list]:
    """Every mart's rows, sorted; fct_national_report's and fct_report_answer's as dicts by column name."""
    names = [
        r[0]
        for r in pipeline.query(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        )
    ]
    out = {n: sorted(pipeline.query(f"select * from marts.{n}"), key=repr) for n in names}
    for name in ("fct_national_report", "fct_report_answer"):
        columns = [r[0] for r in pipeline.query(f"describe marts.{name}")]
        out[name] = [dict(zip(columns, r, strict=True)) for r in out[name]]
    return out


def test_a_changed_cutoff_changes_the_counted_set_and_nothing_else(two_cutoffs):
    before, after = two_cutoffs
    # which reports count changed: ke's December report and br's January report fall after 2019-10-01
    status = {
        t: {(r["party_code"], r["document_id"]): r["report_status"] for r in rows}
        for t, rows in (("before", before["fct_national_report"]), ("after", after["fct_national_report"]))
    }
    assert status["before"] == {
        ("dz", "1"): "counted",
        ("ke", "2"): "superseded",
        ("ke", "3"): "counted",
        ("br", "4"): "counted",
        ("dz", "9"): "counted",
    }
    assert status["after"] == {
        ("dz", "1"): "counted",
        ("ke", "2"): "counted",
        ("ke", "3"): "after_cutoff",
        ("br", "4"): "after_cutoff",
        ("dz", "9"): "counted",
    }
    # the answers published follow: ke's report 2 is superseded in both analyses before (by report 3,
    # dated before the cutoff and the snapshot), and the one counted at the new cutoff after
    answered = {
        t: {r["document_id"] for r in rows}
        for t, rows in (("before", before["fct_report_answer"]), ("after", after["fct_report_answer"]))
    }
    assert answered == {"before": {"1", "3", "4", "9"}, "after": {"1", "2", "3", "4", "9"}}
    nr4 = {
        t: [r for r in rows[f] if r[:3] == ("a_measures_full", "nr4", "global")]
        for t, rows, f in (("before", before, "indicator_status"), ("after", after, "indicator_status"))
    }
    assert [r[3:5] for r in nr4["before"]] == [(3, 2)] and [r[3:5] for r in nr4["after"]] == [(2, 2)]
    # everything that does not depend on nr4's cutoff is identical
    for table in ("dim_party", "dim_region", "dim_indicator"):
        assert before[table] == after[table]
    for table in ("indicator_status", "fct_party_indicator"):
        assert [r for r in before[table] if "nr4" not in r] == [r for r in after[table] if "nr4" not in r]

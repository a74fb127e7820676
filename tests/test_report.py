"""The HTML report and the spreadsheets: every indicator of every assessment, every number as in the marts.

One pipeline run on the embedded snapshot (the session's ``embedded_run``); the report's figure cells
carry the mart value unrounded (``data-field``/``data-value``), so the comparison is exact.
"""

from collections import defaultdict
from html.parser import HTMLParser
from itertools import zip_longest
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import jinja2
import openpyxl
import pytest

from orchestration import cli
from orchestration.report import pages
from orchestration.report.workbook import FIGURE_COLUMNS, PARTY_COLUMNS

FIGURES = ("n_comparable", "baseline_n_met", "baseline_pct", "cycle_n_met", "cycle_pct", "change_pp")


class Page(HTMLParser):
    """What the tests read from a page: elements with data attributes, ids and links."""

    def __init__(self, path: Path):
        super().__init__()
        self.elements, self.ids, self.links, self.text = [], set(), [], []
        self._open = []
        self.feed(path.read_text())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        context = {k: v for k, v in attrs.items() if k.startswith("data-")}
        inherited = {**(self._open[-1][1] if self._open else {}), **context}
        if tag not in ("br", "meta", "img", "input", "link"):
            self._open.append((tag, inherited))
        if context:
            self.elements.append({"tag": tag, **inherited})

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.text.append(data)


def value(text: str):
    return None if text == "None" else float(text)


@pytest.fixture(scope="module")
def run(embedded_run):
    return embedded_run


@pytest.fixture(scope="module")
def report_dir(run) -> Path:
    return run.warehouse_dir / "published" / "report"


@pytest.fixture(scope="module")
def index(report_dir) -> Page:
    return Page(report_dir / "index.html")


def progress(run, analysis: str = "cutoff") -> list[dict]:
    """indicator_progress rows of one analysis: the official figures (at the cutoff) by default."""
    with duckdb.connect(str(run.published_db), read_only=True) as con:
        result = con.execute("select * from marts.indicator_progress where analysis_as_of = ?", [analysis])
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def test_every_indicator_of_every_assessment_is_in_the_report_by_title(run, index):
    expected = run.query(
        "select a.assessment_code, i.indicator_code, i.title, i.source from marts.dim_assessment as a "
        "inner join marts.dim_indicator as i using (catalogue_code)"
    )
    shown = {
        (e["data-assessment"], e["data-indicator"]): e["data-kind"]
        for e in index.elements
        if e["tag"] == "article"
    }
    assert set(shown) == {(a, i) for a, i, _, _ in expected}
    text = " ".join(index.text)
    for assessment, indicator, title, source in expected:
        assert title in text
        if source == "not_measured":
            assert shown[(assessment, indicator)] == "not_measured"
    assert "Not measured by this framework." in text
    compared = {(row["assessment_code"], row["indicator_code"]) for row in progress(run)}
    assert {key for key, kind in shown.items() if kind == "compared"} == compared


def test_every_figure_equals_the_marts(run, index):
    cells = defaultdict(dict)
    for e in index.elements:
        if "data-field" in e and "data-region" in e and "data-indicator" in e:
            cells[(e["data-assessment"], e["data-indicator"], e["data-region"])][e["data-field"]] = e[
                "data-value"
            ]
    rows = progress(run)
    assert len(cells) == len(rows)
    for row in rows:
        shown = cells[(row["assessment_code"], row["indicator_code"], row["region_code"])]
        for field in FIGURES:
            if field in shown or row[field] is not None:
                assert value(shown[field]) == row[field], (row["indicator_code"], row["region_code"], field)


def test_the_headline_panel_counts_reports_and_parties_as_the_marts(run, index):
    panel = defaultdict(dict)
    for e in index.elements:
        if "data-side" in e and "data-field" in e:
            panel[(e["data-assessment"], e["data-side"])][e["data-field"]] = int(e["data-value"])
    for assessment, baseline, cycle in run.query(
        "select assessment_code, baseline_cycle_code, cycle_code from marts.dim_assessment"
    ):
        for side, cycle_code in (("baseline", baseline), ("cycle", cycle)):
            counted, counted_as_of = run.query(
                "select count(distinct party_code) filter (where is_counted), "
                "count(distinct party_code) filter (where is_counted_as_of_snapshot) "
                "from marts.fct_national_report where cycle_code = ?",
                [cycle_code],
            )[0]
            parties = run.query(
                "select count(distinct party_code) from marts.fct_party_indicator where cycle_code = ?",
                [cycle_code],
            )[0][0]
            assert panel[(assessment, side)] == {
                "counted": counted,
                "counted_as_of": counted_as_of,
                "parties": parties,
            }
    assert "Synthetic data." in " ".join(index.text)


def test_each_figure_links_to_the_parties_behind_it_and_they_add_up(run, report_dir, index):
    """Every link of the report resolves, and the Parties listed behind a figure are its counts."""
    for page_link in {link for link in index.links if not link.startswith("#")}:
        target = urlsplit(page_link)
        path = (report_dir / target.path).resolve()
        assert path.is_file(), page_link
        if target.fragment and path.suffix == ".html":
            assert target.fragment in Page(path).ids, page_link
    for row in progress(run):
        page = Page(report_dir / row["assessment_code"] / f"{row['indicator_code']}.html")
        parties = [e for e in page.elements if "data-party" in e]
        if row["region_code"] != "global":
            parties = [p for p in parties if p["data-region"] == row["region_code"]]
        if row["comparison_population"] == "comparable_set":
            parties = [p for p in parties if p["data-comparable"] == "true"]
            assert len(parties) == row["n_comparable"]
        for side in ("baseline", "cycle"):
            met = [p for p in parties if p[f"data-{side}-status"] == "met"]
            assert len(met) == row[f"{side}_n_met"], (row["indicator_code"], row["region_code"], side)


def test_each_indicator_links_to_its_question_in_each_cycle(report_dir):
    page = Page(report_dir / "ar4" / "a_measures_full.html")
    cycles = {e["data-cycle"] for e in page.elements if "data-cycle" in e}
    assert cycles == {"nr2", "nr3", "nr4", "nr5"}
    assert (
        "Has your country introduced the necessary national measures for the implementation of the Protocol?"
        in (" ".join(page.text))
    )


def test_the_spreadsheets_hold_the_same_figures_and_the_parties(run, report_dir):
    rows = progress(run)
    for (assessment,) in run.query("select assessment_code from marts.dim_assessment"):
        book = openpyxl.load_workbook(report_dir / f"{assessment}.xlsx", read_only=True)
        assert book.sheetnames[0] == "README" and book.sheetnames[-1] == "Parties"
        readme = {(r[0], r[1]) for r in book["README"].iter_rows(values_only=True) if len(r) > 1}
        assert all(("each thematic area", c) in readme for c in FIGURE_COLUMNS)
        assert all(("Parties", c) in readme for c in PARTY_COLUMNS)
        figures = {}
        for name in book.sheetnames[1:-1]:
            header, *lines = book[name].iter_rows(values_only=True)
            assert list(header) == list(FIGURE_COLUMNS)
            for line in lines:
                record = dict(zip_longest(header, line))  # read-only rows end at their last value
                if record["region_code"]:
                    figures[(record["indicator_code"], record["region_code"])] = record
        expected = [row for row in rows if row["assessment_code"] == assessment]
        assert len(figures) == len(expected)
        for row in expected:
            record = figures[(row["indicator_code"], row["region_code"])]
            for field in FIGURES:
                expected_value = row[field] if row[field] is None else pytest.approx(row[field], rel=1e-12)
                assert record[field] == expected_value, (row["indicator_code"], row["region_code"], field)
        header, *lines = book["Parties"].iter_rows(values_only=True)
        comparable = defaultdict(int)
        for line in lines:
            record = dict(zip_longest(header, line))  # read-only rows end at their last value
            comparable[record["indicator_code"]] += bool(record["in_comparable_set"])
        for row in expected:
            if row["region_code"] == "global" and row["comparison_population"] == "comparable_set":
                assert comparable[row["indicator_code"]] == row["n_comparable"]


def test_the_cli_ends_with_the_report_and_names_indicators_by_title(run, monkeypatch, capsys):
    monkeypatch.setenv("CPB_RAW_DIR", str(run.raw_dir))
    monkeypatch.setenv("CPB_WAREHOUSE_DIR", str(run.warehouse_dir))
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"Report: {run.warehouse_dir / 'published' / 'report' / 'index.html'}"
    line = next(line for line in out if line.endswith("[a_measures_full]"))
    assert line.strip().startswith("Parties that have fully put in place national measures")
    assert "comparable set of" in line


def test_as_of_figures_and_timeliness_are_shown_as_in_the_marts(run, index):
    """Where the analysis as of the snapshot differs from the official one, both are shown; the
    timeliness table is every cycle at the comparison day."""
    official = {(r["assessment_code"], r["indicator_code"], r["region_code"]): r for r in progress(run)}
    later = {
        (r["assessment_code"], r["indicator_code"], r["region_code"]): r for r in progress(run, "snapshot")
    }
    differ = {
        key
        for key, row in later.items()
        if key in official
        and (row["cycle_pct"], row["baseline_pct"])
        != (official[key]["cycle_pct"], official[key]["baseline_pct"])
    }
    shown = {
        (e["data-assessment"], e["data-indicator"], e["data-region"]): value(e["data-value"])
        for e in index.elements
        if e.get("data-field") == "as_of_cycle_pct"
    }
    assert differ and set(shown) == differ
    for key, pct in shown.items():
        assert pct == later[key]["cycle_pct"]
    timeliness = {
        e["data-cycle"]: int(e["data-value"]) for e in index.elements if e.get("data-field") == "n_filed"
    }
    assert timeliness == dict(
        run.query(
            "select cycle_code, n_filed from marts.reporting_timeliness "
            "where is_comparison_day and region_code = 'global'"
        )
    )


def test_the_vega_script_is_bundled_once_and_kept_with_the_build(run, report_dir):
    """The refresh kept vl-convert's bundle beside the build file; the page inlines that file."""
    (cached,) = (run.warehouse_dir / "build").glob("vega-bundle-*-vl*.js")
    script = cached.read_text()
    assert "vegaEmbed" in script and len(script) > 500_000
    assert script.replace("</script", "<\\/script") in (report_dir / "index.html").read_text()


def test_a_kept_vega_script_is_read_not_bundled_again(tmp_path):
    from orchestration.report.charts import javascript

    first = javascript(tmp_path)
    (cached,) = tmp_path.glob("vega-bundle-*.js")
    cached.write_text(first + "// kept")  # what a second call returns proves it read the file
    assert javascript(tmp_path) == first + "// kept"
    assert [p.name for p in tmp_path.iterdir()] == [cached.name]  # no partial file left behind


def test_templates_read_a_row_key_first_then_an_attribute_and_refuse_what_is_neither():
    template = pages.environment().from_string("{{ p.party_name }} {{ p.items }} {{ row.get('x') }}")
    assert template.render(p={"party_name": "Fiji", "items": 3}, row={"x": 1}) == "Fiji 3 1"
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'region_code'"):
        pages.environment().from_string("{{ p.region_code }}").render(p={"party_name": "Fiji"})

"""The report's HTML pages from jinja2 templates: index.html and one drill-down page per indicator.

Every figure cell carries its mart value unrounded (``data-field``/``data-value``) beside the
rounded text a reader sees, so tests and scrapers compare with the marts exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from orchestration.report import charts

STATUS_LABELS = {
    "met": "met",
    "not_met": "not met",
    "not_answered": "not answered",
    "not_in_population": "not asked (outside the question's population)",
    "not_a_party": "not a Party at the cutoff",
}


class _RowsEnvironment(jinja2.Environment):
    """Jinja with the report's rows (dicts) read key first: ``p.party_name`` is ``p["party_name"]``.

    Jinja tries an attribute first and a key only after the failed attribute lookup raised, which
    was half the pages' time (a few hundred thousand cells in the Parties tables)."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment() -> jinja2.Environment:
    env = _RowsEnvironment(
        loader=jinja2.PackageLoader("orchestration.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        pct=pct, signed=signed, number=number, status=STATUS_LABELS.get, json_script=json_script
    )
    env.globals.update(progress_class=progress_class)
    return env


def render(data: dict, build: dict, folder: Path, cache_dir: Path | None = None) -> list[Path]:
    """Write index.html and every drill-down page into ``folder``; returns the pages written.

    ``cache_dir`` keeps the Vega script between runs (:func:`charts.javascript`)."""
    env = environment()
    specs, written = {}, []
    # the pages' own view of each assessment; ``data`` is left as it is (the spreadsheets read it)
    assessments = [{**a, "areas": _areas(a, data, specs)} for a in data["assessments"]]
    for assessment in assessments:
        page = env.get_template("indicator.html.j2")
        (folder / assessment["assessment_code"]).mkdir(parents=True, exist_ok=True)
        for area in assessment["areas"]:
            for indicator in area["indicators"]:
                path = folder / indicator["href"]
                path.write_text(
                    page.render(
                        assessment=assessment, indicator=indicator, regions=data["regions"], data=data
                    )
                )
                written.append(path)
    specs["chart-timeliness"] = charts.timeliness_chart(data["timeliness"])
    index = folder / "index.html"
    index.write_text(
        env.get_template("index.html.j2").render(
            data={**data, "assessments": assessments},
            build=build,
            regions=data["regions"],
            specs=specs,
            vega_js=Markup(charts.javascript(cache_dir).replace("</script", "<\\/script")),
        )
    )
    return [index, *written]


def _areas(assessment: dict, data: dict, specs: dict) -> list[dict]:
    """The thematic areas' indicators, each with its chart, link and questions."""
    code = assessment["assessment_code"]
    labels = {
        "baseline": f"baseline ({assessment['baseline_cycle_code']})",
        "cycle": f"cycle ({assessment['cycle_code']})",
    }
    areas = []
    for area in assessment["areas"]:
        items = []
        for indicator in area["indicators"]:
            indicator_code = indicator["indicator_code"]
            chart_id = f"chart-{code}-{indicator_code}"
            spec = charts.indicator_chart(indicator, data["regions"], labels)
            if spec is not None:
                specs[chart_id] = spec
            keys = (indicator["nr4_question_keys"] or "").split("|")
            items.append(
                {
                    **indicator,
                    "chart_id": chart_id if spec is not None else None,
                    "href": f"{code}/{indicator_code}.html",
                    "questions": [q for key in keys for q in data["questions"].get(key, [])],
                    "party_groups": _party_groups(indicator["parties"], data["regions"]),
                    "cycle_status": {
                        row["region_code"]: row
                        for row in indicator["status"]
                        if row["cycle_code"] == assessment["cycle_code"]
                    },
                }
            )
        areas.append({**area, "indicators": items})
    return areas


def _party_groups(parties: list[dict], regions: list[dict]) -> list[dict]:
    """The Parties behind a figure by region (anchor = region code); those in no group last."""
    groups = [(r["region_code"], r["name"]) for r in regions if r["region_code"] != "global"]
    groups.append((None, "Outside the five regional groups (counted in All Parties only)"))
    return [
        {"anchor": code or "outside", "name": name, "parties": members}
        for code, name in groups
        if (members := [p for p in parties if p["region_code"] == code])
    ]


def progress_class(change, polarity: str) -> str:
    """CSS class of a change: better or worse by the indicator's polarity, or unchanged."""
    if change is None or abs(change) < 0.05:
        return "same"
    rising = change > 0
    return "better" if rising == (polarity != "lower_is_better") else "worse"


def pct(value) -> str:
    return "–" if value is None else f"{value:.1f}%"


def signed(value) -> str:
    return "–" if value is None else f"{value:+.1f}"


def number(value) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def json_script(value) -> Markup:
    """JSON safe inside a <script> element."""
    return Markup(json.dumps(value).replace("</", "<\\/"))

"""Vega-Lite charts of the report, built with altair and rendered in the page by the inlined Vega bundle.

Charts are specs (JSON) with their data inline; the page carries the Vega, Vega-Lite and vega-embed
JavaScript itself (vl-convert's bundle), so it draws them opened from disk with no network.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import altair as alt
import vl_convert

SIDE_COLOURS = ["#9aa5b1", "#1f6fb2"]  # baseline grey, cycle blue
WIDTH = 300
HEIGHT = 170
VALUE_TITLES = {
    "pct_parties": "share of reporting Parties (%)",
    "pct_records": "share of records (%)",
    "n_parties": "Parties",
    "n_records": "records",
}


def javascript(cache_dir: Path | None = None) -> str:
    """Vega, Vega-Lite and vega-embed in one classic script (globals ``vegaEmbed``, ``vega``).

    vl-convert bundles the script anew in each process (2-3 s, the same 0.9 MB every time for a
    given vl-convert and Vega-Lite version); with ``cache_dir`` the bundle is kept there under those
    versions, so a refresh bundles it only after an upgrade.
    """
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if cache_dir is None:
        return vl_convert.javascript_bundle(vl_version=major_minor)
    cached = Path(cache_dir) / f"vega-bundle-{vl_convert.__version__}-vl{major_minor}.js"
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f".{cached.name}.{os.getpid()}")
        partial.write_text(vl_convert.javascript_bundle(vl_version=major_minor))
        os.replace(partial, cached)  # a reader sees the whole bundle or none
    return cached.read_text()


def indicator_chart(indicator: dict, regions: list[dict], labels: dict[str, str]) -> dict | None:
    """Baseline against cycle by region (the comparison's shares), and a line over every cycle.

    The chart's layout depends only on the labels, regions and cycles, so altair builds it once per
    layout with named data sources, and each indicator's spec is that layout plus its ``datasets``.
    """
    names = {r["region_code"]: r["name"] for r in regions}
    order = tuple(r["region_code"] for r in regions)
    datasets = {}
    if indicator["progress"]:
        datasets["comparison"] = [
            {"region": names[code], "side": labels[side], "pct": row[f"{side}_pct"]}
            for code in order
            if (row := indicator["progress"].get(code))
            for side in ("baseline", "cycle")
            if row[f"{side}_pct"] is not None
        ]
    cycles = tuple(dict.fromkeys(row["cycle_code"] for row in indicator["status"]))
    if len(cycles) > 2:
        datasets["cycles"] = [
            {"cycle": row["cycle_code"], "region": names.get(row["region_code"]), "value": row["value"]}
            for row in indicator["status"]
            if row["value"] is not None
        ]
    if not datasets:
        return None
    layout = _layout(
        tuple(names[code] for code in order),
        (labels["baseline"], labels["cycle"]) if "comparison" in datasets else None,
        cycles if "cycles" in datasets else None,
        VALUE_TITLES.get(indicator["value_kind"], "value"),
    )
    return {**layout, "datasets": datasets}


@cache
def _layout(regions: tuple, sides: tuple | None, cycles: tuple | None, value_title: str) -> dict:
    parts = []
    if sides:
        parts.append(_comparison(regions, sides))
    if cycles:
        parts.append(_over_cycles(regions, cycles, value_title))
    chart = parts[0] if len(parts) == 1 else alt.hconcat(*parts).resolve_scale(color="independent")
    return chart.to_dict()


def _comparison(regions: tuple, sides: tuple) -> alt.Chart:
    return (
        alt.Chart(alt.NamedData(name="comparison"), title="baseline and cycle, by region")
        .mark_bar()
        .encode(
            x=alt.X(
                "region:N", sort=list(regions), title=None, axis=alt.Axis(labelAngle=-30, labelLimit=110)
            ),
            xOffset=alt.XOffset("side:N", sort=list(sides)),
            y=alt.Y("pct:Q", title="share of Parties (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "side:N",
                title=None,
                sort=list(sides),
                scale=alt.Scale(range=SIDE_COLOURS),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[alt.Tooltip("region:N"), alt.Tooltip("side:N"), alt.Tooltip("pct:Q", format=".1f")],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def _over_cycles(regions: tuple, cycles: tuple, value_title: str) -> alt.Chart:
    """The headline value (indicator_status.value) of every cycle: all reporting Parties, not the set."""
    return (
        alt.Chart(alt.NamedData(name="cycles"), title="every cycle (all reporting Parties)")
        .mark_line(point=True)
        .encode(
            x=alt.X("cycle:O", sort=list(cycles), title=None),
            y=alt.Y("value:Q", title=value_title),
            color=alt.Color("region:N", sort=list(regions), title=None),
            tooltip=[alt.Tooltip("cycle:O"), alt.Tooltip("region:N"), alt.Tooltip("value:Q", format=".1f")],
        )
        .properties(width=WIDTH, height=HEIGHT)
    )


def timeliness_chart(rows: list[dict]) -> dict:
    """Share of Parties that had filed, by days after each cycle's deadline (one line per cycle)."""
    values = [
        {
            "cycle": row["cycle_code"],
            "days": row["days_after_deadline"],
            "pct": row["pct_filed"],
            "filed": row["n_filed"],
            "parties": row["n_parties"],
        }
        for row in rows
    ]
    spec = (
        alt.Chart(alt.Data(name="timeliness"), title="Parties that had filed, by days after the deadline")
        .mark_line()
        .encode(
            x=alt.X("days:Q", title="days after the deadline"),
            y=alt.Y("pct:Q", title="Parties filed (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("cycle:N", title="cycle"),
            tooltip=["cycle:N", "days:Q", "filed:Q", "parties:Q", alt.Tooltip("pct:Q", format=".1f")],
        )
        .properties(width=2 * WIDTH, height=HEIGHT + 60)
        .to_dict(validate=False)
    )
    # the rows go in after altair: it would wrap each of them (thousands) in its schema classes first
    spec["data"] = {"values": values}
    return spec

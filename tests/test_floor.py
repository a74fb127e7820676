"""The floor (bench/floor.py), a bare re-implementation from raw JSON, agrees with the published marts.

Every national-report indicator x cycle x region of ``indicator_status`` and every comparable-set row
of ``indicator_progress``: counts exactly, percentages to 1e-9. No timing here (bench/run.py times).
"""

import math

import pytest

from bench import floor

STATUS_KEY = ("indicator_code", "cycle_code", "region_code")
STATUS_VALUES = ("n_parties", "n_met", "pct")
PROGRESS_KEY = ("indicator_code", "cycle_code", "baseline_cycle_code", "region_code")
PROGRESS_VALUES = ("n_comparable", "baseline_n_met", "cycle_n_met", "baseline_pct", "cycle_pct", "change_pp")


@pytest.fixture(scope="module")
def floor_con(embedded_run):
    return floor.compute(floor.snapshot_of(embedded_run.source_dir))


def _national_report_codes(con) -> list[str]:
    return [r[0] for r in con.execute("select indicator_code from nr_indicators").fetchall()]


def _rows(rows: list[tuple], n_key: int) -> dict[tuple, tuple]:
    out = {}
    for row in rows:
        key = tuple(row[:n_key])
        assert key not in out, f"duplicate row {key}"
        out[key] = tuple(row[n_key:])
    return out


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


def _compare(floor_rows: dict, mart_rows: dict, columns: tuple[str, ...]) -> list[str]:
    problems = [f"only in the marts: {k}" for k in sorted(mart_rows.keys() - floor_rows.keys())]
    problems += [f"only in the floor: {k}" for k in sorted(floor_rows.keys() - mart_rows.keys())]
    for key in sorted(floor_rows.keys() & mart_rows.keys()):
        for column, f, m in zip(columns, floor_rows[key], mart_rows[key], strict=True):
            if not _same(f, m):
                problems.append(f"{key} {column}: floor {f!r}, marts {m!r}")
    return problems


def test_floor_matches_indicator_status(embedded_run, floor_con):
    codes = _national_report_codes(floor_con)
    columns = ", ".join(STATUS_KEY + STATUS_VALUES)
    marts = _rows(
        embedded_run.query(
            f"select {columns} from marts.indicator_status where list_contains(?, indicator_code)", [codes]
        ),
        len(STATUS_KEY),
    )
    mine = _rows(floor_con.execute(f"select {columns} from floor_status").fetchall(), len(STATUS_KEY))
    assert marts, "the marts have no national-report rows"
    assert {k[1] for k in mine} == {"nr2", "nr3", "nr4", "nr5"}
    problems = _compare(mine, marts, STATUS_VALUES)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_floor_matches_indicator_progress(embedded_run, floor_con):
    codes = _national_report_codes(floor_con)
    columns = ", ".join(PROGRESS_KEY + PROGRESS_VALUES)
    marts = _rows(
        embedded_run.query(
            f"select {columns} from marts.indicator_progress "
            "where comparison_population = 'comparable_set' and analysis_as_of = 'cutoff' "
            "and list_contains(?, indicator_code)",
            [codes],
        ),
        len(PROGRESS_KEY),
    )
    mine = _rows(floor_con.execute(f"select {columns} from floor_progress").fetchall(), len(PROGRESS_KEY))
    assert marts, "the marts have no comparable-set rows"
    problems = _compare(mine, marts, PROGRESS_VALUES)
    assert not problems, f"{len(problems)} differences, first: " + "\n".join(problems[:20])


def test_floor_cli_writes_both_marts(tmp_path, capsys):
    out = tmp_path / "floor.parquet"
    assert floor.main([str(floor.EMBEDDED), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "indicator_status rows" in printed and "indicator_progress rows" in printed
    con = floor.duckdb.connect()
    marts = dict(con.execute(f"select mart, count(*) from '{out}' group by mart").fetchall())
    assert set(marts) == {"indicator_status", "indicator_progress"} and all(marts.values())

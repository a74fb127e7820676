"""Configuration mistakes stop `cpb` before any work (exit 2); a cutoff that empties a cycle warns."""

import pytest

from orchestration import cli
from tests.factory import country, report, write_snapshot


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "live", "--base-url", "ftp://api.cbd.int"], "BCH_BASE_URL='ftp://api.cbd.int'"),
        (["--base-url", "api.cbd.int"], "expected an http(s) URL"),
        (["--cutoff-date", "nr4=2019-13-01"], "'2019-13-01' is not a date"),
        (["--cutoff-date", "nr9=2020-01-15"], "'nr9' is not a cycle of the registry"),
    ],
)
def test_a_bad_flag_is_a_configuration_error_before_any_work(pipeline, capsys, args, message):
    assert cli.main(["refresh", *args]) == 2
    err = capsys.readouterr().err
    assert "configuration error" in err and message in err
    assert not pipeline.warehouse_dir.exists()  # nothing was started


def test_a_bare_cutoff_that_leaves_the_newest_cycle_empty_warns(pipeline, capsys):
    full = {"value": "implementation.fullInPlace"}
    write_snapshot(
        pipeline.source_dir,
        countries=[country(c, cpb="2004-01-01") for c in ("dz", "ke")],
        regions={"africa": ["dz", "ke"]},
        reports={
            "nr4": [report("dz", 1, "2019-06-01", Q014=full)],
            "nr5": [report("ke", 2, "2024-03-01", Q007=full)],
        },
    )
    # a bare date moves the newest cycle's cutoff (nr5, 2026-02-28 in the registry) to 2020-01-15
    assert pipeline.refresh("--cutoff-date", "2020-01-15") == 0
    out = capsys.readouterr().out
    assert "WARNING: cycle nr5 has no counted report at its cutoff 2020-01-15 (moved from 2026-02-28" in out
    assert "WARNING: cycle nr4" not in out

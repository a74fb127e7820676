"""End to end: `cpb refresh --source live` against a local server speaking the BCH API formats."""

from pathlib import Path

from orchestration.snapshot import latest_snapshot
from tests.bch_fake import dataset_from_snapshot, serve_bch

EMBEDDED = Path(__file__).resolve().parents[1] / "raw" / "embedded"


def test_live_refresh_extracts_builds_and_publishes(pipeline, httpserver, monkeypatch, capsys):
    # the embedded snapshot served back as the BCH API: a live run must publish the same figures
    serve_bch(httpserver, **dataset_from_snapshot(latest_snapshot(EMBEDDED)))
    monkeypatch.setenv("BCH_REQUESTS_PER_SECOND", "1000")
    assert pipeline.refresh("--source", "live", "--base-url", httpserver.url_for("/").rstrip("/")) == 0
    out = capsys.readouterr().out
    assert "[raw] national_reports/nr4:" in out and "source live" in out

    # the next nightly run finds the source unchanged and stops after the extraction
    assert pipeline.refresh("--source", "live", "--base-url", httpserver.url_for("/").rstrip("/")) == 0
    assert "Unchanged: snapshot" in capsys.readouterr().out
    live = latest_snapshot(pipeline.raw_dir / "live")
    assert live.manifest["source"] == "live" and live.manifest["base_url"].startswith("http://localhost")
    published = pipeline.query(
        "select n_parties, n_met from marts.indicator_status "
        "where indicator_code = 'a_measures_full' and cycle_code = 'nr4' and region_code = 'global'"
    )

    # the same figures from the embedded snapshot itself
    (pipeline.raw_dir / "embedded").symlink_to(EMBEDDED, target_is_directory=True)
    assert pipeline.refresh("--source", "embedded") == 0
    assert (
        pipeline.query(
            "select n_parties, n_met from marts.indicator_status "
            "where indicator_code = 'a_measures_full' and cycle_code = 'nr4' and region_code = 'global'"
        )
        == published
    )

    # a file of the live snapshot changed on disk since: the extraction finds the source unchanged
    # and keeps that snapshot, and the raw stage's check against its manifest fails the run
    capsys.readouterr()
    page = live.path / "countries.json.gz"
    page.write_bytes(page.read_bytes() + b"\0")
    assert pipeline.refresh("--source", "live", "--base-url", httpserver.url_for("/").rstrip("/")) == 1
    err = capsys.readouterr().err
    assert f"snapshot {live.snapshot_id} ({live.path}): countries.json.gz does not match its manifest" in err

"""Publication: validated marts swap in atomically; a failing check leaves the last good one in place."""

import fcntl
import gzip
import json
import re

import duckdb
import pytest

from orchestration.publication import publish
from tests.conftest import Pipeline
from tests.factory import country, report, write_snapshot

REGIONS = {"africa": ["dz", "ke"], "weog": ["de"]}


def good_snapshot(pipeline, snapshot_id, ke_value="implementation.fullInPlace"):
    return write_snapshot(
        pipeline.source_dir,
        snapshot_id=snapshot_id,
        countries=[country(c, cpb="2004-01-01") for c in ("dz", "ke", "de")],
        regions=REGIONS,
        reports={
            "nr4": [
                report("dz", 1, "2019-06-01", Q014={"value": "implementation.fullInPlace"}),
                report("ke", 2, "2019-06-01", Q014={"value": ke_value}),
            ]
        },
    )


def publication(pipeline) -> dict:
    return json.loads((pipeline.warehouse_dir / "published" / "manifest.json").read_text())


def global_pct(pipeline):
    return pipeline.query(
        "select pct from marts.indicator_status where indicator_code = 'a_measures_full' "
        "and cycle_code = 'nr4' and region_code = 'global'"
    )[0][0]


def test_failing_expectation_blocks_publication_and_keeps_the_previous_one(pipeline, capsys):
    good_snapshot(pipeline, "20200101T000000Z")
    assert pipeline.refresh() == 0
    before = publication(pipeline)
    published_bytes = pipeline.published_db.read_bytes()
    published_report = pipeline.published_db.with_name("report").joinpath("index.html").read_text()
    assert '<code data-field="snapshot_id">20200101T000000Z</code>' in published_report

    # A newer snapshot whose countries endpoint returns a malformed government code: dbt builds it,
    # the Great Expectations suite on the staged countries list rejects it.
    write_snapshot(
        pipeline.source_dir,
        snapshot_id="20200201T000000Z",
        countries=[country("dz", cpb="2004-01-01"), country("k9", cpb="2004-01-01")],
        regions={"africa": ["dz", "k9"]},
        reports={"nr4": [report("k9", 3, "2019-06-01", Q014={"value": "implementation.none"})]},
    )
    assert pipeline.refresh() == 1
    err = capsys.readouterr().err
    assert "gx_stg_bch__countries failed (publication blocked)" in err
    assert "country_code', regex='^[a-z]{2}$') failed; unexpected 1, e.g. country_code=k9, name=K9" in err
    assert publication(pipeline) == before
    assert pipeline.published_db.read_bytes() == published_bytes
    assert pipeline.published_db.with_name("report").joinpath("index.html").read_text() == published_report
    # the rejected build's marts, and the report rendered from them while the checks ran, are kept
    # for inspection, not published
    marts_db = pipeline.warehouse_dir / "build" / "publication.duckdb"
    assert ("k9",) in pipeline.query("select party_code from marts.dim_party", db=marts_db)
    assert (
        '<code data-field="snapshot_id">20200201T000000Z</code>'
        in (pipeline.warehouse_dir / "build" / "report" / "index.html").read_text()
    )


def test_a_reader_holding_the_published_file_keeps_its_view_during_a_refresh(pipeline):
    good_snapshot(pipeline, "20200101T000000Z", ke_value="implementation.fullInPlace")
    assert pipeline.refresh() == 0
    reader = duckdb.connect(str(pipeline.published_db), read_only=True)
    try:
        assert global_pct(pipeline) == 100.0
        good_snapshot(pipeline, "20200301T000000Z", ke_value="implementation.none")
        # not blocked by the open reader (the share's -50 points are a wanted change here)
        assert pipeline.refresh("--accept-changes") == 0
        old_view = reader.execute(
            "select pct from marts.indicator_status where indicator_code = 'a_measures_full' "
            "and cycle_code = 'nr4' and region_code = 'global'"
        ).fetchone()[0]
        assert old_view == 100.0
    finally:
        reader.close()
    assert global_pct(pipeline) == 50.0
    assert publication(pipeline)["snapshot_id"] == "20200301T000000Z"
    report = (pipeline.warehouse_dir / "published" / "report.md").read_text()
    assert "Snapshot `20200301T000000Z`" in report
    assert re.search(r"all reporting 50\.0% \(1/2\) \[a_measures_full\]", report)
    parquet = (
        pipeline.warehouse_dir / "published" / "parquet" / "indicator_status" / "indicator_status.parquet"
    )
    assert duckdb.connect().execute(f"select count(*) from '{parquet}'").fetchone()[0] == len(
        pipeline.query("select * from marts.indicator_status")
    )


def test_unchanged_refresh_stops_early_and_force_rebuilds(pipeline, capsys):
    good_snapshot(pipeline, "20200101T000000Z")
    assert pipeline.refresh() == 0
    first = publication(pipeline)
    capsys.readouterr()
    assert pipeline.refresh() == 0
    assert "Unchanged" in capsys.readouterr().out
    assert publication(pipeline) == first
    assert pipeline.refresh("--force") == 0
    assert publication(pipeline)["published_at"] >= first["published_at"]
    assert "Unchanged" not in capsys.readouterr().out


def test_a_file_changed_after_its_manifest_fails_a_plain_refresh(pipeline, capsys):
    snapshot = good_snapshot(pipeline, "20200101T000000Z")
    assert pipeline.refresh() == 0
    first = publication(pipeline)
    capsys.readouterr()
    # the same snapshot, already published; one Party's answer edited in place (valid gzip JSON)
    reports = snapshot.path / "national_reports" / "nr4.json.gz"
    edited = gzip.decompress(reports.read_bytes()).replace(b"fullInPlace", b"none")
    reports.write_bytes(gzip.compress(edited, mtime=0))

    assert pipeline.refresh() == 1  # not "Unchanged": the fast path verifies before it skips
    err = capsys.readouterr().err
    assert f"snapshot 20200101T000000Z ({snapshot.path}): national_reports/nr4.json.gz" in err
    assert re.search(r"does not match its manifest: \d+ bytes, sha256 [0-9a-f]{64}; manifest.json says", err)
    assert publication(pipeline) == first
    # the job's raw stage makes the same check (--force skips only the fast path's "unchanged")
    assert pipeline.refresh("--force") == 1
    assert "stage bch_raw_snapshot failed" in capsys.readouterr().err


def test_a_second_refresh_on_the_same_warehouse_waits_its_turn(pipeline, capsys):
    good_snapshot(pipeline, "20200101T000000Z")
    pipeline.warehouse_dir.mkdir(parents=True)
    with open(pipeline.warehouse_dir / ".refresh.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a refresh in progress
        assert pipeline.refresh() == 1
        assert "another refresh is running" in capsys.readouterr().err
    assert not pipeline.published_db.exists()


def marts_file(path, x: int):
    """A file as dbt builds the marts: one table ``marts.t`` holding ``x``."""
    with duckdb.connect(str(path)) as con:
        con.execute(f"create schema marts; create table marts.t as select {x} as x")
    return path


def test_publish_removes_what_a_killed_publication_left(tmp_path):
    marts_db, published = marts_file(tmp_path / "publication.duckdb", 1), tmp_path / "published"
    published.mkdir()
    # a run killed before its swap: the new file (and its WAL), its Parquet and report folders, an old one
    leftovers = [".cpb_indicators.0123456789ab.duckdb", ".cpb_indicators.0123456789ab.duckdb.wal"]
    for name in leftovers:
        (published / name).write_bytes(b"half-written")
    for name in (".parquet.0123456789ab", ".parquet.old", ".report.0123456789ab"):
        (published / name).mkdir()
        (published / name / "t.parquet").write_bytes(b"half-written")

    record = publish(marts_db, published, ["t"], {"snapshot_id": "s1"})
    assert record["tables"] == {"t": 1}
    assert not marts_db.exists()  # moved, not copied
    names = sorted(p.name for p in published.iterdir())
    assert [n for n in names if not n.startswith("parquet-")] == [
        "cpb_indicators.duckdb",
        "manifest.json",
        "parquet",
    ]
    # one Parquet set, the one the link points at
    assert [n for n in names if n.startswith("parquet-")] == [(published / "parquet").readlink().name]


def test_a_publication_failing_midway_keeps_the_previous_one_and_gives_the_marts_back(tmp_path):
    published = tmp_path / "published"
    publish(marts_file(tmp_path / "first.duckdb", 1), published, ["t"], {"snapshot_id": "s1"})
    before = (published / "cpb_indicators.duckdb").read_bytes()
    second = marts_file(tmp_path / "second.duckdb", 2)

    def failing_report(db_path, record):
        raise OSError("disk full while writing report.md")

    with pytest.raises(OSError, match="disk full"):
        publish(second, published, ["t"], {"snapshot_id": "s2"}, report=failing_report)
    assert (published / "cpb_indicators.duckdb").read_bytes() == before
    with duckdb.connect(str(second), read_only=True) as con:  # back in the build, whole
        assert con.execute("select x from marts.t").fetchall() == [(2,)]
    assert json.loads((published / "manifest.json").read_text())["snapshot_id"] == "s1"
    assert not list(published.glob(".*"))  # no temporary file or folder left


def test_a_warehouse_under_a_folder_with_quotes_publishes(tmp_path, monkeypatch, capsys):
    # every path written into SQL (the dbt sources, attach, copy) must survive ' and "
    pipeline = Pipeline(tmp_path / 'it\'s "quoted"', monkeypatch)
    good_snapshot(pipeline, "20200101T000000Z")
    code = pipeline.refresh()
    err = capsys.readouterr().err
    assert code == 0, err
    assert global_pct(pipeline) == 100.0  # dbt read the snapshot and the crosswalk
    assert (
        pipeline.warehouse_dir / "published" / "parquet" / "indicator_status" / "indicator_status.parquet"
    ).is_file()

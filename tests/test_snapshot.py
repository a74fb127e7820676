"""Raw snapshots: manifest written last, never overwritten, incomplete ones never read."""

import json
import subprocess
import sys

import pytest

from orchestration.snapshot import SnapshotError, SnapshotWriter, latest_snapshot, verify_snapshot
from tests.conftest import PROJECT_DIR


def write(source_dir, snapshot_id, body=b"[]"):
    with SnapshotWriter(source_dir, source="live", base_url="http://x", snapshot_id=snapshot_id) as w:
        w.write(
            "countries.json.gz", body, endpoint="countries", request_path="/api/v2013/countries", records=0
        )
        return w.commit()


def test_commit_writes_manifest_with_checksums(tmp_path):
    snap = write(tmp_path, "s1", b"[1]")
    manifest = json.loads((snap.path / "manifest.json").read_text())
    assert manifest["snapshot_id"] == "s1" and manifest["base_url"] == "http://x"
    (entry,) = manifest["files"]
    assert entry["compression"] == "gzip" and entry["received_bytes"] == 3 and len(entry["sha256"]) == 64
    assert snap.read_json("countries.json.gz") == [1]
    verify_snapshot(snap)


def test_interrupted_extraction_leaves_previous_snapshot_in_use(tmp_path):
    write(tmp_path, "s1")
    with pytest.raises(RuntimeError):
        with SnapshotWriter(tmp_path, source="live", snapshot_id="s2") as w:
            w.write("countries.json.gz", b"[]", endpoint="countries", request_path="/x")
            raise RuntimeError("connection reset")
    assert latest_snapshot(tmp_path).snapshot_id == "s1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s1"]


def test_folder_without_manifest_is_never_read(tmp_path):
    write(tmp_path, "s1")
    (tmp_path / "s9").mkdir()  # e.g. copied by hand, no manifest
    assert latest_snapshot(tmp_path).snapshot_id == "s1"


def test_existing_snapshot_is_never_overwritten(tmp_path):
    write(tmp_path, "s1")
    with pytest.raises(SnapshotError, match="never overwritten"):
        write(tmp_path, "s1")


def test_tampered_file_is_detected(tmp_path):
    snap = write(tmp_path, "s1")
    (snap.path / "countries.json.gz").write_bytes(b"changed")
    with pytest.raises(SnapshotError, match="does not match its manifest"):
        verify_snapshot(snap)


def test_no_snapshot_is_a_clear_error(tmp_path):
    with pytest.raises(SnapshotError, match="no complete snapshot under"):
        latest_snapshot(tmp_path)


def killed_writer(source_dir, snapshot_id):
    """A process that dies (SIGKILL, no cleanup) halfway through writing a snapshot."""
    script = (
        "import os, signal, sys; from orchestration.snapshot import SnapshotWriter; "
        "w = SnapshotWriter(sys.argv[1], source='live', snapshot_id=sys.argv[2]); "
        "w.write('countries.json.gz', b'[]', endpoint='countries', request_path='/x'); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    subprocess.run([sys.executable, "-c", script, str(source_dir), snapshot_id], cwd=PROJECT_DIR)
    assert (source_dir / f".tmp-{snapshot_id}" / "countries.json.gz").is_file()


def test_a_killed_writers_folder_is_removed_by_the_next_writer(tmp_path):
    write(tmp_path, "s1")
    killed_writer(tmp_path, "s2")
    write(tmp_path, "s3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s1", "s3"]


def test_a_killed_writers_folder_is_removed_by_the_next_run_reading_the_source(tmp_path):
    write(tmp_path, "s1")
    killed_writer(tmp_path, "s2")
    assert latest_snapshot(tmp_path).snapshot_id == "s1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s1"]


def test_a_writer_at_work_keeps_its_folder(tmp_path):
    write(tmp_path, "s1")
    with SnapshotWriter(tmp_path, source="live", snapshot_id="s2") as busy:
        busy.write("countries.json.gz", b"[]", endpoint="countries", request_path="/x")
        assert latest_snapshot(tmp_path).snapshot_id == "s1"
        write(tmp_path, "s3")  # another run extracting into the same folder meanwhile
        assert (tmp_path / ".tmp-s2" / "countries.json.gz").is_file()
        busy.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s1", "s2", "s3"]

"""Raw snapshots: immutable folders of BCH responses with a manifest written last.

Layout (DESIGN.md, "Raw snapshot"): ``raw/<source>/<snapshot-id>/`` holds one file per endpoint
call and ``manifest.json``. A snapshot is built in a hidden ``.tmp-<id>`` folder and renamed into
place only after its manifest is written, so a reader never sees a half-written snapshot and an
interrupted extraction leaves the previous snapshot in use. Nothing overwrites a snapshot. A killed
writer's ``.tmp-<id>`` folder is removed by the next writer or reader of the source
(:func:`remove_abandoned_snapshots`); a writer still at work keeps its folder locked.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import shutil
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
TMP_PREFIX = ".tmp-"


class SnapshotError(Exception):
    """A snapshot is missing, incomplete or inconsistent with its manifest."""


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_snapshot_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass(frozen=True)
class Snapshot:
    """A complete snapshot on disk (its manifest exists)."""

    path: Path
    manifest: dict

    @property
    def snapshot_id(self) -> str:
        return self.manifest["snapshot_id"]

    @property
    def files(self) -> list[dict]:
        return self.manifest["files"]

    def files_of(self, endpoint: str) -> list[dict]:
        return [f for f in self.files if f["endpoint"] == endpoint]

    def read_json(self, rel_path: str):
        """Parse one file of the snapshot; errors name the snapshot and the file."""
        path = self.path / rel_path
        try:
            raw = path.read_bytes()
            if rel_path.endswith(".gz"):
                raw = gzip.decompress(raw)
            return json.loads(raw)
        except (OSError, ValueError, EOFError, zlib.error) as exc:  # EOFError: a truncated gzip stream
            problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise SnapshotError(
                f"snapshot {self.snapshot_id} ({self.path}), file {rel_path}: cannot read it ({problem}); "
                "the file is truncated or corrupt"
            ) from exc

    def content_sha256(self) -> str:
        """One checksum for the whole snapshot: changes if and only if a file's content changes."""
        digest = hashlib.sha256()
        for f in sorted(self.files, key=lambda f: f["path"]):
            digest.update(f"{f['path']}={f['sha256']}\n".encode())
        return digest.hexdigest()


def load_snapshot(path: Path) -> Snapshot:
    manifest_path = Path(path) / MANIFEST
    if not manifest_path.is_file():
        raise SnapshotError(f"{path} is not a complete snapshot: {MANIFEST} is missing")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError as exc:
        raise SnapshotError(f"{manifest_path}: not valid JSON ({exc})") from exc
    return Snapshot(Path(path), manifest)


def remove_abandoned_snapshots(source_dir: Path) -> None:
    """Remove the ``.tmp-<id>`` folders that killed writers left under ``raw/<source>/``.

    A :class:`SnapshotWriter` holds an exclusive ``flock`` on its folder from creating it until it
    is renamed into place or removed, and the kernel drops the lock when the process dies. So a
    folder whose lock can be taken is abandoned; one whose lock cannot belongs to a writer still
    at work (another run extracting into the same raw folder) and is left alone.
    """
    for tmp in Path(source_dir).glob(f"{TMP_PREFIX}*"):
        try:
            fd = os.open(tmp, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue  # not a folder, or removed meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live writer's
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        finally:
            os.close(fd)


def latest_snapshot(source_dir: Path) -> Snapshot:
    """The newest complete snapshot under ``raw/<source>/`` (hidden and manifest-less folders are skipped).

    Every run looks for its snapshot here first, so this is where a killed run's temporary
    folders are cleaned (:func:`remove_abandoned_snapshots`), whichever source the run reads.
    """
    source_dir = Path(source_dir)
    remove_abandoned_snapshots(source_dir)
    complete = sorted(
        p
        for p in source_dir.glob("*")
        if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()
    )
    if not complete:
        raise SnapshotError(
            f"no complete snapshot under {source_dir} (a snapshot is complete once its {MANIFEST} is written)"
        )
    return load_snapshot(complete[-1])


def latest_snapshot_or_none(source_dir: Path) -> Snapshot | None:
    """Like :func:`latest_snapshot`, but ``None`` when the source has no complete snapshot yet."""
    try:
        return latest_snapshot(source_dir)
    except SnapshotError:
        if any(
            p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()
            for p in Path(source_dir).glob("*")
        ):
            raise  # a snapshot exists but cannot be read: do not pretend there is none
        return None


def verify_snapshot(snapshot: Snapshot) -> None:
    """Check every file listed in the manifest exists with the recorded size and sha256.

    Every run checks the snapshot it uses, even one already published (then only this check runs):
    a file changed after its manifest was written would otherwise feed, or stand behind, figures
    nobody can trace to the BCH. Hashing the embedded snapshot (0.7 MB) takes milliseconds.
    """
    for entry in snapshot.files:
        path = snapshot.path / entry["path"]
        where = f"snapshot {snapshot.snapshot_id} ({snapshot.path}): {entry['path']}"
        if not path.is_file():
            raise SnapshotError(f"{where} is listed in {MANIFEST} but missing")
        data = path.read_bytes()
        sha256 = hashlib.sha256(data).hexdigest()
        if len(data) != entry["bytes"] or sha256 != entry["sha256"]:
            raise SnapshotError(
                f"{where} does not match its manifest: {len(data)} bytes, sha256 {sha256}; "
                f"{MANIFEST} says {entry['bytes']} bytes, sha256 {entry['sha256']}. Snapshots are "
                "immutable: restore the file, or extract a new snapshot"
            )


@dataclass
class SnapshotWriter:
    """Writes a new snapshot into ``<source_dir>/.tmp-<id>`` and publishes it on :meth:`commit`.

    Use as a context manager: leaving the block with an exception removes the temporary folder,
    so the previous complete snapshot stays the one in use. The folder stays ``flock``-ed while
    the writer works, so :func:`remove_abandoned_snapshots` tells it from a killed writer's.
    """

    source_dir: Path
    source: str
    base_url: str | None = None
    snapshot_id: str = field(default_factory=new_snapshot_id)
    extra: dict = field(default_factory=dict)
    started_at: str = field(default_factory=utc_now)
    entries: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self.source_dir = Path(self.source_dir)
        self.final_path = self.source_dir / self.snapshot_id
        if self.final_path.exists():
            raise SnapshotError(f"snapshot {self.final_path} already exists; snapshots are never overwritten")
        remove_abandoned_snapshots(self.source_dir)
        self.tmp_path = self.source_dir / f"{TMP_PREFIX}{self.snapshot_id}"
        self.tmp_path.mkdir(parents=True)
        self._lock: int | None = os.open(self.tmp_path, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        if os.fstat(self._lock).st_nlink == 0:  # a cleaner took it for abandoned before we locked it
            self._unlock()
            raise SnapshotError(f"{self.tmp_path} was removed as it was created; run again")

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

    def write(
        self,
        rel_path: str,
        body: bytes,
        *,
        endpoint: str,
        request_path: str,
        params: dict | None = None,
        status: int = 200,
        records: int | None = None,
    ) -> dict:
        """Store one response body; a ``.gz`` path stores it gzip-compressed (deterministically)."""
        stored = gzip.compress(body, mtime=0) if rel_path.endswith(".gz") else body
        target = self.tmp_path / rel_path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(stored)
        entry = {
            "path": rel_path,
            "endpoint": endpoint,
            "request": {"path": request_path, "params": params or {}},
            "status": status,
            "bytes": len(stored),
            "sha256": hashlib.sha256(stored).hexdigest(),
            "records": records,
            "compression": "gzip" if rel_path.endswith(".gz") else None,
            "received_bytes": len(body),
        }
        self.entries.append(entry)
        return entry

    def commit(self, finished_at: str | None = None) -> Snapshot:
        """Write the manifest last, then rename the folder into place."""
        manifest = {
            "format_version": FORMAT_VERSION,
            "snapshot_id": self.snapshot_id,
            "source": self.source,
            "base_url": self.base_url,
            "started_at": self.started_at,
            "finished_at": finished_at or utc_now(),
            **self.extra,
            "files": sorted(self.entries, key=lambda e: e["path"]),
        }
        (self.tmp_path / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        self.tmp_path.rename(self.final_path)
        self._unlock()
        return Snapshot(self.final_path, manifest)

    def abort(self) -> None:
        shutil.rmtree(self.tmp_path, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the last descriptor releases the flock
            self._lock = None

"""dbt in this process (dbt-core's ``dbtRunner``): no process start, no ``dbt --version``, no re-parse.

dagster-dbt 0.29 runs dbt only as a subprocess (``DbtCliResource.cli``), and asks ``dbt --version``
in another one first: about 5 s of every run on 2 cores, before dbt reads a file. dbt-core's
programmatic API runs the same commands here; its node results are handed to dagster-dbt's own
event translation (:mod:`orchestration.assets.transform`), so asset keys, checks and metadata stay
dagster-dbt's.

Parsing is reused: dbt keeps ``partial_parse.msgpack`` in the target folder, valid while the
project files and the ``--vars`` are unchanged. The vars hold only stable paths (the transform
stage links the snapshot in use under a fixed name), so a new snapshot does not invalidate them;
the snapshot's id reaches the models that name it through an environment variable, which dbt
re-parses file by file.
"""

from __future__ import annotations

import json
import os
import queue
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.settings import PROJECT_DIR

DBT_PROJECT_DIR = PROJECT_DIR / "dbt_project"
# dagster-dbt turns these into materialisations and check results (DbtCoreCliEventMessage)
RESULT_EVENTS = frozenset({"LogModelResult", "LogSeedResult", "LogSnapshotResult", "LogTestResult"})


@dataclass
class DbtInvocation:
    """What one dbt command did: its node results (as dbt's JSON log lines) and the causes of a failure."""

    success: bool
    events: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    manifest: object = None  # the parsed project (dbt's Manifest), reusable by the next command

    def raise_for_failure(self, command: str, log: Path, names: Mapping[str, str] | None = None) -> None:
        """Raise with the failing nodes' messages; ``names`` rewrites text in them (a link path to
        the snapshot becomes ``snapshot <id>, file ``, the way every other error names a file)."""
        if not self.success:
            causes = "\n".join(self.failures)
            for path, name in (names or {}).items():
                causes = causes.replace(path, name)
            raise RuntimeError(f"dbt {command} failed (full log: {log}):\n" + causes)


def run_dbt(
    args: list[str],
    *,
    target_path: Path,
    dbt_vars: Mapping | None = None,
    env: Mapping[str, str] | None = None,
    manifest=None,
    console: bool = False,
    log_dir: Path | None = None,
    on_result: Callable[[dict], None] | None = None,
) -> DbtInvocation:
    """Run ``dbt <args>`` on the project in this process.

    dbt's log goes to ``dbt.log`` in ``log_dir`` (default: beside ``target_path``). ``env`` is set
    only while dbt runs (the profile's DuckDB path, the snapshot id); ``manifest`` (from an earlier
    invocation's result) skips parsing altogether. ``console`` prints dbt's own log lines
    (``cpb dbt``); a refresh keeps them in dbt.log and prints its stages' lines. ``on_result`` is
    called with each node result as dbt reports it (from dbt's threads).
    """
    from dbt.cli.main import dbtRunner
    from dbt_common.events.functions import msg_to_dict

    events: list[dict] = []

    def keep_results(event) -> None:  # called from dbt's worker threads; list.append is atomic
        if event.info.name in RESULT_EVENTS:
            events.append(msg_to_dict(event))
            if on_result is not None:
                on_result(events[-1])

    flags = [
        *("--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)),
        *("--target-path", str(target_path), "--log-path", str(log_dir or Path(target_path).parent)),
        *("--log-level", "info" if console else "none", "--log-level-file", "info"),
        "--no-send-anonymous-usage-stats",
    ]
    if dbt_vars is not None:
        flags += ["--vars", json.dumps(dbt_vars)]
    with _environment(env or {}):
        try:
            result = dbtRunner(manifest=manifest, callbacks=[keep_results]).invoke([*args, *flags])
        finally:
            _close_database()
    return DbtInvocation(result.success, events, _failures(result), _manifest_of(args, result, manifest))


class DbtStream:
    """A dbt command run in a thread: iterating it yields each node result as dbt reports it.

    A refresh turns each result into Dagster events while dbt goes on with the next nodes (as
    dagster-dbt does with its subprocess's log lines), rather than all of them once dbt is done:
    they show in Dagster as they happen, and their handling overlaps dbt's waits on DuckDB.
    ``result`` is the command's :class:`DbtInvocation` once the iteration ends, which waits for dbt
    to finish (and close its database) even when the reader stops early.
    """

    _DONE = object()

    def __init__(self, args: list[str], **options):
        self.result: DbtInvocation | None = None
        self._error: BaseException | None = None
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, args=(args, options), name="dbt", daemon=True)
        self._thread.start()

    def _run(self, args: list[str], options: dict) -> None:
        try:
            self.result = run_dbt(args, on_result=self._results.put, **options)
        except BaseException as exc:  # raised again in the reader's thread
            self._error = exc
        finally:
            self._results.put(self._DONE)

    def __iter__(self) -> Iterator[dict]:
        try:
            while (event := self._results.get()) is not self._DONE:
                yield event
        finally:
            self._thread.join()
        if self._error is not None:
            raise self._error


def _manifest_of(args: list[str], result, manifest):
    return result.result if args[:1] == ["parse"] and result.success else manifest


def _failures(result, limit: int = 10) -> list[str]:
    """The real causes of a failed command: each failing node and dbt's message (the DuckDB error)."""
    if result.exception is not None:
        return [f"  {' '.join(str(result.exception).split())}"]
    failed = [r for r in getattr(result.result, "results", None) or [] if r.status in ("error", "fail")]
    lines = [
        f"  {r.node.unique_id}: {' '.join((r.message or str(r.status)).split())}" for r in failed[:limit]
    ]
    if len(failed) > limit:
        lines.append(f"  ... and {len(failed) - limit} more")
    return lines


def _close_database() -> None:
    """Close the DuckDB file dbt-duckdb keeps open for a command (the profile's ``keep_open``).

    dbt-duckdb holds it in a class-level environment that outlives the command in this process;
    left open, it would stop the checks (and a later command with other settings) opening the file.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    try:
        environment = DuckDBConnectionManager.env()
    except Exception:  # no command opened the database (parse, docs --no-compile)
        return
    environment.close()
    DuckDBConnectionManager.close_all_connections()


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """dbt reads the DuckDB path and the snapshot id with ``env_var``: set them for one command."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)

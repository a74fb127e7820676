"""``cpb``: run the refresh job (the nightly schedule's job) in-process and say what was published.

    cpb refresh [--source embedded|live] [--base-url URL] [--cutoff-date D] [--force] [--accept-changes]
    cpb status

An unchanged embedded refresh (same snapshot, code, data files and configuration as the current
publication) stops before Dagster is even imported, once the snapshot's files are checked against
its manifest.
"""

import argparse
import atexit
import os
import shutil
import sys
import time

from orchestration.publication import read_publication, unchanged_message, unchanged_publication
from orchestration.settings import ConfigError, Settings
from orchestration.snapshot import SnapshotError, latest_snapshot, verify_snapshot

# Dagster's console log stays quiet: stages print progress lines and the CLI reports failures.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def main(argv: list[str] | None = None) -> int:
    """The ``cpb`` command (``argv`` None: the process's own arguments) or a call from Python.

    As the command, it ends the process itself after the exit handlers ran and its output is
    flushed: everything it wrote is closed by then, and a normal interpreter exit spends seconds
    freeing the objects dbt, Dagster and Great Expectations loaded (issue 15 measured 2.6 s of a
    28 s refresh).
    """
    code = _run(argv)
    if argv is None:
        atexit._run_exitfuncs()  # what a normal exit runs first (multiprocessing releases its locks)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _run(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(
            source=args.source, bch_base_url=args.base_url, cutoff_date=getattr(args, "cutoff_date", None)
        )
    except ConfigError as exc:
        print(f"cpb: configuration error: {exc}", file=sys.stderr)
        return 2
    return args.func(settings, args)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--source", choices=["embedded", "live"], help="overrides CPB_SOURCE")
    common.add_argument("--base-url", help="BCH API root for --source live (overrides BCH_BASE_URL)")
    parser = argparse.ArgumentParser(prog="cpb", description="Cartagena Protocol indicators warehouse")
    commands = parser.add_subparsers(required=True, metavar="command")
    refresh = commands.add_parser(
        "refresh", parents=[common], help="extract, build, validate and publish the marts"
    )
    refresh.add_argument(
        "--cutoff-date",
        help="overrides CPB_CUTOFF_DATE: cycle=date[,cycle=date], e.g. nr4=2019-12-31 "
        "(a bare date applies to the newest cycle)",
    )
    refresh.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    refresh.add_argument(
        "--accept-changes",
        action="store_true",
        help="publish even if counts or shares moved beyond the thresholds (recorded in manifest.json)",
    )
    refresh.add_argument("--headline-cycle", default="nr4", help="cycle shown in the closing summary")
    refresh.set_defaults(func=refresh_command)
    dbt = commands.add_parser(
        "dbt",
        parents=[common],
        help="run dbt on the latest snapshot, e.g. `cpb dbt build -s indicator_status` (no --vars)",
    )
    dbt.add_argument("dbt_args", nargs=argparse.REMAINDER, help="dbt command and flags (default: build)")
    dbt.set_defaults(func=dbt_command)
    status = commands.add_parser("status", parents=[common], help="show the current publication")
    status.add_argument("--headline-cycle", default="nr4", help="cycle shown in the summary")
    status.set_defaults(func=status_command)
    return parser


def refresh_command(settings: Settings, args) -> int:
    """Launch the refresh job, the one the nightly schedule launches; say what it published.

    On the embedded source, an input that is already published stops here, before Dagster is even
    imported (the job's raw stage would make the same checks, `verify_snapshot` and
    `unchanged_publication`, and skip). The snapshot is verified first: a file changed since its
    manifest was written fails the run even when nothing else changed.
    """
    started = time.monotonic()
    print(f"cpb refresh: source {settings.source}, warehouse {settings.warehouse_dir}")
    if settings.source == "embedded" and not args.force:
        try:
            snapshot = latest_snapshot(settings.source_dir)
            verify_snapshot(snapshot)
        except SnapshotError as exc:
            print(f"cpb: {exc}", file=sys.stderr)
            return 1
        current = unchanged_publication(settings, snapshot)
        if current:
            print(unchanged_message(settings, snapshot, current))
            return 0
    outcome = run_refresh_job(settings, force=args.force, accept_changes=args.accept_changes)
    if outcome == "failed":
        print(
            "cpb refresh FAILED: nothing was published; the previous publication (if any) is unchanged.",
            file=sys.stderr,
        )
        return 1
    if outcome == "unchanged":
        return 0
    print(f"Published in {time.monotonic() - started:.1f} s.")
    return status_command(settings, args)


def run_refresh_job(settings: Settings, force: bool = False, accept_changes: bool = False) -> str:
    """Run the ``refresh`` job in-process: ``published``, ``unchanged`` or ``failed`` (reasons printed)."""
    from orchestration import worker

    worker.start()  # Great Expectations loads on the other core while this process loads Dagster and dbt
    from dagster import AssetKey, DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    from orchestration.definitions import defs

    config = {
        "source": settings.source,
        "bch_base_url": settings.bch_base_url,
        "raw_dir": str(settings.raw_dir),
        "warehouse_dir": str(settings.warehouse_dir),
        "cutoff_date": settings.cutoff_date,
        "force": force,
        "accept_changes": accept_changes,
    }
    from orchestration.instance import prepare_home

    home = prepare_home(settings.dagster_home_dir)  # the instance `make dev` shows: its UI lists this run
    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        result = defs.resolve_job_def("refresh").execute_in_process(
            run_config={**QUIET_LOGS, "resources": {"settings": {"config": config}}},
            instance=instance,
            raise_on_error=False,
        )
    failures = [e for e in result.all_events if e.is_failure and e.event_specific_data.error is not None]
    if any(e.step_key for e in failures):  # the run's own failure event only repeats its step's
        failures = [e for e in failures if e.step_key]
    for event in failures:
        where = f"stage {event.step_key}" if event.step_key else "run"
        print(f"\n{where} failed:\n  {root_message(event.event_specific_data.error)}", file=sys.stderr)
    failed_checks = [c for c in result.get_asset_check_evaluations() if not c.passed]
    for check in failed_checks:
        print(
            f"\ncheck {check.asset_key.to_user_string()}:{check.check_name} failed (publication blocked)",
            file=sys.stderr,
        )
        failures = check.metadata.get("failures")
        for line in failures.value.splitlines() if failures and failures.value != "none" else []:
            print(f"  {line}", file=sys.stderr)
    if any(c.check_name == "gx_changes_since_publication" for c in failed_checks):
        print(
            "\nIf these moves are real, run again with --accept-changes "
            "(settings config accept_changes: true); manifest.json will record them.",
            file=sys.stderr,
        )
    if not result.success or failures or failed_checks:
        return "failed"
    published = {m.asset_key for m in result.get_asset_materialization_events()}
    return "published" if AssetKey(["published", "cpb_indicators"]) in published else "unchanged"


def root_message(error) -> str:
    """The first error below Dagster's wrapping: ours says where (snapshot, file), its own cause may not."""
    while error.cause is not None and (error.cls_name or "").startswith("Dagster"):
        error = error.cause
    return error.message.strip()


def dbt_command(settings: Settings, args) -> int:
    """dbt by hand, as a refresh runs it (same vars, inputs and build file), on the latest snapshot."""
    from orchestration.assets.transform import link_inputs, run_vars
    from orchestration.crosswalk import CROSSWALK_FILE
    from orchestration.dbt_runner import run_dbt

    snapshot = latest_snapshot(settings.source_dir)
    if not (settings.reference_dir / CROSSWALK_FILE).is_file():
        print("cpb dbt: the question crosswalk is not written yet; run `cpb refresh` first.", file=sys.stderr)
        return 1
    env = link_inputs(settings, snapshot)
    if not settings.next_publication_db.exists() and settings.published_db.is_file():
        # the last build's marts were published (moved): dbt by hand starts from a copy of them, so
        # a model run alone finds the marts it refers to and tests against, as in that build
        shutil.copyfile(settings.published_db, settings.next_publication_db)
        print(f"cpb dbt: marts copied from {settings.published_db} to {settings.next_publication_db}")
    target = settings.build_db.parent / "dbt_target"
    dbt_args = args.dbt_args or ["build"]
    result = run_dbt(dbt_args, target_path=target, dbt_vars=run_vars(settings), env=env, console=True)
    return 0 if result.success else 1


def status_command(settings: Settings, args) -> int:
    from orchestration.summary import print_summary

    publication = read_publication(settings.published_dir)
    if publication is None or not settings.published_db.is_file():
        print(f"Nothing published yet under {settings.published_dir}; run `cpb refresh`.")
        return 1
    print_summary(settings, publication, args.headline_cycle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``cpb``: run the pipeline in-process and say what was published.

    cpb refresh [--source embedded|live] [--base-url URL] [--cutoff-date D] [--force]
    cpb status

An unchanged refresh (same snapshot, code, data files and configuration as the current
publication) stops before Dagster is even imported.
"""

import argparse
import fcntl
import sys
import time

from orchestration.publication import fingerprint, read_publication
from orchestration.settings import ConfigError, Settings
from orchestration.snapshot import SnapshotError, latest_snapshot

# Dagster's console log stays quiet: stages print progress lines and the CLI reports failures.
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def main(argv: list[str] | None = None) -> int:
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
        "--cutoff-date", help="overrides CPB_CUTOFF_DATE (e.g. 2020-01-15 or nr4=2019-12-31)"
    )
    refresh.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    refresh.add_argument("--headline-cycle", default="nr4", help="cycle shown in the closing summary")
    refresh.set_defaults(func=refresh_command)
    status = commands.add_parser("status", parents=[common], help="show the current publication")
    status.add_argument("--headline-cycle", default="nr4", help="cycle shown in the summary")
    status.set_defaults(func=status_command)
    return parser


def refresh_command(settings: Settings, args) -> int:
    """One refresh at a time per warehouse: a second one would rebuild the same build file."""
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.warehouse_dir / ".refresh.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"cpb: another refresh is running on {settings.warehouse_dir}; try again when it ends.",
                file=sys.stderr,
            )
            return 1
        return _refresh(settings, args)


def _refresh(settings: Settings, args) -> int:
    """Extract (live) or pick the snapshot (embedded); stop if that exact input is already published."""
    started = time.monotonic()
    print(f"cpb refresh: source {settings.source}, warehouse {settings.warehouse_dir}")
    ok = _materialize(settings, "raw") if settings.source == "live" else True
    if ok and not args.force:
        try:
            unchanged = _already_published(settings)
        except SnapshotError as exc:
            print(f"cpb: {exc}", file=sys.stderr)
            return 1
        if unchanged:
            return 0
    ok = ok and _materialize(settings, "all" if settings.source == "embedded" else "after_raw")
    if not ok:
        print(
            "cpb refresh FAILED: nothing was published; the previous publication (if any) is unchanged.",
            file=sys.stderr,
        )
        return 1
    print(f"Published in {time.monotonic() - started:.1f} s.")
    return status_command(settings, args)


def _already_published(settings: Settings) -> bool:
    """True (and says so) when the snapshot in use, with this code and configuration, is published."""
    snapshot = latest_snapshot(settings.source_dir)
    current = read_publication(settings.published_dir)
    if not (current and settings.published_db.is_file()):
        return False
    if current.get("fingerprint") != fingerprint(settings, snapshot):
        return False
    print(f"Unchanged: snapshot {snapshot.snapshot_id} with this code and configuration is already published")
    print(f"  ({settings.published_db}, {current['published_at']}); use --force to rebuild.")
    return True


def _materialize(settings: Settings, stages: str) -> bool:
    """Materialise ``all`` assets, the ``raw`` stage or everything ``after_raw`` with their checks.

    Runs in-process and prints the failing stage and why.
    """
    from dagster import AssetSelection, DagsterInstance, materialize

    from orchestration.definitions import ASSETS, build_definitions
    from orchestration.resources import SettingsResource

    overrides = {
        "source": settings.source,
        "bch_base_url": settings.bch_base_url,
        "raw_dir": str(settings.raw_dir),
        "warehouse_dir": str(settings.warehouse_dir),
        "cutoff_date": settings.cutoff_date,
    }
    defs = build_definitions(SettingsResource(**overrides))
    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            [*ASSETS, *defs.asset_checks],
            selection={
                "all": AssetSelection.all(),
                "raw": AssetSelection.groups("raw"),
                "after_raw": AssetSelection.all() - AssetSelection.groups("raw"),
            }[stages],
            resources=defs.resources,
            instance=instance,
            raise_on_error=False,
            run_config=QUIET_LOGS,
        )
    failures = result.get_step_failure_events()
    for event in failures:
        error = event.event_specific_data.error
        message = _root_message(error)
        print(f"\nstage {event.step_key} failed:\n  {message}", file=sys.stderr)
    failed_checks = [c for c in result.get_asset_check_evaluations() if not c.passed]
    for check in failed_checks:
        print(
            f"\ncheck {check.asset_key.to_user_string()}:{check.check_name} failed (publication blocked)",
            file=sys.stderr,
        )
    return result.success and not failures and not failed_checks


def _root_message(error) -> str:
    """The innermost error message: what went wrong, not Dagster's wrapping of it."""
    while error.cause is not None:
        error = error.cause
    return error.message.strip()


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

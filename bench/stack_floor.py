"""What the stack alone costs at x1: Dagster, dbt and Great Expectations with no data work of ours.

    .venv/bin/python bench/stack_floor.py [--repeat 3]

`bench/floor.py` is the floor of the data work; this is the floor of the tools the warehouse is
built on, so the x1 target can be set against what they cost before any of our SQL runs. Each
part runs in a fresh process, as a refresh would, and is timed from the outside (wall seconds):

- python: the interpreter starting and stopping, nothing imported;
- one process as a refresh's: Dagster, dbt and Great Expectations imported (each import timed
  after the ones before it), then a job of no-op steps, as many as the refresh job has (raw,
  reference, dbt, one per check, publish), run in-process on an ephemeral instance;
- dbt: a generated project with the numbers of seeds, models, data tests and unit tests a
  refresh builds, over 4-row tables (no contracts, keys or docs), parsed (the first run in full,
  later runs from its partial parse), then built in-process with that parse's manifest, as the
  transform stage runs it.

That process's wall time plus the build is a lower bound of a refresh at x1 on this machine: the
refresh also parses (1-2 s when the parse is reused), runs our SQL, records a thousand events and
writes the report.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

# one process, as a refresh: the three tools imported (each one's import timed after the ones
# before it), then a job of no-op steps as many as the refresh job's, ended as `cpb` ends
IMPORTS_AND_JOB = """
import atexit, os, time
started = time.monotonic()
import dagster as dg
dagster_imported = time.monotonic()
import dbt.cli.main
dbt_imported = time.monotonic()
import great_expectations
gx_imported = time.monotonic()

def noop(name):
    @dg.op(name=name, ins={{"after": dg.In(dg.Nothing)}})
    def _op():
        return None
    return _op

@dg.job
def refresh():
    previous = None
    for n in range({steps}):
        previous = noop(f"step_{{n}}")(previous) if previous is not None else noop(f"step_{{n}}")()

assert refresh.execute_in_process(instance=dg.DagsterInstance.ephemeral()).success
print(dagster_imported - started, dbt_imported - dagster_imported, gx_imported - dbt_imported,
      time.monotonic() - gx_imported, flush=True)
atexit._run_exitfuncs()  # then no interpreter teardown, as `cpb` ends (orchestration/cli.py)
os._exit(0)
"""

# the generated project parsed, then built with that parse's manifest, as the transform stage runs dbt
DBT_BUILD = """
import sys, time
from dbt.cli.main import dbtRunner
flags = ["--project-dir", sys.argv[1], "--profiles-dir", sys.argv[1], "--log-level", "none",
         "--no-send-anonymous-usage-stats"]
started = time.monotonic()
parsed = dbtRunner().invoke(["parse", *flags])
assert parsed.success, parsed.exception
after_parse = time.monotonic()
built = dbtRunner(manifest=parsed.result).invoke(["build", *flags])
assert built.success, built.exception
print(after_parse - started, time.monotonic() - after_parse, len(built.result.results))
"""


def node_counts() -> dict[str, int]:
    """The dbt nodes a refresh builds, by kind (dbt's own listing of the `refresh` selector,
    dbt_project/selectors.yml), and the refresh job's steps."""
    from dagster._core.execution.api import create_execution_plan
    from dbt.cli.main import dbtRunner

    from orchestration.assets.transform import ensure_manifest
    from orchestration.dbt_runner import DBT_PROJECT_DIR
    from orchestration.definitions import defs

    flags = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"]
    flags += ["--target-path", str(ensure_manifest().parent), "--log-level", "none"]
    listed = dbtRunner().invoke(
        ["ls", "--selector", "refresh", "--output", "json", "--output-keys", "resource_type", *flags]
    )
    if not listed.success:
        raise RuntimeError(f"dbt ls of the refresh selector failed: {listed.exception}")
    kinds = [json.loads(line)["resource_type"] for line in listed.result]
    return {
        "seeds": kinds.count("seed"),
        "models": kinds.count("model"),
        "data tests": kinds.count("test"),
        "unit tests": kinds.count("unit_test"),
        "dagster steps": len(create_execution_plan(defs.resolve_job_def("refresh")).step_keys_to_execute),
    }


def profile_threads() -> int:
    """The threads the warehouse's dbt profile runs with: the generated project runs with as many."""
    import yaml

    from orchestration.dbt_runner import DBT_PROJECT_DIR

    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())["cpb_indicators"]
    return profile["outputs"][profile["target"]]["threads"]


def write_project(root: Path, counts: dict[str, int]) -> None:
    """A dbt project of 4-row tables: each model reads the seed or an earlier model; tests spread
    over the models' two columns (not_null, unique, accepted_values), unit tests on the first ones."""
    (root / "models").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "dbt_project.yml").write_text(
        "name: stack_floor\nversion: '1.0.0'\nprofile: stack_floor\nmodels:\n  stack_floor:\n"
        "    +materialized: table\n"
    )
    (root / "profiles.yml").write_text(
        "stack_floor:\n  target: build\n  outputs:\n    build:\n      type: duckdb\n"
        f"      path: {root / 'floor.duckdb'}\n      keep_open: true\n      threads: {profile_threads()}\n"
    )
    for s in range(counts["seeds"]):
        (root / "seeds" / f"seed_{s}.csv").write_text("id,v\n1,a\n2,b\n3,c\n4,d\n")
    models = counts["models"]
    # five distinct tests a model can carry (a test repeated on one column would be one node)
    tests = [
        ("id", "not_null"),
        ("v", "not_null"),
        ("id", "unique"),
        ("v", "unique"),
        ("v", "{accepted_values: {arguments: {values: [a, b, c, d]}}}"),
    ]
    per_model = [counts["data tests"] // models + (m < counts["data tests"] % models) for m in range(models)]
    if max(per_model) > len(tests):
        sys.exit(f"{counts['data tests']} tests over {models} models: more than {len(tests)} a model")
    yml = ["version: 2", "models:"]
    for m in range(models):
        upstream = f"ref('seed_{m % counts['seeds']}')" if m < counts["seeds"] else f"ref('model_{m // 2}')"
        (root / "models" / f"model_{m}.sql").write_text(f"select id, v from {{{{ {upstream} }}}}\n")
        chosen = tests[: per_model[m]]
        yml += [f"  - name: model_{m}", "    columns:"]
        for column in ("id", "v"):
            column_tests = ", ".join(test for on, test in chosen if on == column)
            yml += [f"      - name: {column}", f"        data_tests: [{column_tests}]"]
    if counts["unit tests"]:  # dbt refuses an empty `unit_tests:`
        yml.append("unit_tests:")
    for u in range(counts["unit tests"]):
        upstream = f"ref('seed_{u % counts['seeds']}')"
        yml += [
            f"  - name: unit_{u}",
            f"    model: model_{u}",
            "    given:",
            f"      - input: {upstream}",
            "        rows: [{id: 1, v: a}]",
            "    expect:",
            "      rows: [{id: 1, v: a}]",
        ]
    (root / "models" / "_models.yml").write_text("\n".join(yml) + "\n")


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
    return time.monotonic() - started, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each part (the median is shown)")
    args = parser.parse_args()
    counts = node_counts()
    print("# stack floor: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()), flush=True)
    parts: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="cpb-stack-floor-") as tmp:
        root = Path(tmp) / "project"
        write_project(root, counts)
        job = IMPORTS_AND_JOB.format(steps=counts["dagster steps"])
        for _ in range(args.repeat):
            parts.setdefault("python (start and exit)", []).append(timed(["-c", "pass"], root)[0])
            wall, out = timed(["-c", job], root)
            names = ("import dagster", "import dbt", "import great_expectations", "dagster job")
            for name, seconds in zip(names, out.split(), strict=True):
                parts.setdefault(name, []).append(float(seconds))
            parts.setdefault("process: imports and job", []).append(wall)
            _, out = timed(["-c", DBT_BUILD, str(root)], root)
            parsed, built, nodes = out.split()
            parts.setdefault("dbt parse", []).append(float(parsed))
            parts.setdefault("dbt build", []).append(float(built))
    median = {name: statistics.median(values) for name, values in parts.items()}
    print("\n| part | median s | runs |\n|---|---|---|")
    for name, seconds in median.items():
        print(f"| {name} | {seconds:.2f} | {' '.join(f'{v:.2f}' for v in parts[name])} |")
    bound = median["process: imports and job"] + median["dbt build"]
    summed = f"the process with its imports and job + dbt build of {nodes} nodes"
    print(f"\nlower bound of an x1 refresh ({summed}): {bound:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

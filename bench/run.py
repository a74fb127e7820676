"""Speed and memory benchmarks of the pipeline, checked against the targets (not timed tests).

    make bench            # or: .venv/bin/python bench/run.py [--scales 1,2,4]

Targets (DEVELOPERS guide): a full run on the embedded snapshot under 30 s on 2 cores, an
unchanged refresh under 5 s, and cost linear in data size: the snapshot is scaled by repeating
every national report and BCH record k times (new document ids, same Parties), and the time per
report must not grow with k.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from orchestration.snapshot import SnapshotWriter, latest_snapshot  # noqa: E402

TARGETS = {"full_run_s": 30.0, "unchanged_s": 5.0, "per_report_growth": 1.5}


def run_cpb(env: dict, *args: str) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one `cpb refresh` in a fresh process."""
    started = time.monotonic()
    result = subprocess.run(
        [str(PROJECT / ".venv/bin/cpb"), "refresh", *args], env=env, capture_output=True, text=True
    )
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit(f"cpb refresh failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def scaled_snapshot(source: Path, target_dir: Path, k: int) -> int:
    """Write ``source`` with every report and record repeated ``k`` times; return the report count."""
    snapshot = latest_snapshot(source)
    reports = 0
    with SnapshotWriter(target_dir, source="embedded", snapshot_id=f"scaled-x{k}") as writer:
        for entry in snapshot.files:
            body = snapshot.read_json(entry["path"])
            if entry["endpoint"] == "national_reports":
                body = [{**r, "documentId": f"{r.get('documentId')}-{i}"} for i in range(k) for r in body]
                reports += len(body)
            elif entry["endpoint"] == "index":
                docs = body["response"]["docs"]
                body["response"]["docs"] = [
                    {**d, "identifier_s": f"{d['identifier_s']}-{i}"} for i in range(k) for d in docs
                ]
                body["response"]["numFound"] = len(body["response"]["docs"])
            writer.write(
                entry["path"],
                json.dumps(body).encode(),
                endpoint=entry["endpoint"],
                request_path=entry["request"]["path"],
                records=entry.get("records"),
            )
        writer.commit()
    return reports


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,2,4", help="snapshot size multipliers for the linearity check")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "CPB_WAREHOUSE_DIR": str(tmp / "warehouse"), "CPB_RAW_DIR": str(PROJECT / "raw")}
        env.pop("CPB_CUTOFF_DATE", None)
        results["full_run_s"], rss = run_cpb(env, "--force")
        results["unchanged_s"], _ = run_cpb(env)
        print(f"full run on raw/embedded: {results['full_run_s']:.1f} s (peak RSS {rss:.0f} MB)")
        print(f"unchanged refresh:        {results['unchanged_s']:.2f} s")
        per_report = {}
        for k in (int(s) for s in args.scales.split(",")):
            raw = tmp / f"raw-x{k}"
            n = scaled_snapshot(PROJECT / "raw" / "embedded", raw / "embedded", k)
            seconds, _ = run_cpb(
                {**env, "CPB_RAW_DIR": str(raw), "CPB_WAREHOUSE_DIR": str(tmp / f"wh-x{k}")}, "--force"
            )
            per_report[k] = seconds / n
            print(f"scale x{k}: {n} reports, {seconds:.1f} s, {1000 * per_report[k]:.1f} ms per report")
            shutil.rmtree(raw)
        smallest, largest = min(per_report), max(per_report)
        results["per_report_growth"] = per_report[largest] / per_report[smallest]
        print(
            f"time per report at x{largest} / at x{smallest}: {results['per_report_growth']:.2f} "
            "(fixed start-up costs make it fall below 1; above 1 means worse than linear)"
        )
    failed = [f"{k} = {v:.2f} > {TARGETS[k]}" for k, v in results.items() if v > TARGETS[k]]
    print("targets met" if not failed else "TARGETS MISSED: " + "; ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The assessment as people read it: report/index.html (charts, drill-down) and <assessment>.xlsx.

Rendered from the build's marts (``warehouse/build/publication.duckdb``) into
``warehouse/build/report/`` while the checks run (``orchestration/assets/validate.py``); publishing
copies that folder in as ``warehouse/published/report/`` with the rest of the publication, so only a
build that passed every check is ever read as a report.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.report import pages, queries, workbook
from orchestration.snapshot import Snapshot, utc_now


def build_report(
    marts_db: Path, snapshot: Snapshot, source: str, folder: Path, cache_dir: Path | None = None
) -> Path:
    """Write the report of the marts in ``marts_db``, built from ``snapshot`` of ``source``, into
    ``folder``; returns index.html. ``cache_dir`` keeps the Vega script.

    The checks step calls it while the worker process validates (``orchestration/worker.py``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = queries.load(marts_db)
    build = {
        "source": source,
        "snapshot_id": snapshot.snapshot_id,
        "snapshot_finished_at": snapshot.manifest.get("finished_at"),
        "synthetic": bool(snapshot.manifest.get("synthetic")),
        "built_at": utc_now(),
        "quarantined": sum(row["n"] for row in data["quarantine"]),
    }
    regions = data["regions"]
    index, *_ = pages.render(data, build, folder, cache_dir)
    for assessment in data["assessments"]:
        workbook.write(assessment, regions, build, folder / f"{assessment['assessment_code']}.xlsx")
    return index

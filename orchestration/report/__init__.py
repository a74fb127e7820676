"""The assessment as people read it: report/index.html (charts, drill-down) and <assessment>.xlsx.

Built at publication time from the new published DuckDB file, into the folder that is swapped in as
``warehouse/published/report/`` with the rest of the publication (``orchestration.publication``).
"""

from __future__ import annotations

import json
from pathlib import Path

from orchestration import worker
from orchestration.report import pages, queries, workbook


def build_report(published_db: Path, publication: dict, folder: Path, cache_dir: Path | None = None) -> Path:
    """Write the report into ``folder``; returns index.html. ``cache_dir`` keeps the Vega script.

    Pages and spreadsheets are both Python holding its lock, so the worker process writes
    spreadsheets while the pages render here, and this process writes those the worker has not
    taken once its pages are done (``worker.share``).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = queries.load(published_db)
    publication = {**publication, "snapshot_finished_at": _snapshot_finished(publication)}
    regions = data["regions"]
    spreadsheets = [
        (a, regions, publication, folder / f"{a['assessment_code']}.xlsx") for a in data["assessments"]
    ]
    finish_spreadsheets = worker.share(workbook.write, spreadsheets)
    index, *_ = pages.render(data, publication, folder, cache_dir)
    finish_spreadsheets()
    return index


def _snapshot_finished(publication: dict) -> str | None:
    """When the snapshot was taken, from its manifest (the publication record names its folder)."""
    if not publication.get("snapshot_path"):
        return None
    manifest = Path(publication["snapshot_path"]) / "manifest.json"
    return json.loads(manifest.read_text()).get("finished_at") if manifest.is_file() else None

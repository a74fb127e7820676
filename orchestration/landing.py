"""Land national-report exports as typed Parquet: one row per report and one per selected answer.

The exports hold answers in half a dozen JSON shapes; SQL would need the analyzer's rules written
a second time, so they are applied once, here, with :mod:`orchestration.answers`. Reports that
cannot be placed (no government, no date, duplicate document) go to a quarantine file with the
reason instead of vanishing. Output is keyed by the snapshot's content, so an unchanged snapshot
is landed once.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.answers import REPORT_META, normalize_answer
from orchestration.snapshot import Snapshot

LANDING_VERSION = 1  # bump when the landed format or the normalisation rules change

REPORTS_SCHEMA = pa.schema(
    [
        ("cycle_code", pa.string()),
        ("document_id", pa.string()),
        ("government_code", pa.string()),
        ("report_date", pa.date32()),
        ("source_file", pa.string()),
        ("record_index", pa.int32()),
        ("snapshot_id", pa.string()),
    ]
)
ANSWERS_SCHEMA = pa.schema(
    [
        ("cycle_code", pa.string()),
        ("document_id", pa.string()),
        ("question_key", pa.string()),
        ("position", pa.int32()),
        ("answer_value", pa.string()),
        ("answer_text", pa.string()),
    ]
)
QUARANTINE_SCHEMA = pa.schema(
    [
        ("snapshot_id", pa.string()),
        ("source_file", pa.string()),
        ("record_index", pa.int32()),
        ("field", pa.string()),
        ("reason", pa.string()),
        ("record", pa.string()),
    ]
)
FILES = {
    "national_reports": REPORTS_SCHEMA,
    "national_report_answers": ANSWERS_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
}


@dataclass(frozen=True)
class LandingResult:
    path: Path
    reports: int
    answers: int
    quarantined: int
    reused: bool


def landing_path(landing_dir: Path, snapshot: Snapshot) -> Path:
    """Keyed by content, not only id: a regenerated embedded snapshot keeps its id."""
    content = snapshot.content_sha256()[:12]
    return (
        Path(landing_dir)
        / f"{snapshot.manifest['source']}-{snapshot.snapshot_id}-{content}-v{LANDING_VERSION}"
    )


def land_national_reports(snapshot: Snapshot, landing_dir: Path) -> LandingResult:
    """Normalise every national-report export of ``snapshot`` into ``landing_dir``."""
    out = landing_path(landing_dir, snapshot)
    if (out / "_SUCCESS").is_file():
        counts = json.loads((out / "_SUCCESS").read_text())
        return LandingResult(out, reused=True, **counts)
    rows = {name: [] for name in FILES}
    for entry in snapshot.files_of("national_reports"):
        _land_file(snapshot, entry["path"], rows)
    tmp = out.with_name(out.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, schema in FILES.items():
        pq.write_table(pa.Table.from_pylist(rows[name], schema=schema), tmp / f"{name}.parquet")
    counts = {
        "reports": len(rows["national_reports"]),
        "answers": len(rows["national_report_answers"]),
        "quarantined": len(rows["quarantine"]),
    }
    (tmp / "_SUCCESS").write_text(json.dumps(counts))
    shutil.rmtree(out, ignore_errors=True)  # a partial landing left by an interrupted run
    tmp.rename(out)
    # landings of older snapshots of the same source are derived data nobody reads any more
    for old in out.parent.glob(f"{snapshot.manifest['source']}-*"):
        if old != out:
            shutil.rmtree(old, ignore_errors=True)
    return LandingResult(out, reused=False, **counts)


def _land_file(snapshot: Snapshot, rel_path: str, rows: dict[str, list]) -> None:
    cycle_code = Path(rel_path).name.split(".")[0]
    reports = snapshot.read_json(rel_path)
    where_file = f"snapshot {snapshot.snapshot_id}, {rel_path}"
    if not isinstance(reports, list):
        raise ValueError(f"{where_file}: expected a JSON array of reports, got {type(reports).__name__}")
    if not reports:
        # the live extractor refuses an empty export too: read as-is it would publish 0/0 everywhere
        raise ValueError(
            f"{where_file}: the cycle {cycle_code} export holds no reports; an empty analyzer export is "
            "refused (nothing is published). If the cycle has no reports yet, leave it out of the snapshot"
        )
    seen: set[str] = set()
    for index, report in enumerate(reports):

        def reject(field: str, reason: str, record=report, index=index) -> None:
            rows["quarantine"].append(
                {
                    "snapshot_id": snapshot.snapshot_id,
                    "source_file": rel_path,
                    "record_index": index,
                    "field": field,
                    "reason": reason,
                    "record": json.dumps(record, ensure_ascii=False)[:2000],
                }
            )

        if not isinstance(report, dict):
            reject("", "report is not a JSON object")
            continue
        government = (report.get("government") or {}).get("identifier")
        if not isinstance(government, str) or not government.strip():
            reject("government.identifier", "missing government")
            continue
        document_id = report.get("documentId")
        if document_id in (None, ""):
            reject("documentId", "missing documentId")
            continue
        document_id = str(document_id)
        if document_id in seen:
            reject("documentId", f"duplicate documentId {document_id} in the same export")
            continue
        report_date = _parse_date(report.get("date"))
        if report_date is None:
            reject("date", f"missing or unparseable date {report.get('date')!r}")
            continue
        seen.add(document_id)
        government = government.strip().lower()
        rows["national_reports"].append(
            {
                "cycle_code": cycle_code,
                "document_id": document_id,
                "government_code": government,
                "report_date": report_date,
                "source_file": rel_path,
                "record_index": index,
                "snapshot_id": snapshot.snapshot_id,
            }
        )
        for key, raw in report.items():
            if key in REPORT_META:
                continue
            where = f"{where_file}: cycle {cycle_code}, government {government}, question {key}"
            for position, answer in enumerate(normalize_answer(raw, where=where)):
                rows["national_report_answers"].append(
                    {
                        "cycle_code": cycle_code,
                        "document_id": document_id,
                        "question_key": key,
                        "position": position,
                        "answer_value": answer.value,
                        "answer_text": answer.text,
                    }
                )


def _parse_date(raw):
    if isinstance(raw, dict):  # Mongo extended JSON {"$date": ...}
        raw = raw.get("$date")
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
    except ValueError:
        return None

"""Build small raw snapshots in the real BCH formats (raw/README.md) for hand-checked tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from orchestration.extract.live import INDEX_SCHEMAS
from orchestration.snapshot import Snapshot, SnapshotWriter

REGION_IDS = {
    row["region_code"]: row["bch_identifier"]
    for row in csv.DictReader(open(Path(__file__).parents[1] / "dbt_project/seeds/regions.csv"))
}


def country(code: str, *, cpb: str | None = None, sp: str | None = None, name: str | None = None) -> dict:
    """A /api/v2013/countries entry; ``cpb``/``sp`` are the dates the country became a Party."""

    def treaty(party):
        return {
            "instrument": "ratification" if party else None,
            "signature": None,
            "deposit": party and f"{party}T00:00:00.000Z",
            "party": party and f"{party}T00:00:00.000Z",
        }

    return {
        "code": code.upper(),
        "name": {"en": name or code.upper()},
        "treaties": {"XXVII8a": treaty(cpb), "XXVII8c": treaty(sp)},
    }


def region_terms(members: dict[str, list[str]]) -> list[dict]:
    """Thesaurus region terms for the UN groups in ``members`` plus a grouping that must be ignored."""
    terms = [
        {"identifier": REGION_IDS[code], "name": code, "title": {"en": code}, "narrowerTerms": codes}
        for code, codes in members.items()
    ]
    everyone = sorted({c for codes in members.values() for c in codes})
    terms.append(
        {
            "identifier": "FAKE-GROUPING",
            "name": "Some other grouping",
            "title": {"en": "Other"},
            "narrowerTerms": everyone,
        }
    )
    return terms


def report(government: str, document_id: int, date: str, **answers) -> dict:
    """One analyzer-export report; answers are passed in their raw JSON shapes."""
    return {
        "government": {"identifier": government},
        "documentId": document_id,
        "date": f"{date}T00:00:00.000Z",
        **answers,
    }


def solr_page(docs: list[dict], start: int = 0, num_found: int | None = None) -> dict:
    return {
        "response": {"numFound": len(docs) if num_found is None else num_found, "start": start, "docs": docs}
    }


def write_snapshot(
    source_dir: Path,
    *,
    countries: list[dict],
    regions: dict[str, list[str]],
    reports: dict[str, list[dict]],
    records: dict[str, list[dict]] | None = None,
    decision_types: list[dict] | None = None,
    snapshot_id: str = "20200116T000000Z",
) -> Snapshot:
    """Write a complete snapshot; ``reports`` is keyed by cycle code, ``records`` by index schema."""
    files = {
        "countries.json.gz": ("countries", "/api/v2013/countries", countries),
        "thesaurus/regions.json.gz": (
            "thesaurus",
            "/api/v2013/thesaurus/domains/regions/terms",
            region_terms(regions),
        ),
        "thesaurus/DecisionTypes.json.gz": (
            "thesaurus",
            "/api/v2013/thesaurus/domains/DecisionTypes/terms",
            decision_types or [],
        ),
    }
    for cycle, cycle_reports in reports.items():
        files[f"national_reports/{cycle}.json.gz"] = ("national_reports", f"/api/{cycle}", cycle_reports)
    for schema in INDEX_SCHEMAS:  # an extraction writes a first page even when nothing is found
        docs = (records or {}).get(schema, [])
        files[f"index/{schema}/page-00000.json.gz"] = ("index", "/api/v2013/index", solr_page(docs))
    with SnapshotWriter(Path(source_dir), source=Path(source_dir).name, snapshot_id=snapshot_id) as writer:
        for path, (endpoint, request_path, body) in files.items():
            n = len(body["response"]["docs"]) if isinstance(body, dict) else len(body)
            writer.write(
                path, json.dumps(body).encode(), endpoint=endpoint, request_path=request_path, records=n
            )
        return writer.commit()

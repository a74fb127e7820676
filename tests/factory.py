"""Build small raw snapshots in the real BCH formats (raw/README.md) for hand-checked tests."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

from orchestration.extract.live import INDEX_SCHEMAS
from orchestration.snapshot import Snapshot, SnapshotWriter

REGION_IDS = {
    row["region_code"]: row["bch_identifier"]
    for row in csv.DictReader(open(Path(__file__).parents[1] / "dbt_project/seeds/regions.csv"))
}


def treaty(
    instrument: str | None = None,
    *,
    deposit: str | None = None,
    party: str | None = None,
    signature: str | None = None,
) -> dict:
    """One entry of a country's ``treaties`` as the countries endpoint serves it (ISO dates)."""

    def instant(day):
        return day and f"{day}T00:00:00.000Z"

    return {
        "instrument": instrument,
        "signature": instant(signature),
        "deposit": instant(deposit),
        "party": instant(party),
    }


def in_force_from(day: str | None) -> dict:
    """A ratification in force from ``day``: deposited 90 days before, ``party`` = entry into force."""
    if not day:
        return treaty()
    deposit = (date.fromisoformat(day) - timedelta(days=90)).isoformat()
    return treaty("ratification", deposit=deposit, party=day)


def country(
    code: str,
    *,
    cpb: str | dict | None = None,
    sp: str | dict | None = None,
    name: str | None = None,
) -> dict:
    """A /api/v2013/countries entry; ``cpb``/``sp``: the day it became a Party, or a :func:`treaty`."""
    return {
        "code": code.upper(),
        "name": {"en": name or code.upper()},
        "treaties": {
            "XXVII8a": cpb if isinstance(cpb, dict) else in_force_from(cpb),
            "XXVII8c": sp if isinstance(sp, dict) else in_force_from(sp),
        },
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


def record(schema: str, rid: str, government: str, created: str, **fields) -> dict:
    """One BCH index document (the fields the extractor asks for), created on ``created``."""
    return {
        "identifier_s": rid,
        "uniqueIdentifier_s": f"bch-x-{government}-{rid}-1",
        "schema_s": schema,
        "government_s": government,
        "title_s": rid,
        "createdDate_dt": f"{created}T00:00:00.000Z",
        **fields,
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
    thesaurus_regions: list[dict] | None = None,
) -> Snapshot:
    """Write a complete snapshot; ``reports`` is keyed by cycle code, ``records`` by index schema.

    ``thesaurus_regions`` replaces the region terms built from ``regions`` (e.g. to serve
    ``expandedNarrowerTerms``). The snapshot is taken (manifest ``finished_at``) at the instant its
    id names, so the "as of snapshot" analyses of a test do not depend on the day it runs.
    """
    files = {
        "countries.json.gz": ("countries", "/api/v2013/countries", countries),
        "thesaurus/regions.json.gz": (
            "thesaurus",
            "/api/v2013/thesaurus/domains/regions/terms",
            region_terms(regions) if thesaurus_regions is None else thesaurus_regions,
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
        taken_at = datetime.strptime(snapshot_id[:15], "%Y%m%dT%H%M%S").strftime("%Y-%m-%dT%H:%M:%SZ")
        return writer.commit(finished_at=taken_at)

"""A fake BCH API on a pytest-httpserver, serving responses in the documented formats (raw/README.md).

It honours what the extraction relies on: the analyzer's ``q`` government filter and ``f``
projection, and the index's ``q``/``fq``/``fl``/``sort``/``start``/``rows`` (drafts and superseded
versions are served unless the request filters them out, as Solr does), so tests run the real
client and extractor end to end.
Builders make documented-format data; :func:`sample_bch` is a small complete data set and
:func:`dataset_from_snapshot` turns any snapshot back into the API that would produce it.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

from werkzeug import Request, Response

from orchestration.extract.live import INDEX_SCHEMAS
from orchestration.registry import Cycle, question_keys, read_csv, seeds_dir
from orchestration.snapshot import Snapshot

COUNTRIES_PATH = "/api/v2013/countries"
THESAURUS_PATH = "/api/v2013/thesaurus/domains/{domain}/terms"
INDEX_PATH = "/api/v2013/index"
SHORT_CODES = INDEX_SCHEMAS


def serve_bch(httpserver, *, countries, thesaurus, reports_by_path, records_by_schema=None) -> None:
    """Serve every endpoint; data is read per request, so a test may change it between calls.

    ``thesaurus`` maps a domain (``regions``) to its terms, ``reports_by_path`` an analyzer path
    to its reports, ``records_by_schema`` an index schema to its docs. Without
    ``records_by_schema`` the index is left to the caller (to serve broken paging).
    """
    httpserver.expect_request(COUNTRIES_PATH).respond_with_handler(lambda request: _json(countries))
    for domain in thesaurus:
        httpserver.expect_request(THESAURUS_PATH.format(domain=domain)).respond_with_handler(
            lambda request, domain=domain: _json(thesaurus[domain])
        )
    for path in reports_by_path:
        httpserver.expect_request(path).respond_with_handler(
            lambda request, path=path: analyzer(reports_by_path[path], request)
        )
    if records_by_schema is not None:
        httpserver.expect_request(INDEX_PATH).respond_with_handler(
            lambda request: solr(records_by_schema, request)
        )


def analyzer(reports: list[dict], request: Request) -> Response:
    """An analyzer export: the reports the JSON ``q`` selects, projected on the JSON ``f``, as the BCH does.

    ``q`` may filter on ``government.identifier`` (a code or ``{"$in": [...]}``, matched exactly, as
    MongoDB does: the analyzer stores lower-case codes); any other filter is refused (400), so a
    test notices a query the fake does not understand instead of getting every report.
    """
    try:
        query = json.loads(request.args.get("q", "{}"))
        fields = json.loads(request.args.get("f", "null"))
    except ValueError:
        return Response("q and f must be JSON", status=400)
    unknown = set(query) - {"government.identifier"}
    if not isinstance(query, dict) or unknown:
        return Response(f"the fake analyzer does not filter on {sorted(unknown)}", status=400)
    wanted = query.get("government.identifier")
    if isinstance(wanted, dict):
        wanted = set(wanted.get("$in", []))
    elif wanted is not None:
        wanted = {wanted}
    selected = [r for r in reports if wanted is None or r.get("government", {}).get("identifier") in wanted]
    projected = [{k: v for k, v in r.items() if fields is None or k in fields} for r in selected]
    return _json(projected)


# Filter queries the fake index understands, with what they keep (a doc without ``realm_ss``,
# ``_state_s`` or ``version_s`` is a BCH record, public, current: the documented examples carry none).
INDEX_FILTER_QUERIES = {
    "realm_ss:bch": lambda doc: "bch" in doc.get("realm_ss", ["bch"]),
    "_state_s:public": lambda doc: doc.get("_state_s", "public") == "public",
    "(*:* NOT version_s:*)": lambda doc: "version_s" not in doc,
    "NOT version_s:*": lambda doc: "version_s" not in doc,
}


def solr(records_by_schema: dict[str, list[dict]], request: Request) -> Response:
    """One Solr page: the query's docs sliced by ``start``/``rows`` (Solr's default ``rows`` is 10)."""
    unknown = [fq for fq in request.args.getlist("fq") if fq not in INDEX_FILTER_QUERIES]
    if unknown:
        return Response(f"the fake index does not know the filter queries {unknown}", status=400)
    docs = matching_docs(records_by_schema, request)
    start, rows = int(request.args.get("start", 0)), int(request.args.get("rows", 10))
    return _json(solr_envelope(len(docs), start, docs[start : start + rows]))


def matching_docs(records_by_schema: dict[str, list[dict]], request: Request) -> list[dict]:
    """Docs of the ``schema_s:<schema>`` query that every ``fq`` keeps, sorted on ``sort``, cut to ``fl``.

    Like Solr, the fake returns drafts and superseded versions unless a filter query excludes them.
    """
    match = re.search(r"schema_s:(\w+)", request.args.get("q", ""))
    docs = list(records_by_schema.get(match.group(1), [])) if match else []
    for fq in request.args.getlist("fq"):
        docs = [d for d in docs if INDEX_FILTER_QUERIES[fq](d)]
    sort_field, _, direction = request.args.get("sort", "").partition(" ")
    if sort_field:
        docs.sort(key=lambda d: d.get(sort_field, ""), reverse=direction == "desc")
    fields = request.args.get("fl")
    return [{k: v for k, v in d.items() if not fields or k in fields.split(",")} for d in docs]


def solr_envelope(num_found: int, start: int, docs: list[dict]) -> dict:
    return {"response": {"numFound": num_found, "start": start, "docs": docs}, "nonSupportedParams": []}


def _json(data) -> Response:
    return Response(json.dumps(data), content_type="application/json")


# --- documented-format data ------------------------------------------------------------------


def guid(*parts: object) -> str:
    """A stable GUID-like identifier, as the BCH uses for terms and records."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts)))).upper()


def country(code: str, name: str, *, cpb_party: str | None = None, sp_party: str | None = None) -> dict:
    """A ``/api/v2013/countries`` entry; ``*_party`` are ISO dates of entry into force."""

    def treaty(party: str | None) -> dict:  # deposited 90 days before it entered into force
        deposit = party and (date.fromisoformat(party) - timedelta(days=90)).isoformat()
        return {
            "instrument": "ratification" if party else None,
            "signature": None,
            "deposit": f"{deposit}T00:00:00.000Z" if party else None,
            "party": f"{party}T00:00:00.000Z" if party else None,
        }

    return {
        "code": code.upper(),
        "name": {"en": name},
        "treaties": {"XXVII8a": treaty(cpb_party), "XXVII8c": treaty(sp_party)},
    }


def term(identifier: str, name: str, *, narrower: tuple[str, ...] = ()) -> dict:
    return {
        "termId": int(guid("term", identifier)[:4], 16),
        "identifier": identifier,
        "name": name,
        "title": {"en": name},
        "broaderTerms": [],
        "narrowerTerms": list(narrower),
        "relatedTerms": [],
        "nonPreferedTerms": [],
    }


def report(government: str, document_id: int, date: str, **answers) -> dict:
    return {
        "government": {"identifier": government},
        "documentId": document_id,
        "date": f"{date}T00:00:00.000Z",
    } | answers


def record(schema: str, government: str, document_id: int, **fields) -> dict:
    """An index doc with the fields every record carries, plus ``fields``."""
    return {
        "identifier_s": guid(schema, government, document_id),
        "uniqueIdentifier_s": f"bch-{SHORT_CODES[schema]}-{government}-{document_id}-1",
        "schema_s": schema,
        "government_s": government,
        "title_s": f"{schema} {document_id} of {government}",
        "createdDate_dt": "2018-03-01T00:00:00Z",
        "updatedDate_dt": "2019-06-01T00:00:00Z",
    } | fields


# Every answer shape the analyzer normalises (int_report_answers).
ANSWER_SHAPES = (
    {"value": "implementation.fullInPlace"},
    [
        {"value": "instrument.nationalBiosafetyLaws"},
        {"value": "instrument.other", "additionalInformation": {"en": "x"}},
    ],
    {"value": "true", "additionalInformation": {"en": "free text"}},
    {"value": {"en": "free text"}},
    True,
    {"identifier": guid("term", 1)},
    {"options": [{"identifier": guid("term", 2), "customValue": {"en": "other"}}]},
    {"en": "bare free text"},
    {"value": 42},
    "plain",
    {"value": "true.some", "details": "why"},
    None,
)


# code: (name, UN regional group, Cartagena Protocol party since, Supplementary Protocol party since);
# the EU is a Party in none of the five UN regional groups; the United States is not a Party.
GOVERNMENTS = {
    "al": ("Albania", "cee", "2005-05-09", "2018-03-05"),
    "ke": ("Kenya", "africa", "2003-09-11", None),
    "us": ("United States of America", "weog", None, None),
    "eu": ("European Union", None, "2003-09-11", "2018-03-05"),
}


def sample_bch(cycles: list[Cycle], dbt_project_dir: Path) -> dict:
    """Arguments for :func:`serve_bch`: four governments, every answer shape, a few records per schema."""
    regions = read_csv(seeds_dir(dbt_project_dir) / "regions.csv")
    decision_types = [guid("DecisionTypes", n) for n in range(3)]
    return {
        "countries": [
            country(c, name, cpb_party=cpb, sp_party=sp) for c, (name, _, cpb, sp) in GOVERNMENTS.items()
        ],
        "thesaurus": {
            "countries": [term(c, name) for c, (name, *_) in GOVERNMENTS.items()],
            "regions": [
                term(
                    r["bch_identifier"],
                    r["name"],
                    narrower=tuple(c for c, g in GOVERNMENTS.items() if g[1] == r["region_code"]),
                )
                for r in regions
            ]
            + [term(guid("region", "other"), "Another grouping", narrower=("al", "ke"))],
            "DecisionTypes": [
                term(identifier, f"Decision type {n}") for n, identifier in enumerate(decision_types)
            ],
        },
        "reports_by_path": {
            cycle.api_path: _reports(cycle, question_keys(dbt_project_dir, cycle.bch_schema))
            for cycle in cycles
        },
        "records_by_schema": {
            "biosafetyDecision": [
                record(
                    "biosafetyDecision",
                    gov,
                    n,
                    decisionTypes_ss=[decision_types[n % 3]],
                    decisionDate_dt=f"201{n}-05-01T00:00:00Z",
                    **({"riskAssessments_ss": [guid("nationalRiskAssessment", gov, n)]} if n % 2 else {}),
                )
                for n, gov in enumerate(["al", "ke", "ke", "eu", "al", "us", "ke"])
            ],
            "nationalRiskAssessment": [
                record("nationalRiskAssessment", gov, n) for n, gov in enumerate(["ke", "eu"])
            ],
            "biosafetyLaw": [record("biosafetyLaw", gov, n) for n, gov in enumerate(["al", "ke", "eu"])],
            "focalPoint": [
                record("focalPoint", gov, n, type_ss=types)
                for n, (gov, types) in enumerate(
                    [
                        ("al", ["CPB-FP1", "BCH-FP"]),
                        ("ke", ["CPB-FP1"]),
                        ("ke", ["CPB-A17-FP"]),
                        ("eu", ["BCH-FP"]),
                    ]
                )
            ],
            "authority": [record("authority", gov, n) for n, gov in enumerate(["al", "ke"])],
        },
    }


def _reports(cycle: Cycle, keys: list[str]) -> list[dict]:
    """One report per government answering the first questions, each government in other shapes."""
    return [
        report(
            gov,
            cycle.year * 100 + n,
            f"{cycle.year}-09-{10 + n}",
            **dict(zip(keys, _rotate(ANSWER_SHAPES, n), strict=False)),  # the first questions
        )
        for n, gov in enumerate(GOVERNMENTS)
    ]


def dataset_from_snapshot(snapshot: Snapshot) -> dict:
    """Keyword arguments for :func:`serve_bch` that serve what ``snapshot`` holds (e.g. ``raw/embedded``)."""
    data: dict = {"countries": None, "thesaurus": {}, "reports_by_path": {}, "records_by_schema": {}}
    for entry in snapshot.files:
        body = snapshot.read_json(entry["path"])
        parts = Path(entry["path"]).parts
        if entry["endpoint"] == "countries":
            data["countries"] = body
        elif entry["endpoint"] == "thesaurus":
            data["thesaurus"][parts[-1].split(".")[0]] = body
        elif entry["endpoint"] == "national_reports":
            data["reports_by_path"][entry["request"]["path"]] = body
        elif entry["endpoint"] == "index":
            data["records_by_schema"].setdefault(parts[1], []).extend(body["response"]["docs"])
    return data


def _rotate(items: tuple, n: int) -> list:
    return [*items[n:], *items[:n]]

"""Live extraction: every BCH endpoint the warehouse reads, landed as one immutable raw snapshot.

Layout and formats: ``raw/README.md``. Each response is checked for the shape downstream steps
rely on before it is stored (an analyzer export is a non-empty array of reports with a
government; the index must page to exactly ``numFound`` distinct records), so a bad response
stops the run instead of being published for dbt to misread. Answers are stored as received:
dbt staging reads them with the analyzer's rules and stops the refresh on a shape it does not
know. Files go through :class:`SnapshotWriter`: a snapshot appears only once every endpoint
succeeded, and a run whose files all equal the previous snapshot's is dropped, so unchanged source
keeps the data version.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from orchestration.extract.client import BchClient, describe
from orchestration.registry import Cycle, question_keys
from orchestration.snapshot import Snapshot, SnapshotWriter, latest_snapshot_or_none

SOURCE = "live"
INDEX_PATH = "/api/v2013/index"
INDEX_KEY = "identifier_s"  # one per record; the sort key, so pages neither overlap nor skip
# The filters the BCH front-end adds to every index search, as Solr filter queries (``fq``; its
# search-service.js and search-directive.js): the BCH realm, published records only (drafts and
# records under review are indexed too) and current versions only (each superseded revision stays
# indexed with a ``version_s``). The front-end spells the last one as a pure negative clause.
INDEX_FILTERS = ("realm_ss:bch", "_state_s:public", "(*:* NOT version_s:*)")
COUNTRIES_FILE = "countries.json.gz"
REPORT_FIELDS = ("government", "documentId", "date")  # requested beside every question key


class ExtractError(Exception):
    """A BCH response lacks the shape the raw-snapshot contract promises downstream steps."""


class MissingFieldError(ExtractError):
    """An index field an indicator reads is absent from every record of a non-empty result."""


@dataclass(frozen=True)
class EndpointStats:
    """What one endpoint landed; ``label``: its file path without extension or ``index/<schema>``."""

    label: str
    endpoint: str
    files: int
    records: int
    received_bytes: int
    stored_bytes: int

    def line(self) -> str:
        return (
            f"{self.label}: {self.records} records, {_size(self.received_bytes)} received, "
            f"{_size(self.stored_bytes)} stored in {self.files} file(s)"
        )


@dataclass(frozen=True)
class LiveResult:
    snapshot: Snapshot  # the complete snapshot now in use
    unchanged: bool  # every file equals the previous snapshot's: no new snapshot was kept
    stats: tuple[EndpointStats, ...]

    def metadata(self) -> dict[str, dict[str, int]]:
        """Per-endpoint figures keyed by label, ready for Dagster asset metadata."""
        return {s.label: {k: v for k, v in asdict(s).items() if isinstance(v, int)} for s in self.stats}


@dataclass(frozen=True)
class _Run:
    client: BchClient
    writer: SnapshotWriter
    rows: int
    progress: Callable[[str], None]
    landed: dict[str, Any] = field(default_factory=dict)  # parsed body of each Download, by file

    def governments(self) -> list[str]:
        """The country codes of the countries file landed earlier in this run, as the analyzer spells them."""
        if COUNTRIES_FILE not in self.landed:
            raise ExtractError(f"{COUNTRIES_FILE} must be extracted before the analyzer exports that use it")
        return analyzer_governments(self.landed[COUNTRIES_FILE])

    def done(self, label: str, endpoint: str, entries: list[dict]) -> EndpointStats:
        stats = EndpointStats(
            label,
            endpoint,
            files=len(entries),
            records=sum(e["records"] for e in entries),
            received_bytes=sum(e["received_bytes"] for e in entries),
            stored_bytes=sum(e["bytes"] for e in entries),
        )
        self.progress(stats.line())
        return stats


@dataclass(frozen=True)
class Download:
    """One GET stored as one file once ``check`` has validated the body and counted its records."""

    endpoint: str
    file: str
    path: str
    params: Mapping[str, str | list[str]]
    check: Callable[[Any, str], int]

    @property
    def label(self) -> str:
        return self.file.removesuffix(".json.gz")

    def extract(self, run: _Run) -> EndpointStats:
        response = run.client.get_json(self.path, self.params)
        records = self.check(response.data, describe(self.path, self.params))
        run.landed[self.file] = response.data
        entry = run.writer.write(
            self.file,
            response.body,
            endpoint=self.endpoint,
            request_path=self.path,
            params=dict(self.params),
            status=response.status,
            records=records,
        )
        return run.done(self.label, self.endpoint, [entry])


@dataclass(frozen=True)
class SolrQuery:
    """Every index record of one schema, paged with start/rows until ``numFound``; one file per page."""

    endpoint: ClassVar[str] = "index"
    schema: str
    fields: tuple[str, ...]
    # Fields no record has to carry but some record must, because an indicator reads them:
    # absent from every record of a non-empty result, the name is wrong or the index stopped
    # serving it, and the indicator would publish 0 instead of failing (check_index_fields).
    required_somewhere: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"index/{self.schema}"

    def params(self, start: int, rows: int) -> dict[str, str | list[str]]:
        return {
            "q": f"schema_s:{self.schema}",
            "fq": list(INDEX_FILTERS),
            "fl": ",".join(self.fields),
            "sort": f"{INDEX_KEY} asc",
            "start": str(start),
            "rows": str(rows),
        }

    def extract(self, run: _Run) -> EndpointStats:
        seen: set[str] = set()
        entries: list[dict] = []
        pages: list[tuple[str, list[dict]]] = []
        num_found = None
        while num_found is None or len(seen) < num_found:
            params = self.params(len(seen), run.rows)
            where = describe(INDEX_PATH, params)
            response = run.client.get_json(INDEX_PATH, params)
            found, docs = _solr_page(response.data, where, start=len(seen))
            if num_found is not None and found != num_found:
                raise ExtractError(
                    f"{where}: numFound changed from {num_found} to {found} between pages: records were "
                    "added or removed during the extraction; run the refresh again"
                )
            num_found = found
            if not docs and len(seen) < num_found:
                raise ExtractError(
                    f"{where}: empty page after {len(seen)} of numFound={num_found} records: records are lost"
                )
            for doc in docs:
                if doc[INDEX_KEY] in seen:
                    raise ExtractError(
                        f"{where}: record {INDEX_KEY}={doc[INDEX_KEY]} was already on an earlier page: "
                        "pages overlap (is the sort stable, does the server honour start?)"
                    )
                seen.add(doc[INDEX_KEY])
            if len(seen) > num_found:
                raise ExtractError(f"{where}: received {len(seen)} records, more than numFound={num_found}")
            entries.append(
                run.writer.write(
                    f"{self.label}/page-{len(entries):05d}.json.gz",
                    response.body,
                    endpoint=self.endpoint,
                    request_path=INDEX_PATH,
                    params=params,
                    status=response.status,
                    records=len(docs),
                )
            )
            run.progress(f"{self.label}: {len(seen)}/{num_found} records in {len(entries)} page(s)")
            pages.append((entries[-1]["path"], docs))
        self.check_fields(run.writer.snapshot_id, pages)
        return run.done(self.label, self.endpoint, entries)

    def check_fields(self, snapshot_id: str, pages: Iterable[tuple[str, list[dict]]]) -> None:
        """Raise :class:`MissingFieldError` if a ``required_somewhere`` field is in none of the records.

        ``pages``: (snapshot file, its docs). A field counts as present when some record has a
        value other than null or an empty list (Solr omits an unset multi-valued field).
        """
        docs = [(file, doc) for file, page in pages for doc in page]
        for name in self.required_somewhere:
            if docs and not any(doc.get(name) not in (None, []) for _, doc in docs):
                files = sorted({file for file, _ in docs})
                shown = [doc.get("uniqueIdentifier_s") or doc.get(INDEX_KEY) for _, doc in docs[:3]]
                raise MissingFieldError(
                    f"snapshot {snapshot_id}, {_listed(files)}: field {name} is absent from all "
                    f"{len(docs)} {self.schema} records (e.g. {', '.join(map(str, shown))}); an indicator "
                    f"reads it, so a silent 0 would be published. Is the field name right "
                    f"(SolrQuery {self.schema!r} in orchestration/extract/live.py), and does the BCH "
                    "index still serve it?"
                )


def _solr_page(data, where: str, *, start: int) -> tuple[int, list[dict]]:
    response = data.get("response") if isinstance(data, dict) else None
    if not (
        isinstance(response, dict)
        and isinstance(response.get("numFound"), int)
        and isinstance(response.get("docs"), list)
    ):
        raise ExtractError(
            f"{where}: expected a Solr page {{response: {{numFound, start, docs}}}}, got {_shape(data)}"
        )
    if response.get("start", start) != start:
        raise ExtractError(f"{where}: page starts at {response['start']}, not at the requested {start}")
    for i, doc in enumerate(response["docs"]):
        if not (isinstance(doc, dict) and isinstance(doc.get(INDEX_KEY), str) and doc[INDEX_KEY]):
            raise ExtractError(
                f"{where}: doc #{i} of the page has no {INDEX_KEY}, so it cannot be tracked across pages"
            )
    return response["numFound"], response["docs"]


def _check_records(data, where: str, *, what: str, required: Mapping[str, type]) -> int:
    """A non-empty JSON array of objects that each carry ``required`` fields of the given types."""
    if not isinstance(data, list) or not data:
        raise ExtractError(f"{where}: expected a non-empty JSON array of {what}, got {_shape(data)}")
    for i, item in enumerate(data):
        missing = [
            f
            for f, kind in required.items()
            if not (isinstance(item, dict) and isinstance(item.get(f), kind))
        ]
        if missing:
            raise ExtractError(f"{where}: {what} #{i} has no valid {', '.join(missing)}: {_shape(item)}")
    return len(data)


check_countries = partial(_check_records, what="countries", required={"code": str, "treaties": dict})
check_terms = partial(_check_records, what="thesaurus terms", required={"identifier": str})


def check_reports(cycle_code: str, data, where: str) -> int:
    """An analyzer export: a non-empty array of reports, each with a government."""
    count = _check_records(data, where, what=f"cycle {cycle_code} reports", required={"government": dict})
    for i, report in enumerate(data):
        government = report["government"].get("identifier")
        if not isinstance(government, str) or not government:
            raise ExtractError(f"{where}: cycle {cycle_code} report #{i} has no government.identifier")
    return count


def _thesaurus(domain: str, **params: str) -> Download:
    return Download(
        "thesaurus",
        f"thesaurus/{domain}.json.gz",
        f"/api/v2013/thesaurus/domains/{domain}/terms",
        params,
        check_terms,
    )


# BCH record schemas of the index, with the short code their uniqueIdentifier_s carries
# ("bch-<code>-<government>-<documentId>-<revision>"; realm-configuration.json of the BCH)
INDEX_SCHEMAS = {
    "biosafetyDecision": "dec",
    "nationalRiskAssessment": "ra",
    "biosafetyLaw": "law",
    "focalPoint": "nfp",
    "authority": "cna",
}
INDEX_COMMON_FIELDS = (
    INDEX_KEY,
    "uniqueIdentifier_s",
    "schema_s",
    "government_s",
    "title_s",
    "createdDate_dt",
    "updatedDate_dt",
)
# Endpoints that do not depend on the cycle registry (raw/README.md, "Files of a snapshot").
ENDPOINTS: tuple[Download | SolrQuery, ...] = (
    Download("countries", COUNTRIES_FILE, "/api/v2013/countries", {}, check_countries),
    _thesaurus("countries"),
    _thesaurus("regions", relations="true"),  # narrowerTerms: the member countries of each group
    _thesaurus("DecisionTypes"),
    SolrQuery(
        "biosafetyDecision",
        (*INDEX_COMMON_FIELDS, "decisionTypes_ss", "decisionDate_dt", "riskAssessments_ss"),
        # decision types filter i_decisions_published; the risk-assessment link (a field name not
        # confirmed against the live index) is i_decisions_with_ra
        required_somewhere=("decisionTypes_ss", "riskAssessments_ss"),
    ),
    SolrQuery("nationalRiskAssessment", INDEX_COMMON_FIELDS),
    SolrQuery("biosafetyLaw", INDEX_COMMON_FIELDS),
    # CPB-FP1, BCH-FP, CPB-A17-FP (Article 17): the focal-point indicators filter on them
    SolrQuery("focalPoint", (*INDEX_COMMON_FIELDS, "type_ss"), required_somewhere=("type_ss",)),
    SolrQuery("authority", INDEX_COMMON_FIELDS),
)
INDEX_QUERIES = {e.schema: e for e in ENDPOINTS if isinstance(e, SolrQuery)}


def check_index_fields(snapshot: Snapshot) -> None:
    """The check of :meth:`SolrQuery.check_fields` on a snapshot read from disk, of any source.

    The live extractor checks each schema before it keeps a snapshot; the raw stage runs this on
    the snapshot in use (embedded, or an earlier live one), so every snapshot passes the same rule.
    """
    pages_by_schema: dict[str, list[tuple[str, list[dict]]]] = {}
    for entry in snapshot.files_of("index"):
        schema = Path(entry["path"]).parts[1]  # index/<schema>/page-<n>.json.gz
        docs = snapshot.read_json(entry["path"])["response"]["docs"]
        pages_by_schema.setdefault(schema, []).append((entry["path"], docs))
    for schema, pages in pages_by_schema.items():
        if schema in INDEX_QUERIES:
            INDEX_QUERIES[schema].check_fields(snapshot.snapshot_id, pages)


def analyzer_governments(countries: list[dict]) -> list[str]:
    """The analyzer's ``government.identifier`` values: the countries endpoint's codes in lower case.

    The front-end lower-cases them the same way for its "Parties" presets (questions-selector.js).
    """
    return sorted({country["code"].lower() for country in countries})


def analyzer_query(governments: Iterable[str]) -> dict:
    """Every report of the listed governments, with the one filter the analyzer front-end sends for them.

    The analyzer page also sends ``government_REL`` (the five UN regional groups), which would drop
    the EU, a Party in no group; it never sends an empty ``q``. Listing every country of the
    countries endpoint asks for all governments; a report whose government the BCH does not list
    as a country cannot be a Party's, and does not land. No date filter: cut-offs are applied
    downstream, so one snapshot serves every cut-off.
    """
    return {"government.identifier": {"$in": list(governments)}}


def analyzer_params(keys: Iterable[str], governments: Iterable[str]) -> dict[str, str]:
    """``q`` and ``f`` of an analyzer request: the governments, every question of the questionnaire."""
    fields = dict.fromkeys([*keys, *REPORT_FIELDS], 1)
    return {"q": _compact_json(analyzer_query(governments)), "f": _compact_json(fields)}


@dataclass(frozen=True)
class AnalyzerExport:
    """One cycle's national reports, asked for every government of the run's countries file."""

    endpoint: ClassVar[str] = "national_reports"
    cycle: Cycle
    keys: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"national_reports/{self.cycle.cycle_code}"

    def download(self, governments: Iterable[str]) -> Download:
        return Download(
            self.endpoint,
            f"{self.label}.json.gz",
            self.cycle.api_path,
            analyzer_params(self.keys, governments),
            partial(check_reports, self.cycle.cycle_code),
        )

    def extract(self, run: _Run) -> EndpointStats:
        return self.download(run.governments()).extract(run)


def national_report_endpoints(cycles: Iterable[Cycle], dbt_project_dir: Path) -> list[AnalyzerExport]:
    return [
        AnalyzerExport(cycle, tuple(question_keys(dbt_project_dir, cycle.bch_schema))) for cycle in cycles
    ]


def plan(cycles: Iterable[Cycle], dbt_project_dir: Path) -> list[Download | SolrQuery | AnalyzerExport]:
    """Every endpoint of a live snapshot: :data:`ENDPOINTS`, then one analyzer export per registry cycle.

    The exports come last: their government list is read from the countries file of the same run.
    """
    return [*ENDPOINTS, *national_report_endpoints(cycles, dbt_project_dir)]


def extract_live_snapshot(
    client: BchClient, settings, cycles: Iterable[Cycle], *, progress: Callable[[str], None] = print
) -> LiveResult:
    """Extract every endpoint into ``raw/live/<snapshot-id>/`` and publish it, unless nothing changed.

    Any error (or interrupt) removes the half-written folder, so the last complete snapshot stays
    the one in use.
    """
    source_dir = Path(settings.raw_dir) / SOURCE
    previous = latest_snapshot_or_none(source_dir)
    endpoints = plan(cycles, settings.dbt_project_dir)
    with SnapshotWriter(
        source_dir, SOURCE, base_url=client.base_url, extra={"generator": __name__}
    ) as writer:
        run = _Run(client, writer, settings.index_page_rows, progress)
        stats = tuple(endpoint.extract(run) for endpoint in endpoints)
        if previous is not None and _checksums(writer.entries) == _checksums(previous.files):
            writer.abort()
            progress(f"unchanged: every file equals snapshot {previous.snapshot_id}, which stays in use")
            return LiveResult(previous, unchanged=True, stats=stats)
        snapshot = writer.commit()
    progress(f"snapshot {snapshot.snapshot_id}: {len(snapshot.files)} files in {snapshot.path}")
    return LiveResult(snapshot, unchanged=False, stats=stats)


def _checksums(entries: Iterable[dict]) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in entries}


def _compact_json(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _shape(data, limit: int = 100) -> str:
    if data == []:
        return "an empty array"
    text = json.dumps(data, ensure_ascii=False)
    return f"{type(data).__name__} {text if len(text) <= limit else text[:limit] + '…'}"


def _listed(files: list[str], limit: int = 3) -> str:
    shown = ", ".join(files[:limit])
    return shown if len(files) <= limit else f"{shown} and {len(files) - limit} more file(s)"


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} B"
    return f"{n / 1000:.1f} kB" if n < 1_000_000 else f"{n / 1_000_000:.1f} MB"

"""Live extraction against a fake BCH API (tests/bch_fake.py) serving the documented formats."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest
from werkzeug import Request, Response

from orchestration.extract.client import USER_AGENT, BchApiError, BchClient
from orchestration.extract.live import INDEX_SCHEMAS, ExtractError, MissingFieldError, extract_live_snapshot
from orchestration.registry import load_cycles, question_keys
from orchestration.settings import Settings
from orchestration.snapshot import latest_snapshot, verify_snapshot
from tests.bch_fake import (
    INDEX_PATH,
    dataset_from_snapshot,
    matching_docs,
    record,
    report,
    sample_bch,
    serve_bch,
    solr_envelope,
)

DBT = Settings().dbt_project_dir
CYCLES = load_cycles(DBT)
NR4 = next(c for c in CYCLES if c.cycle_code == "nr4")
ROWS = 3


@pytest.fixture
def settings(tmp_path, httpserver) -> Settings:
    return Settings(
        raw_dir=tmp_path / "raw",
        bch_base_url=httpserver.url_for("/"),
        index_page_rows=ROWS,
        http_max_attempts=2,
    )


@pytest.fixture
def bch(httpserver) -> dict:
    """The fake API's data; tests change it in place to change what the API serves next."""
    data = sample_bch(CYCLES, DBT)
    serve_bch(httpserver, **data)
    return data


def extract(settings: Settings, progress=lambda line: None):
    with BchClient.from_settings(settings, sleep=lambda seconds: None) as client:
        return extract_live_snapshot(client, settings, CYCLES, progress=progress)


def live_dir_entries(settings: Settings) -> list[str]:
    """Everything under raw/live/, temporary folders included."""
    live = settings.raw_dir / "live"
    return sorted(p.name for p in live.iterdir()) if live.exists() else []


def expected_files(bch: dict) -> set[str]:
    pages = {
        f"index/{schema}/page-{n:05d}.json.gz"
        for schema, docs in bch["records_by_schema"].items()
        for n in range(max(1, math.ceil(len(docs) / ROWS)))
    }
    reports = {f"national_reports/{c.cycle_code}.json.gz" for c in CYCLES}
    thesaurus = {f"thesaurus/{d}.json.gz" for d in ("countries", "regions", "DecisionTypes")}
    return {"countries.json.gz", *thesaurus, *reports, *pages}


def test_extracts_every_endpoint_into_one_complete_snapshot(bch, settings):
    result = extract(settings)

    snapshot = result.snapshot
    assert not result.unchanged
    assert latest_snapshot(settings.raw_dir / "live").path == snapshot.path
    verify_snapshot(snapshot)
    assert (snapshot.manifest["source"], snapshot.manifest["base_url"]) == (
        "live",
        settings.bch_base_url.rstrip("/"),
    )
    assert {f["path"] for f in snapshot.files} == expected_files(bch)
    for f in snapshot.files:
        assert f["endpoint"] == f["path"].split("/")[0].removesuffix(".json.gz")
        assert (f["status"], f["compression"]) == (200, "gzip")
    assert snapshot.read_json("countries.json.gz") == bch["countries"]
    assert snapshot.read_json("thesaurus/regions.json.gz") == bch["thesaurus"]["regions"]
    assert snapshot.read_json("national_reports/nr4.json.gz") == bch["reports_by_path"][NR4.api_path]
    (regions,) = [f for f in snapshot.files if f["path"] == "thesaurus/regions.json.gz"]
    assert regions["request"] == {
        "path": "/api/v2013/thesaurus/domains/regions/terms",
        "params": {"relations": "true"},
    }
    assert result.metadata()["national_reports/nr4"]["records"] == 4
    assert result.metadata()["index/biosafetyDecision"] == {
        "files": 3,
        "records": 7,
        "received_bytes": sum(
            f["received_bytes"] for f in snapshot.files if "biosafetyDecision" in f["path"]
        ),
        "stored_bytes": sum(f["bytes"] for f in snapshot.files if "biosafetyDecision" in f["path"]),
    }


def test_requests_all_governments_and_every_question_politely(bch, settings, httpserver):
    extract(settings)

    requests = [request for request, _ in httpserver.log]
    assert all(r.headers["User-Agent"] == USER_AGENT and r.headers["Realm"] == "bch" for r in requests)
    (nr4,) = [r for r in requests if r.path == NR4.api_path]
    # every country of the countries endpoint, lower-cased as the analyzer stores them (AL -> al)
    assert json.loads(nr4.args["q"]) == {"government.identifier": {"$in": ["al", "eu", "ke", "us"]}}
    fields = json.loads(nr4.args["f"])
    assert set(fields) == {*question_keys(DBT, NR4.bch_schema), "government", "documentId", "date"}
    assert set(fields.values()) == {1}
    index = [r for r in requests if r.path == INDEX_PATH]
    assert {r.args["q"] for r in index} == {f"schema_s:{schema}" for schema in INDEX_SCHEMAS}
    # the filter queries the BCH front-end adds to every search, one fq each
    assert {tuple(r.args.getlist("fq")) for r in index} == {
        ("realm_ss:bch", "_state_s:public", "(*:* NOT version_s:*)")
    }
    assert {r.args["sort"] for r in index} == {"identifier_s asc"}
    assert "type_ss" in next(r.args["fl"] for r in index if "focalPoint" in r.args["q"])


def test_a_government_the_countries_endpoint_does_not_list_does_not_land(bch, settings):
    bch["reports_by_path"][NR4.api_path].append(report("xx", 999, "2019-09-01"))

    snapshot = extract(settings).snapshot

    landed = snapshot.read_json("national_reports/nr4.json.gz")
    assert sorted(r["government"]["identifier"] for r in landed) == ["al", "eu", "ke", "us"]


def test_only_public_current_index_records_land(bch, settings):
    decisions = bch["records_by_schema"]["biosafetyDecision"]
    draft = record("biosafetyDecision", "ke", 50, _state_s="draft")
    old_revision = record("biosafetyDecision", "ke", 51, version_s="1")
    decisions += [draft, old_revision]

    snapshot = extract(settings).snapshot

    landed = {
        doc["identifier_s"]
        for f in snapshot.files
        if f["path"].startswith("index/biosafetyDecision/")
        for doc in snapshot.read_json(f["path"])["response"]["docs"]
    }
    assert len(landed) == 7  # the sample's 7 decisions; the draft and the superseded revision are not
    assert {draft["identifier_s"], old_revision["identifier_s"]}.isdisjoint(landed)


def test_answers_are_stored_as_received_whatever_their_shape(bch, settings):
    """Answer shapes are judged once, by dbt staging (tests/test_staging_reports.py), not at extraction."""
    question = question_keys(DBT, NR4.bch_schema)[0]
    bch["reports_by_path"][NR4.api_path][1][question] = {"score": 3}

    snapshot = extract(settings).snapshot

    stored = snapshot.read_json("national_reports/nr4.json.gz")
    assert stored[1][question] == {"score": 3}


@pytest.mark.parametrize("max_rows", [None, 2], ids=["rows honoured", "server caps rows"])
def test_index_pagination_lands_every_record_exactly_once(bch, settings, httpserver, max_rows):
    bch["records_by_schema"]["authority"] = [record("authority", "ke", n) for n in range(8)]
    if max_rows:  # a server may return fewer rows than asked: paging must follow what arrived
        httpserver.clear()
        serve_bch(httpserver, **(bch | {"records_by_schema": None}))
        httpserver.expect_request(INDEX_PATH).respond_with_handler(
            lambda request: page_of(bch, request, rows=min(max_rows, int(request.args["rows"])))
        )

    snapshot = extract(settings).snapshot

    pages = snapshot.files_of("index")
    authority = [f for f in pages if f["path"].startswith("index/authority/")]
    landed = [
        doc["identifier_s"] for f in authority for doc in snapshot.read_json(f["path"])["response"]["docs"]
    ]
    assert sorted(landed) == sorted(d["identifier_s"] for d in bch["records_by_schema"]["authority"])
    assert len(landed) == len(set(landed)) == 8
    assert [f["request"]["params"]["start"] for f in authority] == [
        str(n) for n in range(0, 8, max_rows or ROWS)
    ]
    assert sum(f["records"] for f in authority) == 8


def page_of(bch: dict, request: Request, *, offset=None, start=None, rows=None, num_found=None) -> Response:
    """A Solr page of the fake's data; the keyword arguments bend it the way broken servers do."""
    docs = matching_docs(bch["records_by_schema"], request)
    requested = int(request.args["start"])
    offset = requested if offset is None else offset
    page = docs[offset : offset + (int(request.args["rows"]) if rows is None else rows)]
    envelope = solr_envelope(
        len(docs) if num_found is None else num_found, requested if start is None else start, page
    )
    return Response(json.dumps(envelope), content_type="application/json")


def _growing(bch: dict, request: Request) -> Response:
    response = page_of(bch, request)
    decisions = bch["records_by_schema"]["biosafetyDecision"]
    decisions.append(record("biosafetyDecision", "al", 100 + len(decisions)))
    return response


BROKEN_PAGING = {
    "numFound changes": (_growing, "numFound changed from 7 to 8 between pages.*run the refresh again"),
    "start ignored": (
        lambda bch, r: page_of(bch, r, offset=0, start=0),
        "page starts at 0, not at the requested 3",
    ),
    "pages overlap": (lambda bch, r: page_of(bch, r, offset=0), "was already on an earlier page"),
    "records lost": (
        lambda bch, r: page_of(bch, r, rows=None if r.args["start"] == "0" else 0),
        "records are lost",
    ),
    "more than numFound": (lambda bch, r: page_of(bch, r, num_found=2), "more than numFound=2"),
    "not a Solr page": (lambda bch, r: Response(json.dumps({"docs": []})), "expected a Solr page"),
}


@pytest.mark.parametrize("case", BROKEN_PAGING)
def test_broken_pagination_is_reported_and_nothing_published(bch, settings, httpserver, case):
    handler, message = BROKEN_PAGING[case]
    httpserver.clear()
    serve_bch(httpserver, **(bch | {"records_by_schema": None}))
    httpserver.expect_request(INDEX_PATH).respond_with_handler(lambda request: handler(bch, request))

    with pytest.raises(ExtractError, match=f"GET {INDEX_PATH}\\?q=schema_s:biosafetyDecision.*{message}"):
        extract(settings)
    assert live_dir_entries(settings) == []


def _break(bch: dict, httpserver, settings: Settings, failure: str) -> Settings:
    """Make the next extraction fail one way; returns the settings to run it with."""
    if failure == "server error":
        for _ in range(settings.http_max_attempts):
            httpserver.expect_oneshot_request(NR4.api_path).respond_with_data("oops", status=500)
    elif failure == "not JSON":
        httpserver.expect_oneshot_request("/api/v2013/countries").respond_with_data(
            "<html>maintenance</html>"
        )
    elif failure == "truncated JSON":
        httpserver.expect_oneshot_request(NR4.api_path).respond_with_data('[{"government": {"identifier"')
    elif failure == "no reports":
        bch["reports_by_path"][NR4.api_path] = []
    elif failure == "report without government":  # one the server's government filter let through
        reports = [dict(r) for r in bch["reports_by_path"][NR4.api_path]]
        del reports[2]["government"]
        httpserver.expect_oneshot_request(NR4.api_path).respond_with_json(reports)
    elif failure == "country without treaties":
        del bch["countries"][0]["treaties"]
    elif failure == "decisions without their risk-assessment link":  # e.g. the field was renamed
        for decision in bch["records_by_schema"]["biosafetyDecision"]:
            decision.pop("riskAssessments_ss", None)
    elif failure == "too large":
        return replace(settings, http_max_response_bytes=2000)
    return settings


FAILURES = {
    "server error": (BchApiError, f"GET {NR4.api_path}.*gave up after 2 attempts"),
    "not JSON": (BchApiError, "GET /api/v2013/countries: body of .* is not valid JSON"),
    "truncated JSON": (BchApiError, f"GET {NR4.api_path}.*is not valid JSON"),
    "no reports": (
        ExtractError,
        f"GET {NR4.api_path}.*non-empty JSON array of cycle nr4 reports, got an empty array",
    ),
    "report without government": (ExtractError, "cycle nr4 reports #2 has no valid government"),
    "country without treaties": (
        ExtractError,
        "GET /api/v2013/countries: countries #0 has no valid treaties",
    ),
    "too large": (BchApiError, "over the limit of 2000 bytes"),
    "decisions without their risk-assessment link": (
        MissingFieldError,
        r"snapshot \w+, index/biosafetyDecision/page-00000.json.gz, .*page-00002.json.gz: "
        r"field riskAssessments_ss is absent from all 7 biosafetyDecision records \(e.g. bch-dec-",
    ),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_failed_extraction_keeps_the_last_complete_snapshot_in_use(bch, settings, httpserver, failure):
    first = extract(settings).snapshot
    broken = _break(bch, httpserver, settings, failure)

    error, message = FAILURES[failure]
    with pytest.raises(error, match=message):
        extract(broken)
    assert latest_snapshot(settings.raw_dir / "live").path == first.path
    assert live_dir_entries(settings) == [first.snapshot_id]


def test_interrupted_extraction_publishes_nothing(bch, settings):
    first = extract(settings).snapshot
    live = settings.raw_dir / "live"

    def interrupt(line: str) -> None:
        if line.startswith("national_reports/nr3"):
            (tmp,) = live.glob(".tmp-*")
            assert any(tmp.rglob("*.json.gz")) and not (tmp / "manifest.json").exists()  # manifest comes last
            assert latest_snapshot(live).path == first.path
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        extract(settings, progress=interrupt)
    assert live_dir_entries(settings) == [first.snapshot_id]


def test_unchanged_source_keeps_the_previous_snapshot_and_its_data_version(bch, settings):
    first = extract(settings)
    lines: list[str] = []

    second = extract(settings, progress=lines.append)

    assert second.unchanged
    assert second.snapshot.path == first.snapshot.path
    assert second.snapshot.content_sha256() == first.snapshot.content_sha256()
    assert (
        lines[-1] == f"unchanged: every file equals snapshot {first.snapshot.snapshot_id}, which stays in use"
    )
    assert live_dir_entries(settings) == [first.snapshot.snapshot_id]

    bch["records_by_schema"]["authority"][0]["title_s"] = "Renamed authority"
    third = extract(settings)

    assert not third.unchanged
    assert third.snapshot.content_sha256() != first.snapshot.content_sha256()
    assert latest_snapshot(settings.raw_dir / "live").path == third.snapshot.path
    assert live_dir_entries(settings) == sorted([first.snapshot.snapshot_id, third.snapshot.snapshot_id])


def test_a_snapshot_served_back_by_the_fake_extracts_unchanged(bch, settings, httpserver):
    first = extract(settings).snapshot
    httpserver.clear()
    serve_bch(httpserver, **dataset_from_snapshot(first))

    assert extract(settings).unchanged


def test_progress_reports_records_and_bytes_per_endpoint(bch, settings):
    lines: list[str] = []
    result = extract(settings, progress=lines.append)

    labels = [s.label for s in result.stats]
    assert {"countries", "thesaurus/regions", "national_reports/nr2", "index/focalPoint"} <= set(labels)
    for label in labels:
        (line,) = [line for line in lines if line.startswith(f"{label}: ") and "received" in line]
        assert line.split(": ")[1].split(",")[0].endswith(" records")
    assert "national_reports/nr4: 4 records, " in "\n".join(lines)
    assert "index/biosafetyDecision: 6/7 records in 2 page(s)" in lines
    assert lines[-1].startswith(f"snapshot {result.snapshot.snapshot_id}: ")


def test_the_embedded_snapshot_served_by_the_fake_extracts_with_every_record(httpserver, settings):
    """End to end at full size: the committed data passes every live check and lands complete."""
    embedded = latest_snapshot(Settings().raw_dir / "embedded")
    serve_bch(httpserver, **dataset_from_snapshot(embedded))

    extracted = extract(replace(settings, index_page_rows=500)).snapshot

    def records_by_label(snapshot) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in snapshot.files:
            label = "/".join(f["path"].split("/")[:2]).removesuffix(".json.gz")
            counts[label] = counts.get(label, 0) + f["records"]
        return counts

    assert records_by_label(extracted) == records_by_label(embedded)

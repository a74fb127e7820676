"""Fault injection on the embedded snapshot: each defect is blocked, quarantined or excluded by rule.

Every defect is written into a copy of the committed embedded snapshot as a new, later snapshot with
a recomputed manifest, so the fault reaches the parser instead of failing the checksum. One baseline
build is shared: the blocking faults run first, each must leave that publication byte-for-byte in
place and exit non-zero naming snapshot and file; the quarantine faults run last, in one snapshot.
Mapping-file and catalogue typos are repository data, tested in test_crosswalk.py and
test_catalogue.py.
"""

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR, Pipeline

EMBEDDED = PROJECT_DIR / "raw" / "embedded" / "20260701T000000Z-synthetic"
NR4 = "national_reports/nr4.json.gz"
REGIONS = "thesaurus/regions.json.gz"
COUNTRIES = "countries.json.gz"


def write_defective(source_dir: Path, snapshot_id: str, defects: dict) -> None:
    """Copy the embedded snapshot as ``snapshot_id`` with ``defects[path](stored bytes) -> bytes``."""
    tmp = source_dir / f".tmp-{snapshot_id}"
    shutil.copytree(EMBEDDED, tmp)
    for path, change in defects.items():
        (tmp / path).write_bytes(change((tmp / path).read_bytes()))
    manifest = json.loads((tmp / "manifest.json").read_text())
    manifest["snapshot_id"] = snapshot_id
    for entry in manifest["files"]:
        stored = (tmp / entry["path"]).read_bytes()
        entry["bytes"], entry["sha256"] = len(stored), hashlib.sha256(stored).hexdigest()
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    tmp.rename(source_dir / snapshot_id)


def json_edit(edit):
    """A defect on the decoded JSON of a gzip file; ``edit`` changes it in place."""

    def change(stored: bytes) -> bytes:
        data = json.loads(gzip.decompress(stored))
        edit(data)
        return gzip.compress(json.dumps(data).encode(), mtime=0)

    return change


def report_of(reports: list, government: str) -> dict:
    return next(r for r in reports if r["government"]["identifier"] == government)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    shutil.copytree(EMBEDDED, root / "raw" / "embedded" / EMBEDDED.name)
    with pytest.MonkeyPatch.context() as mp:
        run = Pipeline(root, mp)
        assert run.refresh() == 0
        yield run


@pytest.fixture
def faulty(baseline, capsys):
    """Writes one defective snapshot, runs the refresh, removes the snapshot again."""
    published = baseline.warehouse_dir / "published"
    before = {p: p.read_bytes() for p in (baseline.published_db, published / "manifest.json")}
    written = []

    def run(snapshot_id: str, defects: dict, *flags: str) -> tuple[int, str]:
        write_defective(baseline.source_dir, snapshot_id, defects)
        written.append(baseline.source_dir / snapshot_id)
        capsys.readouterr()
        code = baseline.refresh(*flags)
        return code, capsys.readouterr().err

    yield run, before
    for path in written:
        shutil.rmtree(path)


def assert_blocked(faulty_run, snapshot_id, defects, *expected):
    run, before = faulty_run
    code, err = run(snapshot_id, defects)
    assert code == 1, err
    for text in (f"snapshot {snapshot_id}", *expected):
        assert text in err, f"{text!r} not in:\n{err}"
    assert {p: p.read_bytes() for p in before} == before, "the previous publication changed"


def test_an_empty_export_is_blocked(faulty):
    assert_blocked(faulty, "20260702T000001Z-empty", {NR4: json_edit(list.clear)}, NR4, "holds no reports")


def test_an_export_that_is_not_an_array_is_blocked(faulty):
    def wrap(stored):  # the reports inside an object, as a paged API would send them
        reports = json.loads(gzip.decompress(stored))
        return gzip.compress(json.dumps({"reports": reports}).encode(), mtime=0)

    expected = "expected a JSON array of reports, got OBJECT"
    assert_blocked(faulty, "20260702T000007Z-object", {NR4: wrap}, NR4, expected)


def test_a_truncated_gzip_is_blocked(faulty):
    truncated = {NR4: lambda stored: stored[: len(stored) // 2]}
    assert_blocked(faulty, "20260702T000002Z-truncgz", truncated, f"file {NR4}", "GZIP stream")


def test_truncated_json_inside_gzip_is_blocked(faulty):
    def cut(stored):
        raw = gzip.decompress(stored)
        return gzip.compress(raw[: len(raw) // 2], mtime=0)

    assert_blocked(faulty, "20260702T000003Z-truncjson", {NR4: cut}, f"file {NR4}", "Malformed JSON")


def test_an_unknown_answer_shape_is_blocked(faulty):
    def odd_shape(reports):
        report_of(reports, "ke")["Q014"] = {"weird": ["shape"]}

    assert_blocked(
        faulty, "20260702T000004Z-shape", {NR4: json_edit(odd_shape)}, NR4, "government ke, question Q014"
    )


def test_a_party_in_no_regional_group_is_blocked(faulty):
    def drop_algeria(terms):
        for term in terms:
            for field in ("narrowerTerms", "expandedNarrowerTerms"):
                if "dz" in term.get(field, []):
                    term[field].remove("dz")

    assert_blocked(
        faulty,
        "20260702T000005Z-noregion",
        {REGIONS: json_edit(drop_algeria)},
        "Party dz (Algeria)",
        "countries_outside",
    )


def test_a_region_term_without_an_identifier_is_blocked(faulty):
    """A not-null column of staging is a constraint of its contract: the build stops at the model,
    naming it and the column."""

    def drop_identifier(terms):
        terms[0].pop("identifier")

    assert_blocked(
        faulty,
        "20260702T000008Z-noidentifier",
        {REGIONS: json_edit(drop_identifier)},
        "NOT NULL constraint failed: stg_bch__regions.region_identifier",
    )


def test_a_country_listed_twice_is_blocked(faulty):
    """A staging key is a primary-key constraint of its contract: the build stops at the first
    model keyed by it (the country's treaties, one row per country and treaty), naming the model and
    the duplicated key."""
    assert_blocked(
        faulty,
        "20260702T000009Z-twice",
        {COUNTRIES: json_edit(lambda countries: countries.append(dict(countries[0])))},
        "model stg_bch__country_treaties",
        'constraint violation: duplicate key "ad, XXVII8a"',
    )


def test_faulty_records_are_quarantined_or_excluded_and_published(baseline, faulty):
    """Last: this one publishes. Four faults in the NR4 export, each with its documented outcome."""
    baseline_total = json.loads((baseline.warehouse_dir / "published" / "manifest.json").read_text())[
        "quarantine"
    ]["total"]

    def defects(reports):
        report_of(reports, "es")["government"]["identifier"] = "zz"  # no BCH country
        report_of(reports, "ke")["Q014"] = {"value": "implementation.fullInPlce"}  # no option
        report_of(reports, "kr")["date"] = "2019-02-30T00:00:00Z"  # no such day
        reports.append(dict(report_of(reports, "gh")))  # the same document twice

    run, _ = faulty
    # two fewer counted reports move small regions' shares past the change gate: accepted on purpose
    code, err = run("20260702T000006Z-quarantine", {NR4: json_edit(defects)}, "--accept-changes")
    assert code == 0, err
    rows = baseline.query("select stage, field, value, government_code, reason from marts.fct_quarantine")
    fields = {(r[0], r[1]) for r in rows}
    assert {
        ("staging", "government.identifier"),
        ("staging", "Q014"),
        ("record", "date"),
        ("record", "documentId"),
    } <= fields
    assert ("staging", "Q014", "implementation.fullInPlce", "ke") in {r[:4] for r in rows}
    publication = json.loads((baseline.warehouse_dir / "published" / "manifest.json").read_text())
    assert publication["quarantine"]["total"] == baseline_total + 4
    # excluded by rule, not quarantined: late and non-Party reports keep their status
    statuses = {r[0] for r in baseline.query("select distinct report_status from marts.fct_national_report")}
    assert {"after_cutoff", "non_party", "superseded", "unknown_government"} <= statuses
    # and the answers of each government's latest report are published, a superseded one's are not
    statuses = {r[0] for r in baseline.query("select distinct report_status from marts.fct_report_answer")}
    assert statuses == {"counted", "after_cutoff", "non_party", "unknown_government"}

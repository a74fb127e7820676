"""Tests of scripts/generate_embedded_snapshot.py and of the committed synthetic snapshot.

The indicator check recomputes the figures from the JSON files with its own small reader (not the
generator's code, not the pipeline's), using the pipeline's definitions: Party at the cutoff,
latest report dated on or before the cutoff, answered = non-empty answer. A question mapped to
the baseline has comparable-set figures, as the Secretariat published them (SBI/3/3 para 11):
share and change over the Parties counted in both cycles that answered both mapped questions
(NR2 values translated by the 4-2 valueMapping, untranslatable ones dropped), both in the
indicator's population. An unmapped question's figure is the share of all Parties that answered.
Record indicators compare each cycle's share over all Parties at its own cutoff. Run this file
directly (``python tests/test_generator.py``) to print the table of figures.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "generate_embedded_snapshot.py"
EMBEDDED = REPO / "raw" / "embedded"
REFERENCE = Path(__file__).resolve().parents[1] / "scripts" / "bch_reference"
SEEDS = REPO / "dbt_project" / "seeds"
CUTOFFS = {
    r["cycle_code"]: date.fromisoformat(r["cutoff_date"])
    for r in csv.DictReader(open(SEEDS / "report_cycles.csv"))
}
UN_REGIONS = {r["bch_identifier"]: r["region_code"] for r in csv.DictReader(open(SEEDS / "regions.csv"))}

GT0 = "n>0"
FULL, PARTIAL = "implementation.fullInPlace", "implementation.partiallyInPlace"
# indicator: (NR4 key, values that meet the rule, published NR4 %, published change in points
# or "+"/"-" for a direction only, population restriction)
PUBLISHED = {
    "a_measures_full": ("Q014", {FULL}, 55, 8, None),
    "a_measures_full_or_partial": ("Q014", {FULL, PARTIAL}, 94, None, None),
    "a_ffp_import_rules": ("Q042", {"true"}, 83, 13, None),
    "a_notification_received": ("Q029", {"true"}, 21, -13, None),
    "a_art10_decision_taken": ("Q033", {"true"}, 19, -14, None),
    "a_permanent_staff": ("Q018", {"true"}, 94, None, None),
    "a_staff_adequate": ("Q019_adq", {"true"}, 50, None, "Q018=true"),
    "a_institutional_capacity": ("Q109", {"true"}, 65, 19, None),
    "a_budget_mechanism": ("Q017", {"true", "true.some"}, 81, None, None),
    "c_ra_conducted": ("Q075", {"true"}, 65, "+", None),
    "d_capacity_detect": ("Q070_a", {"true"}, 79, None, None),
    "d_capacity_identify": ("Q070_b", {"true"}, 77, None, None),
    "d_capacity_assess": ("Q070_c", {"true"}, 77, None, None),
    "d_capacity_monitor": ("Q070_d", {"true"}, 71, None, None),
    "e_sp_measures_full": ("Q171", {"74B17D51-786F-3D68-3B76-A50121842925"}, 60, None, "sp_party"),
    "e_sp_no_process": ("Q170", {"false"}, 43, None, "Q169=false"),
    "f_lab_personnel_trained": ("Q103", GT0, 96, None, None),
    "f_customs_trained": ("Q101", GT0, 59, None, None),
    "f_lab_access": ("Q104", {"true"}, 87, "+", None),
    "f_certified_lab": ("Q105", GT0, 68, None, None),
    "g_peer_reviewed_used": ("Q164", GT0, 33, "-", None),
    "g_sec_approaches": ("Q162", {"true"}, 52, "+", None),
    "g_sec_considered": ("Q163", {"true", "true.some"}, 33, 14, None),
    "h_contained_use_regulated": ("Q024", {"true"}, 80, None, None),
    "h_transit_regulated": ("Q023", {"true", "true.some"}, 70, "+", None),
    "h_unintentional_tbm_capacity": ("Q088", {"true"}, 70, None, None),
    "k_public_consultation": ("Q147", {"true", "true.some"}, 76, 5, None),
    "k_public_informed": ("Q148", {"true", "true.some"}, None, -5, None),
    "k_website": ("Q144", {"true"}, 67, "-", None),
    "k_academic_courses": ("Q145", GT0, 86, 11, None),
    "k_education_materials": ("Q146", GT0, 75, "+", None),
    "k_events": ("Q118", GT0, 92, None, None),
    "k_publications": ("Q119", GT0, 75, "-", None),
    "l_communication_strategy": ("Q142", {"true"}, 50, None, None),
    "c_ra_for_all_decisions": ("Q078", {"true"}, None, None, "Q075=true"),
}
# comparable-set counts: (Parties met in NR4, comparable Parties), "19 Parties, 21%" is 19 of 90
PUBLISHED_COUNTS = {"a_notification_received": (19, 90), "a_art10_decision_taken": (15, 79)}
REGIONAL = {("a_measures_full", "africa"): (30, 10), ("a_measures_full", "grulac"): (8, None)}
# The Implementation Plan's national-report indicators (seeds/indicators.csv, ip2021) for the fifth
# assessment, NR5 against NR4: (NR4 keys, NR5 keys, met values, all of the keys or any). No NR5
# figure has been published, so the expectations are the generator's own choices (IP_TARGETS,
# restated): the global change over the comparable set in points, within one Party.
Q112_MANDATORY, Q112_OTHER = "abcdghiklopq", "efjmn"
INSTRUMENTS = {
    "instrument.nationalBiosafetyLaws",
    "instrument.nationalBiosafetyRegulations",
    "instrument.biosafetyGuidelines",
    "instrument.indirectLaws",
}
IP = {
    "ip_a1_measures_full": (["Q014"], ["Q007"], {FULL}, False),
    "ip_a1_instruments": (["Q015"], ["Q008"], INSTRUMENTS, False),
    "ip_a1_qualified_staff": (["Q018"], ["Q011"], {"true"}, False),
    "ip_a2_mandatory_info": (
        [f"Q112_{c}" for c in Q112_MANDATORY],
        [f"Q102_{c}" for c in Q112_MANDATORY],
        {"true.availableOnBch"},
        True,
    ),
    "ip_a2_non_mandatory_info": (
        [f"Q112_{c}" for c in Q112_OTHER],
        [f"Q102_{c}" for c in Q112_OTHER],
        {"true.availableOnBch"},
        False,
    ),
}
IP_CHOSEN_CHANGE = {
    "ip_a1_measures_full": 6,
    "ip_a1_instruments": 4,
    "ip_a1_qualified_staff": 1,
    "ip_a2_mandatory_info": 9,
    "ip_a2_non_mandatory_info": 5,
}
NR5_LATE_WINDOW = (date(2026, 3, 1), date(2026, 6, 30))  # after the freeze, by the snapshot (2026-07-01)
ART10_11 = {
    "E8C5A15C-A736-4fb7-A1B6-192412BE7E45",
    "A0F944AD-1578-47F4-BB71-A9805EC0EB7A",
    "47B66371-7016-4F28-B33A-0DBFF43581CA",
    "BE64016A-C3BD-4C61-9620-C3FEF96B2A24",
    "0D0BEEF4-54E4-44C1-ABB2-B89DC145E0B3",
    "C15E5CD8-B6F9-41AE-A09C-7EF5F73B0507",
}


# ---------------------------------------------------------------------------------------------
# An independent reader of the snapshot
# ---------------------------------------------------------------------------------------------


def read(snapshot: Path, rel: str):
    return json.loads(gzip.decompress((snapshot / rel).read_bytes()))


def values_of(raw) -> list[str]:
    """Selected values of an answer, following the shapes listed in raw/README.md."""
    if raw is None or raw in ("", [], {}):
        return []
    if isinstance(raw, list):
        return [v for item in raw for v in values_of(item)]
    if isinstance(raw, bool):
        return ["true" if raw else "false"]
    if isinstance(raw, int | float | str):
        return [str(raw)]
    if isinstance(raw, dict) and "options" in raw:
        return values_of(raw["options"])
    if isinstance(raw, dict) and "value" in raw:
        v = raw["value"]
        return ["<text>"] if isinstance(v, dict) else values_of(v)
    if isinstance(raw, dict) and "identifier" in raw:
        return [raw["identifier"]]
    if isinstance(raw, dict) and "en" in raw:
        return ["<text>"]
    raise AssertionError(f"unknown answer shape {raw!r}")


class Figures:
    """The pipeline's definitions, computed straight from the files."""

    def __init__(self, snapshot: Path):
        self.snapshot = snapshot
        self.countries = {c["code"].lower(): c for c in read(snapshot, "countries.json.gz")}
        self.region = {
            member: UN_REGIONS[t["identifier"]]
            for t in read(snapshot, "thesaurus/regions.json.gz")
            if t["identifier"] in UN_REGIONS
            for member in t["narrowerTerms"]
        }
        self.counted = {code: self._counted(code) for code in CUTOFFS}
        mapping = json.loads((REPO / "dbt_project/mappings/cpbNationalReport4-2.json").read_text("utf-8-sig"))
        self.map42 = {
            k: (v, {}) if isinstance(v, str) else (v["question"], v["valueMapping"])
            for k, v in mapping.items()
        }
        options = csv.DictReader(open(SEEDS / "bch_question_options.csv"))
        self.nr4_options = {}
        for row in options:
            if row["report_type"] == "cpbNationalReport4":
                self.nr4_options.setdefault(row["question_key"], set()).add(row["value"])

    def party(self, code: str, cutoff: date, treaty: str = "XXVII8a") -> bool:
        when = ((self.countries.get(code) or {}).get("treaties", {}).get(treaty) or {}).get("party")
        return bool(when) and date.fromisoformat(when[:10]) <= cutoff

    def _counted(self, code: str) -> dict[str, dict]:
        latest: dict[str, dict] = {}
        for r in read(self.snapshot, f"national_reports/{code}.json.gz"):
            gov = r["government"]["identifier"].lower()
            if date.fromisoformat(r["date"][:10]) <= CUTOFFS[code] and self.party(gov, CUTOFFS[code]):
                if gov not in latest or r["date"] > latest[gov]["date"]:
                    latest[gov] = r
        return latest

    def population(self, key: str, restriction: str | None) -> dict[str, list[str]]:
        out = {}
        for gov, r in self.counted["nr4"].items():
            vals = values_of(r.get(key))
            if not vals:
                continue
            if restriction == "sp_party" and not self.party(gov, CUTOFFS["nr4"], "XXVII8c"):
                continue
            if restriction and "=" in restriction:
                qk, qv = restriction.split("=")
                if values_of(r.get(qk)) != [qv]:
                    continue
            out[gov] = vals
        return out

    def baseline_answers(self, key: str) -> dict[str, list[str]]:
        """NR2 answers to an NR4 question: translated by the 4-2 mapping, unknown values dropped."""
        key2, value_map = self.map42[key]
        out = {}
        for gov, r in self.counted["nr2"].items():
            vals = [value_map.get(v, v) for v in values_of(r.get(key2))]
            vals = [v for v in vals if v in self.nr4_options[key]]
            if vals:
                out[gov] = vals
        return out

    def baseline_population(self, restriction: str | None) -> set[str] | None:
        """Governments in the indicator's population in NR2 (None: no restriction there)."""
        if not restriction or "=" not in restriction:
            return None
        qk, qv = restriction.split("=")
        return {g for g, vals in self.baseline_answers(qk).items() if vals == [qv]}

    @staticmethod
    def met_set(met, key_options: set[str]) -> set[str]:
        return {v for v in key_options if v != "0"} if met == GT0 else met

    def indicator(self, name: str, region: str | None = None) -> dict:
        key, met, _, _, restriction = PUBLISHED[name]
        met = self.met_set(met, self.nr4_options[key])
        pop = self.population(key, restriction)
        if region:
            pop = {g: v for g, v in pop.items() if self.region.get(g) == region}
        n_met = sum(any(v in met for v in vals) for vals in pop.values())
        result = {"n_parties": len(pop), "n_met": n_met, "pct": 100 * n_met / len(pop), "change": None}
        result.update(figure=result["pct"], n_figure=n_met, of=len(pop))
        if key in self.map42:
            result.update(self._comparable(key, met, pop, restriction))
        return result

    def _comparable(self, key: str, met: set[str], pop: dict[str, list[str]], restriction) -> dict:
        before = self.baseline_answers(key)
        in_baseline_population = self.baseline_population(restriction)
        both = sorted(
            g for g in before if g in pop and (in_baseline_population is None or g in in_baseline_population)
        )
        now = sum(any(v in met for v in pop[g]) for g in both)
        then = sum(any(v in met for v in before[g]) for g in both)
        cycle_pct, baseline_pct = 100 * now / len(both), 100 * then / len(both)
        return {
            "figure": cycle_pct,
            "n_figure": now,
            "of": len(both),
            "baseline_pct": baseline_pct,
            "change": cycle_pct - baseline_pct,
        }

    def ip_indicator(self, name: str, region: str | None = None) -> dict:
        """An Implementation Plan indicator over the comparable set of the fifth assessment:
        Parties counted in NR5 and NR4 that answered its questions in both (NR5 keys as mapped
        by the 5-4 file, which maps these keys 1:1 without value changes)."""
        keys4, keys5, met, all_of = IP[name]

        def judge(report: dict, keys: list[str]) -> bool | None:
            answers = [values_of(report.get(k)) for k in keys]
            if not all(answers):
                return None
            hits = [any(v in met for v in a) for a in answers]
            return all(hits) if all_of else any(hits)

        both = {}
        for gov, r5 in self.counted["nr5"].items():
            if gov not in self.counted["nr4"] or (region and self.region.get(gov) != region):
                continue
            now, then = judge(r5, keys5), judge(self.counted["nr4"][gov], keys4)
            if now is not None and then is not None:
                both[gov] = (then, now)
        then, now = sum(t for t, _ in both.values()), sum(n for _, n in both.values())
        baseline, cycle = 100 * then / len(both), 100 * now / len(both)
        return {"of": len(both), "baseline_pct": baseline, "cycle_pct": cycle, "change": cycle - baseline}

    def holders_all(self, on: date, categories=("CPB-FP1", "CPB-A17-FP")) -> set[str]:
        """Parties on ``on`` (of the nr5 cutoff's Parties) with a national focal point, an
        Article 17 contact point and a competent national authority, all created by then."""
        held = [
            {
                d["government_s"]
                for d in self.records("focalPoint")
                if category in d.get("type_ss", []) and date.fromisoformat(d["createdDate_dt"][:10]) <= on
            }
            for category in categories
        ]
        held.append(
            {
                d["government_s"]
                for d in self.records("authority")
                if date.fromisoformat(d["createdDate_dt"][:10]) <= on
            }
        )
        return set.intersection(*held) & {c for c in self.countries if self.party(c, CUTOFFS["nr5"])}

    def decisions_with_ra(self, on: date) -> tuple[int, int]:
        """Article 10/11 decisions of Parties created by ``on``, and how many link a risk assessment."""
        decisions = [
            d
            for d in self.records("biosafetyDecision")
            if set(d.get("decisionTypes_ss", [])) & ART10_11
            and date.fromisoformat(d["createdDate_dt"][:10]) <= on
            and self.party(d["government_s"], on)
        ]
        return len(decisions), sum(bool(d.get("riskAssessments_ss")) for d in decisions)

    def records(self, schema: str) -> list[dict]:
        docs, page = [], 0
        while (self.snapshot / f"index/{schema}/page-{page:05d}.json.gz").is_file():
            docs += read(self.snapshot, f"index/{schema}/page-{page:05d}.json.gz")["response"]["docs"]
            page += 1
        return docs

    def record_figures(self) -> dict:
        nr2, nr3, nr4 = CUTOFFS["nr2"], CUTOFFS["nr3"], CUTOFFS["nr4"]

        def created(doc) -> date:
            return date.fromisoformat(doc["createdDate_dt"][:10])

        decisions = [
            d for d in self.records("biosafetyDecision") if set(d.get("decisionTypes_ss", [])) & ART10_11
        ]

        def period(first, last):
            return [
                d
                for d in decisions
                if (first is None or created(d) > first)
                and created(d) <= last
                and self.party(d["government_s"], last)
            ]

        dec2, dec4 = period(None, nr2), period(nr3, nr4)

        def ra_share(ds):
            return 100 * sum(bool(d.get("riskAssessments_ss")) for d in ds) / len(ds)

        def holders(schema, cutoff, category=None):
            return {
                d["government_s"]
                for d in self.records(schema)
                if created(d) <= cutoff
                and self.party(d["government_s"], cutoff)
                and (category is None or category in d.get("type_ss", []))
            }

        parties4 = {c for c in self.countries if self.party(c, nr4)}
        parties2 = {c for c in self.countries if self.party(c, nr2)}
        out = {
            "i_decisions_published": (len(dec4), 100 * (len(dec4) - len(dec2)) / len(dec2)),
            "i_decisions_with_ra": (ra_share(dec4), ra_share(dec4) - ra_share(dec2)),
            "i_laws_published": (
                len(holders("biosafetyLaw", nr4)),
                100
                * (len(holders("biosafetyLaw", nr4)) - len(holders("biosafetyLaw", nr2)))
                / len(holders("biosafetyLaw", nr2)),
            ),
            "j_reports_submitted": (len(self.counted["nr4"]), None),
            "e_sp_party": (sum(self.party(c, nr4, "XXVII8c") for c in self.countries), None),
        }
        for name, category in (
            ("i_nfp_designated", "CPB-FP1"),
            ("i_bch_nfp_designated", "BCH-FP"),
            ("i_art17_contact_designated", "CPB-A17-FP"),
        ):
            # every Party at each cutoff is the population, not the Parties present at both
            share4 = 100 * len(holders("focalPoint", nr4, category)) / len(parties4)
            share2 = 100 * len(holders("focalPoint", nr2, category)) / len(parties2)
            out[name] = (share4, share4 - share2)
        return out


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def committed_snapshot() -> Path:
    snapshots = sorted(p for p in EMBEDDED.glob("*") if (p / "manifest.json").is_file())
    assert snapshots, "no committed snapshot under raw/embedded"
    return snapshots[-1]


@pytest.fixture(scope="module")
def snapshot() -> Path:
    return committed_snapshot()


@pytest.fixture(scope="module")
def figures(snapshot) -> Figures:
    return Figures(snapshot)


def run_generator(out: Path) -> dict:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--reference", str(REFERENCE)],
        check=True,
        capture_output=True,
    )
    (snapshot,) = [p for p in out.iterdir() if (p / "manifest.json").is_file()]
    return json.loads((snapshot / "manifest.json").read_text())


def test_generator_is_deterministic_and_matches_the_committed_snapshot(tmp_path, snapshot):
    first = run_generator(tmp_path / "a")
    second = run_generator(tmp_path / "b")
    assert first == second
    committed = json.loads((snapshot / "manifest.json").read_text())
    assert first == committed, "the committed snapshot is stale: run make snapshot"


def test_rerun_replaces_only_its_own_folder(tmp_path):
    keep = tmp_path / "19990101T000000Z-other"
    keep.mkdir(parents=True)
    run_generator(tmp_path)
    run_generator(tmp_path)
    assert keep.is_dir()
    assert len([p for p in tmp_path.iterdir() if not p.name.startswith(".")]) == 2


def test_manifest_is_synthetic_and_matches_the_files(snapshot):
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["synthetic"] is True and "SYNTHETIC" in manifest["description"]
    assert manifest["generator"]["seed"] and manifest["source"] == "embedded"
    for entry in manifest["files"]:
        data = (snapshot / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["path"].endswith(".json.gz") and entry["received_bytes"] == len(gzip.decompress(data))
    assert sum(e["bytes"] for e in manifest["files"]) < 5_000_000


def test_countries_and_thesaurus_formats(snapshot):
    countries = read(snapshot, "countries.json.gz")
    assert len(countries) == 197 and {"EU", "AL", "US"} <= {c["code"] for c in countries}
    for c in countries:
        assert c["code"].isupper() and set(c["treaties"]) == {"XXVII8a", "XXVII8c"}
        assert set(c["treaties"]["XXVII8a"]) == {"instrument", "signature", "deposit", "party"}
    term_keys = {
        "termId",
        "identifier",
        "name",
        "title",
        "broaderTerms",
        "narrowerTerms",
        "relatedTerms",
        "nonPreferedTerms",
    }
    for name in ("countries", "regions", "DecisionTypes"):
        terms = read(snapshot, f"thesaurus/{name}.json.gz")
        assert terms and all(term_keys <= set(t) for t in terms)
    regions = read(snapshot, "thesaurus/regions.json.gz")
    assert set(UN_REGIONS) < {t["identifier"] for t in regions}, "the five UN groups plus other groupings"


def test_national_report_formats(snapshot):
    options = {}
    for row in csv.DictReader(open(SEEDS / "bch_question_options.csv")):
        options.setdefault((row["report_type"], row["question_key"]), set()).add(row["value"])
    schemas = {r["cycle_code"]: r["bch_schema"] for r in csv.DictReader(open(SEEDS / "report_cycles.csv"))}
    for code, schema in schemas.items():
        reports = read(snapshot, f"national_reports/{code}.json.gz")
        assert len({r["documentId"] for r in reports}) == len(reports)
        for r in reports:
            assert r["government"]["identifier"].islower()
            date.fromisoformat(r["date"][:10])
            for key, raw in r.items():
                if key in ("government", "documentId", "date"):
                    continue
                allowed = options.get((schema, key))
                for v in values_of(raw):
                    assert v == "<text>" or not allowed or v in allowed, (code, key, v)


def test_index_pages(snapshot):
    manifest = json.loads((snapshot / "manifest.json").read_text())
    for entry in (e for e in manifest["files"] if e["endpoint"] == "index"):
        response = read(snapshot, entry["path"])["response"]
        assert len(response["docs"]) <= 500 and response["start"] == int(entry["request"]["params"]["start"])
        for doc in response["docs"]:
            assert doc["uniqueIdentifier_s"].startswith("bch-") and doc["createdDate_dt"].endswith("Z")


def test_counts(figures):
    assert len([c for c in figures.countries if figures.party(c, CUTOFFS["nr4"])]) == 171
    assert len(figures.counted["nr4"]) == 99
    for name, (n, of) in PUBLISHED_COUNTS.items():
        got = figures.indicator(name)
        assert (got["n_figure"], got["of"]) == (n, of), got
        assert got["n_parties"] == 99, "a mandatory question: every counted report answers it"


def enabled(rules: list[tuple], shown: dict[str, list[str]]) -> bool:
    """A question with enable rules is shown when one of them passes on its source's answer."""
    if not rules:
        return True
    for source, kind, values in rules:
        selected = shown.get(source, [])
        if not selected:
            continue
        if kind == "@hasValuesExcept" and any(v not in values for v in selected):
            return True
        if kind.startswith("&") and any(v in ("true", "true.some") for v in selected):
            return True  # the form's "is A or B" functions: a Yes to either source
        if kind in ("@hasValues", "@hasAdditionalValues") and (values is None or set(selected) & set(values)):
            return True
    return False


def test_every_enabled_mandatory_nr4_question_is_answered(figures):
    form = json.loads((REFERENCE / "questions_cpbNationalReport4.json").read_text("utf-8"))
    questions = [q for section in form["sections"] for q in section["questions"]]
    rules: dict[str, list[tuple]] = {}
    for q in questions:
        for v in q.get("validations", []):
            rules.setdefault(v["question"], []).append((q["key"], v["type"], v.get("values")))
    mandatory = [q["key"] for q in questions if q.get("mandatory")]
    assert len(mandatory) > 100
    for gov, report in figures.counted["nr4"].items():
        shown = {k: values_of(v) for k, v in report.items() if k not in ("government", "documentId", "date")}
        missing = [k for k in mandatory if enabled(rules.get(k, []), shown) and not shown.get(k)]
        assert not missing, f"{gov}: mandatory NR4 questions left blank: {missing}"


def test_regions_thesaurus_has_no_european_union_and_expanded_members(snapshot, figures):
    groups = [t for t in read(snapshot, "thesaurus/regions.json.gz") if t["identifier"] in UN_REGIONS]
    assert len(groups) == 5
    for group in groups:
        assert group["expandedNarrowerTerms"] == group["narrowerTerms"]
        assert "eu" not in group["narrowerTerms"]
    assert figures.party("eu", CUTOFFS["nr4"]) and "eu" in figures.counted["nr4"]
    assert "eu" not in figures.region


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_figures(figures, name):
    _, _, pct, change, _ = PUBLISHED[name]
    got = figures.indicator(name)
    if pct is not None:
        assert abs(got["figure"] - pct) <= 1, got
    if isinstance(change, int):
        assert abs(got["change"] - change) <= 1, got
    elif change:
        assert (got["change"] > 0) == (change == "+"), got
    for (indicator, region), (rpct, rchange) in REGIONAL.items():
        if indicator == name:
            regional = figures.indicator(name, region)
            assert abs(regional["figure"] - rpct) <= 1, regional
            assert rchange is None or abs(regional["change"] - rchange) <= 1


def test_record_figures(figures):
    got = figures.record_figures()
    expected = {
        "i_decisions_published": (None, 177),
        "i_decisions_with_ra": (96, 17),
        "i_laws_published": (163, 4),
        "i_nfp_designated": (92, None),
        "i_bch_nfp_designated": (97, None),
        "i_art17_contact_designated": (68, 31),
        "j_reports_submitted": (99, None),
        "e_sp_party": (47, None),
    }
    assert got["e_sp_party"][1] is None, "the Supplementary Protocol was not in force in 2011"
    for name, (value, change) in expected.items():
        if value is not None:
            assert abs(got[name][0] - value) <= 1, (name, got[name])
        if change is not None:
            assert abs(got[name][1] - change) <= 1, (name, got[name])


@pytest.mark.parametrize("name", sorted(IP))
def test_nr5_implementation_plan_figures_are_plausible(figures, name):
    """Not calibrated (no NR5 figure is published): the comparable set is most of the NR5 filers,
    neither side is 0% or 100%, the change is the generator's chosen one (within one Party), and
    the regions differ from one another and from NR4."""
    got = figures.ip_indicator(name)
    assert got["of"] >= 75, got
    assert 5 < got["baseline_pct"] < 99 and 5 < got["cycle_pct"] < 100, got
    assert abs(got["change"] - IP_CHOSEN_CHANGE[name]) <= 100 / got["of"] + 1e-9, got
    regional = {r: figures.ip_indicator(name, r) for r in ("africa", "asia_pacific", "cee", "grulac", "weog")}
    changes = {round(r["change"], 1) for r in regional.values()}
    assert len(changes) >= 3, regional
    assert all(abs(r["change"]) <= 25 for r in regional.values()), regional
    assert any(r["cycle_pct"] != r["baseline_pct"] for r in regional.values()), regional


def test_nr5_filings_spread_before_the_freeze_and_some_after(snapshot, figures):
    """101 Parties counted at the 2026-02-28 freeze, most of them NR4 filers; filings rise towards
    the freeze; Parties filing after it (and counted revisions) exist only "as of" the snapshot."""
    freeze = CUTOFFS["nr5"]
    reports = read(snapshot, "national_reports/nr5.json.gz")
    counted = figures.counted["nr5"]
    assert len(counted) == 101
    assert len(set(counted) & set(figures.counted["nr4"])) >= 80
    days = sorted(date.fromisoformat(r["date"][:10]) for r in counted.values())
    months = {(d.year, d.month) for d in days}
    assert len(months) >= 12, "filings spread over the months before the freeze"
    last_quarter = sum(d > date(2025, 11, 30) for d in days)
    first_quarter = sum(d < date(2025, 1, 1) for d in days)
    assert last_quarter > 2 * first_quarter and freeze in days, "more filings close to the freeze"
    late = {
        r["government"]["identifier"]: date.fromisoformat(r["date"][:10])
        for r in reports
        if date.fromisoformat(r["date"][:10]) > freeze
        and figures.party(r["government"]["identifier"], freeze)
    }
    first, last = NR5_LATE_WINDOW
    assert all(first <= d <= last for d in late.values()), late
    new_filers = [g for g in late if g not in counted]
    assert len(new_filers) >= 10, "Parties that filed after the freeze: counted only as of the snapshot"
    assert len(late) - len(new_filers) >= 1, "a counted Party revised its report after the freeze"
    assert len({(d.year, d.month) for g, d in late.items() if g in new_filers}) >= 3


def test_nr5_record_counts_differ_at_the_fifth_assessments_dates(figures):
    """A.1(b) on 2019-12-31 and 2026-03-02, A.2(d) on 2019-12-31 and 2025-12-31: more holders and
    more decisions at the later date, and the shares move by a few points, not to 0% or 100%."""
    parties = [c for c in figures.countries if figures.party(c, CUTOFFS["nr5"])]
    before, after = figures.holders_all(date(2019, 12, 31)), figures.holders_all(date(2026, 3, 2))
    assert before < after, "designations only accumulate"
    assert 20 <= 100 * len(before) / len(parties) < 100 * len(after) / len(parties) <= 90
    assert len(after) - len(before) >= 10
    (n19, ra19), (n25, ra25) = (
        figures.decisions_with_ra(date(2019, 12, 31)),
        figures.decisions_with_ra(date(2025, 12, 31)),
    )
    assert n25 > n19 and ra25 > ra19
    assert 0.5 <= abs(100 * ra25 / n25 - 100 * ra19 / n19) <= 10


def print_table() -> None:
    f = Figures(committed_snapshot())

    def row(label: str, r: dict, pct, change) -> None:
        got = "" if r["change"] is None else f"{r['change']:+.1f}"
        target = f"{pct or '':>6} {got:>7} {change or '':>6}"
        figure = f"{r['figure']:6.1f} {r['n_figure']:4} {r['of']:4}"
        print(f"{label:32} {figure} {target}   all answering: {r['pct']:5.1f} of {r['n_parties']}")

    print("figure: comparable-set share (mapped questions) or share of all answering Parties")
    print(f"{'indicator':32} {'figure':>6} {'met':>4} {'of':>4} {'target':>6} {'change':>7} {'target':>6}")
    for name in sorted(PUBLISHED):
        row(name, f.indicator(name), PUBLISHED[name][2], PUBLISHED[name][3])
    for (name, region), (pct, change) in REGIONAL.items():
        row(f"{name} {region}", f.indicator(name, region), pct, change)
    for name, (value, change) in f.record_figures().items():
        print(f"{name:32} {value:15.1f} {'' if change is None else f'{change:+.1f}':>14}")
    print("\nfifth assessment (NR5 against NR4, comparable set; plausible, not calibrated)")
    for name in sorted(IP):
        for region in (None, "africa", "asia_pacific", "cee", "grulac", "weog"):
            r = f.ip_indicator(name, region)
            label = f"{name} {region or 'global'}"
            print(
                f"{label:38} {r['baseline_pct']:6.1f} {r['cycle_pct']:6.1f} {r['change']:+6.1f} of {r['of']}"
            )


if __name__ == "__main__":
    print_table()

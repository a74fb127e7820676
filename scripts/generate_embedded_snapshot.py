"""Write the committed SYNTHETIC BCH snapshot ``raw/embedded/<SNAPSHOT_ID>/``.

Run ``python scripts/generate_embedded_snapshot.py`` (or ``make snapshot``). The output is
byte-for-byte deterministic: every random choice comes from ``random.Random`` streams seeded with
``SEED`` (below) and a stream name, the snapshot id and timestamps are fixed, and gzip is written
with ``mtime=0``. Re-running replaces only the previous generated folder of the same id.

What is real and what is invented:

* Real: the list of countries, their UN regional group and the dates each became a Party to the
  Cartagena Protocol and the Supplementary Protocol (``parties/parties_detail.csv`` of the BCH
  reference folder); question keys, option codes, enable rules and cross-cycle mappings.
* Invented: every answer of every government, every BCH record. Answers are random, then
  *calibrated* so that the indicators the pipeline computes reproduce the published figures
  listed in ``NR4_TARGETS``, ``DECISIONS_PER_PERIOD``, ``LAW_PARTIES`` and ``FOCAL_POINTS``
  (see scripts/README.md).
* Not calibrated: the fifth national reports (NR5) and the fifth assessment. No NR5 figure has
  been published to calibrate to, so the NR5 answers and the records' dates after 2019 are only
  made *plausible*: the Implementation Plan indicators move by changes chosen here
  (``IP_TARGETS``, a few points, regions spread around them), 101 Parties file by the 2026-02-28
  freeze with dates rising towards it, and 16 more file after it, up to the snapshot. None of
  these values may be cited as a fifth-assessment figure.

The formats are those of raw/README.md; the snapshot is written with
``orchestration.snapshot.SnapshotWriter`` and its manifest says ``synthetic: true``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orchestration.extract.live import (  # noqa: E402
    ENDPOINTS,
    INDEX_SCHEMAS,
    SolrQuery,
    analyzer_governments,
    analyzer_params,
)
from orchestration.snapshot import SnapshotWriter  # noqa: E402

SEED = 20260701  # the one seed of the generator; change it and every invented answer changes
SNAPSHOT_ID = "20260701T000000Z-synthetic"
STARTED_AT = "2026-07-01T00:00:00Z"
FINISHED_AT = "2026-07-01T00:00:00Z"
BASE_URL = "https://api.cbd.int"
DEFAULT_REFERENCE = Path(__file__).resolve().parent / "bch_reference"
DEFAULT_OUT = REPO / "raw" / "embedded"
SEEDS = REPO / "dbt_project" / "seeds"
MAPPINGS = REPO / "dbt_project" / "mappings"
PAGE_ROWS = 500
DESCRIPTION = (
    "SYNTHETIC snapshot for development and tests, not BCH data. Countries, UN regional groups and "
    "treaty dates are real; every national-report answer and every BCH record is invented, then "
    "calibrated so that the pipeline's indicators reproduce published aggregate figures (the fourth "
    "assessment, CBD/SBI/3/3). The fifth national reports (NR5) and the fifth assessment are NOT "
    "calibrated: no NR5 figure has been published, so their values are only plausible, chosen by the "
    "generator. Do not cite any value of an individual country, nor any NR5 figure."
)

# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

REGION_GUIDS = {}  # region_code -> BCH identifier; filled from dbt_project/seeds/regions.csv


@dataclass(frozen=True)
class Country:
    code: str  # lower-case ISO alpha-2 ("eu" for the European Union)
    name: str
    region: str | None  # UN regional group; None for the European Union
    cpb: dict  # instrument, deposit, signature, party (ISO dates or "")
    sp: dict

    def is_party(self, on: date) -> bool:
        return bool(self.cpb["party"]) and date.fromisoformat(self.cpb["party"]) <= on

    def is_sp_party(self, on: date) -> bool:
        return bool(self.sp["party"]) and date.fromisoformat(self.sp["party"]) <= on


@dataclass(frozen=True)
class Option:
    value: str
    input_type: str | None  # "lstring"/"int": choosing the option opens an extra input
    exclusive: bool


@dataclass(frozen=True)
class Question:
    key: str
    type: str  # option, term, text, lstring, lstringRte, int
    multiple: bool
    options: tuple[Option, ...]
    mandatory: bool = False

    @property
    def values(self) -> list[str]:
        return [o.value for o in self.options]

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def is_free_text(self) -> bool:
        return not self.options


@dataclass(frozen=True)
class EnableRule:
    """``target`` is answered only when the answer to ``source`` passes ``kind``/``values``."""

    source: str
    target: str
    kind: str
    values: tuple[str, ...] | None


@dataclass
class Catalogue:
    schema: str
    questions: list[Question]
    rules: dict[str, list[EnableRule]]  # by target key

    def __post_init__(self):
        self.by_key = {q.key: q for q in self.questions}
        self.position = {q.key: i for i, q in enumerate(self.questions)}


@dataclass(frozen=True)
class Cycle:
    code: str
    schema: str
    api_path: str
    cutoff: date


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# A Party in no UN regional group: it counts in `global` only. parties_detail.csv puts the EU in
# WEOG by a CBD counting convention (its parties/README.md); the BCH regions thesaurus does not.
NO_UN_GROUP = frozenset({"eu"})


def load_countries(reference: Path) -> list[Country]:
    countries = []
    for row in read_csv(reference / "parties" / "parties_detail.csv"):
        treaty = {
            prefix: {
                "instrument": row[f"{prefix}_instrument"].lower(),
                "deposit": row[f"{prefix}_deposit_date"],
                "signature": row[f"{prefix}_signature"],
                "party": row[f"{prefix}_party_date"],
            }
            for prefix in ("cpb", "sp")
        }
        region = None if row["iso2"] in NO_UN_GROUP else row["un_region"]
        countries.append(Country(row["iso2"], row["name"], region, treaty["cpb"], treaty["sp"]))
    return countries


def load_catalogue(reference: Path, schema: str) -> Catalogue:
    data = json.loads((reference / f"questions_{schema}.json").read_text(encoding="utf-8"))
    questions, rules = [], {}
    for section in data["sections"]:
        for q in section["questions"]:
            options = tuple(Option(o["value"], o.get("type"), bool(o.get("exclusive"))) for o in q["options"])
            questions.append(
                Question(q["key"], q["type"], bool(q["multiple"]), options, bool(q.get("mandatory")))
            )
            for v in q.get("validations", []):
                values = tuple(v["values"]) if "values" in v else None
                rules.setdefault(v["question"], []).append(
                    EnableRule(q["key"], v["question"], v["type"], values)
                )
    return Catalogue(schema, questions, rules)


def load_mapping(name: str) -> dict:
    """A cross-cycle mapping: newer key -> (older key, valueMapping)."""
    raw = json.loads((MAPPINGS / name).read_text(encoding="utf-8-sig"))
    out = {}
    for key, target in raw.items():
        if key == "schema":
            continue
        if isinstance(target, str):
            out[key] = (target, {})
        else:
            out[key] = (target["question"], target.get("valueMapping", {}))
    return out


def load_cycles() -> dict[str, Cycle]:
    return {
        r["cycle_code"]: Cycle(
            r["cycle_code"], r["bch_schema"], r["api_path"], date.fromisoformat(r["cutoff_date"])
        )
        for r in read_csv(SEEDS / "report_cycles.csv")
    }


# --------------------------------------------------------------------------------------------
# Randomness and small helpers
# --------------------------------------------------------------------------------------------


def rng_for(*names) -> random.Random:
    """An independent, reproducible stream per purpose, so tuning one part leaves the others alone."""
    return random.Random(":".join([str(SEED), *map(str, names)]))


def new_guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def instant(d: date, hour: int = 0, minute: int = 0) -> str:
    return f"{d.isoformat()}T{hour:02d}:{minute:02d}:00.000Z"


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def random_instant(rng: random.Random, first: date, last: date) -> str:
    return instant(day_between(rng, first, last), rng.randint(6, 18), rng.randint(0, 59))


def free_text(rng: random.Random, country: str, topic: str) -> str:
    words = ["national", "committee", "guidelines", "training", "laboratory", "review", "public", "ministry"]
    return f"Synthetic text ({country}, {topic}): " + " ".join(rng.sample(words, 3)) + "."


# --------------------------------------------------------------------------------------------
# Answers: internal form and enable rules
# --------------------------------------------------------------------------------------------
# Internally an answer is a list of selected option values (option/term questions), a str (free
# text) or an int. A report keeps the answers it *would* give to every question, plus the keys it
# left blank; the enable rules are applied when the answers are read (`effective`), so that
# changing a triggering answer during calibration re-enables or disables its follow-ups.

YES = frozenset({"true", "true.some"})


@dataclass
class Report:
    government: str
    date: str
    document_id: int
    answers: dict = field(default_factory=dict)
    blank: set = field(default_factory=set)
    style: str = "value"  # NR2/NR3 serialisation style: "plain", "bool" or "value"


def rule_passes(rule: EnableRule, selected: list | None) -> bool:
    if not selected:
        return False
    if rule.kind == "@hasValuesExcept":
        return any(v not in rule.values for v in selected)
    if rule.kind.startswith("&"):  # custom "is A or B" functions: a Yes to any of the sources
        return any(v in (rule.values or YES) for v in selected)
    if rule.values is None:  # "@hasValues" without values: shown once the source is answered
        return True
    return any(v in rule.values for v in selected)


def effective(report: Report, catalogue: Catalogue) -> dict:
    """The answers the report shows: blanks removed and follow-ups of unmet rules skipped."""
    shown: dict = {}
    for q in catalogue.questions:
        if q.key in report.blank or q.key not in report.answers:
            continue
        rules = catalogue.rules.get(q.key)
        if rules and not any(rule_passes(r, shown.get(r.source)) for r in rules):
            continue
        shown[q.key] = report.answers[q.key]
    return shown


def shown_answer(report: Report, catalogue: Catalogue, key: str):
    """One answer as ``effective`` shows it (None: blank or disabled), without reading the rest of
    the form: a rule counts only when its source comes earlier in the form, as in ``effective``."""
    if key in report.blank or key not in report.answers:
        return None
    rules = catalogue.rules.get(key)
    position = catalogue.position[key]
    if rules and not any(
        catalogue.position.get(r.source, position) < position
        and rule_passes(r, shown_answer(report, catalogue, r.source))
        for r in rules
    ):
        return None
    return report.answers[key]


def option_weights(question: Question, rng: random.Random) -> list[float]:
    """Per-question answer frequencies: Yes-type answers are somewhat more common than No."""
    weights = []
    for o in question.options:
        w = 0.3 + rng.random()
        if o.value.startswith("true") or o.value.startswith("implementation.full"):
            w *= 1.8
        weights.append(w)
    return weights


def random_answer(question: Question, weights: list[float], rng: random.Random, country: str):
    if question.type == "int":
        return rng.choice([0, 1, 2, 3, 5, 8, 12, 20])
    if question.is_free_text:
        return free_text(rng, country, question.key)
    if not question.multiple:
        return [rng.choices(question.values, weights)[0]]
    chosen = sorted(set(rng.choices(range(len(question.options)), weights, k=rng.randint(1, 3))))
    picked = [question.options[i] for i in chosen]
    exclusive = [o for o in picked if o.exclusive]
    return [exclusive[0].value] if exclusive else [o.value for o in picked]


def random_report(
    catalogue: Catalogue, government: str, when: str, doc_id: int, rng: random.Random
) -> Report:
    """Answers to every question; some optional ones are left blank (free text more often)."""
    report = Report(government, when, doc_id, style=rng.choice(["plain", "bool", "value"]))
    for q in catalogue.questions:
        weights = option_weights(q, rng_for("weights", catalogue.schema, q.key))
        report.answers[q.key] = random_answer(q, weights, rng, government)
        blank_rate = 0.45 if q.is_free_text else 0.03
        if rng.random() < blank_rate and not q.mandatory:
            report.blank.add(q.key)
    return report


# --------------------------------------------------------------------------------------------
# Who files what, and when
# --------------------------------------------------------------------------------------------


@dataclass
class Filing:
    government: str
    when: str  # ISO instant
    counted: bool  # the latest report dated on or before the cutoff of a Party at the cutoff


@dataclass
class CyclePlan:
    cycle: Cycle
    filings: list[Filing]

    @property
    def counted(self) -> list[str]:
        return [f.government for f in self.filings if f.counted]


# 99 counted NR4 reports per UN regional group; None is the European Union, in no group
NR4_REGION_QUOTAS = {"africa": 30, "asia_pacific": 24, "cee": 17, "grulac": 12, "weog": 15, None: 1}
# NR4 filers with no baseline at all: Parties only since after the NR2 cutoff, and older Parties
# that filed no NR2 by its cutoff. With NR2 blanks they size the comparable sets (93 at most).
NR4_NEWER_PARTIES = 4
NR4_WITHOUT_NR2 = 2
NR2_COUNTED = 140


def plan_filings(countries: list[Country], cycles: dict[str, Cycle]) -> dict[str, CyclePlan]:
    """Choose who reports in each cycle: counted filers, late filers, double filers, non-Parties."""
    rng = rng_for("filings")
    nr2, nr3, nr4, nr5 = (cycles[k] for k in ("nr2", "nr3", "nr4", "nr5"))

    def parties(cutoff):
        return [c.code for c in countries if c.is_party(cutoff)]

    p2 = parties(nr2.cutoff)
    nr4_counted, without_nr2 = _nr4_filers(countries, p2, parties(nr4.cutoff), rng)
    with_nr2 = [c for c in nr4_counted if c in p2 and c not in without_nr2]
    others = [c for c in p2 if c not in nr4_counted]
    nr2_counted = sorted(with_nr2 + rng.sample(others, NR2_COUNTED - len(with_nr2)))
    nr3_counted = sorted(rng.sample(parties(nr3.cutoff), 105))
    # The draw NR5 once took from this stream, kept so that the NR2-NR4 filings (and with them
    # the calibrated NR4 figures) stay as they were; NR5 has its own stream (`_plan_nr5`).
    rng.sample(parties(nr5.cutoff), 101)

    plans = {
        "nr2": _plan(rng, nr2, nr2_counted, date(2011, 3, 1), late=9, non_parties=["ar", "af"], parties=p2),
        "nr3": _plan(
            rng, nr3, nr3_counted, date(2015, 5, 1), late=8, non_parties=["ar"], parties=parties(nr3.cutoff)
        ),
        "nr4": _plan(
            rng,
            nr4,
            nr4_counted,
            date(2019, 3, 1),
            late=30,
            non_parties=["ar", "uz"],
            parties=parties(nr4.cutoff),
            twice=3,
            revised_after=2,
            on_cutoff=True,
        ),
        "nr5": _plan_nr5(countries, nr5, nr4_counted),
    }
    return plans


# NR5 (not calibrated: no NR5 figure has been published). 101 counted Parties at the 2026-02-28
# data freeze, by UN regional group (None: the European Union). Compared with NR4's 59 Parties by
# its 2019-10-01 deadline (Africa 20, Asia-Pacific 13, CEE 13, GRULAC 4, WEOG 8), every group
# reports more by the deadline, since NR5's deadline is its freeze (NR4 got 40 of its 99 counted
# reports between its deadline and its cutoff).
NR5_REGION_QUOTAS = {"africa": 33, "asia_pacific": 27, "cee": 16, "grulac": 11, "weog": 13, None: 1}
NR5_RETURNING = 0.87  # share of a group's counted NR4 filers among its NR5 filers, at most
NR5_FIRST = date(2024, 10, 1)  # first NR5 filing (the form opened in the registry's year, 2024)
NR5_DEADLINE_RUSH = 0.25  # share of counted NR5 reports filed in the last two weeks before the freeze
NR5_LATE = 16  # Parties that file only after the freeze, up to the snapshot (as-of analyses)


def _plan_nr5(countries: list[Country], cycle: Cycle, nr4_counted: list[str]) -> CyclePlan:
    """NR5 filings: most counted NR4 filers file again; dates rise towards the freeze (a quarter in
    its last two weeks, one on the freeze day late in the evening), so a timeliness curve has a
    shape; 16 Parties file after the freeze and 2 counted Parties revise after it (they count only
    "as of the snapshot"); 2 counted Parties filed an earlier, superseded report; one non-Party."""
    rng = rng_for("filings", "nr5")
    deadline = cycle.cutoff
    parties = [c.code for c in countries if c.is_party(deadline)]
    region = {c.code: c.region for c in countries}
    counted = []
    for group, quota in NR5_REGION_QUOTAS.items():
        again = [g for g in nr4_counted if region[g] == group and g in parties]
        new = [g for g in parties if region[g] == group and g not in nr4_counted]
        n_again = min(quota, round(NR5_RETURNING * len(again)))
        counted += rng.sample(again, n_again) + rng.sample(new, quota - n_again)
    counted.sort()

    def day_before_freeze() -> date:
        if rng.random() < NR5_DEADLINE_RUSH:
            return day_between(rng, deadline - timedelta(days=13), deadline)
        span = (deadline - NR5_FIRST).days  # density rising linearly towards the freeze
        return NR5_FIRST + timedelta(days=int(span * rng.random() ** 0.5))

    def at(day: date) -> str:
        return instant(day, rng.randint(6, 18), rng.randint(0, 59))

    filings = [Filing(g, at(day_before_freeze()), True) for g in counted]
    filings[rng.randrange(len(filings))].when = instant(deadline, 23, 10)  # the freeze day: counted
    after = deadline + timedelta(days=1)
    for f in rng.sample(filings, 2):  # an earlier report of the same government: superseded
        first = date.fromisoformat(f.when[:10])
        filings.append(Filing(f.government, at(first - timedelta(days=rng.randint(30, 200))), False))
    for f in rng.sample(filings[: len(counted)], 2):  # a revision after the freeze
        filings.append(Filing(f.government, at(day_between(rng, after, INDEX_END)), False))
    span = (INDEX_END - after).days
    for g in sorted(rng.sample([p for p in parties if p not in counted], NR5_LATE)):
        late = after + timedelta(days=int(span * rng.random() ** 2))  # most soon after the freeze
        filings.append(Filing(g, at(late), False))
    filings.append(Filing("us", at(day_between(rng, NR5_FIRST, deadline - timedelta(days=10))), False))
    return CyclePlan(cycle, filings)


def _nr4_filers(countries: list[Country], p2: list[str], p4: list[str], rng) -> tuple[list[str], list[str]]:
    """The counted NR4 filers by regional quota, and the NR2-era Parties among them with no NR2.

    Filers without a baseline come only from groups with no regional figure: a regional share is
    reachable only with certain comparable-set sizes (GRULAC's 8% needs 12 or 13 Parties; Africa's
    30% with +10 points needs 10, 20 or 30), so those groups keep all their filers comparable.
    """
    regional = {region for t in NR4_TARGETS for region, *_ in t.regions}
    region = {c.code: c.region for c in countries}
    newer = [c for c in p4 if c not in p2 and region[c] not in regional]
    filers = rng.sample(newer, NR4_NEWER_PARTIES)
    for group, quota in NR4_REGION_QUOTAS.items():
        pool = [c for c in p2 if region[c] == group]
        filers += rng.sample(pool, quota - sum(region[c] == group for c in filers))
    older = [c for c in sorted(filers) if c in p2 and region[c] not in regional and region[c]]
    return sorted(filers), sorted(rng.sample(older, NR4_WITHOUT_NR2))


def _plan(
    rng,
    cycle: Cycle,
    counted: list[str],
    start: date,
    *,
    late: int,
    non_parties: list[str],
    parties: list[str],
    twice: int = 0,
    revised_after: int = 0,
    on_cutoff: bool = False,
) -> CyclePlan:
    filings = [Filing(g, random_instant(rng, start, cycle.cutoff), True) for g in counted]
    if on_cutoff:  # counted: the cutoff is compared as a calendar date, whatever the hour
        filings[0].when = instant(cycle.cutoff, 21, 30)
    for f in rng.sample(filings[1:], twice):  # an earlier report of the same government: superseded
        first = datetime.fromisoformat(f.when[:10]).date()
        filings.append(
            Filing(
                f.government,
                random_instant(rng, start - timedelta(days=200), first - timedelta(days=5)),
                False,
            )
        )
    after = cycle.cutoff + timedelta(days=1)
    for f in rng.sample(filings[1 : len(counted)], revised_after):  # a revision after the cutoff: not counted
        filings.append(Filing(f.government, random_instant(rng, after, after + timedelta(days=300)), False))
    others = [p for p in parties if p not in counted]
    for g in sorted(rng.sample(others, min(late, len(others)))):
        filings.append(
            Filing(g, random_instant(rng, after, after + timedelta(days=20 if late < 5 else 500)), False)
        )
    for g in non_parties:
        filings.append(Filing(g, random_instant(rng, start, cycle.cutoff - timedelta(days=10)), False))
    return CyclePlan(cycle, filings)


def build_reports(
    plan: CyclePlan, catalogue: Catalogue, countries: dict[str, Country], first_id: int
) -> list[Report]:
    """Random answers for every filing; Party-status questions answered truthfully."""
    rng = rng_for("answers", plan.cycle.code)
    reports = []
    for i, f in enumerate(sorted(plan.filings, key=lambda f: (f.when, f.government))):
        report = random_report(catalogue, f.government, f.when, first_id + i, rng)
        _answer_status_questions(report, catalogue, countries[f.government])
        reports.append(report)
    return reports


def _answer_status_questions(report: Report, catalogue: Catalogue, country: Country) -> None:
    """Party status as on the report's date; most non-Parties have no Supplementary-Protocol measures."""
    on = date.fromisoformat(report.date[:10])
    party_key, sp_key, sp_measures_key = STATUS_KEYS[catalogue.schema]
    truths = {party_key: country.is_party(on), sp_key: country.is_sp_party(on)}
    for key, truth in truths.items():
        if key:
            report.answers[key] = ["true" if truth else "false"]
            report.blank.discard(key)
    rng = rng_for("sp-measures", catalogue.schema, report.document_id)
    if sp_measures_key and not country.is_sp_party(on) and rng.random() < 0.8:
        report.answers[sp_measures_key] = [SP_NO_MEASURES]


# schema -> (Party to the Protocol?, Party to the Supplementary Protocol?, SP measures in place?)
STATUS_KEYS = {
    "cpbNationalReport2": ("Q012", None, None),
    "cpbNationalReport3": ("Q012_party", None, None),
    "cpbNationalReport4": ("Q012_party", "Q169", "Q171"),
    "cpbNationalReport5": (None, "Q159", "Q160"),
}
SP_NO_MEASURES = "C9B01C6D-6B40-1A67-B5A0-DDB7FF6B9CE9"


def counted_reports(reports: list[Report], plan: CyclePlan) -> dict[str, Report]:
    """Per counted government, its latest report dated on or before the cutoff."""
    chosen: dict[str, Report] = {}
    counted = set(plan.counted)
    for r in reports:
        if r.government in counted and r.date[:10] <= plan.cycle.cutoff.isoformat():
            if r.government not in chosen or r.date > chosen[r.government].date:
                chosen[r.government] = r
    return chosen


# --------------------------------------------------------------------------------------------
# Serialisation in the shapes of raw/README.md
# --------------------------------------------------------------------------------------------


def render_report(report: Report, catalogue: Catalogue, modern: bool, rng: random.Random) -> dict:
    """One analyzer-export object. 4th/5th reports use {value, additionalInformation?}; 2nd/3rd
    reports mix plain strings, JSON booleans and {value} so every normaliser branch is used."""
    out = {
        "government": {"identifier": report.government},
        "documentId": report.document_id,
        "date": report.date,
    }
    shown = effective(report, catalogue)
    for q in catalogue.questions:
        if q.key in shown:
            out[q.key] = (_render_modern if modern else _render_legacy)(q, shown[q.key], report, rng)
        elif q.key in report.blank and rng.random() < 0.15:
            out[q.key] = None  # the analyzer returns some unanswered questions as null
    return out


def _render_modern(q: Question, answer, report: Report, rng: random.Random):
    if q.type == "int":
        return {"value": answer}
    if q.is_free_text:
        text = f"<p>{answer}</p>" if q.type == "lstringRte" else answer
        return {"value": {"en": text}}
    items = []
    for value in answer:
        option = q.option(value)
        extra = None
        if option and option.input_type == "int":
            extra = {"en": f"{rng.choice([10, 20, 25, 40, 50, 75, 100])}%"}
        elif option and option.input_type == "lstring":
            extra = {"en": free_text(rng, report.government, f"{q.key} {value}")}
        if q.type == "term":
            items.append({"identifier": value, **({"customValue": extra} if extra else {})})
        else:
            items.append({"value": value, **({"additionalInformation": extra} if extra else {})})
    if q.type == "term":
        return {"options": items} if q.multiple else items[0]
    return items if q.multiple else items[0]


def _render_legacy(q: Question, answer, report: Report, rng: random.Random):
    if q.is_free_text:
        return {"en": answer} if report.style == "plain" else {"value": {"en": answer}}
    if q.type == "term":
        items = [{"identifier": v} for v in answer]
        if not q.multiple:
            return items[0]
        return {"options": items} if report.style == "bool" else items
    items = [_legacy_value(v, report.style) for v in answer]
    return items if q.multiple else items[0]


def _legacy_value(value: str, style: str):
    if style == "bool" and value in ("true", "false"):
        return value == "true"
    return value if style == "plain" else {"value": value}


# --------------------------------------------------------------------------------------------
# Countries and thesaurus
# --------------------------------------------------------------------------------------------


def countries_json(countries: list[Country]) -> list[dict]:
    def treaty(t: dict) -> dict:
        def iso(d):
            return instant(date.fromisoformat(d)) if d else None

        return {
            "instrument": t["instrument"] or None,
            "signature": iso(t["signature"]),
            "deposit": iso(t["deposit"]),
            "party": iso(t["party"]),
        }

    return [
        {
            "code": c.code.upper(),
            "name": {"en": c.name},
            "treaties": {"XXVII8a": treaty(c.cpb), "XXVII8c": treaty(c.sp)},
        }
        for c in sorted(countries, key=lambda c: c.code)
    ]


def term(term_id: int, identifier: str, name: str, *, broader=(), narrower=()) -> dict:
    return {
        "termId": term_id,
        "identifier": identifier,
        "name": name,
        "title": {"en": name},
        "shortTitle": {},
        "description": "",
        "longDescription": {},
        "source": "",
        "broaderTerms": list(broader),
        "narrowerTerms": list(narrower),
        "relatedTerms": [],
        "nonPreferedTerms": [],
    }


def country_terms(countries: list[Country]) -> list[dict]:
    return [
        term(1000 + i, c.code, c.name, broader=[REGION_GUIDS[c.region]] if c.region else [])
        for i, c in enumerate(sorted(countries, key=lambda c: c.code))
    ]


EU_MEMBERS = ("at be bg hr cy cz dk ee fi fr de gr hu ie it lv lt lu mt nl pl pt ro sk si es se").split()
SIDS_SAMPLE = ("ag bb bs cv dm fj gd jm ki km mv mh mu nr pw sb sc st tt to tv vu ws").split()


def region_terms(countries: list[Country]) -> list[dict]:
    """The five UN regional groups plus groupings that the pipeline must ignore.

    As served with ``?relations``, a group lists its members twice: ``narrowerTerms`` (direct
    children) and ``expandedNarrowerTerms`` (all descendants); a group's children are countries,
    so both hold the same codes. The European Union is in none of them.
    """
    names = {r["region_code"]: r["name"] for r in read_csv(SEEDS / "regions.csv")}
    terms = []
    for i, (region, guid) in enumerate(REGION_GUIDS.items()):
        members = sorted(c.code for c in countries if c.region == region)
        group = term(2000 + i, guid, names[region], narrower=members)
        group["expandedNarrowerTerms"] = list(members)
        terms.append(group)
    rng = rng_for("regions")
    terms.append(term(2100, new_guid(rng), "European Union", narrower=EU_MEMBERS))
    terms.append(term(2101, new_guid(rng), "Small Island Developing States", narrower=SIDS_SAMPLE))
    terms.append(term(2102, new_guid(rng), "Global", narrower=sorted(REGION_GUIDS.values())))
    return terms


ART10 = "E8C5A15C-A736-4fb7-A1B6-192412BE7E45"
ART11 = "BE64016A-C3BD-4C61-9620-C3FEF96B2A24"
DECISION_TYPES = [  # identifier, name, children: (identifier, illustrative suffix)
    (
        ART10,
        "Decision on LMOs for intentional introduction into the environment (according to Article 10 or "
        "domestic regulatory framework)",
        [
            ("A0F944AD-1578-47F4-BB71-A9805EC0EB7A", "field trials"),
            ("47B66371-7016-4F28-B33A-0DBFF43581CA", "release"),
        ],
    ),
    (
        ART11,
        "Decision on LMOs for direct use as food or feed, or for processing (according to Article 11 or "
        "domestic regulatory framework)",
        [("0D0BEEF4-54E4-44C1-ABB2-B89DC145E0B3", "food"), ("C15E5CD8-B6F9-41AE-A09C-7EF5F73B0507", "feed")],
    ),
    ("8979219B-330B-424F-A52C-209D4B4B65C0", "Decision on the application of the simplified procedure", []),
    ("1B6F702C-0C68-4B53-BCA4-1DA4A25E23A8", "Decision on the transit of LMOs", []),
    ("D698B5F7-A434-49E2-A7FF-FE869AFBEE8D", "Decision on the contained use of LMOs", []),
    ("5B6177DD-5E5E-434E-8CB7-D63D67D5EBED", "Other", []),
]
OTHER_DECISION_TYPES = [t[0] for t in DECISION_TYPES[2:]]


def decision_type_terms() -> list[dict]:
    """The identifiers are the BCH's (front-end code); only the Article 10 parent's name is
    documented, the other names are illustrative."""
    terms, term_id = [], 5061
    for identifier, name, children in DECISION_TYPES:
        terms.append(term(term_id, identifier, name, narrower=[c for c, _ in children]))
        for offset, (child, suffix) in enumerate(children, start=1):
            terms.append(term(term_id + offset, child, f"{name} ({suffix})", broader=[identifier]))
        term_id += 1 + len(children)
    return terms


# --------------------------------------------------------------------------------------------
# BCH records (Solr index documents)
# --------------------------------------------------------------------------------------------

SHORT_CODES = INDEX_SCHEMAS
SCHEMAS = tuple(SHORT_CODES)
INDEX_END = date(2026, 6, 30)  # nothing in the snapshot is newer than the extraction
NON_PARTY_RECORD_GOVS = ["us", "ca", "ar", "au", "ru"]

# Calibrated record figures (see scripts/README.md): Article 10/11 decisions created in each
# cycle's period by Parties at its cutoff, and how many of them link a risk assessment.
DECISIONS_PER_PERIOD = {"nr2": (200, 158), "nr3": (380, 334), "nr4": (554, 532), "nr5": (480, 462)}
LAW_PARTIES = {"nr2": 157, "nr4": 163}
DECIDERS = 0.55  # share of countries that ever publish an Article 10/11 decision
OCCASIONAL_DECIDERS = 16  # countries outside them that publish a decision or two, without RA
# focal-point category -> (holders at the nr4 cutoff among Parties at both cutoffs, among newer
# Parties, holders at the nr2 cutoff). A record indicator's change compares each cycle's share of
# all its Parties (171 at nr4, 161 at nr2): Article 17 is 116/171 = 67.8% against 59/161 = 36.6%,
# +31.2 points.
FOCAL_POINTS = {"CPB-FP1": (149, 8, 144), "BCH-FP": (157, 9, 150), "CPB-A17-FP": (110, 6, 59)}


class RecordFactory:
    """Builds Solr documents with unique ids, in the common shape of every schema."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.next_id = 10000
        self.docs: dict[str, list[dict]] = {s: [] for s in SCHEMAS}

    def add(self, schema: str, government: str, created: str, title: str, **fields) -> dict:
        self.next_id += 1
        created_day = date.fromisoformat(created[:10])
        updated = min(created_day + timedelta(days=self.rng.choice([0, 0, 3, 40, 400])), INDEX_END)
        revision = self.rng.randint(1, 3)
        doc = {
            "identifier_s": new_guid(self.rng),
            "uniqueIdentifier_s": f"bch-{SHORT_CODES[schema]}-{government}-{self.next_id}-{revision}",
            "schema_s": schema,
            "government_s": government,
            "title_s": title,
            "createdDate_dt": created,
            "updatedDate_dt": max(created, instant(updated, 12)),
            **fields,
        }
        self.docs[schema].append(doc)
        return doc


def period_bounds(cycles: dict[str, Cycle]) -> dict[str, tuple[date, date]]:
    """A cycle's period: after the previous cycle's cutoff, up to its own (nr2: from the start)."""
    order = sorted(cycles.values(), key=lambda c: c.cutoff)
    bounds, start = {}, date(2004, 1, 1)
    for c in order:
        bounds[c.code] = (start, c.cutoff)
        start = c.cutoff + timedelta(days=1)
    return bounds


def build_records(countries: list[Country], cycles: dict[str, Cycle]) -> dict[str, list[dict]]:
    factory = RecordFactory(rng_for("records"))
    _decisions(factory, countries, cycles)
    _laws(factory, countries, cycles)
    _focal_points(factory, countries, cycles)
    _authorities(factory, countries)
    return {s: sorted(d, key=lambda d: d["identifier_s"]) for s, d in factory.docs.items()}


def _decisions(factory: RecordFactory, countries: list[Country], cycles: dict[str, Cycle]) -> None:
    rng = factory.rng
    weights = {c.code: rng.paretovariate(1.2) for c in countries}  # a few countries decide a lot
    # and many none: only the DECIDERS share of countries ever publish a decision (a stream of its
    # own, and `choices` draws once whatever the weights, so the other records stay as they were)
    pick = rng_for("deciders")
    deciders = set(pick.sample(sorted(weights), round(DECIDERS * len(weights))))
    weights = {c: w if c in deciders else 0.0 for c, w in weights.items()}
    # a few others publish the odd decision, without a risk assessment (so not every Party with a
    # decision links one: A.2(d) by Parties is not 100%); they take some of each period's no-RA ones
    occasional = sorted(pick.sample(sorted(set(weights) - deciders), OCCASIONAL_DECIDERS))
    for code, (first, last) in period_bounds(cycles).items():
        total, with_ra = DECISIONS_PER_PERIOD[code]
        creators = [c.code for c in countries if c.is_party(cycles[code].cutoff)]
        created = [random_instant(rng, first, last) for _ in range(total)]
        created[0] = instant(last, 22, 10)  # on the cutoff day, late in the day: still counted
        created[1] = instant(first, 0, 20)  # first minutes of the period
        has_ra = [True] * with_ra + [False] * (total - with_ra)
        rng.shuffle(has_ra)
        for when, ra in zip(created, has_ra, strict=True):
            gov = rng.choices(creators, [weights[c] for c in creators])[0]
            newcomers = [c for c in occasional if c in creators]
            if not ra and newcomers and pick.random() < 0.2:
                gov = pick.choice(newcomers)
            _decision(factory, gov, when, rng.choice([ART10, ART11]), ra)
    # never counted: non-Parties, governments not yet Parties, other decision types
    for gov in NON_PARTY_RECORD_GOVS:
        for _ in range(25):
            when = random_instant(rng, date(2005, 1, 1), INDEX_END)
            _decision(factory, gov, when, rng.choice([ART10, ART11]), rng.random() < 0.8)
    _decision(factory, "uz", instant(date(2019, 12, 10), 9), ART11, True)  # Party from 2020-01-23
    _decision(factory, "af", instant(date(2010, 6, 1), 9), ART10, True)  # Party from 2013-05-21
    parties_now = [c.code for c in countries if c.is_party(INDEX_END)]
    for _ in range(260):
        gov = rng.choices(parties_now, [weights[c] for c in parties_now])[0]
        when = random_instant(rng, date(2005, 1, 1), INDEX_END)
        _decision(factory, gov, when, rng.choice(OTHER_DECISION_TYPES), False)


def _decision(factory: RecordFactory, gov: str, created: str, decision_type: str, with_ra: bool) -> None:
    rng = factory.rng
    types = [decision_type]
    children = next(ch for ident, _, ch in DECISION_TYPES if ident == decision_type)
    if children and rng.random() < 0.4:
        types.append(rng.choice(children)[0])
    decided = date.fromisoformat(created[:10]) - timedelta(days=rng.randint(0, 90))
    fields = {"decisionTypes_ss": types, "decisionDate_dt": instant(decided)}
    if with_ra:
        fields["riskAssessments_ss"] = [
            _risk_assessment(factory, gov, decided) for _ in range(rng.choice([1, 1, 1, 2]))
        ]
    elif rng.random() < 0.5:
        fields["riskAssessments_ss"] = []
    factory.add(
        "biosafetyDecision", gov, created, f"Synthetic decision {factory.next_id + 1} ({gov})", **fields
    )


def _risk_assessment(factory: RecordFactory, gov: str, before: date) -> str:
    created = instant(before - timedelta(days=factory.rng.randint(10, 200)), 10)
    doc = factory.add("nationalRiskAssessment", gov, created, f"Synthetic risk assessment ({gov})")
    return doc["identifier_s"]


def _split_holders(rng, pool: list[str], n: int) -> tuple[list[str], list[str]]:
    chosen = sorted(rng.sample(pool, n))
    return chosen, [p for p in pool if p not in chosen]


def _laws(factory: RecordFactory, countries: list[Country], cycles: dict[str, Cycle]) -> None:
    """157 Parties have a law by the nr2 cutoff, 163 by the nr4 cutoff; the rest later or never."""
    rng = factory.rng
    nr2, nr4 = cycles["nr2"].cutoff, cycles["nr4"].cutoff
    p2 = [c.code for c in countries if c.is_party(nr2)]
    p4 = [c.code for c in countries if c.is_party(nr4)]
    early, rest2 = _split_holders(rng, p2, LAW_PARTIES["nr2"])
    middle, never = _split_holders(
        rng, rest2 + [p for p in p4 if p not in p2], LAW_PARTIES["nr4"] - len(early)
    )
    first = {g: random_instant(rng, date(2004, 1, 1), nr2) for g in early}
    first |= {g: random_instant(rng, nr2 + timedelta(days=1), nr4) for g in middle}
    first[middle[0]] = instant(nr4, 20)  # on the cutoff day
    first |= {g: random_instant(rng, nr4 + timedelta(days=1), INDEX_END) for g in never[: len(never) // 2]}
    first |= {g: random_instant(rng, date(2006, 1, 1), INDEX_END) for g in NON_PARTY_RECORD_GOVS}
    first["uz"] = instant(date(2019, 5, 14), 9)  # before Uzbekistan became a Party: not counted
    for gov, when in sorted(first.items()):
        factory.add("biosafetyLaw", gov, when, f"Synthetic biosafety law ({gov})")
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            later = random_instant(rng, date.fromisoformat(when[:10]), INDEX_END)
            factory.add("biosafetyLaw", gov, later, f"Synthetic regulation ({gov})")


def _focal_points(factory: RecordFactory, countries: list[Country], cycles: dict[str, Cycle]) -> None:
    rng = factory.rng
    nr2, nr4 = cycles["nr2"].cutoff, cycles["nr4"].cutoff
    both = [c.code for c in countries if c.is_party(nr2)]
    newer = [c.code for c in countries if c.is_party(nr4) and not c.is_party(nr2)]
    for category, (n_both, n_newer, n_nr2) in FOCAL_POINTS.items():
        held_both, lacking = _split_holders(rng, both, n_both)
        held_newer, lacking_newer = _split_holders(rng, newer, n_newer)
        early, _ = _split_holders(rng, held_both, n_nr2)
        for gov in sorted(held_both + held_newer):
            window = (date(2004, 1, 1), nr2) if gov in early else (nr2 + timedelta(days=1), nr4)
            _focal_point(factory, gov, random_instant(rng, *window), category)
        for gov in sorted(lacking + lacking_newer)[::2]:  # designated only after the nr4 cutoff
            _focal_point(factory, gov, random_instant(rng, nr4 + timedelta(days=1), INDEX_END), category)
        for gov in NON_PARTY_RECORD_GOVS[:3]:
            _focal_point(factory, gov, random_instant(rng, date(2005, 1, 1), nr2), category)


def _focal_point(factory: RecordFactory, gov: str, created: str, category: str) -> None:
    factory.add("focalPoint", gov, created, f"Synthetic focal point ({gov})", type_ss=[category])


AUTHORITIES_BY_2019 = 0.8  # most competent national authorities were designated in the first years


def _authorities(factory: RecordFactory, countries: list[Country]) -> None:
    rng = factory.rng
    for c in countries:
        if c.is_party(INDEX_END) or c.code in NON_PARTY_RECORD_GOVS:
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                early = rng.random() < AUTHORITIES_BY_2019
                first, last = (
                    (date(2004, 1, 1), date(2019, 12, 31)) if early else (date(2020, 1, 1), INDEX_END)
                )
                factory.add(
                    "authority",
                    c.code,
                    random_instant(rng, first, last),
                    f"Synthetic competent national authority ({c.code})",
                )


# --------------------------------------------------------------------------------------------
# Calibration: make the invented answers reproduce the published figures
# --------------------------------------------------------------------------------------------

N_GT_0 = "n>0"  # rule: any selected count other than "0"
FULL, PARTIAL = "implementation.fullInPlace", "implementation.partiallyInPlace"
SP_FULL = "74B17D51-786F-3D68-3B76-A50121842925"


@dataclass(frozen=True)
class Target:
    """One NR4 indicator's published figure, as the Secretariat computed it (SBI/3/3 para 11).

    A question mapped to the baseline (4-2 mapping) has comparable-set figures: ``pct`` is the
    share of the comparable set (Parties with a counted NR4 answer and a translatable NR2 answer)
    whose NR4 answer meets ``met``, and ``change`` the points gained over the same set. An
    unmapped question's ``pct`` is the share of all Parties that answered in NR4.

    ``chosen`` names the figures picked here as plausible because none is published (or only a
    direction); a change left as None is drawn in ``baseline_change``. ``comparable`` fixes the
    comparable set's size (a published count and percentage together imply it). ``population``
    (NR4 key, values) narrows who the indicator is about, as in the catalogue. ``keep`` protects
    the answers a narrower target on the same question set.
    """

    indicator: str
    key: str
    met: frozenset | str
    pct: float
    change: float | None = None
    chosen: tuple = ()
    comparable: int | None = None
    regions: tuple = ()  # (region, pct, change or None), over the region's comparable set
    sp_only: bool = False
    population: tuple | None = None
    keep: frozenset = frozenset()  # answers never flipped (calibrated by an earlier, narrower target)


def yes(*extra):
    return frozenset({"true", *extra})


NR4_TARGETS = [
    Target(
        "a_measures_full", "Q014", frozenset({FULL}), 55, 8, regions=(("africa", 30, 10), ("grulac", 8, None))
    ),
    Target("a_measures_full_or_partial", "Q014", frozenset({FULL, PARTIAL}), 94, keep=frozenset({FULL})),
    Target("a_budget_mechanism", "Q017", yes("true.some"), 81),
    Target("a_permanent_staff", "Q018", yes(), 94),
    Target("a_staff_adequate", "Q019_adq", yes(), 50, population=("Q018", yes())),
    Target("h_transit_regulated", "Q023", yes("true.some"), 70, 6, chosen=("change",)),
    Target("h_contained_use_regulated", "Q024", yes(), 80),
    Target("a_notification_received", "Q029", yes(), 21, -13, comparable=90),  # 19 of 90
    Target("a_art10_decision_taken", "Q033", yes(), 19, -14, comparable=79),  # 15 of 79
    Target("a_ffp_import_rules", "Q042", yes(), 83, 13),
    Target("c_ra_mechanism", "Q063", yes(), 62, chosen=("pct",)),
    Target("d_capacity_detect", "Q070_a", yes(), 79),
    Target("d_capacity_identify", "Q070_b", yes(), 77),
    Target("d_capacity_assess", "Q070_c", yes(), 77),
    Target("d_capacity_monitor", "Q070_d", yes(), 71),
    Target("c_common_approaches", "Q073", yes(), 45, chosen=("pct",)),
    Target("c_ra_conducted", "Q075", yes(), 65, 9, chosen=("change",)),
    Target("c_ra_for_all_decisions", "Q078", yes(), 70, chosen=("pct",), population=("Q075", yes())),
    Target("h_unintentional_tbm_capacity", "Q088", yes(), 70),
    Target("f_customs_trained", "Q101", N_GT_0, 59),
    Target("f_lab_personnel_trained", "Q103", N_GT_0, 96),
    Target("f_lab_access", "Q104", yes(), 87, 6, chosen=("change",)),
    Target("f_certified_lab", "Q105", N_GT_0, 68),
    Target("a_institutional_capacity", "Q109", yes(), 65, 19),
    Target("k_events", "Q118", N_GT_0, 92),
    Target("k_publications", "Q119", N_GT_0, 75, -5, chosen=("change",)),
    Target("b_predictable_funding", "Q124", yes(), 30, chosen=("pct",)),
    Target("b_external_support", "Q125", yes("true.some"), 72, chosen=("pct",)),
    Target("b_needs_assessment", "Q133", yes(), 48, chosen=("pct",)),
    Target("b_needs_remaining", "Q134", yes(), 91, chosen=("pct",)),
    Target("b_capacity_strategy", "Q136", yes(), 41, chosen=("pct",)),
    Target("b_coordination_mechanism", "Q137", yes(), 56, chosen=("pct",)),
    Target("l_communication_strategy", "Q142", yes(), 50),
    Target("l_outreach_programmes", "Q143", yes(), 63, chosen=("pct",)),
    Target("k_website", "Q144", yes(), 67, -6, chosen=("change",)),
    Target("k_academic_courses", "Q145", N_GT_0, 86, 11),
    Target("k_education_materials", "Q146", N_GT_0, 75, 8, chosen=("change",)),
    Target("k_public_consultation", "Q147", yes("true.some"), 76, 5),
    Target("k_public_informed", "Q148", yes("true.some"), 69, -5, chosen=("pct",)),
    Target("g_sec_approaches", "Q162", yes(), 52, 7, chosen=("change",)),
    Target("g_sec_considered", "Q163", yes("true.some"), 33, 14),
    Target("g_peer_reviewed_used", "Q164", N_GT_0, 33, -7, chosen=("change",)),
    Target("e_sp_no_process", "Q170", frozenset({"false"}), 43),
    Target("e_sp_measures_full", "Q171", frozenset({SP_FULL}), 60, sp_only=True),
]


def met_values(target: Target, question: Question) -> frozenset:
    if target.met == N_GT_0:
        return frozenset(v for v in question.values if v != "0")
    return target.met


def meets(selected, met: frozenset) -> bool:
    return bool(selected) and any(v in met for v in selected)


def set_met_count(
    answers: list[dict],
    key: str,
    met: frozenset,
    n: int,
    fill_met: list,
    fill_unmet: list,
    rng: random.Random,
    flippable: frozenset,
    later_met: list[bool] | None = None,
) -> None:
    """Flip the fewest single-choice answers so that exactly ``n`` of ``answers`` meet ``met``;
    only answers whose value is in ``flippable`` change.

    ``later_met`` (baseline answers only) says whether the same government meets the rule in the
    later report: those are made to meet it first, so that most governments keep or improve
    their answer instead of swapping at random.
    """
    later_met = later_met or [False] * len(answers)
    pairs = list(zip(answers, later_met, strict=True))
    rng.shuffle(pairs)
    met_now = [(a, later) for a, later in pairs if meets(a[key], met)]
    to_met = len(met_now) < n
    if to_met:
        pool = [(a, later) for a, later in pairs if not meets(a[key], met) and a[key][0] in flippable]
    else:
        pool = [(a, later) for a, later in met_now if a[key][0] in flippable]
    pool.sort(key=lambda pair: pair[1] != to_met)  # stable: random order within each group
    picked = pool[: abs(len(met_now) - n)]
    if len(picked) != abs(len(met_now) - n):
        raise ValueError(f"{key}: cannot make {n} of {len(answers)} answers meet the rule")
    for a, _ in picked:
        a[key] = [rng.choice(fill_met if to_met else fill_unmet)]
    _align_with_later(pairs, key, met, fill_met, fill_unmet, rng, flippable)


def _align_with_later(
    pairs: list,
    key: str,
    met: frozenset,
    fill_met: list,
    fill_unmet: list,
    rng: random.Random,
    flippable: frozenset,
) -> None:
    """Swap most met/unmet pairs that contradict the later report; the count stays the same."""
    movable = [(a, later) for a, later in pairs if a[key][0] in flippable]
    down = [a for a, later in movable if meets(a[key], met) and not later]
    up = [a for a, later in movable if not meets(a[key], met) and later]
    for a_down, a_up in list(zip(down, up, strict=False))[: int(0.8 * min(len(down), len(up)))]:
        a_down[key] = [rng.choice(fill_unmet)]
        a_up[key] = [rng.choice(fill_met)]


def closest_count(pct: float, size: int) -> int:
    """The number of ``size`` Parties closest to ``pct`` percent (halves round up)."""
    return int(pct * size / 100 + 0.5)


def reachable(pct: float, size: int) -> bool:
    return size > 0 and abs(100 * closest_count(pct, size) / size - pct) <= 0.5


def share_reached(pct: float, size: int) -> float:
    """The share a set of ``size`` Parties actually shows when ``pct`` is aimed at."""
    return 100 * closest_count(pct, size) / size


def figures_reachable(pct: float, change: float | None, size: int) -> bool:
    """The NR4 share and the baseline share it implies both land within half a point: about 90
    Parties move in 1.1-point steps, so not every size can show both a share and a change."""
    return reachable(pct, size) and (change is None or reachable(share_reached(pct, size) - change, size))


def resize(members: list[str], spare: list[str], ok, drop, restore, rng: random.Random) -> list[str]:
    """Drop or restore the fewest members so that the group's size passes ``ok``: 30% of 29
    Parties is 27.6% or 31.0%, but 8 of 27 is 29.6%; 8% needs 12 or 13 Parties."""
    sizes = [s for s in range(1, len(members) + len(spare) + 1) if ok(s)]
    if not sizes:
        raise ValueError(f"no reachable size for a group of {len(members)} (+{len(spare)} spare)")
    size = min(sizes, key=lambda s: (abs(s - len(members)), s))
    members = sorted(members)
    for g in rng.sample(members, max(len(members) - size, 0)):
        drop(g)
        members.remove(g)
    for g in rng.sample(sorted(spare), max(size - len(members), 0)):
        restore(g)
        members.append(g)
    return sorted(members)


def regional_split(govs: list[str], regions: list[tuple], countries: dict[str, Country]):
    """[(pct or change, members)] of the constrained regions, and the other governments."""
    groups = [(value, [g for g in govs if countries[g].region == r]) for r, value in regions]
    taken = {g for _, members in groups for g in members}
    return groups, [g for g in govs if g not in taken]


def would_answer(report: Report, catalogue: Catalogue, key: str) -> bool:
    """A blank answer that would be shown (its question enabled) if it were filled in."""
    filled = replace(report, blank=report.blank - {key})
    return key in report.blank and shown_answer(filled, catalogue, key) is not None


def baseline_change(t: Target) -> float:
    """The published change, else a modest one chosen here (most indicators improved a little)."""
    if t.change is not None:
        return t.change
    return round(rng_for("change", t.indicator).uniform(-3, 12), 1)


class Calibration:
    """Sets the counted NR4 and NR2 answers so that the pipeline reproduces every target.

    Targets run in order, each on both cycles before the next, so that a comparable set is taken
    after the targets before it have set the answers that define it (Q075 and its NR2 twin S012
    say who Q078 is about). NR4 answers are never blanked to size a comparable set: every
    mandatory NR4 question stays answered. The levers are the NR2 side: who filed (see
    ``plan_filings``) and blanks on NR2 questions, which are all optional.
    """

    def __init__(self, reports4, reports2, cat4, cat2, mapping, countries, cutoff4: date):
        self.reports4: dict[str, Report] = reports4  # counted reports by government
        self.reports2: dict[str, Report] = reports2
        self.cat4, self.cat2 = cat4, cat2
        self.mapping = mapping
        self.countries: dict[str, Country] = countries
        self.cutoff4 = cutoff4
        self.rng4, self.rng2 = rng_for("calibrate", "nr4"), rng_for("calibrate", "nr2")

    def answer4(self, g: str, key: str):
        return shown_answer(self.reports4[g], self.cat4, key)

    def answer2(self, g: str, key: str):
        return shown_answer(self.reports2[g], self.cat2, key)

    def about(self, t: Target) -> list[str]:
        """Counted NR4 filers the indicator is about (SP Parties; the catalogue's population)."""
        cutoff = self.cutoff4
        govs = [g for g in sorted(self.reports4) if not t.sp_only or self.countries[g].is_sp_party(cutoff)]
        if t.population:
            key, values = t.population
            govs = [g for g in govs if meets(self.answer4(g, key), values)]
        return govs

    def in_baseline_population(self, t: Target, g: str) -> bool:
        """The population question asked of the NR2 report, through the 4-2 mapping."""
        if not t.population:
            return True
        key2, value_map = self.mapping[t.population[0]]
        return meets([value_map.get(v, v) for v in self.answer2(g, key2) or []], t.population[1])

    def run(self, t: Target) -> None:
        if t.key in self.mapping:
            self.comparable_figures(t)
        else:
            self.status_figure(t)

    # ---- NR4 answers ------------------------------------------------------------------------

    def set_nr4(self, t: Target, members: list[str], n: int) -> None:
        """Exactly ``n`` of ``members`` meet the target in NR4 (fewest flips)."""
        if not members:
            return
        q = self.cat4.by_key[t.key]
        met, flippable = met_values(t, q), frozenset(q.values) - t.keep
        answers = [self.reports4[g].answers for g in members]
        fill_met, fill_unmet = sorted(met & flippable), sorted(flippable - met)
        set_met_count(answers, t.key, met, n, fill_met, fill_unmet, self.rng4, flippable)

    def status_figure(self, t: Target) -> None:
        """An unmapped question: the share of every Party that answered in NR4. An optional
        question's group may be resized by NR4 blanks (e.g. the ~30 SP Parties of Q171)."""
        about = self.about(t)
        govs = [g for g in about if self.answer4(g, t.key) is not None]
        if not self.cat4.by_key[t.key].mandatory:
            spare = [g for g in about if would_answer(self.reports4[g], self.cat4, t.key)]
            govs = resize(
                govs,
                spare,
                lambda s: reachable(t.pct, s),
                lambda g: self.reports4[g].blank.add(t.key),
                lambda g: self.reports4[g].blank.discard(t.key),
                self.rng4,
            )
        self.set_nr4(t, govs, closest_count(t.pct, len(govs)))

    # ---- Comparable-set figures -------------------------------------------------------------

    def comparable_figures(self, t: Target) -> None:
        """A mapped question: the published share and change hold over the comparable set."""
        key2, value_map = self.mapping[t.key]
        answering = [g for g in self.about(t) if self.answer4(g, t.key) is not None]
        paired = [g for g in answering if g in self.reports2 and self.in_baseline_population(t, g)]
        comparable = [g for g in paired if self.answer2(g, key2) is not None]
        if not t.keep:  # a narrower target on the question already sized its comparable set
            comparable = self.size_comparable(t, paired, comparable, key2)
        self.translate(t, comparable, key2, value_map)
        self.set_cycle(t, comparable, answering)
        self.set_baseline(t, comparable, key2, value_map)

    def size_comparable(self, t: Target, paired: list[str], comparable: list[str], key2: str) -> list[str]:
        """Blank or restore the fewest NR2 answers so that the published regional and global
        figures are reachable (or the published size is met exactly)."""

        def drop(g):
            self.reports2[g].blank.add(key2)

        def restore(g):
            self.reports2[g].blank.discard(key2)

        spare = [g for g in paired if would_answer(self.reports2[g], self.cat2, key2)]
        constrained = [r for r, *_ in t.regions]
        groups, rest = regional_split(comparable, [(r, (p, c)) for r, p, c in t.regions], self.countries)
        sized = []
        for region, ((pct, change), members) in zip(constrained, groups, strict=True):
            pool = [g for g in spare if self.countries[g].region == region]
            ok = partial(figures_reachable, pct, change)
            sized += resize(members, pool, ok, drop, restore, self.rng2)

        def ok_global(size: int) -> bool:  # a change drawn here need not land within half a point
            n = size + len(sized)
            return n == t.comparable if t.comparable else figures_reachable(t.pct, t.change, n)

        pool = [g for g in spare if self.countries[g].region not in constrained]
        return sorted(sized + resize(rest, pool, ok_global, drop, restore, self.rng2))

    def translate(self, t: Target, comparable: list[str], key2: str, value_map: dict) -> None:
        """Comparable NR2 answers on a target question always translate to an NR4 option, so no
        figure depends on how the pipeline treats an untranslatable baseline value."""
        q2, q4 = self.cat2.by_key[key2], self.cat4.by_key[t.key]
        valid = [v for v in q2.values if value_map.get(v, v) in q4.values]
        unmet = [v for v in valid if value_map.get(v, v) not in met_values(t, q4) | t.keep]
        for g in comparable:
            if self.reports2[g].answers[key2][0] not in valid:
                self.reports2[g].answers[key2] = [self.rng2.choice(unmet or valid)]

    def set_cycle(self, t: Target, comparable: list[str], answering: list[str]) -> None:
        """NR4 answers: the published shares over the comparable set (regions first). Parties
        outside it get about the same share, so the share over all reporting Parties stays close."""
        groups, rest = regional_split(comparable, [(r, pct) for r, pct, _ in t.regions], self.countries)
        fixed = 0
        for pct, members in groups:
            self.set_nr4(t, members, closest_count(pct, len(members)))
            fixed += closest_count(pct, len(members))
        self.set_nr4(t, rest, closest_count(t.pct, len(comparable)) - fixed)
        outside = [g for g in answering if g not in comparable]
        self.set_nr4(t, outside, closest_count(share_reached(t.pct, len(comparable)), len(outside)))

    def set_baseline(self, t: Target, comparable: list[str], key2: str, value_map: dict) -> None:
        """NR2 answers: the change over the comparable set (regions first); the other NR2 Parties
        get about the same baseline share, and their untranslatable answers may change too."""
        q2, q4 = self.cat2.by_key[key2], self.cat4.by_key[t.key]
        met4 = met_values(t, q4)
        valid = [v for v in q2.values if value_map.get(v, v) in q4.values]
        flippable = frozenset(v for v in valid if value_map.get(v, v) not in t.keep)
        met2 = frozenset(v for v in valid if value_map.get(v, v) in met4)
        fill_met, fill_unmet = sorted(met2 & flippable), sorted(flippable - met2)
        later = {g: meets(self.answer4(g, t.key), met4) for g in comparable}

        def now(members: list[str]) -> float:
            return 100 * sum(later[g] for g in members) / len(members)

        def apply(members: list[str], n: int) -> None:
            answers = [self.reports2[g].answers for g in members]
            flags = [later[g] for g in members]
            set_met_count(answers, key2, met2, n, fill_met, fill_unmet, self.rng2, flippable, flags)

        regions = [(r, change) for r, _, change in t.regions if change is not None]
        groups, rest = regional_split(comparable, regions, self.countries)
        fixed = 0
        for change, members in groups:
            n = closest_count(now(members) - change, len(members))
            apply(members, n)
            fixed += n
        baseline_pct = now(comparable) - baseline_change(t)
        apply(rest, closest_count(baseline_pct, len(comparable)) - fixed)
        answered = [g for g in sorted(self.reports2) if self.answer2(g, key2) is not None]
        others = [g for g in answered if g not in comparable]
        loose = frozenset(v for v in q2.values if value_map.get(v, v) not in t.keep)
        n = closest_count(baseline_pct, len(others))
        set_met_count(
            [self.reports2[g].answers for g in others], key2, met2, n, fill_met, fill_unmet, self.rng2, loose
        )


def inherit(
    newer: list[Report],
    older: dict[str, Report],
    mapping: dict,
    cat_new: Catalogue,
    cat_old: Catalogue,
    keep: float,
    rng: random.Random,
) -> None:
    """Make later reports broadly repeat the earlier cycle (mapped questions only).

    A government repeats its own earlier answers; one without a counted earlier report borrows
    those of another government, so the newer cycle's shares stay close to the earlier ones.
    Status questions keep their truthful answers, and answers that would break the newer form's
    rules (an unknown option, several values for a single choice, an exclusive option combined
    with others) are not carried over.
    """
    status = set(STATUS_KEYS[cat_new.schema])
    donors = sorted(older)
    for report in newer:
        before = older.get(report.government) or older[rng.choice(donors)]
        shown = effective(before, cat_old)
        for key, (old_key, value_map) in mapping.items():
            q = cat_new.by_key.get(key)
            if q is None or key in status or q.is_free_text or old_key not in shown or rng.random() > keep:
                continue
            values = [value_map.get(v, v) for v in shown[old_key]]
            options = [q.option(v) for v in values]
            if None in options or (len(values) > 1 and (not q.multiple or any(o.exclusive for o in options))):
                continue
            report.answers[key] = values


# --------------------------------------------------------------------------------------------
# The fifth assessment (Implementation Plan, NR5 against NR4): plausible, not calibrated
# --------------------------------------------------------------------------------------------
# No NR5 figure has been published (the fifth assessment is under way), so nothing here is
# calibrated: the shares and changes below are chosen to look like a mid-term evaluation (most
# indicators up a few points, regions spread around that), and they must not be cited.

ON_BCH = frozenset({"true.availableOnBch"})
INSTRUMENTS = frozenset(
    {
        "instrument.nationalBiosafetyLaws",
        "instrument.nationalBiosafetyRegulations",
        "instrument.biosafetyGuidelines",
        "instrument.indirectLaws",
    }
)
Q112_MANDATORY = tuple(f"Q112_{c}" for c in "abcdghiklopq")
Q112_OTHER = tuple(f"Q112_{c}" for c in "efjmn")


@dataclass(frozen=True)
class IpTarget:
    """An Implementation Plan indicator on national reports (seeds/indicators.csv, ip2021), in its
    NR4 keys. ``change``: the chosen change in points over the comparable set (NR5 and NR4
    counted, both answered); each region draws its own around it (+/- ``IP_REGIONAL_SPREAD``).
    ``baseline``: the chosen NR4 share of all counted NR4 filers, for questions no published NR4
    figure fixes (None: NR4 stays as calibrated)."""

    indicator: str
    keys: tuple[str, ...]
    met: frozenset
    change: float
    all_of: bool = False
    baseline: float | None = None


IP_TARGETS = [
    IpTarget("ip_a1_measures_full", ("Q014",), frozenset({FULL}), 6),
    IpTarget("ip_a1_instruments", ("Q015",), INSTRUMENTS, 4, baseline=85),
    IpTarget("ip_a1_qualified_staff", ("Q018",), yes(), 1),
    IpTarget("ip_a2_mandatory_info", Q112_MANDATORY, ON_BCH, 9, all_of=True, baseline=30),
    IpTarget("ip_a2_non_mandatory_info", Q112_OTHER, ON_BCH, 5, baseline=70),
]
IP_REGIONAL_SPREAD = 7  # points
IP_REGIONS = ["africa", "asia_pacific", "cee", "grulac", "weog", None]


class IpAnswers:
    """Makes exactly n of a group of reports meet an IpTarget (any of its keys, or all of them),
    with the fewest changes; with ``before`` (the same governments' NR4 answers in NR5 codes),
    a government changes its answer only when the count needs it, and those whose NR4 answer
    agrees with the change move first, so most governments repeat NR4."""

    def __init__(self, t: IpTarget, catalogue: Catalogue, keys: tuple[str, ...], value_map: dict, rng):
        self.t, self.cat, self.keys, self.rng = t, catalogue, keys, rng
        self.met = frozenset(value_map.get(v, v) for v in t.met)
        q = catalogue.by_key[keys[0]]
        self.unmet = sorted(v for v in q.values if v not in self.met and not q.option(v).input_type)
        self.unmet = self.unmet or sorted(v for v in q.values if v not in self.met)

    def valid(self, key: str, values: list) -> bool:
        """An NR4 answer the NR5 form accepts (known options; one, or no exclusive one, if several)."""
        q = self.cat.by_key[key]
        options = [q.option(v) for v in values]
        return None not in options and (
            len(values) == 1 or (q.multiple and not any(o.exclusive for o in options))
        )

    def answered(self, report: Report) -> bool:
        return all(shown_answer(report, self.cat, k) is not None for k in self.keys)

    def meets(self, answers: dict) -> bool:
        hits = [meets(answers.get(k), self.met) for k in self.keys]
        return all(hits) if self.t.all_of else any(hits)

    def make(self, answers: dict, met: bool, before: dict | None) -> None:
        """Meet (or not) the rule, reusing the NR4 answer where it already does the same."""
        if before and self.meets(before) == met and all(self.valid(k, before[k]) for k in self.keys):
            answers.update({k: list(before[k]) for k in self.keys})
            return
        hits = [k for k in self.keys if meets(answers[k], self.met)]
        if met:
            todo = [k for k in self.keys if k not in hits] if self.t.all_of else [self.rng.choice(self.keys)]
            for k in todo:
                answers[k] = [self.rng.choice(sorted(self.met))]
        else:
            for k in [self.rng.choice(hits)] if self.t.all_of else hits:
                answers[k] = [self.rng.choice(self.unmet)]

    def set_count(self, reports: list[Report], n: int, before: list[dict] | None = None) -> None:
        before = before or [None] * len(reports)
        pairs = list(zip(reports, before, strict=True))
        self.rng.shuffle(pairs)
        met_now = [p for p in pairs if self.meets(p[0].answers)]
        up = len(met_now) < n
        pool = [p for p in pairs if self.meets(p[0].answers) != up]
        pool.sort(key=lambda p: not (p[1] and self.meets(p[1]) == up))  # NR4 agrees: first
        for report, was in pool[: abs(len(met_now) - n)]:
            self.make(report.answers, up, was)
        # most governments that contradict their NR4 answer swap with one that moved the other way
        down = [p for p in pairs if p[1] and self.meets(p[0].answers) and not self.meets(p[1])]
        rise = [p for p in pairs if p[1] and not self.meets(p[0].answers) and self.meets(p[1])]
        for (r_down, b_down), (r_up, b_up) in list(zip(down, rise, strict=False))[
            : int(0.8 * min(len(down), len(rise)))
        ]:
            self.make(r_down.answers, False, b_down)
            self.make(r_up.answers, True, b_up)


def apportion(wanted: list[float], sizes: list[int], total: int, movable: list[bool]) -> list[int]:
    """Whole numbers near ``wanted`` (each within 0..size) that add up to ``total``: the largest
    remainders round up, the smallest down (largest-remainder method); only ``movable`` ones move."""
    counts = [int(w + 0.5) if not m else int(w) for w, m in zip(wanted, movable, strict=True)]
    while sum(counts) != total:
        up = sum(counts) < total
        open_ = [i for i, m in enumerate(movable) if m and (counts[i] < sizes[i] if up else counts[i] > 0)]
        i = max(open_, key=lambda i: (wanted[i] - counts[i]) * (1 if up else -1))
        counts[i] += 1 if up else -1
    return counts


def ip_groups(govs: list[str], countries: dict[str, Country]) -> list[tuple[str | None, list[str]]]:
    return [(r, [g for g in govs if countries[g].region == r]) for r in IP_REGIONS]


def ip_baselines(counted4: dict[str, Report], cat4: Catalogue, countries: dict[str, Country]) -> None:
    """NR4 answers for the IP indicators no published figure fixes: the chosen share per region
    (drawn around ``baseline``) of the counted NR4 filers that answered."""
    for t in IP_TARGETS:
        if t.baseline is None:
            continue
        rng = rng_for("ip", "nr4", t.indicator)
        rule = IpAnswers(t, cat4, t.keys, {}, rng)
        govs = [g for g in sorted(counted4) if rule.answered(counted4[g])]
        for region, members in ip_groups(govs, countries):
            pct = t.baseline + (rng.uniform(-10, 10) if region else 0)
            rule.set_count([counted4[g] for g in members], closest_count(min(pct, 100), len(members)))


def ip_cycle(
    counted5: dict[str, Report],
    late5: dict[str, Report],
    counted4: dict[str, Report],
    cat5: Catalogue,
    cat4: Catalogue,
    countries: dict[str, Country],
) -> None:
    """NR5 answers: over each region's comparable set, the region's NR4 share plus its drawn
    change (the regions together give the chosen global change to within a Party); the other
    counted NR5 filers and the Parties that filed after the freeze get about the comparable share."""
    back = {old: (new, vm) for new, (old, vm) in load_mapping("cpbNationalReport5-4.json").items()}
    for t in IP_TARGETS:
        rng = rng_for("ip", "nr5", t.indicator)
        keys5 = tuple(back[k][0] for k in t.keys)
        value_map = back[t.keys[0]][1]
        rule4 = IpAnswers(t, cat4, t.keys, {}, rng)
        rule5 = IpAnswers(t, cat5, keys5, value_map, rng)

        comparable = [
            g
            for g in sorted(counted5)
            if g in counted4 and rule4.answered(counted4[g]) and rule5.answered(counted5[g])
        ]
        shown4 = {g: effective(counted4[g], cat4) for g in comparable}
        before = {  # the NR4 answers in NR5 keys and codes
            g: {
                k5: [value_map.get(v, v) for v in shown4[g][k4]] for k4, k5 in zip(t.keys, keys5, strict=True)
            }
            for g in comparable
        }
        groups = ip_groups(comparable, countries)
        was = {g: rule4.meets(shown4[g]) for g in comparable}
        wanted = []  # Parties meeting the rule per region, unrounded
        for region, members in groups:
            change = t.change + (rng.uniform(-IP_REGIONAL_SPREAD, IP_REGIONAL_SPREAD) if region else 0)
            n_was = sum(was[g] for g in members)
            wanted.append(max(0.0, min(n_was + change * len(members) / 100, len(members))))
        total = closest_count(100 * sum(was.values()) / len(comparable) + t.change, len(comparable))
        targets = apportion(wanted, [len(m) for _, m in groups], total, [r is not None for r, _ in groups])
        for (_, members), n in zip(groups, targets, strict=True):
            rule5.set_count([counted5[g] for g in members], n, [before[g] for g in members])
        share = 100 * sum(targets) / len(comparable)
        for others in ([g for g in sorted(counted5) if g not in comparable], sorted(late5)):
            reports = [r for r in (counted5.get(g) or late5[g] for g in others) if rule5.answered(r)]
            rule5.set_count(reports, closest_count(share, len(reports)))


def nr5_revisions(reports: list[Report], counted5: dict[str, Report], cutoff: date) -> None:
    """A revision filed after the freeze repeats its government's counted report with one answer
    improved: measures now fully in place, or one more mandatory item available in the BCH."""
    rng = rng_for("ip", "revisions")
    for r in reports:
        base = counted5.get(r.government)
        if base is None or r.date[:10] <= cutoff.isoformat():
            continue
        r.answers = {k: list(v) if isinstance(v, list) else v for k, v in base.answers.items()}
        r.blank = set(base.blank)
        if r.answers["Q007"] != [FULL]:
            r.answers["Q007"] = [FULL]
        else:
            r.answers[rng.choice([f"Q102_{c}" for c in "abcdghiklopq"])] = sorted(ON_BCH)


def calibrate(reports: dict, plans: dict, catalogues: dict, countries: dict[str, Country]) -> None:
    """NR4 and NR2 to the published figures (comparable-set figures where the question maps to
    the baseline); NR3 follows NR2 (3-2 mapping) so that it stays plausible. NR5 repeats NR4
    (5-4 mapping), then the Implementation Plan indicators get plausible, chosen changes
    (``IP_TARGETS``; no NR5 figure has been published to calibrate to)."""
    counted = {code: counted_reports(reports[code], plans[code]) for code in reports}
    calibration = Calibration(
        counted["nr4"],
        counted["nr2"],
        catalogues["nr4"],
        catalogues["nr2"],
        load_mapping("cpbNationalReport4-2.json"),
        countries,
        plans["nr4"].cycle.cutoff,
    )
    for t in NR4_TARGETS:
        calibration.run(t)
    ip_baselines(counted["nr4"], catalogues["nr4"], countries)
    inherit(
        reports["nr3"],
        counted["nr2"],
        load_mapping("cpbNationalReport3-2.json"),
        catalogues["nr3"],
        catalogues["nr2"],
        0.6,
        rng_for("inherit", "nr3"),
    )
    inherit(
        reports["nr5"],
        counted["nr4"],
        load_mapping("cpbNationalReport5-4.json"),
        catalogues["nr5"],
        catalogues["nr4"],
        0.85,
        rng_for("inherit", "nr5"),
    )
    nr5 = plans["nr5"].cycle.cutoff
    late5 = {
        r.government: r
        for r in sorted(reports["nr5"], key=lambda r: r.date)
        if r.date[:10] > nr5.isoformat()
        and countries[r.government].is_party(nr5)
        and r.government not in counted["nr5"]
    }
    ip_cycle(counted["nr5"], late5, counted["nr4"], catalogues["nr5"], catalogues["nr4"], countries)
    nr5_revisions(reports["nr5"], counted["nr5"], nr5)


# --------------------------------------------------------------------------------------------
# Writing the snapshot
# --------------------------------------------------------------------------------------------


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_snapshot(out_dir: Path, files: list[tuple[str, object, str, str, dict]]) -> Path:
    """Replace ``out_dir/SNAPSHOT_ID`` (our own generated output) with a freshly written snapshot."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / SNAPSHOT_ID
    if target.exists():
        shutil.rmtree(target)
    shutil.rmtree(out_dir / f".tmp-{SNAPSHOT_ID}", ignore_errors=True)
    extra = {
        "synthetic": True,
        "description": DESCRIPTION,
        "generator": {
            "script": "scripts/generate_embedded_snapshot.py",
            "seed": SEED,
            "reference": "BCH reference folder (parties, questionnaires, mappings)",
        },
    }
    writer = SnapshotWriter(out_dir, "embedded", BASE_URL, SNAPSHOT_ID, extra, STARTED_AT)
    with writer:
        for rel_path, body, endpoint, request_path, params in files:
            records = len(body) if isinstance(body, list) else len(body["response"]["docs"])
            writer.write(
                rel_path,
                dumps(body),
                endpoint=endpoint,
                request_path=request_path,
                params=params,
                records=records,
            )
        return writer.commit(FINISHED_AT).path


# Request parameters exactly as the live extractor sends them (orchestration/extract/live.py).
INDEX_QUERIES = {e.schema: e for e in ENDPOINTS if isinstance(e, SolrQuery)}


def national_report_file(cycle: Cycle, catalogue: Catalogue, reports: list[Report], governments) -> tuple:
    rng = rng_for("render", cycle.code)
    modern = cycle.code in ("nr4", "nr5")
    body = [render_report(r, catalogue, modern, rng) for r in sorted(reports, key=lambda r: r.document_id)]
    params = analyzer_params((q.key for q in catalogue.questions), governments)
    return f"national_reports/{cycle.code}.json.gz", body, "national_reports", cycle.api_path, params


def index_files(records: dict[str, list[dict]]) -> list[tuple]:
    files = []
    for schema, docs in records.items():
        for page, start in enumerate(range(0, max(len(docs), 1), PAGE_ROWS)):
            body = {
                "response": {"numFound": len(docs), "start": start, "docs": docs[start : start + PAGE_ROWS]}
            }
            params = INDEX_QUERIES[schema].params(start, PAGE_ROWS)
            path = f"index/{schema}/page-{page:05d}.json.gz"
            files.append((path, body, "index", "/api/v2013/index", params))
    return files


def thesaurus_files(countries: list[Country]) -> list[tuple]:
    base = "/api/v2013/thesaurus/domains"
    return [
        ("thesaurus/countries.json.gz", country_terms(countries), "thesaurus", f"{base}/countries/terms", {}),
        (
            "thesaurus/regions.json.gz",
            region_terms(countries),
            "thesaurus",
            f"{base}/regions/terms",
            {"relations": "true"},
        ),
        (
            "thesaurus/DecisionTypes.json.gz",
            decision_type_terms(),
            "thesaurus",
            f"{base}/DecisionTypes/terms",
            {},
        ),
    ]


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def generate(reference: Path) -> list[tuple]:
    """Every file of the snapshot as (path, body, endpoint, request path, params)."""
    REGION_GUIDS.clear()
    REGION_GUIDS.update({r["region_code"]: r["bch_identifier"] for r in read_csv(SEEDS / "regions.csv")})
    countries = load_countries(reference)
    by_code = {c.code: c for c in countries}
    cycles = load_cycles()
    plans = plan_filings(countries, cycles)
    catalogues = {code: load_catalogue(reference, cycle.schema) for code, cycle in cycles.items()}
    reports = {}
    first_id = 100000
    for code in ("nr2", "nr3", "nr4", "nr5"):
        reports[code] = build_reports(plans[code], catalogues[code], by_code, first_id)
        first_id += 10000
    calibrate(reports, plans, catalogues, by_code)
    country_records = countries_json(countries)
    governments = analyzer_governments(country_records)  # asked for as the live extractor asks
    files = [("countries.json.gz", country_records, "countries", "/api/v2013/countries", {})]
    files += thesaurus_files(countries)
    files += [
        national_report_file(cycles[c], catalogues[c], reports[c], governments)
        for c in ("nr2", "nr3", "nr4", "nr5")
    ]
    files += index_files(build_records(countries, cycles))
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="source folder (default raw/embedded)")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="BCH reference folder")
    args = parser.parse_args(argv)
    path = write_snapshot(args.out, generate(args.reference))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

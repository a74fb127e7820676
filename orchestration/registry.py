"""The report-cycle registry and questionnaires, read from the dbt seeds that also feed the models.

Cycles are data (``dbt_project/seeds/report_cycles.csv``); Python reads the same file so the
extractor and dbt can never disagree about which cycles exist.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

REGISTRY_COLUMNS = (
    "cycle_code",
    "bch_schema",
    "title",
    "api_path",
    "year",
    "deadline",
    "cutoff_date",
    "mapping_file",
)
ASSESSMENT_COLUMNS = (
    "assessment_code",
    "title",
    "catalogue_code",
    "cycle_code",
    "baseline_cycle_code",
    "baseline_record_date",
    "cycle_record_date",
)


class RegistryError(ValueError):
    """The cycle registry, a mapping file or the questionnaire is inconsistent."""


@dataclass(frozen=True)
class Cycle:
    cycle_code: str
    bch_schema: str
    title: str
    api_path: str
    year: int
    deadline: date
    cutoff_date: date
    mapping_file: str | None


@dataclass(frozen=True)
class Assessment:
    """One assessment: a catalogue applied to a cycle against a baseline cycle (seeds/assessments.csv).

    The cutoff is the assessed cycle's registry cutoff; record dates, when empty, are each side's
    cycle cutoff.
    """

    assessment_code: str
    title: str
    catalogue_code: str
    cycle_code: str
    baseline_cycle_code: str
    baseline_record_date: date | None
    cycle_record_date: date | None


def seeds_dir(dbt_project_dir: Path) -> Path:
    return Path(dbt_project_dir) / "seeds"


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_cycles(dbt_project_dir: Path) -> list[Cycle]:
    """All cycles of the registry, validated; errors name the file, row and column."""
    path = seeds_dir(dbt_project_dir) / "report_cycles.csv"
    rows = read_csv(path)
    if not rows or tuple(rows[0]) != REGISTRY_COLUMNS:
        raise RegistryError(f"{path}: expected columns {', '.join(REGISTRY_COLUMNS)}")
    cycles = []
    for line, row in enumerate(rows, start=2):
        try:
            cycles.append(
                Cycle(
                    cycle_code=_required(row, "cycle_code"),
                    bch_schema=_required(row, "bch_schema"),
                    title=_required(row, "title"),
                    api_path=_required(row, "api_path"),
                    year=int(_required(row, "year")),
                    deadline=date.fromisoformat(_required(row, "deadline")),
                    cutoff_date=date.fromisoformat(_required(row, "cutoff_date")),
                    mapping_file=row["mapping_file"] or None,
                )
            )
        except (KeyError, ValueError) as exc:
            raise RegistryError(f"{path}, line {line}: {exc}") from None
    codes = [c.cycle_code for c in cycles]
    for line, cycle in enumerate(cycles, start=2):
        if codes.count(cycle.cycle_code) > 1:
            raise RegistryError(f"{path}, line {line}: cycle_code {cycle.cycle_code!r} is listed twice")
    return cycles


def load_assessments(dbt_project_dir: Path) -> list[Assessment]:
    """All assessments (``seeds/assessments.csv``), validated against the registry and catalogues.

    A cycle is assessed by at most one assessment (it may be the baseline of others), so "the
    assessment of a cycle" is well defined for the headline and ``dim_cycle.baseline_cycle_code``.
    """
    seeds = seeds_dir(dbt_project_dir)
    path = seeds / "assessments.csv"
    rows = read_csv(path)
    if not rows or tuple(rows[0]) != ASSESSMENT_COLUMNS:
        raise RegistryError(f"{path}: expected columns {', '.join(ASSESSMENT_COLUMNS)}")
    cycles = {c.cycle_code for c in load_cycles(dbt_project_dir)}
    catalogues = {r["catalogue_code"] for r in read_csv(seeds / "catalogues.csv")}
    out: list[Assessment] = []
    for line, row in enumerate(rows, start=2):
        try:
            assessment = Assessment(
                assessment_code=_required(row, "assessment_code"),
                title=_required(row, "title"),
                catalogue_code=_required(row, "catalogue_code"),
                cycle_code=_required(row, "cycle_code"),
                baseline_cycle_code=_required(row, "baseline_cycle_code"),
                baseline_record_date=_date_or_none(row, "baseline_record_date"),
                cycle_record_date=_date_or_none(row, "cycle_record_date"),
            )
        except (KeyError, ValueError) as exc:
            raise RegistryError(f"{path}, line {line}: {exc}") from None
        where = f"{path}, line {line}, assessment {assessment.assessment_code}"
        if assessment.catalogue_code not in catalogues:
            raise RegistryError(
                f"{where}: catalogue_code {assessment.catalogue_code!r} is not in catalogues.csv"
            )
        for column in ("cycle_code", "baseline_cycle_code"):
            if getattr(assessment, column) not in cycles:
                raise RegistryError(
                    f"{where}: {column} {getattr(assessment, column)!r} is not a registry cycle"
                )
        if assessment.cycle_code == assessment.baseline_cycle_code:
            raise RegistryError(f"{where}: a cycle cannot be its own baseline")
        for other in out:
            if other.assessment_code == assessment.assessment_code:
                raise RegistryError(f"{where}: listed twice")
            if other.cycle_code == assessment.cycle_code:
                raise RegistryError(
                    f"{where}: cycle {assessment.cycle_code} is already assessed by {other.assessment_code}"
                )
        out.append(assessment)
    return out


def _date_or_none(row: dict[str, str], column: str) -> date | None:
    value = (row[column] or "").strip()
    return date.fromisoformat(value) if value else None


def _required(row: dict[str, str], column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise ValueError(f"column {column} is empty")
    return value


def questionnaires(dbt_project_dir: Path) -> dict[str, list[str]]:
    """Question keys of every questionnaire, by BCH schema, in form order (``bch_questions`` seed)."""
    return _questionnaires(seeds_dir(dbt_project_dir) / "bch_questions.csv")


@cache
def _questionnaires(path: Path) -> dict[str, list[str]]:
    by_schema: dict[str, list[str]] = {}
    for row in read_csv(path):
        by_schema.setdefault(row["report_type"], []).append(row["key"])
    return by_schema


def question_keys(dbt_project_dir: Path, bch_schema: str) -> list[str]:
    """Question keys of one questionnaire, in form order."""
    keys = questionnaires(dbt_project_dir).get(bch_schema)
    if not keys:
        raise RegistryError(f"no questions for {bch_schema} in seeds/bch_questions.csv")
    return keys


def cutoff_overrides(value: str | None, cycles: list[Cycle]) -> dict[str, date]:
    """Parse CPB_CUTOFF_DATE: ``nr4=2019-12-31[,nr5=...]``, or a bare date for the newest cycle."""
    if not value:
        return {}
    codes = {c.cycle_code for c in cycles}
    overrides = {}
    for part in value.split(","):
        code, _, day = part.strip().rpartition("=")
        code = code.strip() or max(cycles, key=lambda c: c.cutoff_date).cycle_code
        if code not in codes:
            raise RegistryError(f"CPB_CUTOFF_DATE={value!r}: {code!r} is not a cycle of the registry")
        try:
            overrides[code] = date.fromisoformat(day.strip())
        except ValueError:
            raise RegistryError(f"CPB_CUTOFF_DATE={value!r}: {day!r} is not a date (YYYY-MM-DD)") from None
    return overrides

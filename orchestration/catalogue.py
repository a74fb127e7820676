"""Check the indicator catalogue (``seeds/indicators.csv``) against the questionnaires.

A typo in a question key or option code would otherwise make an indicator silently empty; here it
stops the run with the indicator's code, before dbt builds anything.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.crosswalk import REFERENCE_CYCLE, crosswalk_rows, load_edges
from orchestration.extract.live import INDEX_SCHEMAS
from orchestration.registry import (
    RegistryError,
    load_assessments,
    load_cycles,
    questionnaires,
    read_csv,
    seeds_dir,
)

SOURCES = {
    "national_report": {"answer_in", "answer_all_in", "count_above_zero"},
    "bch_records": {
        "has_record",
        "has_record_all",
        "records_in_period",
        "records_with_link",
        "records_with_link_at_date",
        "report_filed",
        "treaty_party",
    },
    # listed so the report can say what is not measured, with the reason in `note`
    "not_measured": {"not_measured"},
}
RECORD_RULES = (
    "has_record",
    "has_record_all",
    "records_in_period",
    "records_with_link",
    "records_with_link_at_date",
)
RECORD_SCHEMAS = set(INDEX_SCHEMAS)
POPULATIONS = {"cpb_parties", "sp_parties"}
VALUE_KINDS = {"pct_parties", "n_parties", "n_records", "pct_records"}
POLARITIES = {"higher_is_better", "lower_is_better"}  # whether a rise of the indicator is progress
# false: the baseline could not have the fact (e.g. a treaty not yet in force); no progress row
BASELINE_COMPARABLE = {"true", "false"}


def validate_catalogue(dbt_project_dir: Path) -> int:
    """Raise :class:`RegistryError` naming the first faulty indicator or assessment; return the
    number of indicators checked."""
    seeds = seeds_dir(dbt_project_dir)
    load_assessments(dbt_project_dir)
    catalogues = {r["catalogue_code"]: r for r in read_csv(seeds / "catalogues.csv")}
    cycles = load_cycles(dbt_project_dir)
    reference_keys: dict[tuple[str, str], set[str]] = {}
    for link in crosswalk_rows(cycles, load_edges(dbt_project_dir, cycles), questionnaires(dbt_project_dir)):
        reference_keys.setdefault((link["cycle_code"], link["question_key"]), set()).add(
            link["reference_question_key"]
        )
    schema = next(c.bch_schema for c in cycles if c.cycle_code == REFERENCE_CYCLE)
    questions = {r["key"] for r in read_csv(seeds / "bch_questions.csv") if r["report_type"] == schema}
    options: dict[str, set[str]] = {}
    for row in read_csv(seeds / "bch_question_options.csv"):
        if row["report_type"] == schema:
            options.setdefault(row["question_key"], set()).add(row["value"])
    areas = {r["thematic_area"] for r in read_csv(seeds / "thematic_areas.csv")}
    rows = read_csv(seeds / "indicators.csv")
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        code = row["indicator_code"]
        problem = _problem(row, seen, questions, options, areas, schema)
        if not problem and row["catalogue_code"] not in catalogues:
            problem = f"catalogue_code {row['catalogue_code']!r} is not in catalogues.csv"
        if not problem and row["cycle_question_keys"]:
            question_cycle = catalogues[row["catalogue_code"]]["question_cycle_code"]
            problem = _cycle_keys_problem(row, question_cycle, reference_keys)
        if problem:
            raise RegistryError(f"{seeds / 'indicators.csv'}, line {line}, indicator {code}: {problem}")
        seen.add(code)
    return len(rows)


def _problem(row, seen, questions, options, areas, schema) -> str | None:
    code, rule, source = row["indicator_code"], row["rule"], row["source"]
    split = lambda column: [v for v in (row[column] or "").split("|") if v]  # noqa: E731
    if code in seen:
        return "listed twice"
    if row["thematic_area"] not in areas or not code.startswith(row["thematic_area"].lower() + "_"):
        return f"thematic area {row['thematic_area']!r} unknown or not the code's prefix"
    if rule not in SOURCES.get(source, ()):
        return (
            f"rule {rule!r} is not a rule of source {source!r} ({', '.join(sorted(SOURCES.get(source, [])))})"
        )
    if source == "not_measured":
        return None if row["note"] else "a not_measured indicator needs its reason in note"
    if row["population"] not in POPULATIONS:
        return f"population {row['population']!r} is not one of {sorted(POPULATIONS)}"
    if row["value_kind"] not in VALUE_KINDS:
        return f"value_kind {row['value_kind']!r} is not one of {sorted(VALUE_KINDS)}"
    if row.get("polarity") not in POLARITIES:
        return f"polarity {row.get('polarity')!r} is not one of {sorted(POLARITIES)}"
    comparable = row.get("baseline_comparable")
    if comparable not in BASELINE_COMPARABLE:
        return f"baseline_comparable {comparable!r} is not one of {sorted(BASELINE_COMPARABLE)}"
    if source == "national_report":
        keys = split("nr4_question_keys")
        if not keys:
            return "nr4_question_keys is empty"
        for key in [*keys, *split("population_question_key")]:
            if key not in questions:
                return f"question {key!r} is not a question of {schema}"
        # any-of rules: a met value is an option of one of the keys; answer_all_in: of every key
        if rule == "answer_all_in":
            offered = set.intersection(*(options.get(k, set()) for k in keys))
        else:
            offered = set().union(*(options.get(k, set()) for k in keys))
        wanted = split("met_values") if rule in ("answer_in", "answer_all_in") else ["0"]
        missing = [v for v in wanted if v not in offered] or ([] if wanted else ["(none given)"])
        if missing:
            every = "every one of " if rule == "answer_all_in" else ""
            return f"met value(s) {missing} are not options of {every}{schema} {'|'.join(keys)}"
        population_key = row["population_question_key"]
        bad = [v for v in split("population_values") if v not in options.get(population_key, set())]
        if population_key and (bad or not split("population_values")):
            return f"population_values {bad or '(none)'} are not options of {schema} {population_key}"
    elif rule in RECORD_RULES:
        schemas = split("record_schema")
        if (
            not schemas
            or any(s not in RECORD_SCHEMAS for s in schemas)
            or (len(schemas) > 1 and rule != "has_record_all")
        ):
            return f"record_schema {row['record_schema']!r} is not one of {sorted(RECORD_SCHEMAS)}"
        if rule == "has_record_all" and not split("record_filter"):
            return "has_record_all needs the record_filter keys that must each be covered"
    elif rule == "report_filed" and row["record_filter"] not in ("cutoff", "deadline"):
        return "record_filter of report_filed must be 'cutoff' or 'deadline'"
    elif rule == "treaty_party" and not row["record_filter"]:
        return "record_filter of treaty_party must name a treaty code (e.g. XXVII8c)"
    return None


def _cycle_keys_problem(row, cycle_code: str, reference_keys: dict[tuple[str, str], set[str]]) -> str | None:
    """``cycle_question_keys`` (the keys the framework's documents cite, e.g. NR5 Q007) must map,
    through the composed crosswalk of the registry's mapping files, onto exactly ``nr4_question_keys``."""
    targets: set[str] = set()
    for key in row["cycle_question_keys"].split("|"):
        mapped = reference_keys.get((cycle_code, key))
        if not mapped:
            return f"{cycle_code} question {key!r} does not map to a {REFERENCE_CYCLE} question"
        targets |= mapped
    wanted = set(row["nr4_question_keys"].split("|"))
    if targets != wanted:
        return f"cycle_question_keys map to {sorted(targets)}, not to nr4_question_keys {sorted(wanted)}"
    return None

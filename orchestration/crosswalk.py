"""Compose the BCH cross-cycle question mappings into one crosswalk to the catalogue's cycle.

Each registry cycle names one mapping file (BCH format: newer key -> older key, optionally with a
``valueMapping`` of older answer values to newer option values) whose ``schema`` is an older
cycle. Those edges form a tree; the crosswalk follows the path from every cycle to the
reference cycle (the one whose keys the indicator catalogue uses), composing key and value maps
on the way. NR5 thus reaches NR4 keys through 5-4 and NR2 through 4-2, without a direct file.
Graph walking is clearer in Python than in recursive SQL; dbt reads the result as a source.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from orchestration.registry import Cycle, RegistryError, questionnaires, read_csv, seeds_dir

REFERENCE_CYCLE = "nr4"  # the indicator catalogue names questions by their 4th-report keys
ANSWER_VALUE_EXCEPTIONS = "answer_value_exceptions.csv"
ANSWER_VALUE_EXCEPTION_COLUMNS = ("cycle_code", "question_key", "answer_value", "reference_value", "reason")


@dataclass(frozen=True)
class Edge:
    """One mapping file: ``keys[newer_key] = (older_key, {older_value: newer_value})``."""

    newer: str
    older: str
    file: str
    keys: dict[str, tuple[str, dict[str, str]]]


# question key in one cycle -> (key in another cycle, value translation)
KeyMap = dict[str, list[tuple[str, dict[str, str]]]]


def load_edges(dbt_project_dir: Path, cycles: list[Cycle]) -> list[Edge]:
    """Read and check every registry mapping file (``mapping_file`` may list several, ``|``-separated).

    A key unknown to its questionnaire is an error naming the file and key, unless
    ``seeds/mapping_exceptions.csv`` lists it as a known exception.
    A ``valueMapping`` target that is not an option of the newer question is an error too: a typo
    there would silently turn every mapped baseline answer into "not answered".
    """
    by_schema = {c.bch_schema: c for c in cycles}
    questions = questionnaires(dbt_project_dir)
    options = _options(dbt_project_dir)
    exceptions = _known_exceptions(dbt_project_dir)
    edges = []
    for cycle in cycles:
        for name in (cycle.mapping_file or "").split("|"):
            if name:
                path = Path(dbt_project_dir) / "mappings" / name
                edges.append(_load_edge(path, cycle, by_schema, questions, options, exceptions))
    return edges


def _load_edge(
    path: Path,
    cycle: Cycle,
    by_schema: dict[str, Cycle],
    questions: dict[str, list[str]],
    options: dict[tuple[str, str], dict[str, str]],
    exceptions: set[tuple[str, str]],
) -> Edge:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise RegistryError(
            f"report_cycles.csv: cycle {cycle.cycle_code} names mapping file {path}, which does not exist"
        ) from None
    except ValueError as exc:
        raise RegistryError(f"{path}: not valid JSON ({exc})") from None
    older = by_schema.get(data.get("schema"))
    if older is None:
        raise RegistryError(
            f'{path}: "schema" {data.get("schema")!r} is not the bch_schema of a registry cycle'
        )
    keys = {}
    for newer_key, target in data.items():
        if newer_key == "schema" or (path.name, newer_key) in exceptions:
            continue
        older_key, values = (
            (target, {})
            if isinstance(target, str)
            else (target.get("question"), target.get("valueMapping") or {})
        )
        if newer_key not in questions.get(cycle.bch_schema, ()):
            raise RegistryError(
                f"{path}: key {newer_key!r} is not a question of {cycle.bch_schema} "
                "(fix the file, or list it in seeds/mapping_exceptions.csv)"
            )
        if older_key not in questions.get(older.bch_schema, ()):
            raise RegistryError(
                f"{path}: {newer_key} maps to {older_key!r}, which is not a question of {older.bch_schema}"
            )
        offered = options.get((cycle.bch_schema, newer_key))
        wrong = sorted(v for v in values.values() if offered and v not in offered)
        if wrong:
            raise RegistryError(
                f"{path}: {newer_key} valueMapping target(s) {wrong} are not options of {cycle.bch_schema} "
                f"{newer_key} ({', '.join(offered)})"
            )
        keys[newer_key] = (older_key, dict(values))
    return Edge(cycle.cycle_code, older.cycle_code, path.name, keys)


def crosswalk_rows(
    cycles: list[Cycle], edges: list[Edge], questions: dict[str, list[str]], reference: str = REFERENCE_CYCLE
) -> Iterable[dict]:
    """Rows (cycle, question, reference question, via, value translation) for every cycle."""
    schema_of = {c.cycle_code: c.bch_schema for c in cycles}
    if reference not in schema_of:
        raise RegistryError(f"the indicator catalogue's reference cycle {reference} is not in the registry")
    for cycle in cycles:
        path = _path(cycle.cycle_code, reference, edges)
        if path is None:
            continue  # no mapping chain: the cycle's questions cannot be compared
        keymap: KeyMap = {k: [(k, {})] for k in questions.get(schema_of[cycle.cycle_code], [])}
        for edge, upward in path:
            keymap = _compose(keymap, _step(edge, upward))
        via = " > ".join(edge.file for edge, _ in path) or None
        for key, targets in keymap.items():
            for reference_key, values in targets:
                yield {
                    "cycle_code": cycle.cycle_code,
                    "question_key": key,
                    "reference_question_key": reference_key,
                    "via_mapping_files": via,
                    "value_map": json.dumps(values, sort_keys=True) if values else None,
                }


def build_crosswalk(dbt_project_dir: Path, cycles: list[Cycle]) -> list[dict]:
    """The checked crosswalk: composed mappings, with every lost answer value translated or listed."""
    rows = list(crosswalk_rows(cycles, load_edges(dbt_project_dir, cycles), questionnaires(dbt_project_dir)))
    return apply_answer_value_exceptions(rows, cycles, dbt_project_dir)


def apply_answer_value_exceptions(rows: list[dict], cycles: list[Cycle], dbt_project_dir: Path) -> list[dict]:
    """Account for every answer option that the composed value maps cannot carry to the reference.

    The BCH analyzer drops an older answer whose translated code is not an option of the newer
    question; each such drop removes a Party from a denominator without a word. Here every option
    of every cycle's question (``bch_question_options``) that reaches a reference question with
    options must land on a reference option, or be listed in ``seeds/answer_value_exceptions.csv``:
    with a ``reference_value`` (our translation, added to the row's ``value_map`` so dbt applies
    it) or without one (a known loss: not counted, as the analyzer does). An unlisted loss, a
    translation to a code that is not a reference option, and a row that no longer matches a loss
    are errors naming the file, the cycle, the question and the value. Free-text and number
    questions have no options and are exempt.
    """
    path = seeds_dir(dbt_project_dir) / ANSWER_VALUE_EXCEPTIONS
    exceptions = _answer_value_exceptions(path)
    schema_of = {c.cycle_code: c.bch_schema for c in cycles}
    options = _options(dbt_project_dir)
    reference_schema = schema_of[REFERENCE_CYCLE]
    used: set[tuple[str, str, str]] = set()
    out = []
    for row in rows:
        cycle, key, reference_key = row["cycle_code"], row["question_key"], row["reference_question_key"]
        reference_options = options.get((reference_schema, reference_key))
        if cycle == REFERENCE_CYCLE or not reference_options:
            out.append(row)
            continue
        values = json.loads(row["value_map"]) if row["value_map"] else {}
        for value, title in options.get((schema_of[cycle], key), {}).items():
            listed = exceptions.get((cycle, key, value))
            translated = values.get(value, value)
            if translated in reference_options:
                continue  # carried already; a row listing it is stale (reported below)
            where = f"{path}: cycle {cycle} question {key} value {value!r} ({title!r})"
            if listed is None:
                raise RegistryError(
                    f"{where} reaches {reference_key} as {translated!r}, which is not an option of "
                    f"{reference_schema} {reference_key} ({', '.join(reference_options)}): map it "
                    "(reference_value) or list it as a known loss (empty reference_value) in "
                    f"seeds/{ANSWER_VALUE_EXCEPTIONS}"
                )
            if listed and listed not in reference_options:
                raise RegistryError(
                    f"{where}: reference_value {listed!r} is not an option of {reference_schema} "
                    f"{reference_key} ({', '.join(reference_options)})"
                )
            used.add((cycle, key, value))
            if listed:
                values[value] = listed
        out.append({**row, "value_map": json.dumps(values, sort_keys=True) if values else None})
    for line, (cycle, key, value) in enumerate(exceptions, start=2):
        if (cycle, key, value) not in used:
            raise RegistryError(
                f"{path}, line {line}: cycle {cycle} question {key} value {value!r} is not an option "
                "that the crosswalk loses (stale row, or a typo): remove or fix it"
            )
    return out


CROSSWALK_FILE = "question_crosswalk.json"  # one JSON object per line, read by dbt's source
CROSSWALK_COLUMNS = ("cycle_code", "question_key", "reference_question_key", "via_mapping_files", "value_map")


def write_crosswalk(dbt_project_dir: Path, cycles: list[Cycle], out_dir: Path) -> Path:
    """Validate the mappings and write the crosswalk for dbt (``CROSSWALK_FILE`` in ``out_dir``).

    Newline-delimited JSON: a few hundred rows that Python writes as they are, where Parquet took
    pyarrow, and pyarrow pandas (0.25 s of every refresh, issue 15)."""
    rows = build_crosswalk(dbt_project_dir, cycles)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / CROSSWALK_FILE
    tmp = target.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps({c: row[c] for c in CROSSWALK_COLUMNS}) + "\n" for row in rows))
    tmp.replace(target)
    return target


def _step(edge: Edge, upward: bool) -> KeyMap:
    """The key map of one edge, walked from older to newer (upward) or newer to older."""
    step: KeyMap = {}
    for newer_key, (older_key, values) in edge.keys.items():
        if upward:
            step.setdefault(older_key, []).append((newer_key, values))
        else:
            inverse = {new: old for old, new in values.items()}
            step.setdefault(newer_key, []).append((older_key, inverse))
    return step


def _compose(first: KeyMap, second: KeyMap) -> KeyMap:
    out: KeyMap = {}
    for key, targets in first.items():
        for middle, values1 in targets:
            for final, values2 in second.get(middle, []):
                combined = {
                    v: values2.get(values1.get(v, v), values1.get(v, v)) for v in {*values1, *values2}
                }
                out.setdefault(key, []).append((final, {k: v for k, v in combined.items() if k != v}))
    return out


def _path(start: str, goal: str, edges: list[Edge]) -> list[tuple[Edge, bool]] | None:
    """Edges from ``start`` to ``goal`` (breadth first); each flagged upward when walked older->newer."""
    frontier: list[tuple[str, list[tuple[Edge, bool]]]] = [(start, [])]
    seen = {start}
    while frontier:
        node, path = frontier.pop(0)
        if node == goal:
            return path
        for edge in edges:
            for here, there, upward in ((edge.newer, edge.older, False), (edge.older, edge.newer, True)):
                if here == node and there not in seen:
                    seen.add(there)
                    frontier.append((there, [*path, (edge, upward)]))
    return None


def _answer_value_exceptions(path: Path) -> dict[tuple[str, str, str], str]:
    """``(cycle_code, question_key, answer_value) -> reference_value`` ('' = known loss), in file order."""
    if not path.is_file():
        return {}
    rows = read_csv(path)
    if rows and tuple(rows[0]) != ANSWER_VALUE_EXCEPTION_COLUMNS:
        raise RegistryError(f"{path}: expected columns {', '.join(ANSWER_VALUE_EXCEPTION_COLUMNS)}")
    out: dict[tuple[str, str, str], str] = {}
    for line, row in enumerate(rows, start=2):
        key = (row["cycle_code"], row["question_key"], row["answer_value"])
        where = f"{path}, line {line}: cycle {key[0]} question {key[1]} value {key[2]!r}"
        if key in out:
            raise RegistryError(f"{where} is listed twice")
        if not (row["reason"] or "").strip():
            raise RegistryError(f"{where} has no reason")
        out[key] = row["reference_value"] or ""
    return out


def _options(dbt_project_dir: Path) -> dict[tuple[str, str], dict[str, str]]:
    """``(report_type, question_key) -> {option value: English label}`` from ``bch_question_options``."""
    options: dict[tuple[str, str], dict[str, str]] = {}
    for row in read_csv(seeds_dir(dbt_project_dir) / "bch_question_options.csv"):
        options.setdefault((row["report_type"], row["question_key"]), {})[row["value"]] = row["title_en"]
    return options


def _known_exceptions(dbt_project_dir: Path) -> set[tuple[str, str]]:
    path = seeds_dir(dbt_project_dir) / "mapping_exceptions.csv"
    return {(r["mapping_file"], r["question_key"]) for r in read_csv(path)} if path.is_file() else set()

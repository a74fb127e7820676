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

import pyarrow as pa
import pyarrow.parquet as pq

from orchestration.registry import Cycle, RegistryError, questionnaires, read_csv, seeds_dir

REFERENCE_CYCLE = "nr4"  # the indicator catalogue names questions by their 4th-report keys


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
    """
    by_schema = {c.bch_schema: c for c in cycles}
    questions = questionnaires(dbt_project_dir)
    exceptions = _known_exceptions(dbt_project_dir)
    edges = []
    for cycle in cycles:
        for name in (cycle.mapping_file or "").split("|"):
            if name:
                edges.append(
                    _load_edge(
                        Path(dbt_project_dir) / "mappings" / name, cycle, by_schema, questions, exceptions
                    )
                )
    return edges


def _load_edge(
    path: Path,
    cycle: Cycle,
    by_schema: dict[str, Cycle],
    questions: dict[str, list[str]],
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


def write_crosswalk(dbt_project_dir: Path, cycles: list[Cycle], out_dir: Path) -> Path:
    """Validate the mappings and write ``question_crosswalk.parquet`` for dbt."""
    rows = list(crosswalk_rows(cycles, load_edges(dbt_project_dir, cycles), questionnaires(dbt_project_dir)))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "question_crosswalk.parquet"
    tmp = target.with_suffix(".tmp")
    schema = pa.schema(
        [
            (name, pa.string())
            for name in (
                "cycle_code",
                "question_key",
                "reference_question_key",
                "via_mapping_files",
                "value_map",
            )
        ]
    )
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp)
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


def _known_exceptions(dbt_project_dir: Path) -> set[tuple[str, str]]:
    path = seeds_dir(dbt_project_dir) / "mapping_exceptions.csv"
    return {(r["mapping_file"], r["question_key"]) for r in read_csv(path)} if path.is_file() else set()

"""The quality gate as one call: every suite, the change check, and the Data Docs of both.

The refresh's checks stage sends this to the worker process (``orchestration/worker.py``) once,
rather than a call per suite: the suites share one DuckDB connection and one GX context, and the
Data Docs are rendered while the results are at hand, so publishing only copies them (issue 15:
seven steps and calls, each opening its own context, were 0.4 s more than the validations).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from expectations.changes import ChangeReport, detect_changes
from expectations.validate import SuiteResult, build_quality_site, quality_context, validate_warehouse


@dataclass(frozen=True)
class GateResult:
    suites: list[SuiteResult]  # one per suite of expectations/suites/, in their order
    changes: ChangeReport


def run_gate(
    build_db: Path,
    marts_db: Path,
    published_db: Path,
    max_count_change_pct: float,
    max_share_change_pp: float,
    gx_dir: Path,
    site_dir: Path,
) -> GateResult:
    """Validate a build (``build_db`` and its marts' file ``marts_db``) and compare it with
    ``published_db``; every result is kept in the GX project ``gx_dir`` and rendered to ``site_dir``."""
    context = quality_context(gx_dir)
    suites = validate_warehouse(build_db, marts_db, context=context)
    changes = detect_changes(marts_db, published_db, max_count_change_pct, max_share_change_pp, context)
    build_quality_site(gx_dir, site_dir, context)
    return GateResult(suites, changes)

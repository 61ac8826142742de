"""Run a compiled cohort on a site store: count, attrition, the internal patient list.

Execution is thin: the SQL comes from :mod:`oncorwd.cohort.compiler` for the store's engine
and runs through ``Store.query`` on one committed data version (latest by default; the result
says which). The patient list never leaves the site: the node keeps it to characterise or
extract; privacy filtering of the counts happens later, at the node, so every count here is
exact.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from oncorwd.cohort.compiler import CompiledCohort, compile_cohort
from oncorwd.cohort.model import CohortDefinition

if TYPE_CHECKING:
    from oncorwd.store import Store

__all__ = ["AttritionStep", "CohortResult", "count_cohort", "run_cohort"]


@dataclass(frozen=True, slots=True)
class AttritionStep:
    """Patients left after a step, and how many it removed (exact counts)."""

    step: str
    kind: str
    patients: int
    removed: int

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "kind": self.kind, "patients": self.patients,
                "removed": self.removed}


@dataclass(frozen=True)
class CohortResult:
    """What one run of a definition on one site store returns."""

    name: str
    engine: str
    data_version: int
    count: int
    rows: int
    attrition: tuple[AttritionStep, ...]
    members: pa.Table = field(repr=False)
    seconds: float = 0.0

    def patient_ids(self) -> set[str]:
        """The internal patient list (stays at the site)."""
        return set(self.members.column("patient_id").to_pylist())

    def as_dict(self, *, with_members: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name, "engine": self.engine, "data_version": self.data_version,
            "count": self.count, "rows": self.rows, "seconds": round(self.seconds, 4),
            "attrition": [a.as_dict() for a in self.attrition]}
        if with_members:
            out["members"] = self.members.to_pylist()
        return out


def _compiled(d: CohortDefinition | CompiledCohort) -> CompiledCohort:
    return d if isinstance(d, CompiledCohort) else compile_cohort(d)


def count_cohort(store: Store, d: CohortDefinition | CompiledCohort, *,
                 version: int | None = None) -> int:
    """Distinct patients in the cohort (the fast path: one aggregate query)."""
    sql = _compiled(d).sql(store.engine, "count")
    return int(store.query(sql, version=version).column("n")[0].as_py())


def attrition(store: Store, compiled: CompiledCohort, *, version: int | None = None
              ) -> tuple[AttritionStep, ...]:
    """Patients left after each step, in order (eligibility, index date, follow-up, rules)."""
    row = store.query(compiled.sql(store.engine, "attrition"), version=version).to_pylist()[0]
    out, before = [], None
    for i, step in enumerate(compiled.steps):
        n = int(row[f"n_{i}"])
        out.append(AttritionStep(step.name, step.kind, n, 0 if before is None else before - n))
        before = n
    return tuple(out)


def run_cohort(store: Store, d: CohortDefinition | CompiledCohort, *,
               version: int | None = None) -> CohortResult:
    """Count, attrition and members of ``d`` on ``store`` (one committed version)."""
    compiled = _compiled(d)
    info = store.version_info(version)
    start = time.perf_counter()
    members = store.query(compiled.sql(store.engine, "members"), version=info.version)
    members = members.sort_by([("patient_id", "ascending"), ("cancer_id", "ascending")])
    steps = attrition(store, compiled, version=info.version)
    count = len(set(members.column("patient_id").to_pylist()))
    return CohortResult(compiled.definition.name, store.engine, info.version, count,
                        members.num_rows, steps, members, time.perf_counter() - start)

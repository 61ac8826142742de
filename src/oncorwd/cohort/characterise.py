"""Characterisation ("Table 1") of a cohort, by subgroup, and standardised mean differences.

The engine selects the cohort's rows of the chosen variables (one query, ``members`` joined to
``cohort_variables``); the summaries are computed from that Arrow table at the site: n and % per
category (missing counted apart), median and IQR (linear interpolation, as
``percentile_cont``), mean and SD for numeric variables. Counts are exact: privacy filtering
is the site node's job.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlglot import exp

from oncorwd.cohort.catalog import variables
from oncorwd.cohort.compiler import CompiledCohort, compile_cohort
from oncorwd.cohort.model import CohortDefinition
from oncorwd.errors import CohortDefinitionError

if TYPE_CHECKING:
    from oncorwd.store import Store

__all__ = ["DEFAULT_VARIABLES", "Characterisation", "Summary", "characterise", "smd",
           "summarise"]

#: What Table 1 shows when the caller does not choose.
DEFAULT_VARIABLES = ("sex", "age_at_diagnosis", "age_group", "stage_group",
                     "metastatic_at_diagnosis", "ps_at_diagnosis", "smoking", "n_lines",
                     "surgery_any", "radiotherapy_any", "vital_status")

NUMERIC = ("integer", "decimal")


@dataclass(frozen=True, slots=True)
class Summary:
    """One variable in one group."""

    variable: str
    type: str
    n: int
    missing: int
    levels: dict[str, int] = field(default_factory=dict)
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    mean: float | None = None
    sd: float | None = None

    def pct(self, level: str) -> float:
        known = self.n - self.missing
        return 100.0 * self.levels.get(level, 0) / known if known else 0.0


@dataclass(frozen=True)
class Characterisation:
    """Table 1: per group (``"all"`` without ``by``), per variable."""

    name: str
    by: str | None
    groups: dict[str, dict[str, Summary]]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "by": self.by,
                "groups": {g: {v: asdict(s) for v, s in vs.items()}
                           for g, vs in self.groups.items()}}


def _rows_sql(compiled: CompiledCohort, names: list[str], engine: str) -> str:
    members = exp.Subquery(this=compiled.members.copy(),
                           alias=exp.TableAlias(this=exp.to_identifier("m")))
    select = (exp.select(*[exp.column(n, "v") for n in names])
              .from_(members)
              .join(exp.table_("cohort_variables", alias="v"),
                    on=exp.EQ(this=exp.column("cancer_id", "v"),
                              expression=exp.column("cancer_id", "m"))))
    from oncorwd.cohort.support import DIALECTS, check

    check(compiled.features, engine)
    return select.sql(dialect=DIALECTS[engine])


def summarise(column: pa.ChunkedArray | pa.Array, name: str, type_: str) -> Summary:
    """The summary of one variable's values."""
    n, missing = len(column), column.null_count
    if type_ in NUMERIC:
        values = pc.cast(pc.drop_null(column), pa.float64())
        if len(values) == 0:
            return Summary(name, type_, n, missing)
        q = pc.quantile(values, q=[0.25, 0.5, 0.75], interpolation="linear").to_pylist()
        sd = pc.stddev(values, ddof=1).as_py() if len(values) > 1 else None
        return Summary(name, type_, n, missing, median=q[1], q1=q[0], q3=q[2],
                       mean=pc.mean(values).as_py(), sd=sd)
    counts = pc.value_counts(pc.drop_null(pc.cast(column, pa.string()) if type_ == "boolean"
                                          else column))
    levels = {str(v["values"]).lower() if type_ == "boolean" else str(v["values"]):
              int(v["counts"]) for v in counts.to_pylist()}
    return Summary(name, type_, n, missing, levels=dict(sorted(levels.items())))


def characterise(store: Store, d: CohortDefinition | CompiledCohort,
                 names: list[str] | tuple[str, ...] = DEFAULT_VARIABLES, *,
                 by: str | None = None, version: int | None = None) -> Characterisation:
    """Table 1 of the cohort ``d`` on ``store`` (optionally by subgroup ``by``)."""
    compiled = d if isinstance(d, CompiledCohort) else compile_cohort(d)
    known = variables()
    for i, n in enumerate([*names, *([by] if by else [])]):
        if n not in known:
            raise CohortDefinitionError(f"unknown cohort variable {n!r} to characterise",
                                        path=f"$.variables[{i}]")
    wanted = list(dict.fromkeys([*names, *([by] if by else [])]))
    table = store.query(_rows_sql(compiled, wanted, store.engine), version=version)
    groups: dict[str, pa.Table] = {"all": table}
    if by is not None:
        keys = pc.cast(table.column(by), pa.string())
        groups = {str(g): table.filter(pc.equal(keys, g))
                  for g in sorted(set(pc.drop_null(keys).to_pylist()))}
    return Characterisation(compiled.definition.name, by, {
        g: {n: summarise(t.column(n), n, known[n].type) for n in names}
        for g, t in groups.items()})


def _smd_prop(p1: float, p2: float) -> float:
    var = (p1 * (1 - p1) + p2 * (1 - p2)) / 2
    return 0.0 if var == 0 else (p1 - p2) / math.sqrt(var)


def smd(a: Summary, b: Summary) -> float | None:
    """Standardised mean difference of one variable between two cohorts: Cohen's d with the
    pooled SD for numeric variables; for categorical ones, the largest absolute SMD of the
    per-level proportions (among known values)."""
    if a.type in NUMERIC:
        if a.mean is None or b.mean is None or a.sd is None or b.sd is None:
            return None
        pooled = math.sqrt((a.sd ** 2 + b.sd ** 2) / 2)
        return 0.0 if pooled == 0 else (a.mean - b.mean) / pooled
    levels = set(a.levels) | set(b.levels)
    if not levels or a.n == a.missing or b.n == b.missing:
        return None
    return max((_smd_prop(a.pct(lv) / 100, b.pct(lv) / 100) for lv in levels), key=abs)

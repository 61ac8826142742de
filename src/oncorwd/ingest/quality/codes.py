"""Value conformance of coded fields: every code against its code system.

The store is asked once for the distinct values of every coded field with their row counts (one
``UNION ALL`` query); :meth:`CodeSystem.validate_many` then checks each distinct code once, so a
table of millions of rows with a few hundred distinct codes costs almost nothing. The most
frequent unknown codes are the examples.
"""

from __future__ import annotations

from typing import Any

from oncorwd.dictionary.model import Entity, FieldDef
from oncorwd.ingest.quality.fields import assessed_fields, entities
from oncorwd.ingest.quality.kahn import EXAMPLES, make_result
from oncorwd.ingest.quality.sql import Runner, lit
from oncorwd.terminology import get_code_system

__all__ = ["code_results", "coded_fields"]


def coded_fields(runner: Runner) -> list[tuple[Entity, FieldDef]]:
    """Assessed ``code`` fields of the tables holding rows in this version."""
    return [(e, f) for e in entities() if runner.has_rows(e.name)
            for f in assessed_fields(e) if f.type == "code" and f.code_system]


def _distinct_sql(fields: list[tuple[Entity, FieldDef]]) -> str:
    parts = [
        f"SELECT {lit(e.name)} AS t, {lit(f.name)} AS f, CAST({f.name} AS VARCHAR) AS v, "
        f"COUNT(*) AS n FROM {e.name} WHERE {f.name} IS NOT NULL GROUP BY {f.name}"
        for e, f in fields
    ]
    return " UNION ALL ".join(parts)


def _result(e: Entity, f: FieldDef, values: list[tuple[str, int]]) -> dict[str, Any]:
    system = get_code_system(str(f.code_system))
    valid: list[bool] = (system.validate_many([v for v, _ in values]).tolist()
                         if values else [])
    bad = sorted(((v, n) for (v, n), ok in zip(values, valid, strict=True) if not ok),
                 key=lambda item: (-item[1], item[0]))
    return make_result(
        rule="code", category="conformance", subcategory="value", table=e.name,
        field=f.name, description=f"{f.name} is a known {f.code_system} code", threshold=0.0,
        checked=sum(n for _, n in values), failed=sum(n for _, n in bad),
        examples=[{"value": v, "rows": n} for v, n in bad[:EXAMPLES]])


def code_results(runner: Runner) -> list[dict[str, Any]]:
    """One ``code`` result per coded field (``n/a`` for empty tables and fields)."""
    fields = coded_fields(runner)
    found: dict[tuple[str, str], list[tuple[str, int]]] = {}
    if fields:
        for row in runner.rows(_distinct_sql(fields)):
            found.setdefault((row["t"], row["f"]), []).append((row["v"], int(row["n"])))
    return [_result(e, f, found.get((e.name, f.name), [])) for e, f in fields]

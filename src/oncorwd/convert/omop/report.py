"""The mapping-coverage report: per OMOP table and domain, rows mapped to a standard concept,
to a local concept, to 0; the most frequent unmapped source values; rows not representable."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import duckdb

from oncorwd.convert.omop import (
    condition_occurrence,
    death,
    drug_exposure,
    measurement,
    procedure_occurrence,
    specimen,
)
from oncorwd.terminology.omop_concepts import LOCAL_BASE

if TYPE_CHECKING:
    from oncorwd.convert.omop.vocabulary import ConceptMap

__all__ = ["MAIN_CONCEPT", "Coverage"]

#: table → (concept column, source value column) the coverage is measured on.
MAIN_CONCEPT = {
    "person": ("gender_concept_id", "gender_source_value"),
    "condition_occurrence": ("condition_concept_id", "condition_source_value"),
    "drug_exposure": ("drug_concept_id", "drug_source_value"),
    "procedure_occurrence": ("procedure_concept_id", "procedure_source_value"),
    "measurement": ("measurement_concept_id", "measurement_source_value"),
    "observation": ("observation_concept_id", "observation_source_value"),
    "specimen": ("specimen_concept_id", "specimen_source_value"),
    "episode": ("episode_object_concept_id", "episode_source_value"),
}
_UNREPRESENTED = (condition_occurrence, measurement, drug_exposure, procedure_occurrence,
                  specimen, death)
TOP = 20


class Coverage:
    """Accumulates coverage over chunks (every count is summed, nothing is kept per row)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.unmapped: dict[str, Counter[str]] = {}
        self.lost: Counter[tuple[str, str, str]] = Counter()

    def add_chunk(self, con: duckdb.DuckDBPyConnection) -> None:
        for table, (concept, source) in MAIN_CONCEPT.items():
            for dom, kind, n in con.execute(f"""
                    SELECT coalesce(d.domain_id, 'None'),
                           CASE WHEN t.{concept} = 0 THEN 'zero'
                                WHEN t.{concept} >= {LOCAL_BASE} THEN 'local'
                                ELSE 'standard' END, count(*)
                    FROM omop_{table} t LEFT JOIN concept_domain d
                      ON d.concept_id = t.{concept} GROUP BY ALL""").fetchall():
                self.counts[(table, dom, kind)] += int(n)
            for value, n in con.execute(
                    f"SELECT coalesce({source}, '(null)'), count(*) FROM omop_{table} "
                    f"WHERE {concept} = 0 GROUP BY ALL").fetchall():
                self.unmapped.setdefault(table, Counter())[value] += int(n)
        for module in _UNREPRESENTED:
            for omop, src, n, reason in con.execute(module.unrepresented_sql()).fetchall():
                if n:
                    self.lost[(omop, src, reason)] += int(n)

    def unrepresented(self) -> list[dict[str, Any]]:
        return [{"omop_table": o, "source_table": s, "reason": r, "rows": n}
                for (o, s, r), n in sorted(self.lost.items())]

    def as_dict(self, rows: dict[str, int], objectors: int, cm: ConceptMap) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        for (table, dom, kind), n in sorted(self.counts.items()):
            entry = tables.setdefault(table, {"rows": 0, "standard": 0, "local": 0, "zero": 0,
                                              "domains": {}})
            entry["rows"] += n
            entry[kind] += n
            d = entry["domains"].setdefault(dom, {"rows": 0, "standard": 0, "local": 0,
                                                  "zero": 0})
            d["rows"] += n
            d[kind] += n
        for table, counter in self.unmapped.items():
            tables.setdefault(table, {})["top_unmapped"] = [
                {"source_value": v, "rows": n} for v, n in counter.most_common(TOP)]
        status = Counter(v[2] for v in cm.rows.values())
        return {"tables": tables, "codes": dict(status), "objectors_excluded": objectors,
                "local_id_collisions": cm.collisions, "athena": cm.athena_used,
                "unrepresented": self.unrepresented(), "rows_written": rows}

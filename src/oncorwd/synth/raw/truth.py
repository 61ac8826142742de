"""The ground truth of a raw export's faults, accumulated chunk by chunk (``faults.json``).

Per OSIRIS table: ``input`` (source rows after ``where``, malformed lines excluded: they belong
to no table), ``filtered`` (left out by ``where``), ``quarantined`` per rule and ``loaded``
(``input - quarantined``). Per fault kind: the configured rate, the rows exposed to it and the
rows hit. And every affected source row: kind, rule, source, table, column, 1-based row number,
record key and the value written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from oncorwd.synth.raw.model import FaultRates

__all__ = ["KINDS", "RULES", "FaultLog"]

#: Row faults drawn exclusively, in this order, and the column fault tag each needs.
KINDS: tuple[tuple[str, str | None], ...] = (
    ("bad_date", "date"), ("missing_mandatory", None), ("unknown_drug_code", "drug"),
    ("invalid_icd10", "icd10"), ("duplicate", None), ("malformed_line", None))

#: The rule ingest quarantines each fault under (a column may override it, ``Col.rule``).
RULES = {"bad_date": "date_format", "missing_mandatory": "required",
         "unknown_drug_code": "unmapped_value", "invalid_icd10": "code",
         "duplicate": "duplicate_key", "malformed_line": "malformed_row",
         "death_before_birth": "chronology", "orphan": "reference", "cascade": "reference"}


@dataclass
class FaultLog:
    """Ground truth accumulated over chunks (see the module docstring)."""

    rates: FaultRates
    rows: dict[tuple[str, str, str, str, str], list[tuple[np.ndarray, pa.Array, pa.Array]]] = \
        field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    exposed: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    malformed: dict[str, int] = field(default_factory=dict)
    patients: dict[str, int] = field(default_factory=lambda: {"absent": 0, "dead": 0})

    def expose(self, kind: str, n: int) -> None:
        self.exposed[kind] = self.exposed.get(kind, 0) + n

    def count(self, kind: str, n: int) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n

    def add(self, kind: str, rule: str, source: str, table: str, column: str,
            rows: np.ndarray, keys: pa.Array, values: pa.Array | None = None) -> None:
        if len(rows):
            vals = pa.nulls(len(rows), pa.string()) if values is None else values
            self.rows.setdefault((kind, rule, source, table, column), []).append(
                (rows, keys.cast(pa.string()), vals.cast(pa.string())))

    def view(self, table: str, source: str, n_rows: int, n_filtered: int) -> None:
        v = self.views.setdefault(table, {"source": source, "rows": 0, "filtered": 0})
        v["rows"] += n_rows
        v["filtered"] += n_filtered

    def _entries(self) -> Iterable[dict[str, Any]]:
        for (kind, rule, source, table, column), parts in sorted(self.rows.items()):
            yield {"kind": kind, "rule": rule, "source": source, "table": table or None,
                   "column": column or None,
                   "rows": np.concatenate([p[0] for p in parts]).tolist(),
                   "keys": pa.concat_arrays([p[1] for p in parts]).to_pylist(),
                   "values": pa.concat_arrays([p[2] for p in parts]).to_pylist()}

    def truth(self) -> dict[str, Any]:
        """``faults`` (per kind), ``expected`` (per OSIRIS table) and ``rows`` (every affected
        source row) of ``faults.json``."""
        entries = list(self._entries())
        expected: dict[str, Any] = {}
        for table, v in sorted(self.views.items()):
            quarantined: dict[str, int] = {}
            for e in (e for e in entries if e["table"] == table):
                quarantined[e["rule"]] = quarantined.get(e["rule"], 0) + len(e["rows"])
            n_input = v["rows"] - v["filtered"]
            expected[table] = {"source": v["source"], "input": n_input, "filtered": v["filtered"],
                               "quarantined": dict(sorted(quarantined.items())),
                               "loaded": n_input - sum(quarantined.values())}
        faults: dict[str, Any] = {}
        for kind in [k for k, _ in KINDS] + ["death_before_birth", "orphan", "cascade"]:
            by_table: dict[str, int] = {}
            for e in (e for e in entries if e["kind"] == kind):
                by_table[e["table"] or ""] = by_table.get(e["table"] or "", 0) + len(e["rows"])
            faults[kind] = {"rule": RULES[kind], "rate": getattr(self.rates, kind, None),
                            "source_rows": self.counts.get(kind, 0),
                            "exposed_rows": self.exposed.get(kind, 0),
                            "by_table": dict(sorted(by_table.items()))}
        faults["orphan"]["absent_patients"] = self.patients["absent"]
        faults["death_before_birth"]["patients"] = self.patients["dead"]
        return {"faults": faults, "expected": expected, "malformed_rows": self.malformed,
                "rows": entries}

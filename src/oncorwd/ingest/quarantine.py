"""Quarantine and accounting: where every input row ends up, and why.

A **quarantine record** names one broken rule of one source row: the OSIRIS RWD ``table`` the
row was going to (null for a row that could not even be split into fields), the ``source``,
``file`` and 1-based data ``row`` it came from, the ``column`` (the source column when known,
else the field), the ``field``, the raw ``value``, the ``rule`` and a ``message``, and the
``step`` that found it. A row breaking several rules in one step has several records; it is
counted once.

**Accounting** per target table: ``input`` (source rows for that table, after its ``where``),
``loaded``, ``quarantined`` and ``merged`` (rows the derive step folded into another row, each
with a derive note). ``input == loaded + quarantined + merged`` is checked by :meth:`Accounting.
check` after every run (``merged`` is 0 unless derive merges duplicate primaries). Per source:
data rows read and malformed rows.

The error policy (:class:`OnError`, like sqlglot's ``ErrorLevel``): ``collect`` gathers every
record; ``fail_fast`` raises :class:`~oncorwd.errors.DataError` at the first one, naming file,
row, column, value and rule.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.errors import DataError, Problem

__all__ = [
    "PROVENANCE",
    "QUARANTINE_SCHEMA",
    "Accounting",
    "OnError",
    "Quarantine",
    "SourceAccount",
    "TableAccount",
]

#: Provenance columns every working row carries from its source to the load.
PROVENANCE = ("_source", "_file", "_row")

QUARANTINE_SCHEMA = pa.schema([
    ("table", pa.string()), ("source", pa.string()), ("file", pa.string()),
    ("row", pa.int64()), ("column", pa.string()), ("field", pa.string()),
    ("value", pa.string()), ("rule", pa.string()), ("message", pa.string()),
    ("step", pa.string()),
])


class OnError(enum.StrEnum):
    """What a problem in the data does to the run."""

    COLLECT = "collect"
    FAIL_FAST = "fail_fast"

    @classmethod
    def parse(cls, value: str | OnError) -> OnError:
        text = str(value).strip().lower().replace("-", "_")
        try:
            return cls(text)
        except ValueError:
            from oncorwd.errors import ConfigError

            raise ConfigError(f"unknown on_error policy {value!r}",
                              hint="use 'collect' or 'fail_fast' (CLI: fail-fast)") from None


def _text(values: pa.Array | pa.ChunkedArray | None, n: int) -> pa.Array:
    if values is None:
        return pa.nulls(n, pa.string())
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if pa.types.is_string(values.type) else pc.cast(values, pa.string())


def _constant(value: str | None, n: int) -> pa.Array:
    return pa.array([value] * n, pa.string()) if value is not None else pa.nulls(n, pa.string())


class Quarantine:
    """Records of every broken rule, as Arrow; raises at the first one under ``fail_fast``."""

    def __init__(self, on_error: OnError | str = OnError.COLLECT) -> None:
        self.on_error = OnError.parse(on_error)
        self._parts: list[pa.Table] = []

    def add(self, *, table: str | None, rows: pa.Table, rule: str, message: str | pa.Array,
            step: str, column: str | None = None, field: str | None = None,
            values: pa.Array | pa.ChunkedArray | None = None) -> None:
        """One record per row of ``rows`` (which carry the :data:`PROVENANCE` columns)."""
        n = rows.num_rows
        if n == 0:
            return
        record = pa.table({
            "table": _constant(table, n), "source": _text(rows.column("_source"), n),
            "file": _text(rows.column("_file"), n),
            "row": pc.cast(rows.column("_row").combine_chunks(), pa.int64()),
            "column": _constant(column or field, n), "field": _constant(field, n),
            "value": _text(values, n),
            "message": message if isinstance(message, pa.Array) else _constant(message, n),
            "rule": _constant(rule, n), "step": _constant(step, n),
        }).select(QUARANTINE_SCHEMA.names).cast(QUARANTINE_SCHEMA)
        self._parts.append(record)
        if self.on_error is OnError.FAIL_FAST:
            raise _first_error(record)

    def add_problem(self, problem: Problem, *, source: str, step: str) -> None:
        """A problem found outside a row table (a report fact that could not become a row)."""
        rows = pa.table({"_source": [source], "_file": [problem.file],
                         "_row": pa.array([problem.row], pa.int64())})
        value = None if problem.value is None else str(problem.value)
        self.add(table=problem.table or None, rows=rows, rule=problem.rule, message=problem.message,
                 step=step, field=problem.field, values=pa.array([value], pa.string()))

    def records(self) -> pa.Table:
        """Every record so far, in the order found."""
        if not self._parts:
            return QUARANTINE_SCHEMA.empty_table()
        return pa.concat_tables(self._parts).combine_chunks()

    def by_rule(self) -> dict[str, int]:
        """Number of records per rule, most frequent first."""
        counts: Counter[str] = Counter()
        for part in self._parts:
            counts[part.column("rule")[0].as_py()] += part.num_rows
        return dict(counts.most_common())

    def __len__(self) -> int:
        return sum(p.num_rows for p in self._parts)


def _first_error(record: pa.Table) -> DataError:
    r = record.slice(0, 1).to_pylist()[0]
    where = f"{r['file'] or r['source']}, row {r['row']}"
    if r["column"]:
        where += f", column {r['column']}"
    value = r["value"] if r["value"] is None or len(r["value"]) < 200 else r["value"][:200] + "…"
    return DataError(
        f"{where}: {r['message']} (rule {r['rule']}, value {value!r})",
        hint="fix the source row, or run with on_error=collect (CLI: --on-error collect) to "
             "quarantine bad rows and load the others",
        table=r["table"], file=r["file"], row=r["row"], column=r["column"],
        field=r["field"], value=r["value"], rule=r["rule"])


@dataclass
class TableAccount:
    """Where the input rows of one OSIRIS RWD table went."""

    table: str
    input: int = 0
    loaded: int = 0
    quarantined: int = 0
    merged: int = 0

    @property
    def balanced(self) -> bool:
        return self.input == self.loaded + self.quarantined + self.merged


@dataclass
class SourceAccount:
    """What was read from one source."""

    source: str
    format: str
    files: list[str] = field(default_factory=list)
    rows: int = 0
    malformed: int = 0
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Accounting:
    """Accounts of every target table and every source of one run."""

    tables: dict[str, TableAccount] = field(default_factory=dict)
    sources: dict[str, SourceAccount] = field(default_factory=dict)

    def table(self, name: str) -> TableAccount:
        return self.tables.setdefault(name, TableAccount(name))

    def quarantine(self, name: str, mask: np.ndarray | int) -> None:
        """Count rows of ``name`` leaving for quarantine (a mask or a number)."""
        n = int(mask) if isinstance(mask, int) else int(np.count_nonzero(mask))
        self.table(name).quarantined += n

    def check(self) -> None:
        """Every input row is loaded, quarantined or merged; raise if one got lost (a bug)."""
        lost = [a for a in self.tables.values() if not a.balanced]
        if lost:
            detail = "; ".join(f"{a.table}: input {a.input} != loaded {a.loaded} + quarantined "
                               f"{a.quarantined} + merged {a.merged}" for a in lost)
            raise AssertionError(f"ingest accounting does not balance: {detail}")

    def as_dict(self) -> dict[str, Any]:
        return {"tables": [asdict(a) for a in self.tables.values()],
                "sources": [asdict(s) for s in self.sources.values()]}

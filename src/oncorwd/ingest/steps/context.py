"""What the ingest steps share: the spec, the working tables, the quarantine, the accounts.

Working tables are Arrow tables keyed by OSIRIS RWD table name. Besides the table's columns
(strings until ``validate``, the store's types after) each row carries its provenance
(``_source``, ``_file``, ``_row``) and, for fields read from a source column, the raw source
value in ``_raw_<field>`` so quarantine records show what the file said. A step that finds bad
rows records them (:meth:`IngestContext.quarantine_rows`) and removes them
(:meth:`IngestContext.drop`), which keeps the accounts. Steps hand new tables over with
:meth:`IngestContext.keep`, which moves large ones to memory-mapped files
(:mod:`oncorwd.ingest.spill`) so a million-patient site fits in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.quarantine import Accounting, OnError, Quarantine
from oncorwd.ingest.spec import MappingSpec
from oncorwd.ingest.spill import Spill

if TYPE_CHECKING:
    from oncorwd.ingest.sources.base import SourceReader
    from oncorwd.store import VersionInfo

__all__ = ["RAW_PREFIX", "IngestContext", "ProgressCallback", "data_columns", "field_of"]

RAW_PREFIX = "_raw_"

#: ``progress(step, detail, done, total)``: called as steps advance (total None if unknown).
ProgressCallback = Callable[[str, str, int, "int | None"], None]

_PART_SUFFIXES = ("_year", "_month", "_day", "_time", "_precision")


def data_columns(table: pa.Table) -> list[str]:
    """The OSIRIS columns of a working table (without provenance and raw values)."""
    return [c for c in table.column_names if not c.startswith("_")]


def field_of(table: str, column: str) -> str:
    """The field a physical column belongs to (``birth_date_year`` → ``birth_date``)."""
    entity = load_dictionary().entity(table)
    names = {f.name for f in entity.fields}
    if column in names:
        return column
    for suffix in _PART_SUFFIXES:
        base = column.removesuffix(suffix)
        if base != column and base in names:
            return base
    return column


@dataclass
class IngestContext:
    """State of one ingest run, handed from step to step."""

    spec: MappingSpec
    on_error: OnError = OnError.COLLECT
    dry_run: bool = False
    store_url: str | None = None
    progress: ProgressCallback | None = None
    quarantine: Quarantine = field(init=False)
    accounting: Accounting = field(default_factory=Accounting)
    readers: dict[str, SourceReader] = field(default_factory=dict)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    updates: dict[str, list[pa.Table]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    derived: dict[str, int] = field(default_factory=dict)
    version: VersionInfo | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    spill: Spill = field(default_factory=lambda: Spill(None))

    def __post_init__(self) -> None:
        self.quarantine = Quarantine(self.on_error)

    def keep(self, table: str, data: pa.Table) -> None:
        """Hand over the new working table ``table``: large ones go to disk, memory-mapped
        back (:mod:`oncorwd.ingest.spill`); an unchanged table is kept as it is."""
        if self.tables.get(table) is data:
            return
        self.tables[table] = self.spill.table(table, data)

    def report(self, step: str, detail: str, done: int, total: int | None = None) -> None:
        if self.progress is not None:
            self.progress(step, detail, done, total)

    def source_column(self, table: str, field_name: str) -> str | None:
        """The source column a field is read from, when the spec says ``column``."""
        mapping = self.spec.tables.get(table)
        if mapping is None or field_name not in mapping.fields:
            return None
        return mapping.rule(field_name).column

    def raw_values(self, data: pa.Table, field_name: str) -> pa.ChunkedArray | None:
        name = RAW_PREFIX + field_name
        return data.column(name) if name in data.column_names else None

    def quarantine_rows(self, table: str, data: pa.Table, mask: np.ndarray, *, rule: str,
                        message: str | pa.Array, step: str, field_name: str | None = None,
                        values: pa.Array | pa.ChunkedArray | None = None) -> None:
        """Record rows ``mask`` of ``data`` (raw value of the field when known)."""
        if not mask.any():
            return
        selector = pa.array(mask)
        raw = self.raw_values(data, field_name) if field_name else None
        shown = raw if raw is not None else values
        column = self.source_column(table, field_name) if field_name else None
        if isinstance(message, pa.Array):
            message = message.filter(selector)
        self.quarantine.add(
            table=table, rows=data.filter(selector), rule=rule, message=message, step=step,
            column=column or field_name, field=field_name,
            values=None if shown is None else shown.filter(selector))

    def drop(self, table: str, data: pa.Table, bad: np.ndarray) -> pa.Table:
        """``data`` without rows ``bad`` (already recorded), counted as quarantined."""
        if not bad.any():
            return data
        self.accounting.quarantine(table, bad)
        return data.filter(pa.array(~bad))

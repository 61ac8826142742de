"""What became of every pivot row: the OSIRIS RWD rows it fed, or why it fed none.

The migration modules only *emit* OSIRIS RWD rows (naming the pivot rows they come from),
*reject* a pivot row (quarantine, with a rule), declare it *out of scope* (content OSIRIS RWD does
not hold), or *note* a value left out of a row that is still migrated. :meth:`Ledger.finish`
then, table by table in reference order (patient before cancer before the rest):

1. drops rows whose required reference (``patient_id``, a tumour event's ``cancer_id``) points to
   a row that was not migrated, and empties optional references that do;
2. builds the Arrow table of :func:`oncorwd.dictionary.arrow_schema` and runs
   :func:`oncorwd.dictionary.validate.prepare_batch` on it; rows it refuses are dropped with the
   validator's rule (a safety net: the mappers check codes and dates first);
3. settles each pivot row: *migrated* if any row it fed survived, else *out of scope* if declared
   so, else *quarantined*; so rows read = migrated + quarantined + out of scope, per file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from oncorwd.dictionary import arrow_schema, columns, load_dictionary
from oncorwd.dictionary.model import Entity
from oncorwd.dictionary.validate import prepare_batch
from oncorwd.errors import Problem, ValidationFailed
from oncorwd.ingest.sources.osiris_v1_io import PartialDate, PivotFile, PivotRow

__all__ = ["MIGRATED", "OUT_OF_SCOPE", "QUARANTINED", "FileAccount", "Ledger",
           "QuarantineRecord", "RowRejected"]

MIGRATED, QUARANTINED, OUT_OF_SCOPE = "migrated", "quarantined", "out_of_scope"
_CHUNK = 50  # prepare_batch lists at most 50 problems per (field, rule)
RowKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class QuarantineRecord:
    """A pivot row or value that was not migrated, and why.

    ``row`` is the 1-based data row (None: the whole file); ``row_dropped`` tells whether the row
    fed no OSIRIS RWD table at all (False: only this value was left out). ``rule`` is
    ``out_of_scope`` for content OSIRIS RWD does not hold.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    row_dropped: bool

    def as_problem(self) -> Problem:
        """The record as an :class:`oncorwd.errors.Problem` (warnings for kept rows)."""
        severity = "error" if self.row_dropped and self.rule != OUT_OF_SCOPE else "warning"
        return Problem(f"OSIRIS_pivot_{self.file}", self.row, self.column, self.value,
                       self.rule, self.message, file=f"OSIRIS_pivot_{self.file}.csv",
                       severity=severity)


@dataclass(frozen=True, slots=True)
class FileAccount:
    """Per pivot file: rows read and where they went (``tables``: rows feeding each table)."""

    file: str
    path: str | None
    rows_read: int
    blank_rows: int
    migrated: int
    quarantined: int
    out_of_scope: int
    tables: Mapping[str, int]
    columns_not_migrated: Mapping[str, str]

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.migrated + self.quarantined + self.out_of_scope


class RowRejected(Exception):
    """Raised by a mapper: this pivot row cannot be migrated (or is out of scope)."""

    def __init__(self, rule: str, message: str, *, column: str | None = None,
                 value: str | None = None, out_of_scope: bool = False) -> None:
        super().__init__(message)
        self.rule, self.message, self.column, self.value = rule, message, column, value
        self.state = OUT_OF_SCOPE if out_of_scope else QUARANTINED


@dataclass
class _Emitted:
    table: str
    values: dict[str, Any]
    sources: tuple[RowKey, ...]
    alive: bool = True


@dataclass
class _Note:
    key: RowKey
    column: str | None
    value: str | None
    rule: str
    message: str


@dataclass
class Ledger:
    """Collects emitted rows and decisions; :meth:`finish` settles them (see module doc)."""

    files: Mapping[str, PivotFile]
    site_id: str
    constants: Mapping[str, str]
    not_migrated: Mapping[str, Mapping[str, str]]
    _emitted: list[_Emitted] = field(default_factory=list)
    _notes: list[_Note] = field(default_factory=list)
    _explicit: dict[RowKey, tuple[str, _Note]] = field(default_factory=dict)
    _file_records: list[QuarantineRecord] = field(default_factory=list)

    def emit(self, table: str, values: dict[str, Any], *rows: PivotRow) -> None:
        """An OSIRIS RWD row (dates as :class:`PartialDate`) fed by ``rows``."""
        self._emitted.append(_Emitted(table, values, tuple(dict.fromkeys(r.key for r in rows))))

    def note(self, row: PivotRow, column: str | None, value: str | None, rule: str,
             message: str) -> None:
        """A value of ``row`` left out (or recoded) while the row itself may be migrated."""
        self._notes.append(_Note(row.key, column, value or None, rule, message))

    def reject(self, row: PivotRow, exc: RowRejected) -> None:
        """``row`` is quarantined (or out of scope); the first decision for a row wins."""
        note = _Note(row.key, exc.column, exc.value or None, exc.rule, exc.message)
        self._explicit.setdefault(row.key, (exc.state, note))

    def out_of_scope(self, row: PivotRow, message: str, column: str | None = None,
                     value: str | None = None) -> None:
        self.reject(row, RowRejected(OUT_OF_SCOPE, message, column=column, value=value,
                                     out_of_scope=True))

    def file_note(self, file: str, column: str | None, rule: str, message: str) -> None:
        self._file_records.append(QuarantineRecord(file, None, column, None, rule, message,
                                                   row_dropped=False))

    # -- settling ----------------------------------------------------------------------------

    def finish(self, table_names: Iterable[str] = ()) -> tuple[
            dict[str, pa.Table], list[QuarantineRecord], dict[str, FileAccount]]:
        """Settle everything (see the module doc): tables (``table_names`` at least, empty when
        nothing was emitted), quarantine records, and the accounting per pivot file."""
        tables: dict[str, pa.Table] = {}
        survivors: dict[str, set[str]] = {}
        names = set(table_names) | {e.table for e in self._emitted}
        for entity in _reference_order(names):
            rows = [e for e in self._emitted if e.table == entity.name and e.alive]
            self._check_references(entity, rows, survivors)
            self._deduplicate(entity, rows)
            tables[entity.name] = self._validated(entity, rows)
            survivors[entity.name] = {e.values[entity.key] for e in rows if e.alive}
        records, accounts = self._settle()
        return tables, records, accounts

    def _kill(self, row: _Emitted, field_name: str | None, value: Any, rule: str,
              message: str) -> None:
        row.alive = False
        for key in row.sources:
            self._notes.append(_Note(key, None, None if value is None else str(value), rule,
                                     f"OSIRIS RWD {row.table}.{field_name}: {message}"))

    def _check_references(self, entity: Entity, rows: list[_Emitted],
                          survivors: Mapping[str, set[str]]) -> None:
        for f in entity.fields:
            if not f.references:
                continue
            target = f.references.split(".", 1)[0]
            for row in rows:
                value = row.values.get(f.name)
                if not row.alive or value is None or value in survivors.get(target, set()):
                    continue
                if f.required:
                    self._kill(row, f.name, value, "reference", f"{target} {value} was not "
                               "migrated")
                else:
                    row.values[f.name] = None
                    for key in row.sources:
                        self._notes.append(_Note(key, None, str(value), "reference",
                                                 f"{target} {value} was not migrated; "
                                                 f"{entity.name}.{f.name} left empty"))

    def _deduplicate(self, entity: Entity, rows: list[_Emitted]) -> None:
        seen: set[str] = set()
        for row in rows:
            key = row.values[entity.key]
            if row.alive and key in seen:
                self._kill(row, entity.key, key, "duplicate_key", "record identifier "
                           "already migrated from another pivot row")
            seen.add(key)

    def _validated(self, entity: Entity, rows: list[_Emitted]) -> pa.Table:
        alive = [r for r in rows if r.alive]
        table = self._arrow(entity, alive)
        bad = _bad_rows(entity.name, table, self.site_id)
        for index, problems in bad.items():
            for p in problems:
                self._kill(alive[index], p.field, p.value, p.rule, p.message)
        return self._arrow(entity, [r for r in alive if r.alive]) if bad else table

    def _arrow(self, entity: Entity, rows: list[_Emitted]) -> pa.Table:
        schema = arrow_schema(entity)
        data: list[list[Any]] = []
        for column in columns(entity):
            if column.role in ("year", "month", "day"):
                parts = [r.values.get(column.field) for r in rows]
                data.append([getattr(d, column.role) if isinstance(d, PartialDate) else None
                             for d in parts])
            elif column.role != "value":
                data.append([None] * len(rows))
            elif column.name in self.constants:
                data.append([self.constants[column.name]] * len(rows))
            else:
                data.append([r.values.get(column.name) for r in rows])
        for row in rows:
            unknown = set(row.values) - {f.name for f in entity.fields}
            if unknown:
                raise AssertionError(f"{entity.name}: no field(s) {sorted(unknown)}")
        arrays = [pa.array(values, type=f.type) for values, f in zip(data, schema, strict=True)]
        return pa.Table.from_arrays(arrays, schema=schema)

    def _settle(self) -> tuple[list[QuarantineRecord], dict[str, FileAccount]]:
        fed: dict[RowKey, dict[str, int]] = {}
        for e in self._emitted:
            if e.alive:
                for key in e.sources:
                    fed.setdefault(key, {}).setdefault(e.table, 0)
                    fed[key][e.table] += 1
        states: dict[RowKey, str] = {}
        records = list(self._file_records)
        noted = {n.key for n in self._notes}
        for pivot in self.files.values():
            for row in pivot.rows:
                explicit = self._explicit.get(row.key)
                if row.key in fed:
                    states[row.key] = MIGRATED
                elif explicit is not None:
                    states[row.key] = explicit[0]
                    records.append(_record(explicit[1], dropped=True))
                else:
                    states[row.key] = QUARANTINED
                    if row.key not in noted:
                        records.append(_record(_Note(row.key, None, None, "not_migrated",
                                                     "no OSIRIS RWD row came from this row"),
                                               dropped=True))
        records += [_record(n, dropped=states.get(n.key) != MIGRATED) for n in self._notes]
        order = {name: i for i, name in enumerate(self.files)}
        records.sort(key=lambda r: (order.get(r.file, len(order)), r.row or 0))
        return records, {name: self._account(p, states, fed) for name, p in self.files.items()}

    def _account(self, pivot: PivotFile, states: Mapping[RowKey, str],
                 fed: Mapping[RowKey, Mapping[str, int]]) -> FileAccount:
        counts = {MIGRATED: 0, QUARANTINED: 0, OUT_OF_SCOPE: 0}
        tables: dict[str, int] = {}
        for row in pivot.rows:
            counts[states[row.key]] += 1
            for table in fed.get(row.key, {}):
                tables[table] = tables.get(table, 0) + 1
        return FileAccount(pivot.name, None if pivot.path is None else str(pivot.path),
                           len(pivot.rows), pivot.blank_rows, counts[MIGRATED],
                           counts[QUARANTINED], counts[OUT_OF_SCOPE], dict(sorted(tables.items())),
                           dict(self.not_migrated.get(pivot.name, {})))


def _record(note: _Note, *, dropped: bool) -> QuarantineRecord:
    file, row = note.key
    return QuarantineRecord(file, row, note.column, note.value, note.rule, note.message, dropped)


def _reference_order(names: Iterable[str]) -> list[Entity]:
    """Entities in an order where every referenced table comes first."""
    entities = {e.name: e for e in load_dictionary().entities}
    done: list[Entity] = []

    def visit(name: str) -> None:
        if any(e.name == name for e in done):
            return
        for f in entities[name].fields:
            if f.references and f.references.split(".", 1)[0] != name:
                visit(f.references.split(".", 1)[0])
        done.append(entities[name])

    for name in sorted(names):
        visit(name)
    return done


def _bad_rows(table_name: str, table: pa.Table, site_id: str) -> dict[int, list[Problem]]:
    """0-based row index -> problems ``prepare_batch`` finds (all of them, chunk by chunk)."""
    try:
        prepare_batch(table_name, table, site_id=site_id)
        return {}
    except ValidationFailed as first:
        if first.total == len(first.problems) or table.num_rows <= _CHUNK:
            return _by_row(first.problems, 0)
    bad: dict[int, list[Problem]] = {}
    for start in range(0, table.num_rows, _CHUNK):
        try:
            prepare_batch(table_name, table.slice(start, _CHUNK), site_id=site_id)
        except ValidationFailed as e:
            bad.update(_by_row(e.problems, start))
    return bad


def _by_row(problems: list[Problem], offset: int) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    for p in problems:
        if p.row is None:
            raise AssertionError(f"table-level problem: {p}")
        out.setdefault(offset + p.row - 1, []).append(p)
    return out

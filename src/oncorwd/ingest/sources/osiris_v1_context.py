"""The state one migration shares between its mappers, and the value readers they use.

Readers take a pivot row and a column and return an OSIRIS RWD value, or ``None``. A value that
cannot be read is *noted* on the ledger (the row is still migrated) unless the OSIRIS RWD field
needs it, in which case the reader raises :class:`RowRejected` and the row goes to quarantine.
The v1 "unknown" codes (``UMLS:C0439673``, ``UMLS:C1272460``) read as ``None`` without a note:
they are not errors.

Cross-file links (``TumorPathologyEvent_Ref``, ``Treatment_Ref``...) hold the ``Instance_Id`` of
another file's row *of the same patient*, so every lookup table is keyed by
``(Patient_Id, Instance_Id)``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from oncorwd.ingest.sources.osiris_v1_io import (
    Declarations,
    MapEntry,
    PartialDate,
    PivotFile,
    PivotRow,
    parse_date,
)
from oncorwd.ingest.sources.osiris_v1_ledger import Ledger, RowRejected
from oncorwd.terminology import get_code_system

__all__ = ["Context", "EventLink", "TreatmentLink"]

T = TypeVar("T")
Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class EventLink:
    """A TumorPathologyEvent row once placed: its cancer and, for relapses, its event row."""

    row: PivotRow
    cancer_id: str | None
    tumor_event_id: str | None


@dataclass(frozen=True, slots=True)
class TreatmentLink:
    """What Drug and ResponseEvaluation rows need from their Treatment row."""

    row: PivotRow
    kind: str | None
    start: PartialDate | None
    cancer_id: str | None
    clinical_trial: str | None


@dataclass
class Context:
    """One migration: declarations, pivot files, ledger and the links built so far."""

    decl: Declarations
    files: Mapping[str, PivotFile]
    ledger: Ledger
    anonymised_dates: bool = False
    today: dt.date = field(default_factory=dt.date.today)
    patients: set[str] = field(default_factory=set)
    events: dict[Key, EventLink] = field(default_factory=dict)
    treatments: dict[Key, TreatmentLink] = field(default_factory=dict)
    samples: dict[Key, str] = field(default_factory=dict)
    analyses: dict[Key, PivotRow] = field(default_factory=dict)
    _valid: dict[str, list[PivotRow]] = field(default_factory=dict)
    _counts: dict[str, Counter[Key]] = field(default_factory=dict)

    # -- rows --------------------------------------------------------------------------------

    def rows(self, name: str) -> list[PivotRow]:
        """Rows of a file that pass the checks every file shares (computed once per file)."""
        if name not in self._valid:
            self._valid[name] = [r for r in self.files[name].rows
                                 if self.attempt(r, self._check_row) is not None]
            self._check_unique(name)
        return self._valid[name]

    def each(self, name: str, mapper: Callable[[PivotRow], object]) -> None:
        """Run ``mapper`` on every valid row of a file; a :class:`RowRejected` quarantines."""
        for row in self.rows(name):
            self.attempt(row, mapper)

    def attempt(self, row: PivotRow, mapper: Callable[[PivotRow], T]) -> T | None:
        try:
            return mapper(row)
        except RowRejected as exc:
            self.ledger.reject(row, exc)
            return None

    def _check_row(self, row: PivotRow) -> bool:
        if row.extra:
            raise RowRejected("malformed_row", f"{len(row.extra)} cell(s) beyond the header: "
                              "a separator inside an unquoted value?", value=row.extra[0])
        if not self.decl.patient_id_pattern.fullmatch(row.patient_id):
            what = "no Patient_Id" if not row.patient_id else "Patient_Id is not an identifier"
            raise RowRejected("malformed_row", f"{what} (a comment line left in the export?)",
                              column="Patient_Id", value=row.patient_id)
        content = self.decl.files[row.file].content_columns
        if not any(row[c] for c in content):
            raise RowRejected("no_content", "the row carries no value to migrate")
        if row.file != "Patient" and row.patient_id not in self.patients:
            raise RowRejected("unknown_patient", f"patient {row.patient_id} is not in the "
                              "Patient file or was not migrated", column="Patient_Id",
                              value=row.patient_id)
        return True

    def _check_unique(self, name: str) -> None:
        unique = self.decl.files[name].unique
        if unique is None:
            return
        rows = self._valid[name]
        key: Callable[[PivotRow], object] = (
            (lambda r: r.patient_id) if unique == "patient" else (lambda r: self.key(r)))
        seen: set[object] = set()
        kept = []
        for row in rows:
            if key(row) in seen:
                self.ledger.reject(row, RowRejected(
                    "duplicate", f"a previous row has the same {unique} identifier",
                    column="Instance_Id" if unique == "instance" else "Patient_Id",
                    value=row.instance if unique == "instance" else row.patient_id))
            else:
                seen.add(key(row))
                kept.append(row)
        self._valid[name] = kept

    # -- identifiers and links ---------------------------------------------------------------

    def key(self, row: PivotRow, column: str = "Instance_Id") -> Key:
        return (row.patient_id, row[column])

    def record_id(self, row: PivotRow, prefix: str) -> str:
        """``<patient>-<prefix><Instance_Id>``; the data-row number when the instance is empty
        or repeated for the patient in this file (``<patient>-<prefix>-r<row>``)."""
        counts = self._instance_counts(row.file)
        if row.instance and counts[self.key(row)] == 1:
            return f"{row.patient_id}-{prefix}{row.instance}"
        return f"{row.patient_id}-{prefix}-r{row.number}"

    def _instance_counts(self, name: str) -> Counter[Key]:
        if name not in self._counts:
            self._counts[name] = Counter(self.key(r) for r in self.files[name].rows)
        return self._counts[name]

    def linked(self, row: PivotRow, column: str, table: Mapping[Key, T],
               what: str) -> T | None:
        """The row another file's ``column`` points to; a dangling link is noted."""
        if not row[column] or self.decl.is_unknown(row[column]):
            return None
        found = table.get(self.key(row, column))
        if found is None:
            self.ledger.note(row, column, row[column], "unknown_reference",
                             f"no migrated {what} {row[column]} for patient {row.patient_id}")
        return found

    def cancer_of_event(self, row: PivotRow, column: str = "TumorPathologyEvent_Ref"
                        ) -> str | None:
        link = self.linked(row, column, self.events, "TumorPathologyEvent")
        return None if link is None else link.cancer_id

    # -- values --------------------------------------------------------------------------------

    def text(self, row: PivotRow, column: str) -> str | None:
        value = row[column]
        return None if not value or self.decl.is_unknown(value) else value

    def _fail(self, row: PivotRow, column: str, rule: str, message: str, required: bool,
              ) -> None:
        if required:
            raise RowRejected(rule, message, column=column, value=row[column])
        self.ledger.note(row, column, row[column], rule, message)

    def _missing(self, row: PivotRow, column: str, required: bool) -> None:
        if required:
            raise RowRejected("required", f"{column} is empty and OSIRIS RWD needs it",
                              column=column, value=row[column])

    def date(self, row: PivotRow, column: str, *, required: bool = False
             ) -> PartialDate | None:
        raw = self.text(row, column)
        if raw is None:
            self._missing(row, column, required)
            return None
        try:
            return parse_date(raw, self.decl, self.today)
        except ValueError as exc:
            rule = "future_date" if "after today" in str(exc) else "date"
            self._fail(row, column, rule, f"{raw!r}: {exc}", required)
            return None

    def quiet_date(self, text: str) -> PartialDate | None:
        """A date read again where its column was already checked (no second note)."""
        try:
            return parse_date(text, self.decl, self.today) if text else None
        except ValueError:
            return None

    def mapped(self, row: PivotRow, column: str, domain: str, *, required: bool = False
               ) -> MapEntry | None:
        """The ``value_maps.csv`` entry of a coded cell (``entry.rwd`` is the OSIRIS RWD value)."""
        raw = row[column]
        entry = self.decl.maps.lookup(domain, raw) if raw else None
        if entry is None:
            if not raw or self.decl.is_unknown(raw):
                self._missing(row, column, required)
            else:
                self._fail(row, column, "unknown_code",
                           f"{raw!r} is not in the OSIRIS v1 {domain} list", required)
            return None
        if required and entry.rwd is None and entry.rule != "out_of_scope":
            raise RowRejected(entry.rule or "required", entry.note or f"{column} is unknown "
                              "and OSIRIS RWD needs it", column=column, value=raw)
        if entry.rule in ("recoded", "no_equivalent"):
            self.ledger.note(row, column, raw, entry.rule, entry.note)
        return entry

    def value(self, row: PivotRow, column: str, domain: str, *, required: bool = False
              ) -> str | None:
        entry = self.mapped(row, column, domain, required=required)
        return None if entry is None else entry.rwd

    def code(self, row: PivotRow, column: str, system: str, *, required: bool = False
             ) -> str | None:
        """A code of an oncorwd code system, normalised; an ICD-O-3 topography heading (``C34``)
        becomes its "NOS" site (``C34.9``) when the terminology has one."""
        raw = self.text(row, column)
        if raw is None:
            self._missing(row, column, required)
            return None
        codes = get_code_system(system)
        norm = codes.normalize(raw)
        if system == "icdo3_topography" and len(norm) == 3 and codes.validate(f"{norm}.9"):
            norm = f"{norm}.9"
        if not codes.validate(norm):
            self._fail(row, column, "unknown_code", f"{raw!r} is not a known {system} code",
                       required)
            return None
        return norm

    def drop(self, row: PivotRow, columns: tuple[str, ...], reason: str) -> None:
        """Note the non-empty ``columns`` of a migrated row as out of scope."""
        for column in columns:
            if self.text(row, column) is not None:
                self.ledger.note(row, column, row[column], "out_of_scope", reason)

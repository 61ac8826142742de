"""What every derive step shares: the connection, the parameters and the working-table names.

Steps talk to each other only through DuckDB temporary objects named here, so any step can be run
and tested on its own given the objects of the steps before it:

- ``dv_src_<entity>``: the site's input table conformed to the dictionary (every column present,
  typed), created by the ``inputs`` step;
- ``dv_<entity>``: the current derived version of an entity (cancer after merges and ordering,
  cancer-level tables with merged ids repointed and ``cancer_id`` attributed);
- ``dv_lk_*``: small lookup tables built from the terminology over the distinct codes present;
- ``dv_notes``: the derivation notes (what was merged or recomputed, and why).

Everything is TEMP, so a read-only store connection works and nothing leaks into the store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from oncorwd.ingest.derive.params import DeriveParams

__all__ = [
    "CANCER_LEVEL",
    "NOTES",
    "NOTES_SCHEMA",
    "DeriveContext",
    "DeriveStep",
    "cur",
    "lit",
    "src",
]

#: Cancer-level tables and the date that attributes a row without cancer_id to a cancer.
CANCER_LEVEL: dict[str, str] = {
    "tumor_event": "least(t.mention_date, t.diagnosis_date, t.metastasis_date)",
    "surgery": "t.procedure_date",
    "drug_administration": "t.administration_date",
    "radiotherapy": "t.start_date",
    "progression": "t.progression_date",
    "imaging": "CAST(t.exam_date AS DATE)",
    "sample": "t.sampling_date",
    "biomarker": "t.result_date",
}

NOTES = "dv_notes"
NOTES_SCHEMA = pa.schema([
    ("step", pa.string()), ("rule", pa.string()), ("patient_id", pa.string()),
    ("cancer_id", pa.string()), ("related_cancer_id", pa.string()), ("detail", pa.string()),
])

_SAFE = re.compile(r"[A-Za-z0-9_.+\- %/]*")


def src(entity: str) -> str:
    """Name of the conformed input view of ``entity``."""
    return f"dv_src_{entity}"


def cur(entity: str) -> str:
    """Name of the current derived version of ``entity``."""
    return f"dv_{entity}"


def lit(value: str) -> str:
    """A SQL string literal for a constant of the code (codes, value-set codes, labels).

    Only a restricted alphabet is accepted: derive SQL is built from dictionary names and
    constants, never from data values, and this makes that checkable.
    """
    if not _SAFE.fullmatch(value):
        raise ValueError(f"not a safe SQL constant: {value!r}")
    return "'" + value + "'"


@dataclass
class DeriveContext:
    """The state a step receives: connection, parameters, reference date and step timings."""

    con: duckdb.DuckDBPyConnection
    params: DeriveParams = field(default_factory=DeriveParams)
    reference_date: dt.date = field(default_factory=dt.date.today)
    timings: dict[str, float] = field(default_factory=dict)

    def sql(self, text: str) -> None:
        self.con.execute(text)

    def scalar(self, text: str) -> object:
        row = self.con.execute(text).fetchone()
        return None if row is None else row[0]

    def columns(self, name: str) -> dict[str, str]:
        """Column name -> DuckDB type of a table or view; empty if it does not exist."""
        try:
            rows = self.con.execute(f"DESCRIBE {name}").fetchall()
        except duckdb.CatalogException:
            return {}
        return {r[0]: r[1] for r in rows}

    def create_table(self, name: str, select: str) -> None:
        """(Re)create TEMP table ``name`` from ``select``, which may read ``name`` itself."""
        kind = self._kind(name)
        if kind is None:
            self.sql(f"CREATE TEMP TABLE {name} AS {select}")
            return
        self.sql(f"CREATE OR REPLACE TEMP TABLE {name}__new AS {select}")
        self.sql(f"DROP {kind} {name}")
        self.sql(f"ALTER TABLE {name}__new RENAME TO {name}")

    def create_view(self, name: str, select: str) -> None:
        kind = self._kind(name)
        if kind == "TABLE":
            self.sql(f"DROP TABLE {name}")
        self.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {select}")

    def load_arrow(self, name: str, table: pa.Table) -> None:
        """Copy a small Arrow table (a lookup) into TEMP table ``name``."""
        handle = f"{name}__arrow"
        self.con.register(handle, table)
        try:
            self.create_table(name, f"SELECT * FROM {handle}")
        finally:
            self.con.unregister(handle)

    def note(self, select: str) -> None:
        """Append notes: ``select`` yields step, rule, patient_id, cancer_id,
        related_cancer_id, detail."""
        self.sql(f"INSERT INTO {NOTES} {select}")

    def _kind(self, name: str) -> str | None:
        row = self.con.execute(
            "SELECT table_type FROM information_schema.tables "
            "WHERE table_catalog = 'temp' AND table_name = ?", [name]).fetchone()
        if row is None:
            return None
        return "VIEW" if row[0] == "VIEW" else "TABLE"


@dataclass(frozen=True, slots=True)
class DeriveStep:
    """One named step of the derive pipeline; ``doc`` is what it does and why."""

    name: str
    run: Callable[[DeriveContext], None]

    @property
    def doc(self) -> str:
        return (self.run.__doc__ or "").strip()

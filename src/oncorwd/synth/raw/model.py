"""The declarations a raw export shape is made of, the fault rates, and what an export returns.

A *shape* (``csv_dump``, ``excel_workbook``, ``postgres_warehouse``) is data, not a pipeline: a
list of :class:`SourceDecl`, one per exported file, sheet or warehouse table, each a list of
:class:`Col` saying how a raw column is rendered from the clean OSIRIS RWD tables and which
faults it may carry. :mod:`.frames` renders them, :mod:`.faults` corrupts them, and the shape's
module writes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from oncorwd.synth.spec import SiteSpec

__all__ = [
    "DEFAULT_RATES",
    "SHAPES",
    "Col",
    "ColKind",
    "FaultKind",
    "FaultRates",
    "RawExport",
    "Shape",
    "ShapeName",
    "SourceDecl",
]

ShapeName = Literal["csv_dump", "excel_workbook", "postgres_warehouse"]
SHAPES: tuple[ShapeName, ...] = ("csv_dump", "excel_workbook", "postgres_warehouse")

#: How a raw column is computed: ``text`` copies a field, ``date`` renders a partial date in
#: ``style``, ``label`` maps codes to local labels, ``number`` renders a decimal (``scale``
#: multiplies; decimal comma in text shapes), ``integer``, ``const`` a fixed value, ``code`` a
#: named transform of :mod:`.codes` (local drug codes, PMSI ICD-10, pre-2022 ATC, ``M0``/``M1``),
#: ``boolean`` a ``Y``/``N`` field as a SQL boolean.
ColKind = Literal["text", "date", "label", "number", "integer", "const", "code", "boolean"]

#: Faults a column can carry besides being blanked (``required`` columns).
FaultKind = Literal["date", "drug", "icd10", "death"]


class FaultRates(BaseModel):
    """Share of rows hit by each fault (0 switches a fault off).

    A row fault's rate applies to the rows of each source where it can happen (``bad_date`` to
    sources with a mandatory date, ``unknown_drug_code`` to drug sources...); ``orphan`` is a
    share of patients, ``death_before_birth`` a share of vital-status rows (drawn among the
    deceased), ``cancelled`` a share of administrations. Faults are exclusive: a row carries at
    most one, and only rows whose patient, cancer and sample are clean get one, so every
    quarantine has a single known reason.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    bad_date: float = Field(0.005, ge=0, le=0.2, description="unparseable mandatory date")
    unknown_drug_code: float = Field(0.005, ge=0, le=0.2,
                                     description="local drug code absent from the map")
    invalid_icd10: float = Field(0.003, ge=0, le=0.2, description="malformed ICD-10 code")
    duplicate: float = Field(0.003, ge=0, le=0.2, description="row exported twice")
    missing_mandatory: float = Field(0.005, ge=0, le=0.2, description="mandatory value empty")
    malformed_line: float = Field(0.0005, ge=0, le=0.05,
                                  description="CSV line with a wrong number of fields (csv_dump)")
    death_before_birth: float = Field(0.001, ge=0, le=0.05,
                                      description="death date before the birth date")
    orphan: float = Field(0.002, ge=0, le=0.2,
                          description="patients missing from the patient export: their other "
                                      "rows are orphans")
    cancelled: float = Field(0.01, ge=0, le=0.5,
                             description="not a fault: cancelled administrations the spec's "
                                         "`where` filters out (csv_dump)")

    @classmethod
    def none(cls) -> FaultRates:
        """Clean exports: every rate 0."""
        return cls(**{name: 0.0 for name in cls.model_fields})


#: The default rates (a frozen model: safe as a default argument).
DEFAULT_RATES = FaultRates()


@dataclass(frozen=True)
class Col:
    """One raw column. ``ref`` is ``field`` of the source's table or ``table.field`` of a table
    joined one-to-one by patient. ``table`` is the OSIRIS table the column feeds (default: the
    source's table); ``required`` columns may be blanked, ``fault`` ones get their fault."""

    name: str
    ref: str | None = None
    kind: ColKind = "text"
    style: str = ""
    labels: Mapping[str, str] | None = None
    scale: float = 1.0
    value: str | None = None
    required: bool = False
    fault: FaultKind | None = None
    rule: str | None = None
    table: str | None = None


@dataclass(frozen=True)
class SourceDecl:
    """One exported file, sheet or warehouse table.

    ``feeds`` lists the OSIRIS tables the mapping spec reads from it (default: ``table``);
    ``join`` the one-row-per-patient tables joined in; ``where`` = (column, kept value, filtered
    value) adds cancelled copies the spec's ``where`` drops; ``malformed`` allows broken CSV
    lines; ``id_column`` is the raw record identifier.
    """

    name: str
    file: str
    table: str
    columns: tuple[Col, ...]
    feeds: tuple[str, ...] = ()
    join: tuple[str, ...] = ()
    where: tuple[str, str, str] | None = None
    malformed: bool = False
    id_column: str | None = None

    @property
    def tables(self) -> tuple[str, ...]:
        return self.feeds or (self.table,)


@dataclass(frozen=True)
class Shape:
    """A raw export shape: its sources, whether cells are typed (Excel, SQL) or all text (CSV),
    and the patients it leaves out by design (``scope``: a predicate name of :mod:`.frames`)."""

    name: ShapeName
    sources: tuple[SourceDecl, ...]
    typed: bool
    scope: str | None = None


@dataclass
class RawExport:
    """What :func:`~oncorwd.synth.raw.write_raw_exports` wrote.

    ``root`` is ``<out_dir>/<shape>``: ``mapping.yaml`` (the example spec for this site),
    ``maps/`` (value-map CSVs), ``data/`` (the files; empty for the warehouse) and
    ``faults.json`` (the ground truth, also in ``faults``). ``paths`` maps each source name to
    its file (or ``schema.table``); ``env`` holds the variables the spec expects.
    """

    shape: ShapeName
    site: SiteSpec
    root: Path
    spec_path: Path
    faults_path: Path
    paths: dict[str, str] = field(default_factory=dict)
    faults: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def expected(self, table: str) -> dict[str, Any]:
        """The expected accounting of one OSIRIS table (input, filtered, loaded, quarantined)."""
        out: dict[str, Any] = self.faults["expected"][table]
        return out

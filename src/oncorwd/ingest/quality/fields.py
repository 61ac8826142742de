"""Which fields the report assesses, and how it names their status.

Every MDS field of every table is assessed, plus the technical ``source_type`` column where the
MDS makes it an item of that table (11.5, 12.4, 13.5, 15.5, 18.6, 19.6), with the status the
entity declares for it. Other technical columns (site, data version, source system, source
document) are set by the pipeline and not assessed.
"""

from __future__ import annotations

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.model import Entity, FieldDef

__all__ = [
    "ALIASES",
    "TARGET",
    "assessed_fields",
    "context",
    "entities",
    "expected_level",
    "present_column",
]

#: Alias of each joined table in :func:`context`.
ALIASES: dict[str, str] = {"patient": "p", "vital_status": "v", "cancer": "c"}

#: Completeness a field is held to, by expected level (percent filled).
TARGET: dict[str, float] = {"mandatory": 100.0, "guide_mandatory": 95.0, "required_in_row": 100.0}


def entities() -> tuple[Entity, ...]:
    """Every store table, in dictionary order (the derived cohort table last)."""
    return load_dictionary().entities


def assessed_fields(entity: Entity) -> list[FieldDef]:
    """The fields of ``entity`` the report assesses (see the module docstring)."""
    out = []
    for f in entity.fields:
        if not f.technical:
            out.append(f)
        elif f.name == "source_type" and entity.source_type_item:
            out.append(f.model_copy(update={"item": entity.source_type_item,
                                            "status": entity.source_type_status}))
    return out


def present_column(f: FieldDef) -> str:
    """The physical column whose non-null value means the field is filled (a partial date is
    filled when its year is known)."""
    return f"{f.name}_year" if f.type in ("date", "datetime") else f.name


def expected_level(f: FieldDef) -> str:
    """``mandatory`` (MDS M), ``guide_mandatory`` (optional in the MDS, mandatory in the
    implementation guide), ``required_in_row`` (a row is meaningless without it),
    ``computed`` (C) or ``optional``."""
    if f.status == "M":
        return "mandatory"
    if f.required_in_row:
        return "required_in_row"
    if f.guide_status == "M":
        return "guide_mandatory"
    return "computed" if f.status == "C" else "optional"


def context(table: str) -> str:
    """The FROM clause most checks of ``table`` share, so they run as one query: the table as
    ``x``, its patient as ``p``, the patient's vital status as ``v`` and, when rows name a
    cancer, that cancer as ``c`` (left joins on primary keys: one row per row of ``x``)."""
    names = {f.name for f in load_dictionary().entity(table).fields}
    source = f"{table} x"
    if "patient_id" in names:
        if table != "patient":
            source += " LEFT JOIN patient p ON p.patient_id = x.patient_id"
        if table != "vital_status":
            source += " LEFT JOIN vital_status v ON v.patient_id = x.patient_id"
    if "cancer_id" in names and table != "cancer":
        source += " LEFT JOIN cancer c ON c.cancer_id = x.cancer_id"
    return source

"""What the mCODE mapping carries, field by field, and a checker for the round trip
OSIRIS RWD -> mCODE -> OSIRIS RWD.

:data:`CARRIED` is the contract the property test holds the export and the import to (and the
table in ``docs/mcode.md``): every listed field comes back equal. Partial dates compare at their
precision (a day given with an unknown month is meaningless and not carried). Tables and fields
not listed are not exported (see the docs for why).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa

from oncorwd.dictionary import load_dictionary

__all__ = ["CARRIED", "NOT_CARRIED", "roundtrip_diff"]


def _fields(table: str) -> tuple[str, ...]:
    """Every field but the technical ones and ``source_type`` (the import sets it to 3,
    external structured source, as the dictionary asks of re-imported data)."""
    entity = load_dictionary().entity(table)
    return tuple(f.name for f in entity.fields if not f.technical and f.name != "source_type")


#: OSIRIS RWD table -> fields that survive export and import unchanged.
CARRIED: dict[str, tuple[str, ...]] = {
    name: _fields(name) for name in (
        "patient", "vital_status", "cancer", "tumor_event", "general_status", "surgery",
        "drug_administration", "radiotherapy", "progression", "sample", "biomarker",
        "comorbidity")
}

#: Tables the mCODE export does not carry, and why.
NOT_CARRIED: dict[str, str] = {
    "non_opposition": "consent is not clinical data; objecting patients are excluded",
    "risk_factor": "IARC risk factors have no mCODE profile (US Core social history differs)",
    "family_history": "FamilyMemberHistory is outside mCODE STU4's profiles",
    "imaging": "ImagingStudy is outside mCODE STU4's profiles",
    "observation": "site-defined key-value observations have no fixed code",
    "measure": "site-defined key-value measures have no fixed code",
    "cohort_variables": "derived at ingest; recomputed from the imported tables",
}


def _norm_date(row: dict[str, Any], stem: str) -> tuple[Any, ...]:
    year, month, day = (row.get(f"{stem}_{p}") for p in ("year", "month", "day"))
    if year is None:
        return (None, None, None)
    month = month if month not in (None, "UN") else "UN"
    day = day if month != "UN" and day not in (None, "UN") else "UN"
    return (year, month, day)


def _key_rows(table: pa.Table, name: str) -> dict[Any, dict[str, Any]]:
    key = load_dictionary().entity(name).key
    return {row[key]: row for row in table.to_pylist()}


def _comparable(row: dict[str, Any], name: str) -> dict[str, Any]:
    entity = load_dictionary().entity(name)
    out: dict[str, Any] = {}
    for f in entity.fields:
        if f.name not in CARRIED[name]:
            continue
        if f.type in ("date", "datetime"):
            out[f.name] = _norm_date(row, f.name)
        elif isinstance(row.get(f.name), float):
            out[f.name] = round(row[f.name], 6)
        else:
            out[f.name] = row.get(f.name)
    return out


def roundtrip_diff(original: Mapping[str, pa.Table], imported: Mapping[str, pa.Table],
                   *, skip_ids: Mapping[str, set[str]] | None = None) -> list[str]:
    """Differences on the carried fields (empty: the round trip holds). ``skip_ids`` are
    records the export reported as not representable."""
    diffs: list[str] = []
    for name in CARRIED:
        before = _key_rows(original.get(name, pa.table({})), name) if name in original else {}
        after = _key_rows(imported[name], name) if name in imported else {}
        for rid in (skip_ids or {}).get(name, set()):
            before.pop(rid, None)
        if before.keys() != after.keys():
            missing, extra = before.keys() - after.keys(), after.keys() - before.keys()
            diffs.append(f"{name}: missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}")
            continue
        for rid, row in before.items():
            a, b = _comparable(row, name), _comparable(after[rid], name)
            for f in a:
                if a[f] != b[f]:
                    diffs.append(f"{name} {rid} {f}: {a[f]!r} -> {b[f]!r}")
    return diffs

"""Hand-built OSIRIS RWD tables for the derive tests.

Rows are dicts of field values with dates written as text: ``"2020-03-14"``, ``"2020-03"``
(unknown day) or ``"2020"`` (unknown month), or as ``datetime.date``. Record ids, the site and
the mandatory fields a test does not care about are filled in; derived dates are computed with
the dictionary's imputation rule, and the batch is validated by ``prepare_batch`` unless
``validate=False`` (to feed data the store would refuse, e.g. a missing cancer_order).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.dates import impute
from oncorwd.dictionary.validate import prepare_batch
from oncorwd.terminology import biomarker_by_name, biomarker_of, get_code_system

SITE = "750000001"
REFERENCE = dt.date(2026, 1, 1)

_DEFAULTS: dict[str, dict[str, Any]] = {
    "patient": {"facility_finess": SITE, "sex": "F", "birth_date": "1960-01-01"},
    "non_opposition": {"information": "Y", "non_opposition": "Y"},
    "vital_status": {"vital_status": "0", "vital_status_source": "FACILITY",
                     "last_visit_date": "2024-06-01"},
    "cancer": {"care_in_facility": "Y", "diagnosis_method": "7", "topography": "C50.4",
               "morphology": "8500/3", "laterality": "L", "diagnosis_date": "2020-01-01"},
    "tumor_event": {"diagnosis_method": "7"},
    "surgery": {"in_facility": "IN"},
    "drug_administration": {"in_facility": "IN"},
    "radiotherapy": {"technique_code": "ZZNL050"},
    "progression": {"progression": "Y"},
    "imaging": {"modality": "CT", "source_type": "1"},
}


def day(start: str, offset: int) -> str:
    """``start`` + ``offset`` days, as text."""
    return (dt.date.fromisoformat(start) + dt.timedelta(days=offset)).isoformat()


def _split(value: Any) -> tuple[int | None, str | None, str | None, str | None]:
    if value is None:
        return None, None, None, None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    clock = None
    if " " in text:
        text, clock = text.split(" ")
    parts = text.split("-")
    month = parts[1] if len(parts) > 1 else "UN"
    return int(parts[0]), month, parts[2] if len(parts) > 2 else "UN", clock


def _biomarker_name(values: dict[str, Any]) -> str | None:
    """The catalogue name ingest would record: from the LOINC code, else the detail's gene."""
    found = biomarker_of(values["biomarker_code"]) if values.get("biomarker_code") else None
    if found is None and values.get("result_detail"):
        found = biomarker_by_name(str(values["result_detail"]).split()[0])
    return None if found is None else found.name


def _row(entity_name: str, row: dict[str, Any], i: int) -> dict[str, Any]:
    entity = load_dictionary().entity(entity_name)
    values = {**_DEFAULTS.get(entity_name, {}), "site_id": SITE, **row}
    if entity_name == "drug_administration" and "drug_name" not in values:
        values["drug_name"] = get_code_system("atc").label(values["atc_code"]) or "drug"
    if entity_name == "biomarker" and "biomarker_name" not in values:
        values["biomarker_name"] = _biomarker_name(values)
    values.setdefault(entity.key, f"{entity_name[:3].upper()}{i:05d}")
    out: dict[str, Any] = {}
    for f in entity.fields:
        if f.type in ("date", "datetime") and f.name in values:
            y, m, d, clock = _split(values[f.name])
            out |= {f"{f.name}_year": y, f"{f.name}_month": m, f"{f.name}_day": d}
            if f.type == "datetime":
                out[f"{f.name}_time"] = clock
        elif f.name in values:
            out[f.name] = values[f.name]
    return out


def table(entity_name: str, rows: list[dict[str, Any]], *, validate: bool = True) -> pa.Table:
    """One entity's table in its store schema, with derived dates."""
    schema = arrow_schema(load_dictionary().entity(entity_name))
    records = [_row(entity_name, r, i) for i, r in enumerate(rows)]
    raw = {f.name: pa.array([r.get(f.name) for r in records]).cast(f.type)
           if records else pa.array([], f.type) for f in schema}
    if validate:
        return prepare_batch(entity_name, pa.table(raw), site_id=SITE)
    entity = load_dictionary().entity(entity_name)
    for f in entity.fields:
        if f.type == "date":
            derived, precision = impute(*(raw[f"{f.name}_{p}"] for p in ("year", "month", "day")))
            raw[f.name], raw[f"{f.name}_precision"] = derived, precision
    return pa.Table.from_arrays([raw[f.name] for f in schema], schema=schema)


def tables(validate: bool = True, unvalidated: tuple[str, ...] = (),
           **rows: list[dict[str, Any]]) -> dict[str, pa.Table]:
    """Tables of the given entities (others absent: derive conforms them to empty views);
    the ``unvalidated`` ones skip ``prepare_batch``."""
    return {name: table(name, r, validate=validate and name not in unvalidated)
            for name, r in rows.items()}

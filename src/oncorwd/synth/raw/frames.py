"""Render one source of a raw export from a chunk of clean OSIRIS RWD tables, column-wise.

A *frame* is an Arrow table of the raw columns (strings in text shapes; dates, numbers and
booleans typed in Excel and SQL shapes) plus hidden columns starting with ``_`` that the fault
injection reads and the writers drop: ``_<key or reference field>`` (``_patient_id``,
``_cancer_id``, ``_sample_id``, ...) for every OSIRIS table the source feeds, and the patient's
birth date parts when the source has a date that a fault can put before birth.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary import load_dictionary
from oncorwd.errors import SynthError
from oncorwd.synth.arrow import constant
from oncorwd.synth.raw.codes import TRANSFORMS
from oncorwd.synth.raw.model import Col, SourceDecl

__all__ = ["AFTER_DEATH", "BIRTH", "DATED", "hidden_fields", "render_date", "render_source",
           "scope_patients"]

#: Hidden birth-date parts (year, month, day) added for ``death`` faults.
BIRTH = ("_birth_year", "_birth_month", "_birth_day")
#: Hidden flag: the row has at least one date (tables of :data:`AFTER_DEATH`).
DATED = "_dated"
#: Tables whose dated rows ingest refuses after the patient's death, and the rule it uses
#: (``chronology``: the store's rule; ``plausibility``: ingest's own).
AFTER_DEATH = {
    **{t: "chronology" for t in ("cancer", "tumor_event", "surgery", "drug_administration",
                                 "radiotherapy", "progression", "general_status", "biomarker")},
    **{t: "plausibility" for t in ("imaging", "measure", "observation")}}


def hidden_fields(table: str) -> list[str]:
    """The key and reference fields of an OSIRIS table (``patient_id``, ``cancer_id``...)."""
    entity = load_dictionary().entity(table)
    refs = [f.name for f in entity.fields if f.references]
    return list(dict.fromkeys([entity.key, *refs]))


def _join(parts: list[pa.Array], sep: str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def render_date(year: pa.Array, month: pa.Array, day: pa.Array, style: str,
                time: pa.Array | None = None) -> dict[str, pa.Array]:
    """A partial date (year, 'MM'/'UN', 'DD'/'UN') as the source system writes it.

    ``fr`` 'DD/MM/YYYY', '00/MM/YYYY', 'YYYY'; ``iso`` 'YYYY-MM-DD', 'YYYY-MM', 'YYYY';
    ``compact`` 'YYYYMMDD' (pharmacy feeds; full dates only); ``excel`` ISO text for full dates
    (the workbook writer turns it into a date cell), 'MM/YYYY' or 'YYYY' text otherwise;
    ``sql`` a DATE (unknown parts as 01) plus a ``_precision`` column D/M/Y (``sql_time``: a
    TIMESTAMP, precision T when the time is known). ``*_time`` styles
    add ' HH:MM' to full dates that have a time.
    """
    base = style.removesuffix("_time")
    y = pc.cast(year, pa.string())
    month_unknown = pc.fill_null(pc.equal(month, "UN"), False)
    day_unknown = pc.or_(month_unknown, pc.fill_null(pc.equal(day, "UN"), False))
    if base == "sql":
        return _sql_date(y, month, day, month_unknown, day_unknown, time if style != base else None)
    if base == "fr":
        full, dayless = _join([day, month, y], "/"), _join(["00", month, y], "/")
    elif base == "iso":
        full, dayless = _join([y, month, day], "-"), _join([y, month], "-")
    elif base == "compact":
        full, dayless = _join([y, month, day], ""), _join([y, month], "")
    elif base == "excel":
        full, dayless = _join([y, month, day], "-"), _join([month, y], "/")
    else:
        raise SynthError(f"unknown date style {style!r}")
    if time is not None and style != base:
        full = pc.if_else(pc.is_valid(time), _join([full, pc.fill_null(time, "")], " "), full)
    out = pc.if_else(month_unknown, y, pc.if_else(day_unknown, dayless, full))
    return {"": out}


def _sql_date(y: pa.Array, month: pa.Array, day: pa.Array, month_unknown: pa.Array,
              day_unknown: pa.Array, time: pa.Array | None) -> dict[str, pa.Array]:
    m = pc.if_else(month_unknown, "01", month)
    d = pc.if_else(day_unknown, "01", day)
    text = _join([y, m, d], "-")
    precision = pc.if_else(month_unknown, "Y", pc.if_else(day_unknown, "M", "D"))
    precision = pc.if_else(pc.is_valid(y), precision, pa.scalar(None, pa.string()))
    if time is None:
        value = pc.cast(pc.strptime(text, format="%Y-%m-%d", unit="s"), pa.date32())
    else:
        timed = pc.fill_null(pc.and_(pc.is_valid(time), pc.invert(day_unknown)), False)
        value = pc.strptime(_join([text, pc.if_else(timed, time, "00:00")], " "),
                            format="%Y-%m-%d %H:%M", unit="s")
        precision = pc.if_else(timed, "T", precision)
    return {"": value, "_precision": precision}


def _labels(values: pa.Array, labels: dict[str, str], name: str) -> pa.Array:
    keys = pa.array(list(labels), type=pa.string())
    out = pc.take(pa.array(list(labels.values()), type=pa.string()), pc.index_in(values, keys))
    if out.null_count != values.null_count:
        missing = set(pc.unique(values).to_pylist()) - set(labels) - {None}
        raise SynthError(f"column {name}: no local label for {sorted(missing)}", column=name)
    return out


def _number(values: pa.Array, col: Col, typed: bool) -> pa.Array:
    scaled = pc.round(pc.multiply(pc.cast(values, pa.float64()), col.scale), 6)
    if typed:
        return scaled
    text = pc.cast(scaled, pa.string())
    return pc.replace_substring(text, ".", ",") if col.style != "point" else text


def _column(col: Col, table: pa.Table, typed: bool,
            rng: np.random.Generator) -> dict[str, pa.Array]:
    if col.kind == "const":
        return {"": constant(col.value or "", table.num_rows)}
    assert col.ref is not None, col.name
    if col.kind == "date":
        time = table.column(f"{col.ref}_time").combine_chunks() \
            if f"{col.ref}_time" in table.column_names else None
        y, m, d = (table.column(f"{col.ref}_{p}").combine_chunks()
                   for p in ("year", "month", "day"))
        return render_date(y, m, d, col.style, time)
    values = table.column(col.ref).combine_chunks()
    if col.kind == "label":
        assert col.labels is not None
        return {"": _labels(values, dict(col.labels), col.name)}
    if col.kind == "number":
        return {"": _number(values, col, typed)}
    if col.kind == "integer":
        return {"": values if typed else pc.cast(values, pa.string())}
    if col.kind == "boolean":
        return {"": pc.equal(values, "Y")}
    if col.kind == "code":
        return {"": TRANSFORMS[col.style](values, table, rng)}
    text = pc.cast(values, pa.string())
    if col.style == "upper":
        text = pc.utf8_upper(text)
    return {"": text}


def _joined(source: SourceDecl, tables: dict[str, pa.Table], death: bool) -> pa.Table:
    """The source's table with the columns of one-row-per-patient tables as ``table.field``."""
    base = tables[source.table]
    joins = list(source.join) + (["patient"] if death and "patient" not in source.join else [])
    for name in joins:
        other = tables[name]
        idx = pc.index_in(base.column("patient_id"), other.column("patient_id"))
        for field_name in other.column_names:
            base = base.append_column(f"{name}.{field_name}",
                                      pc.take(other.column(field_name), idx))
    return base


def render_source(source: SourceDecl, tables: dict[str, pa.Table], typed: bool,
                  rng: np.random.Generator) -> pa.Table:
    """The raw frame of ``source`` (raw columns in declaration order, then hidden columns)."""
    death = any(c.fault == "death" for c in source.columns)
    table = _joined(source, tables, death)
    names: list[str] = []
    arrays: list[pa.Array] = []
    for col in source.columns:
        for suffix, array in _column(col, table, typed, rng).items():
            names.append(col.name + suffix)
            arrays.append(array)
    for table_name in source.tables:
        for f in hidden_fields(table_name):
            if f"_{f}" not in names:
                names.append(f"_{f}")
                arrays.append(table.column(f).combine_chunks())
    if death:
        for hidden, part in zip(BIRTH, ("year", "month", "day"), strict=True):
            names.append(hidden)
            arrays.append(table.column(f"patient.birth_date_{part}").combine_chunks())
    if source.table in AFTER_DEATH:
        names.append(DATED)
        arrays.append(_dated(source.table, table))
    return pa.Table.from_arrays(arrays, names=names)


def _dated(name: str, table: pa.Table) -> pa.Array:
    dates = [f.name for f in load_dictionary().entity(name).fields
             if f.type in ("date", "datetime")]
    out = pa.array(np.zeros(table.num_rows, dtype=bool))
    for f in dates:
        out = pc.or_(out, pc.is_valid(table.column(f"{f}_year")))
    return out


def scope_patients(scope: str, tables: dict[str, pa.Table]) -> pa.Array:
    """Patients a shape leaves out by design. ``no_lymphoma``: the tumour-board extract of
    ``excel_workbook`` has no patient with a lymphoma (topography C77: PMSI ICD-10 has no
    code that maps back to a lymph-node topography)."""
    if scope != "no_lymphoma":
        raise SynthError(f"unknown export scope {scope!r}")
    cancer = tables["cancer"]
    lymph = pc.starts_with(cancer.column("topography"), "C77")
    return pc.unique(cancer.column("patient_id").filter(lymph).combine_chunks())

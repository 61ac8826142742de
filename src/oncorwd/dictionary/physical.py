"""From declared fields to physical columns and engine types.

A partial date (``type: date``) becomes five columns: ``<name>_year`` (smallint),
``<name>_month`` and ``<name>_day`` (two characters, ``UN`` when unknown), the derived
``<name>`` (a real DATE, imputed by :mod:`oncorwd.dictionary.dates`) and ``<name>_precision``
(``D``, ``M`` or ``Y``). A ``datetime`` adds ``<name>_time`` (``HH:MM``) and its derived value is
a TIMESTAMP. Engine differences are data (:data:`ENGINE_TYPES`), not code.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa

from oncorwd.dictionary.model import Column, Entity, FieldDef, LogicalType

__all__ = ["ENGINES", "ENGINE_TYPES", "arrow_schema", "columns", "engine_type"]

ENGINES = ("duckdb", "postgres", "spark")

ENGINE_TYPES: dict[str, dict[LogicalType, str]] = {
    "duckdb": {
        "string": "VARCHAR", "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT",
        "double": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP",
    },
    "postgres": {
        "string": "TEXT", "smallint": "SMALLINT", "integer": "INTEGER", "bigint": "BIGINT",
        "double": "DOUBLE PRECISION", "boolean": "BOOLEAN", "date": "DATE",
        "timestamp": "TIMESTAMP",
    },
    "spark": {
        "string": "STRING", "smallint": "SMALLINT", "integer": "INT", "bigint": "BIGINT",
        "double": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "timestamp": "TIMESTAMP_NTZ",
    },
}

_ARROW_TYPES: dict[LogicalType, pa.DataType] = {
    "string": pa.string(), "smallint": pa.int16(), "integer": pa.int32(), "bigint": pa.int64(),
    "double": pa.float64(), "boolean": pa.bool_(), "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}

_SCALAR: dict[str, LogicalType] = {
    "string": "string", "integer": "integer", "decimal": "double", "boolean": "boolean",
    "code": "string", "enum": "string", "link": "string", "full_date": "date",
}


def _field_columns(f: FieldDef, key: str) -> list[Column]:
    nullable = not (f.name == key or (f.technical and f.required))
    if f.type in ("date", "datetime"):
        parts: list[Column] = [
            Column(name=f"{f.name}_year", type="smallint", field=f.name, role="year"),
            Column(name=f"{f.name}_month", type="string", field=f.name, role="month",
                   max_length=2),
            Column(name=f"{f.name}_day", type="string", field=f.name, role="day", max_length=2),
        ]
        if f.type == "datetime":
            parts.append(Column(name=f"{f.name}_time", type="string", field=f.name, role="time",
                                max_length=5))
        derived: LogicalType = "timestamp" if f.type == "datetime" else "date"
        parts.append(Column(name=f.name, type=derived, field=f.name, role="derived_date"))
        parts.append(Column(name=f"{f.name}_precision", type="string", field=f.name,
                            role="precision", max_length=1))
        return parts
    return [Column(name=f.name, type=_SCALAR[f.type], field=f.name, nullable=nullable)]


@cache
def columns(entity: Entity) -> tuple[Column, ...]:
    """Physical columns of an entity's store table, in table order."""
    out: list[Column] = []
    for f in entity.fields:
        out.extend(_field_columns(f, entity.key))
    return tuple(out)


def engine_type(column: Column, engine: str) -> str:
    return ENGINE_TYPES[engine][column.type]


@cache
def arrow_schema(entity: Entity) -> pa.Schema:
    """The Arrow schema every producer (synth, ingest, converters) emits for this table."""
    return pa.schema(
        [pa.field(c.name, _ARROW_TYPES[c.type], nullable=c.nullable) for c in columns(entity)]
    )

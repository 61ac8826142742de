"""Field-level conformance to the OMOP CDM 5.4 specification CSV (types, required fields)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oncorwd.convert.omop import ddl

SPEC = Path(os.environ.get("ONCORWD_OMOP_SPEC", "/work/shared/reference/omop/"
                           "OMOP_CDMv5.4_Field_Level.csv"))
_TYPES = {"integer": {pa.int32(), pa.int64()}, "bigint": {pa.int64()},
          "date": {pa.date32()}, "datetime": {pa.timestamp("us")},
          "float": {pa.float64()}, "varchar": {pa.string()}}


def _spec() -> dict[str, list[dict[str, str]]]:
    if not SPEC.is_file():
        pytest.skip(f"OMOP spec CSV not found at {SPEC}")
    out: dict[str, list[dict[str, str]]] = {}
    with SPEC.open(encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["cdmTableName"].lower(), []).append(
                {**row, "cdmFieldName": row["cdmFieldName"].strip('"')})
    return out


def _spec_type(t: str) -> set[pa.DataType]:
    key = t.lower().split("(")[0]
    return _TYPES["varchar"] if key in ("varchar", "varchar(max)") else _TYPES[key]


def test_ddl_schemas_match_the_spec() -> None:
    spec = _spec()
    for table, fields in spec.items():
        schema = ddl.arrow_schema(table)
        assert schema.names == [f["cdmFieldName"].lower() for f in fields], table
        for f in fields:
            column = schema.field(f["cdmFieldName"].lower())
            assert column.type in _spec_type(f["cdmDatatype"]), (table, column)
            assert column.nullable == (f["isRequired"] != "Yes"), (table, column)


def test_every_written_table_conforms(parquet_export) -> None:
    folder, result = parquet_export
    spec = _spec()
    written = sorted(p.stem for p in folder.glob("*.parquet"))
    assert {"person", "condition_occurrence", "measurement", "episode", "episode_event",
            "concept", "cdm_source"} <= set(written)
    for table in written:
        data = pq.read_table(folder / f"{table}.parquet")
        fields = spec[table]
        assert data.schema.names == [f["cdmFieldName"].lower() for f in fields], table
        for f in fields:
            column = data[f["cdmFieldName"].lower()]
            assert column.type in _spec_type(f["cdmDatatype"]), (table, f["cdmFieldName"])
            if f["isRequired"] == "Yes":
                assert column.null_count == 0, (table, f["cdmFieldName"])
            width = f["cdmDatatype"].lower()
            if width.startswith("varchar(") and "max" not in width and data.num_rows:
                limit = int(width[8:-1])
                longest = max((len(v) for v in column.to_pylist() if v is not None), default=0)
                assert longest <= limit, (table, f["cdmFieldName"], longest)
        assert result.rows[table] == data.num_rows

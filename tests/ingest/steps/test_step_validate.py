"""Step validate: the dictionary's rules per row, quarantining bad rows (not the batch), with
the raw source value; duplicates keep their first good occurrence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
from ingest_fixtures import SITE_ID, context, make_spec, working

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.validate import validate_batch
from oncorwd.ingest.steps import validate


def _patients() -> pa.Table:
    return working(patient_id=["P1", "P2", "P3", "P2", "P4"],
                   facility_finess=[SITE_ID] * 5,
                   birth_date_year=["1950", "19x1", "1970", "1960", "2199"],
                   birth_date_month=["03", "UN", "02", "UN", "UN"],
                   birth_date_day=["12", "UN", "30", "UN", "UN"],
                   sex=["F", "M", "F", "M", "Z"], _raw_birth_date=["a", "b", "c", "d", "e"])


def test_validate_batch_returns_typed_rows_mask_and_problems() -> None:
    data = _patients().select(["patient_id", "facility_finess", "birth_date_year",
                               "birth_date_month", "birth_date_day", "sex"])
    typed, bad, problems = validate_batch("patient", data, site_id=SITE_ID, row_offset=10)
    assert typed.schema == arrow_schema(load_dictionary().entity("patient"))
    assert bad.tolist() == [False, True, True, True, True]
    found = {(r["index"], r["row"], r["field"], r["rule"]) for r in problems.to_pylist()}
    assert {(1, 12, "birth_date_year", "type"), (2, 13, "birth_date", "date_parts"),
            (3, 14, "patient_id", "duplicate_key"), (4, 15, "sex", "value_set"),
            (4, 15, "birth_date", "future_date")} <= found
    _, bad, problems = validate_batch("patient", data, site_id=SITE_ID, check_keys=False)
    assert "duplicate_key" not in problems.column("rule").to_pylist()


def test_step_quarantines_rows_with_raw_values(tmp_path: Path) -> None:
    spec = make_spec(tmp_path, {"s": {"format": "csv", "path": "x.csv"}}, {"patient": {
        "from": "s", "fields": {"patient_id": "ID", "birth_date": "DDN"}}})
    ctx = context(spec, patient=_patients())
    validate.run(ctx)
    out = ctx.tables["patient"]
    assert out.column("patient_id").to_pylist() == ["P1", "P2"]
    assert out.column("birth_date_year").type == pa.int16()
    assert out.column("_row").to_pylist() == [1, 4]
    records = {(r["row"], r["column"], r["value"], r["rule"])
               for r in ctx.quarantine.records().to_pylist()}
    assert {(2, "DDN", "b", "type"), (3, "DDN", "c", "date_parts"),
            (5, "DDN", "e", "future_date"), (5, "sex", "Z", "value_set")} <= records
    assert ctx.accounting.tables["patient"].quarantined == 3


def test_duplicates_across_batches_keep_the_first_good_row(tmp_path: Path,
                                                           monkeypatch: object) -> None:
    spec = make_spec(tmp_path, {"s": {"format": "csv", "path": "x.csv"}}, {"patient": {
        "from": "s", "fields": {"patient_id": "ID"}}})
    n = 5
    data = working(patient_id=["A", "B", "A", "C", "A"], facility_finess=[SITE_ID] * n,
                   birth_date_year=["1950"] * n, sex=["F", "F", "M", "F", "F"])
    validate.BATCH_ROWS, saved = 2, validate.BATCH_ROWS
    try:
        ctx = context(spec, patient=data)
        validate.run(ctx)
    finally:
        validate.BATCH_ROWS = saved
    assert ctx.tables["patient"].column("_row").to_pylist() == [1, 2, 4]
    rows = [r["row"] for r in ctx.quarantine.records().to_pylist()]
    assert rows == [3, 5]
    assert np.all(ctx.quarantine.records().column("rule").to_numpy(zero_copy_only=False)
                  == "duplicate_key")

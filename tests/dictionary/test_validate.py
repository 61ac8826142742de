"""Batch validation and cross-table rules refuse bad rows, naming table, row, field, value and
rule; nothing is dropped silently."""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.ddl import schema_ddl
from oncorwd.dictionary.validate import integrity_problems, integrity_query, prepare_batch
from oncorwd.errors import ValidationFailed

SITE = "750000001"


def _patients(**overrides: list) -> pa.Table:
    data = {"patient_id": ["P1", "P2", "P3"], "facility_finess": [SITE] * 3,
            "birth_date_year": [1950, 1961, 1972], "birth_date_month": ["03", "UN", "11"],
            "birth_date_day": ["12", "UN", "UN"], "sex": ["F", "M", "F"]}
    data.update(overrides)
    return pa.table(data)


def _problems(table: str, batch: pa.Table) -> list:
    with pytest.raises(ValidationFailed) as info:
        prepare_batch(table, batch, site_id=SITE)
    return info.value.problems


def test_valid_batch_is_conformed_and_dated() -> None:
    out = prepare_batch("patient", _patients(), site_id=SITE)
    assert out.schema == arrow_schema(load_dictionary().entity("patient"))
    assert out.column("birth_date").to_pylist() == [
        dt.date(1950, 3, 12), dt.date(1961, 7, 1), dt.date(1972, 11, 15)]
    assert out.column("birth_date_precision").to_pylist() == ["D", "Y", "M"]
    assert out.column("site_id").to_pylist() == [SITE] * 3


def test_strings_are_cast_to_numbers() -> None:
    out = prepare_batch("patient", _patients(birth_date_year=["1950", " 1961", "1972"]),
                        site_id=SITE)
    assert out.column("birth_date_year").to_pylist() == [1950, 1961, 1972]


def test_problems_name_table_row_field_value_rule() -> None:
    bad = _patients(sex=["F", "X", None], birth_date_year=["1950", "19x1", "1972"])
    problems = _problems("patient", bad)
    found = {(p.table, p.row, p.field, p.value, p.rule) for p in problems}
    assert ("patient", 2, "sex", "X", "value_set") in found
    assert ("patient", 3, "sex", None, "required") in found
    assert ("patient", 2, "birth_date_year", "19x1", "type") in found


def test_row_numbers_count_from_the_offset() -> None:
    with pytest.raises(ValidationFailed) as info:
        prepare_batch("patient", _patients(sex=["F", "F", "Z"]), site_id=SITE, row_offset=1000)
    assert info.value.problems[0].row == 1003


def test_unknown_codes_are_refused() -> None:
    cancer = pa.table({
        "cancer_id": ["C1", "C2"], "patient_id": ["P1", "P2"], "cancer_order": [1, 1],
        "care_in_facility": ["Y", "Y"], "diagnosis_date_year": [2020, 2021],
        "diagnosis_method": ["7", "7"], "topography": ["C50.4", "C99.9"],
        "morphology": ["8500/3", "8500/3"], "laterality": ["L", "R"],
    })
    problems = _problems("cancer", cancer)
    assert [(p.row, p.field, p.rule) for p in problems] == [(2, "topography", "code")]


def test_bad_dates_duplicates_unknown_columns_and_other_sites() -> None:
    bad = _patients(birth_date_month=["02", "13", "UN"], birth_date_day=["30", "01", "04"],
                    patient_id=["P1", "P1", "P3"], site_id=[SITE, "920000001", None],
                    shoe_size=[40, 41, 42])
    rules = {(p.field, p.rule) for p in _problems("patient", bad)}
    assert {("birth_date", "date_parts"), ("patient_id", "duplicate_key"),
            ("site_id", "site"), ("shoe_size", "unknown_column")} <= rules


def test_future_dates_are_refused() -> None:
    future = dt.date.today().year + 2
    rules = {p.rule for p in _problems("patient", _patients(birth_date_year=[1950, future, 1972]))}
    assert "future_date" in rules


def test_problem_count_is_exact_even_when_listing_is_capped() -> None:
    n = 500
    table = pa.table({"patient_id": [f"P{i}" for i in range(n)], "facility_finess": [SITE] * n,
                      "birth_date_year": [1950] * n, "sex": ["?"] * n})
    with pytest.raises(ValidationFailed) as info:
        prepare_batch("patient", table, site_id=SITE)
    assert info.value.total == n
    assert len(info.value.problems) < n


def _load(con: duckdb.DuckDBPyConnection, table: str, batch: pa.Table) -> None:
    prepared = prepare_batch(table, batch, site_id=SITE)
    prepared = prepared.set_column(prepared.schema.get_field_index("data_version"),
                                   "data_version", pa.array([1] * len(prepared), pa.int32()))
    con.register("batch", prepared)
    con.execute(f"INSERT INTO {table} SELECT * FROM batch")
    con.unregister("batch")


def test_cross_table_rules_find_death_before_birth_and_orphans() -> None:
    con = duckdb.connect()
    con.execute(schema_ddl("duckdb"))
    _load(con, "patient", _patients())
    _load(con, "vital_status", pa.table({
        "patient_id": ["P1", "P2", "P9"], "vital_status": ["1", "0", "0"],
        "vital_status_source": ["INSEE"] * 3,
        "last_visit_date_year": [2020, 2021, 2022], "death_date_year": [1949, 2020, None],
        "death_date_month": ["05", "01", None]}))
    rows = con.execute(integrity_query(1)).fetchall()
    problems = {(p.table, p.field, p.rule, p.message.rsplit(" (record", 1)[0])
                for p in integrity_problems(rows)}
    assert ("vital_status", "death_date", "chronology",
            "death_date before the patient's birth date") in problems
    assert ("vital_status", "patient_id", "reference",
            "patient_id not found in patient") in problems
    assert ("vital_status", "death_date", "chronology",
            "patient alive (4.1 = 0) with a death date") in problems
    assert len(problems) == 3


def test_partial_dates_never_create_chronology_violations() -> None:
    con = duckdb.connect()
    con.execute(schema_ddl("duckdb"))
    _load(con, "patient", _patients())
    # P2 born in 1961 (month unknown): a death in 1961 cannot be said to precede the birth
    _load(con, "vital_status", pa.table({
        "patient_id": ["P2"], "vital_status": ["1"], "vital_status_source": ["INSEE"],
        "last_visit_date_year": [1961], "death_date_year": [1961], "death_date_month": ["01"],
        "death_date_day": ["02"]}))
    assert con.execute(integrity_query(1)).fetchall() == []

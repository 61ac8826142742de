"""Checks that guard rules the store already enforces at load (codes, value sets, references,
keys, imputed dates…): they must still catch bad rows in data that bypassed it (another engine,
an older oncorwd, a hand-edited table). The tables are served from a plain DuckDB connection
standing in for a store."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from quality_data import table

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.ingest.quality.codes import code_results
from oncorwd.ingest.quality.completeness import completeness_checks
from oncorwd.ingest.quality.conformance import conformance_checks
from oncorwd.ingest.quality.kahn import run_checks
from oncorwd.ingest.quality.plausibility import plausibility_checks
from oncorwd.ingest.quality.sql import Runner


class ArrowStore:
    """The two methods :class:`Runner` uses, over Arrow tables registered in DuckDB."""

    def __init__(self, tables: dict[str, pa.Table]) -> None:
        self.con = duckdb.connect()
        self.counts: dict[str, int] = {}
        for e in load_dictionary().entities:
            schema = arrow_schema(e)
            given = tables.get(e.name)
            columns = {f.name: (given.column(f.name) if given is not None
                                and f.name in given.column_names
                                else pa.nulls(given.num_rows if given is not None else 0))
                       for f in schema}
            conformed = pa.table({k: v.cast(schema.field(k).type) for k, v in columns.items()})
            self.con.register(e.name, conformed)
            self.counts[e.name] = conformed.num_rows

    def row_counts(self, version: int | None = None) -> dict[str, int]:
        return dict(self.counts)

    def query(self, sql: str, params: Any = None, *, version: int | None = None) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()


def _bad_site() -> dict[str, pa.Table]:
    patients = table([{"patient_id": "P1", "facility_finess": "750000001",
                       "birth_date": "1950-01-01", "sex": "F"},
                      {"patient_id": "P2", "facility_finess": "750000001",
                       "birth_date": "1960-01-01", "sex": "X"},
                      {"patient_id": "P3", "facility_finess": "750000001",
                       "birth_date": "1970-01-01", "sex": "M"},
                      {"patient_id": "P3", "facility_finess": "750000001",
                       "birth_date": "1970-01-01", "sex": "M"}], ("birth_date",))
    # derived dates as written: C1 a day off, C2 month-precise but said to the day, C3 right
    cancers = table([
        {"cancer_id": "C1", "patient_id": "P1", "cancer_order": 1, "topography": "C50.9",
         "diagnosis_date": "2019-02-10", "tumor_size_mm": -1.0},
        {"cancer_id": "C2", "patient_id": "P1", "cancer_order": 2, "topography": "C99.9",
         "diagnosis_date": "2010-05-UN"},
        {"cancer_id": "C3", "patient_id": "P2", "cancer_order": 1, "topography": "C18.2",
         "diagnosis_date": "2018-UN-UN"},
    ], ("diagnosis_date",))
    derived = pa.array([dt.date(2019, 2, 11), dt.date(2010, 5, 15), dt.date(2018, 7, 1)])
    cancers = cancers.append_column("diagnosis_date", derived).append_column(
        "diagnosis_date_precision", pa.array(["D", "D", "Y"]))
    drugs = table([
        {"drug_administration_id": "D1", "patient_id": "P1", "cancer_id": "C9",
         "atc_code": "L01CD01", "administration_date": "2019-03-01"},
        {"drug_administration_id": "D2", "patient_id": "P1", "cancer_id": "C3",
         "atc_code": "L01CD01", "administration_date": "2019-03-01"},
    ], ("administration_date",))
    drugs = drugs.append_column("administration_date", pa.array([dt.date(2019, 3, 1)] * 2)) \
        .append_column("administration_date_precision", pa.array(["D", "D"]))
    return {"patient": patients, "cancer": cancers, "drug_administration": drugs}


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    runner = Runner(ArrowStore(_bad_site()), 1)  # type: ignore[arg-type]
    checks = (conformance_checks(dt.date(2026, 1, 1)) + completeness_checks()
              + plausibility_checks(dt.date(2026, 1, 1)))
    found = run_checks(runner, checks) + code_results(runner)
    return {r["id"]: r for r in found}


@pytest.mark.parametrize(("check_id", "failed", "record"), [
    ("duplicate_key:patient.patient_id", 1, "P3"),
    ("value_set:patient.sex", 1, "P2"),
    ("code:cancer.topography", 1, None),
    ("range:cancer.tumor_size_mm", 1, "C1"),
    ("date_derivation:cancer.diagnosis_date", 2, "C1"),
    ("cancer_order_chronology:cancer.cancer_order", 1, "C2"),
    ("reference:drug_administration.cancer_id", 1, "D1"),
    ("same_patient:drug_administration.cancer_id", 1, "D2"),
])
def test_guard_catches_bad_rows(results: dict[str, dict[str, Any]], check_id: str,
                                failed: int, record: str | None) -> None:
    r = results[check_id]
    assert (r["failed"], r["status"]) == (failed, "fail")
    if record is None:
        assert r["examples"] == [{"value": "C99.9", "rows": 1}]
    else:
        assert r["examples"][0]["record"] == record


def test_correct_imputation_passes(results: dict[str, dict[str, Any]]) -> None:
    derivation = results["date_derivation:cancer.diagnosis_date"]
    assert derivation["checked"] == 3  # C3 (2018-UN-UN -> 1 July, Y) is right
    assert derivation["examples"][1]["value"] == "2010-05-UN -> 2010-05-15"

"""Step integrity: cross-table references, chronology and date plausibility, with cascade."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from ingest_fixtures import SITE_ID, context, make_spec, working

from oncorwd.dictionary.validate import validate_batch
from oncorwd.ingest.steps import integrity
from oncorwd.ingest.steps.context import data_columns
from oncorwd.ingest.steps.plausibility import RULES, plausibility_checks


def _typed(table: str, data: pa.Table) -> pa.Table:
    typed, bad, _ = validate_batch(table, data.select(data_columns(data)), site_id=SITE_ID)
    assert not bad.any(), table
    for column in ("_source", "_file", "_row"):
        typed = typed.append_column(column, data.column(column))
    return typed


def _ctx(tmp_path: Path, **tables: pa.Table) -> object:
    spec = make_spec(tmp_path)
    return context(spec, **{name: _typed(name, t) for name, t in tables.items()})


def test_cascade_and_plausibility(tmp_path: Path) -> None:
    patients = working(patient_id=["P1", "P2"], facility_finess=[SITE_ID] * 2,
                       birth_date_year=["1950", "1960"], sex=["F", "M"])
    vital = working(patient_id=["P1", "P2"], vital_status=["1", "0"],
                    vital_status_source=["FACILITY"] * 2, last_visit_date_year=["2021", "2020"],
                    death_date_year=["2021", "2020"])
    cancers = working(cancer_id=["C1", "C2", "C9"], patient_id=["P1", "P2", "P9"],
                      cancer_order=["1"] * 3, care_in_facility=["Y"] * 3,
                      diagnosis_date_year=["2020"] * 3, diagnosis_date_month=["06"] * 3,
                      diagnosis_method=["7"] * 3, topography=["C50.9"] * 3,
                      morphology=["8500/3"] * 3, laterality=["L"] * 3)
    drugs = working(drug_administration_id=["D1", "D2", "D3", "D4", "D5"],
                    patient_id=["P1", "P1", "P1", "P9", "P1"],
                    cancer_id=["C1", "C1", "C1", "C9", "C1"], atc_code=["L01BC06"] * 5,
                    drug_name=["cape"] * 5, in_facility=["IN"] * 5,
                    administration_date_year=["2020", "2020", "2019", "2020", "2022"],
                    administration_date_month=["07", "03", "UN", "07", "01"],
                    administration_date_day=["01", "UN", "UN", "01", "01"])
    ctx = _ctx(tmp_path, patient=patients, vital_status=vital, cancer=cancers,
               drug_administration=drugs)
    integrity.run(ctx)  # type: ignore[arg-type]
    found = {(r["table"], r["row"], r["rule"]) for r in
             ctx.quarantine.records().to_pylist()}  # type: ignore[attr-defined]
    assert found == {
        ("vital_status", 2, "chronology"),       # alive with a death date
        ("cancer", 3, "reference"),              # unknown patient P9
        ("drug_administration", 4, "reference"),  # its patient and cancer are unknown
        ("drug_administration", 3, "plausibility"),  # all of 2019: > 90 days before June 2020
        ("drug_administration", 5, "chronology"),    # after death in 2021
    }
    assert ctx.tables["drug_administration"].column(  # type: ignore[attr-defined]
        "drug_administration_id").to_pylist() == ["D1", "D2"]


def test_rules_are_documented_data() -> None:
    assert {r.tolerance_days for r in RULES} == {0, 90}
    checks = plausibility_checks(dt.date(2025, 1, 1))
    assert checks[-1].message == "born more than 120 years ago"
    assert "1905" in checks[-1].sql

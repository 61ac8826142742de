"""The wide cohort_variables table on the rich hand-built site: schema, validation, coverage of
every variable, and values worked out by hand from the derivation texts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from derive_factory import REFERENCE, SITE
from derive_rich import rich_tables

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.validate import prepare_batch
from oncorwd.ingest.derive import DeriveResult, derive
from oncorwd.ingest.derive.variables import CATEGORIES


@pytest.fixture(scope="module")
def derived() -> tuple[DeriveResult, dict[str, list[str]]]:
    con = duckdb.connect()
    for name, t in rich_tables().items():
        con.register(name, t)
    result = derive(con, reference_date=REFERENCE)
    columns = {c: [r[0] for r in con.execute(f"DESCRIBE dv_cv_{c}").fetchall()]
               for c in CATEGORIES}
    con.close()
    return result, columns


@pytest.fixture(scope="module")
def rows(derived: tuple[DeriveResult, Any]) -> dict[str, dict[str, Any]]:
    return {r["cancer_id"]: r for r in derived[0].cohort_variables.to_pylist()}


def test_schema_is_the_dictionary_table_and_validates(derived: tuple[DeriveResult, Any]) -> None:
    table = derived[0].cohort_variables
    assert table.schema == arrow_schema(load_dictionary().entity("cohort_variables"))
    checked = prepare_batch("cohort_variables", table, site_id=SITE)
    assert checked.num_rows == table.num_rows == 3


def test_every_variable_has_a_value_somewhere(derived: tuple[DeriveResult, Any]) -> None:
    table = derived[0].cohort_variables
    empty = [v.name for v in load_dictionary().variables if table.column(v.name).null_count
             == table.num_rows]
    assert empty == []


def test_each_category_computes_exactly_its_variables(derived: tuple[DeriveResult, Any]) -> None:
    for category, columns in derived[1].items():
        declared = [v.name for v in load_dictionary().variables if v.category == category]
        assert sorted(columns) == sorted(["cancer_id", *declared]), category


def test_objecting_patient_gets_no_row_but_keeps_the_cancer(
        derived: tuple[DeriveResult, Any], rows: dict[str, Any]) -> None:
    assert set(rows) == {"C1", "C2", "C3"}
    assert "C4" in derived[0].cancer.column("cancer_id").to_pylist()


D = dt.date
EXPECTED: dict[str, dict[str, Any]] = {
    "C1": {
        "age_at_diagnosis": 58, "age_group": "50_59", "is_index_cancer": True,
        "n_primary_cancers": 2, "iarc_topography_group": "C50.9", "iarc_histology_group": "3",
        "behaviour": "3", "metastatic_at_diagnosis": False, "ps_at_diagnosis": 1, "ps_worst": 2,
        "ps_at_line1_start": None, "weight_at_diagnosis": 64.0, "bmi_at_diagnosis": 23.5,
        "bmi_class": "NORMAL", "weight_loss_pct": 8.6, "weight_loss_5pct": True,
        "risk_factor_count": 2, "charlson_group_count": 6, "n_comorbidities": 8,
        "other_cancer_history": True, "er_status": "POSITIVE", "pr_status": "NEGATIVE",
        "her2_ihc_score": "2+", "her2_status": "NEGATIVE", "her2_low": True, "ki67_pct": 25.0,
        "brca1_status": "POSITIVE", "brca_germline_mutation": True, "hrd_status": "POSITIVE",
        "egfr_tested": False, "hormone_therapy_any": True, "cdk46_inhibitor_any": True,
        "chemotherapy_any": False, "n_lines": 4, "first_line_regimen": "L02BG04",
        "line2_start_date": D(2021, 10, 5), "days_diagnosis_to_first_treatment": 17,
        "first_surgery_group": "surgery", "radiotherapy_primary_site": True,
        "metastatic_disease_date": D(2021, 9, 15), "progression_line1_date": D(2021, 9, 20),
        "os_days": 1881, "os_event": True, "follow_up_days": 1844, "ttnt_line1_days": 603,
        "rwpfs_line1_days": 588, "tumor_sample_pretreatment": True, "n_samples": 3,
        "systemic_treatment_outside_facility": True, "nlp_derived_data": False,
    },
    "C2": {
        "is_index_cancer": False, "cancer_order": 2, "metastatic_at_diagnosis": True,
        "n_metastatic_sites_at_dx": 6, "metastasis_at_dx_other": True, "ps_at_line1_start": 1,
        "pdl1_tps": 60.0, "pdl1_tps_class": "GE50", "egfr_mutation_type": "EX19DEL",
        "egfr_t790m": True, "braf_v600e": True, "kras_g12c": True, "met_status": "POSITIVE",
        "msi_high_or_dmmr": True, "brca1_status": "POSITIVE",
        "first_line_regimen": "L01BA04+L01FF02+L01XA02", "checkpoint_inhibitor_any": True,
        "anti_vegf_any": True, "anti_egfr_antibody_any": True, "line1_end_date": D(2023, 6, 5),
        "first_surgery_group": "Lobectomie", "nlp_derived_data": True, "os_days": 721,
    },
    "C3": {
        "sex": "M", "age_at_diagnosis": 69, "information_date_available": False,
        "is_index_cancer": True, "cared_in_facility": False, "diagnosed_in_facility": False,
        "metastatic_at_diagnosis": True, "psa_at_diagnosis": 15.2, "smoking": None,
        "risk_factor_count": None, "first_line_regimen": "L02AE02+L02BX03", "n_lines": 1,
        "received_line2": False, "os_event": False, "os_days": 2026,
        "ttnt_line1_event": False, "egfr_tested": False, "her2_status": None,
    },
}


@pytest.mark.parametrize("cancer", sorted(EXPECTED))
def test_values_worked_out_by_hand(rows: dict[str, Any], cancer: str) -> None:
    got = {k: rows[cancer][k] for k in EXPECTED[cancer]}
    assert got == EXPECTED[cancer]


def test_biomarker_code_lookup_when_the_name_is_missing() -> None:
    data = rich_tables()
    biomarker = data["biomarker"]
    i = biomarker.schema.get_field_index("biomarker_name")
    data["biomarker"] = biomarker.set_column(i, biomarker.schema.field(i),
                                             pa.nulls(biomarker.num_rows, pa.string()))
    con = duckdb.connect()
    for name, t in data.items():
        con.register(name, t)
    got = {r["cancer_id"]: r for r in derive(con, reference_date=REFERENCE)
           .cohort_variables.to_pylist()}
    assert got["C1"]["er_status"] == "POSITIVE" and got["C1"]["her2_status"] == "NEGATIVE"
    assert got["C2"]["egfr_mutation_type"] == "EX19DEL" and got["C2"]["alk_status"] == "NEGATIVE"
    assert got["C1"]["hrd_status"] == "POSITIVE"  # detail 'GIS 52'
    assert got["C3"]["psa_at_diagnosis"] == 15.2

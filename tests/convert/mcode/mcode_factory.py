"""A hand-written tiny site for the mCODE tests: two patients (one objecting), one breast
cancer with TNM, size, stage, grade, a metastasis, a recurrence, treatments, samples and
biomarkers (numeric, status-only, gene-level), a comorbidity; every table a builder reads."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.physical import arrow_schema

SITE = "750010076"
P1, P2 = "T-P001", "T-P002"
C1 = "T-C001"


def _d(stem: str, y: int | None, m: str | None = None, d: str | None = None) -> dict[str, Any]:
    return {f"{stem}_year": y, f"{stem}_month": m, f"{stem}_day": d}


ROWS: dict[str, list[dict[str, Any]]] = {
    "patient": [
        {"patient_id": P1, "facility_finess": SITE, "sex": "F",
         **_d("birth_date", 1960, "03", "UN")},
        {"patient_id": P2, "facility_finess": SITE, "sex": "M",
         **_d("birth_date", 1950, "01", "02")},
    ],
    "non_opposition": [
        {"patient_id": P1, "information": "Y", "non_opposition": "Y"},
        {"patient_id": P2, "information": "Y", "non_opposition": "N"},
    ],
    "vital_status": [
        {"patient_id": P1, "vital_status": "1", "vital_status_source": "INSEE",
         **_d("death_date", 2023, "06", "UN"), **_d("last_visit_date", 2023, "05", "02"),
         **_d("update_date", 2024, "01", "10")},
        {"patient_id": P2, "vital_status": "0", "vital_status_source": "FACILITY",
         **_d("last_visit_date", 2023, "01", "05")},
    ],
    "cancer": [
        {"cancer_id": C1, "patient_id": P1, "cancer_order": 1, "care_in_facility": "Y",
         **_d("diagnosis_date", 2020, "02", "14"), "diagnosis_method": "7", "topography": "C50.4",
         "topography_group": "C50", "morphology": "8500/3", "morphology_group": "3",
         "laterality": "L", "tumor_size_mm": 23.5, **_d("tumor_size_date", 2020, "03", "01"),
         "tumor_size_method": "787377000", "tnm_t": "T2", "tnm_n": "N1a", "tnm_m": "0",
         "tnm_type": "p", "stage_type": "TNM", "stage": "II", "grade_type": "SBR", "grade": "2"},
        {"cancer_id": "T-C201", "patient_id": P2, "cancer_order": 1, "care_in_facility": "Y",
         **_d("diagnosis_date", 2021, "UN", "UN"), "diagnosis_method": "7",
         "topography": "C34.1", "morphology": "8140/3", "laterality": "R"},
    ],
    "tumor_event": [
        {"tumor_event_id": "T-TE1", "patient_id": P1, "cancer_id": C1, "event_type": "2",
         **_d("mention_date", 2022, "01", "10"), "metastasis_topography": "C22.0",
         **_d("metastasis_date", 2022, "01", "UN"), "diagnosis_method": "2"},
        {"tumor_event_id": "T-TE2", "patient_id": P1, "cancer_id": C1, "event_type": "1",
         **_d("mention_date", 2021, "09", "03"), "morphology": "8500/3",
         **_d("diagnosis_date", 2021, "09", "20"), "diagnosis_method": "7"},
    ],
    "general_status": [
        {"general_status_id": "T-GS1", "patient_id": P1, "measure_type": "PS", "value": 1.0,
         **_d("measure_date", 2020, "02", "20")},
        {"general_status_id": "T-GS2", "patient_id": P1, "measure_type": "WEIGHT", "value": 61.5,
         **_d("measure_date", 2020, "02", "UN")},
        {"general_status_id": "T-GS3", "patient_id": P1, "measure_type": "PS", "value": 2.5,
         **_d("measure_date", 2020, "05", "20")},
    ],
    "surgery": [
        {"surgery_id": "T-SU1", "patient_id": P1, "cancer_id": C1,
         **_d("procedure_date", 2020, "03", "01"), "procedure_group": "Mastectomie totale",
         "procedure_code": "QEFA020", "in_facility": "IN"},
    ],
    "drug_administration": [
        {"drug_administration_id": "T-DA1", "patient_id": P1, "cancer_id": C1,
         "atc_code": "L01CD01", "drug_name": "paclitaxel", "in_facility": "IN",
         **_d("administration_date", 2020, "04", "02"), "clinical_trial": "N",
         "early_access": "N", "treatment_line": 1},
        {"drug_administration_id": "T-DA2", "patient_id": P1, "cancer_id": C1,
         "atc_code": "L01FD01", "drug_name": "trastuzumab \"Herceptin\"", "in_facility": "OUT",
         **_d("administration_date", 2020, "05", "UN"), "treatment_line": 1},
    ],
    "radiotherapy": [
        {"radiotherapy_id": "T-RT1", "patient_id": P1, "cancer_id": C1,
         "technique_code": "ZZNL054", **_d("start_date", 2020, "06", "15"),
         "irradiated_topography": "C50.4", "in_facility": "IN",
         "rt_dataset_link": "RTPLAN:T-RT1"},
    ],
    "progression": [
        {"progression_id": "T-PG1", "patient_id": P1, "cancer_id": C1, "progression": "Y",
         **_d("progression_date", 2022, "01", "15")},
    ],
    "sample": [
        {"sample_id": "T-SA1", "patient_id": P1, "cancer_id": C1, "storage_location": "IN",
         **_d("sampling_date", 2020, "02", "10"), "sample_type": "BIOPSY",
         "sample_nature": "TUMOR", "sample_topography": "C50.4"},
    ],
    "biomarker": [
        {"biomarker_id": "T-BM1", "patient_id": P1, "cancer_id": C1, "sample_id": "T-SA1",
         "biomarker_type": "TUMOR", "biomarker_name": "ER", "biomarker_code": "85337-4",
         "technique": "IHC", "status": "POSITIVE", "result_detail": "RE 90 %",
         "value_numeric": 90.0, "unit": "%", **_d("result_date", 2020, "02", "18")},
        {"biomarker_id": "T-BM2", "patient_id": P1, "cancer_id": C1, "sample_id": "T-SA1",
         "biomarker_type": "TUMOR", "biomarker_name": "HER2", "biomarker_code": "48676-1",
         "technique": "IHC", "status": "NEGATIVE", "result_detail": "score 1+",
         **_d("result_date", 2020, "02", "UN")},
        {"biomarker_id": "T-BM3", "patient_id": P1, "cancer_id": C1,
         "biomarker_type": "GERMLINE", "biomarker_name": "BRCA1", "biomarker_code": "69548-6",
         "technique": "NGS", "status": "NEGATIVE", "result_detail": "no pathogenic variant",
         **_d("result_date", 2020, "03", "02")},
        {"biomarker_id": "T-BM4", "patient_id": P1, "cancer_id": C1,
         "biomarker_type": "SERUM", "biomarker_name": "CA 15-3", "biomarker_code": "6875-9",
         "technique": "IMMUNOASSAY", **_d("result_date", 2020, "02", "11")},
    ],
    "comorbidity": [
        {"comorbidity_id": "T-CM1", "patient_id": P1, "code": "I10",
         **_d("onset_date", 2010, "UN", "UN")},
        {"comorbidity_id": "T-CM2", "patient_id": P1, "code": "E11",
         **_d("onset_date", 2015, "04", "UN")},
    ],
}


def tiny_tables() -> dict[str, pa.Table]:
    """The tiny site as Arrow tables in the store schema (derived dates left to the store)."""
    out = {}
    for name, rows in ROWS.items():
        schema = arrow_schema(load_dictionary().entity(name))
        cols = {f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema}
        out[name] = pa.table(cols, schema=schema)
    return out

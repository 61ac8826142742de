"""Category ``data_availability``: samples, imaging and DICOM links, systemic treatment given
outside the facility, and NLP-derived data (sections 12, 13, 15, 16 and the source type).

A tumour sample is "pre-treatment" when taken from 90 days before diagnosis up to the first
systemic treatment or radiotherapy (inclusive; no upper bound if untreated). NLP-derived data is
any row with source_type 4 or 5 (NLP of an internal or external document) of the patient in a
patient-level table, or of this cancer (its own row, or rows attributed to it).
"""

from __future__ import annotations

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.derive.context import CANCER_LEVEL, cur, src
from oncorwd.ingest.derive.lines_of_therapy import DRUG_ROWS
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, flag
from oncorwd.ingest.derive.variables.shared import DRUG_SUMMARY, TREATMENT_DATES

__all__ = ["sql"]

_NLP = "source_type IN ('4', '5')"


def _samples_imaging() -> str:
    tumour = "s.sample_nature = 'TUMOR'"
    first = "least(t.first_systemic, t.first_radiotherapy)"
    pre = f"s.sampling_date >= b.dx - 90 AND ({first} IS NULL OR s.sampling_date <= {first})"
    recent = "CAST(i.exam_date AS DATE) >= b.dx - 90"
    return f"""
        sm AS (
            SELECT s.cancer_id, {flag(tumour)} AS tumour,
                   {flag(f"{tumour} AND left(s.sample_topography, 3) = left(b.topography, 3)")}
                       AS tumour_primary,
                   {flag(f"{tumour} AND {pre}")} AS pretreatment,
                   {flag("s.sample_nature = 'HEALTHY'")} AS healthy,
                   {flag("s.sample_type = 'FLUID'")} AS fluid,
                   count(DISTINCT s.sample_id) AS n
            FROM {cur("sample")} s JOIN {BASE} b USING (cancer_id)
            LEFT JOIN {TREATMENT_DATES} t USING (cancer_id) GROUP BY s.cancer_id),
        im AS (
            SELECT i.cancer_id, {flag(recent)} AS recent,
                   count(*) FILTER (WHERE {recent}) AS n,
                   {flag(f"i.modality = 'PT' AND {recent}")} AS pet,
                   {flag("i.dicom_study_link IS NOT NULL")} AS dicom
            FROM {cur("imaging")} i JOIN {BASE} b USING (cancer_id) GROUP BY i.cancer_id),
        rt AS (
            SELECT cancer_id, {flag("rt_dataset_link IS NOT NULL")} AS dicom
            FROM {cur("radiotherapy")} GROUP BY cancer_id)"""


def _nlp() -> str:
    patient_level = [e.name for e in load_dictionary().entities
                     if not e.derived and e.name not in CANCER_LEVEL and e.name != "cancer"]
    by_patient = " UNION ".join(f"SELECT patient_id FROM {src(t)} WHERE {_NLP}"
                                for t in patient_level)
    by_cancer = " UNION ".join(f"SELECT cancer_id FROM {cur(t)} WHERE {_NLP}"
                               for t in (*CANCER_LEVEL, "cancer") if t != "drug_administration")
    by_cancer += (f" UNION SELECT k.cancer_id FROM {DRUG_ROWS} d JOIN dv_cancer_key k "
                  f"USING (ck) WHERE d.{_NLP}")
    return f"nlp_p AS ({by_patient}), nlp_c AS ({by_cancer})"


def sql(env: VariableEnv) -> str:
    outside = "CASE WHEN coalesce(d.n_systemic, 0) > 0 THEN d.systemic_out END"
    return f"""
        WITH {_samples_imaging()}, {_nlp()}
        SELECT b.cancer_id, coalesce(sm.tumour, FALSE) AS tumor_sample_available,
               coalesce(sm.tumour_primary, FALSE) AS tumor_sample_primary_site,
               coalesce(sm.pretreatment, FALSE) AS tumor_sample_pretreatment,
               coalesce(sm.healthy, FALSE) AS healthy_tissue_sample_available,
               coalesce(sm.fluid, FALSE) AS fluid_sample_available,
               {outside} AS systemic_treatment_outside_facility,
               coalesce(sm.n, 0) AS n_samples,
               coalesce(im.recent, FALSE) AS imaging_available,
               coalesce(im.n, 0) AS n_imaging_exams, coalesce(im.pet, FALSE) AS pet_available,
               coalesce(im.dicom, FALSE) AS imaging_dicom_available,
               coalesce(rt.dicom, FALSE) AS rt_dicom_available,
               b.patient_id IN (SELECT patient_id FROM nlp_p)
                   OR b.cancer_id IN (SELECT cancer_id FROM nlp_c) AS nlp_derived_data
        FROM {BASE} b LEFT JOIN {DRUG_SUMMARY} d USING (cancer_id)
        LEFT JOIN sm USING (cancer_id) LEFT JOIN im USING (cancer_id)
        LEFT JOIN rt USING (cancer_id)"""

"""Category ``treatments``: therapeutic classes received, first systemic treatment, lines of
therapy, surgery, radiotherapy, clinical trial and early access (sections 11-13).

Class flags come from ``dv_drug_summary`` (one scan of the drug table, classes from the current
ATC code: see :mod:`~oncorwd.ingest.derive.drug_classes`); line variables from the
``lines_of_therapy`` step's summary. Surgery and radiotherapy count from 30 days before
diagnosis on (earlier rows are treated as misattributed).
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.lines_of_therapy import LINE_SUMMARY
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, flag
from oncorwd.ingest.derive.variables.shared import DRUG_SUMMARY, TREATMENT_DATES

__all__ = ["CLASS_VARIABLES", "sql"]

#: Class flag variables -> drug class of dv_drug_summary.
CLASS_VARIABLES = {
    "chemotherapy_any": "chemotherapy", "platinum_any": "platinum",
    "targeted_therapy_any": "targeted", "immunotherapy_any": "immunotherapy",
    "checkpoint_inhibitor_any": "checkpoint", "hormone_therapy_any": "hormone",
    "anti_her2_any": "anti_her2", "anti_egfr_tki_any": "anti_egfr_tki",
    "anti_egfr_antibody_any": "anti_egfr_antibody", "anti_vegf_any": "anti_vegf",
    "parp_inhibitor_any": "parp", "cdk46_inhibitor_any": "cdk46",
}


def _procedures() -> str:
    first = "{'d': s.procedure_date, 'code': coalesce(s.procedure_code, 'ZZZZZZZ')}"
    same_site = "left(r.irradiated_topography, 3) = left(b.topography, 3)"
    return f"""
        su AS (
            SELECT s.cancer_id, arg_min(coalesce(s.procedure_group, lk.grp), {first}) AS grp
            FROM {cur("surgery")} s JOIN {BASE} b USING (cancer_id)
            LEFT JOIN dv_lk_ccam lk ON lk.code = s.procedure_code
            WHERE s.procedure_date >= b.dx - 30 GROUP BY s.cancer_id),
        rt AS (
            SELECT r.cancer_id, {flag(same_site)} AS primary_site,
                   count(r.irradiated_topography) AS n_sited
            FROM {cur("radiotherapy")} r JOIN {BASE} b USING (cancer_id)
            GROUP BY r.cancer_id)"""


def sql(env: VariableEnv) -> str:
    classes = ",\n".join(f"coalesce(d.{c}, FALSE) AS {v}" for v, c in CLASS_VARIABLES.items())
    first = "least(t.first_systemic_30, t.first_surgery, t.first_radiotherapy)"
    return f"""
        WITH {_procedures()}
        SELECT b.cancer_id, {classes},
               t.first_systemic AS first_systemic_treatment_date,
               l.line1_start AS line1_start_date, l.line1_end AS line1_end_date,
               l.first_line_regimen, coalesce(l.n_lines, 0) AS n_lines,
               coalesce(l.n_lines, 0) >= 2 AS received_line2, l.line2_start AS line2_start_date,
               {first} - b.dx AS days_diagnosis_to_first_treatment,
               t.first_surgery IS NOT NULL AS surgery_any, t.first_surgery AS first_surgery_date,
               su.grp AS first_surgery_group,
               t.first_radiotherapy IS NOT NULL AS radiotherapy_any,
               t.first_radiotherapy AS first_radiotherapy_date,
               CASE WHEN rt.primary_site THEN TRUE WHEN rt.n_sited > 0 THEN FALSE END
                   AS radiotherapy_primary_site,
               coalesce(d.clinical_trial, FALSE) AS clinical_trial,
               coalesce(d.early_access, FALSE) AS early_access
        FROM {BASE} b
        LEFT JOIN {DRUG_SUMMARY} d USING (cancer_id)
        LEFT JOIN {TREATMENT_DATES} t USING (cancer_id)
        LEFT JOIN {LINE_SUMMARY} l USING (cancer_id)
        LEFT JOIN su USING (cancer_id) LEFT JOIN rt USING (cancer_id)"""

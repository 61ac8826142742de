"""Working tables computed once before the categories, because several categories read them.

- ``dv_cv_base``: the cancers that get a cohort row: every cancer of ``dv_cancer`` except those
  of patients who object to the reuse of their data (non_opposition = N), with ``dx`` = the
  derived diagnosis date;
- ``dv_drug_summary``: one row per cancer with drug rows: the therapeutic-class flags, the first
  systemic treatment dates, trial/early-access flags and the in/out-of-facility counts (one scan of
  the narrow drug rows of the ``lines_of_therapy`` step for all of them);
- ``dv_treatment_dates``: per cancer, the first systemic treatment, surgery and radiotherapy
  dates, the last two (and a systemic one) only from 30 days before diagnosis on (earlier rows
  are treated as misattributed, as the derivations say).
"""

from __future__ import annotations

from collections.abc import Callable

from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.drug_classes import DRUG_CLASSES
from oncorwd.ingest.derive.lines_of_therapy import DRUG_ROWS
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, flag

__all__ = ["DRUG_SUMMARY", "PRELUDE", "TREATMENT_DATES"]

DRUG_SUMMARY = "dv_drug_summary"
TREATMENT_DATES = "dv_treatment_dates"


def base_sql(env: VariableEnv) -> str:
    objecting = ""
    if env.params.exclude_objecting_patients:
        objecting = (f"WHERE c.patient_id NOT IN (SELECT patient_id FROM {cur('non_opposition')} "
                     "WHERE non_opposition = 'N')")
    return f"SELECT c.*, c.diagnosis_date AS dx FROM {cur('cancer')} c {objecting}"


def drug_summary_sql(env: VariableEnv) -> str:
    classes = ",\n".join(f"{flag('a.' + c)} AS {c}" for c in DRUG_CLASSES)
    return f"""
        WITH s AS (
            SELECT d.ck, {classes},
                   min(d.d) FILTER (WHERE a.systemic) AS first_systemic,
                   min(d.d) FILTER (WHERE a.systemic AND d.d >= b.dx - 30) AS first_systemic_30,
                   {flag("d.clinical_trial = 'Y'")} AS clinical_trial,
                   {flag("d.early_access = 'Y'")} AS early_access,
                   count(*) FILTER (WHERE a.systemic) AS n_systemic,
                   {flag("a.systemic AND d.in_facility = 'OUT'")} AS systemic_out
            FROM {DRUG_ROWS} d JOIN dv_cancer_key k USING (ck) JOIN {BASE} b USING (cancer_id)
            LEFT JOIN dv_lk_atc a USING (code_id)
            GROUP BY d.ck)
        SELECT k.cancer_id, s.* EXCLUDE (ck) FROM s JOIN dv_cancer_key k USING (ck)"""


def treatment_dates_sql(env: VariableEnv) -> str:
    return f"""
        WITH s AS (
            SELECT s.cancer_id, min(s.procedure_date) AS first_surgery
            FROM {cur("surgery")} s JOIN {BASE} b USING (cancer_id)
            WHERE s.procedure_date >= b.dx - 30 GROUP BY s.cancer_id),
        r AS (
            SELECT r.cancer_id, min(r.start_date) AS first_radiotherapy
            FROM {cur("radiotherapy")} r JOIN {BASE} b USING (cancer_id)
            WHERE r.start_date >= b.dx - 30 GROUP BY r.cancer_id)
        SELECT b.cancer_id, d.first_systemic, d.first_systemic_30, s.first_surgery,
               r.first_radiotherapy
        FROM {BASE} b LEFT JOIN {DRUG_SUMMARY} d USING (cancer_id)
        LEFT JOIN s USING (cancer_id) LEFT JOIN r USING (cancer_id)"""


#: Built in this order by the ``cohort_variables`` step, before the categories.
PRELUDE: tuple[tuple[str, Callable[[VariableEnv], str]], ...] = (
    (BASE, base_sql),
    (DRUG_SUMMARY, drug_summary_sql),
    (TREATMENT_DATES, treatment_dates_sql),
)

"""CONDITION_OCCURRENCE: cancers (OHDSI Oncology convention) and comorbidities (ICD-10).

A cancer is the ICD-O-3 condition ``histology/behaviour-topography`` (``8140/3-C34.1``, vocabulary
ICDO3 in Athena), from the diagnosis date, type Registry (32879). Comorbidities are their ICD-10
code, type EHR (32817). ``_cancer_id`` keeps the link the modifiers and episodes need.
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource
from oncorwd.convert.omop.vocabulary import constant

TABLE = "condition_occurrence"
ICDO3 = "c.morphology || '-' || c.topography"
CODES = (CodeSource("ICDO3", "cancer c", ICDO3), CodeSource("ICD10", "comorbidity", "code"))


def build(ctx: ChunkContext) -> None:
    ctx.create(TABLE, f"""
        WITH rows AS (
            SELECT p.person_id, cid('ICDO3', {ICDO3}) AS concept, c.diagnosis_date AS d,
                   {constant('type:registry')} AS type_id, {ICDO3} AS source_value,
                   scid('ICDO3', {ICDO3}) AS source_id, c.cancer_id AS _cancer_id,
                   0 AS _kind, c.cancer_id AS _key
            FROM src_cancer c JOIN persons p USING (patient_id)
            WHERE c.diagnosis_date IS NOT NULL
            UNION ALL
            SELECT p.person_id, cid('ICD10', m.code), m.onset_date, {constant('type:ehr')},
                   m.code, scid('ICD10', m.code), NULL, 1, m.comorbidity_id
            FROM src_comorbidity m JOIN persons p USING (patient_id)
            WHERE m.onset_date IS NOT NULL)
        SELECT {ctx.offset(TABLE)} + row_number() OVER (ORDER BY _kind, _key)
                   AS condition_occurrence_id,
               person_id, concept AS condition_concept_id, d AS condition_start_date,
               NULL::TIMESTAMP AS condition_start_datetime, NULL::DATE AS condition_end_date,
               NULL::TIMESTAMP AS condition_end_datetime, type_id AS condition_type_concept_id,
               NULL::INTEGER AS condition_status_concept_id, NULL AS stop_reason,
               NULL::INTEGER AS provider_id, NULL::INTEGER AS visit_occurrence_id,
               NULL::INTEGER AS visit_detail_id, left(source_value, 50) AS condition_source_value,
               source_id AS condition_source_concept_id,
               NULL AS condition_status_source_value, _cancer_id
        FROM rows""")


def unrepresented_sql() -> str:
    return ("SELECT 'condition_occurrence', 'cancer', count(*), 'no diagnosis date' "
            "FROM src_cancer WHERE diagnosis_date IS NULL UNION ALL "
            "SELECT 'condition_occurrence', 'comorbidity', count(*), 'no onset date' "
            "FROM src_comorbidity WHERE onset_date IS NULL")

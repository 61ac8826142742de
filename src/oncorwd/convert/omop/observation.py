"""OBSERVATION: the 13 IARC risk factors, family history of cancer, site observations.

Risk factors (Yes/No/Unknown, undated in OSIRIS) become one row each: the factor is the
observation concept and the answer the value concept, dated at the patient's first cancer
diagnosis (else the vital-status update or last visit). Family history: the observation
'Family history of cancer' with the relative's cancer site as value and the relationship as
qualifier. Section-18 observations keep their type, nomenclature and value as text.
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource
from oncorwd.convert.omop.vocabulary import constant

TABLE = "observation"
RISK_FACTORS = ("smoking", "alcohol", "overweight", "unbalanced_diet", "sedentary_lifestyle",
                "hormone", "inadequate_breastfeeding", "infectious_disease",
                "ionising_radiation", "pollution", "uv_radiation", "occupational_exposure",
                "chemical_exposure")
FAMILY = "'Family history of cancer'"

CODES = (
    *(CodeSource("RiskFactor", "risk_factor", f"'{f}'") for f in RISK_FACTORS),
    *(CodeSource("Value", "risk_factor", f) for f in RISK_FACTORS),
    CodeSource("Observation", "family_history", FAMILY),
    CodeSource("ICDO3-T", "family_history", "topography"),
    CodeSource("Relationship", "family_history", "relationship"),
    CodeSource("Observation", "observation", "observation_type"),
)

_ANCHOR = """anchor AS (
    SELECT p.person_id, p.patient_id,
           coalesce(min(co.condition_start_date), min(v.update_date), min(v.last_visit_date))
               AS d
    FROM persons p
    LEFT JOIN omop_condition_occurrence co
           ON co.person_id = p.person_id AND co._cancer_id IS NOT NULL
    LEFT JOIN src_vital_status v ON v.patient_id = p.patient_id
    GROUP BY ALL)"""


def _risk_rows() -> str:
    cols = ", ".join(RISK_FACTORS)
    return f"""
        SELECT a.person_id, cid('RiskFactor', u.factor) AS concept, a.d,
               cid('Value', u.answer) AS value_concept, NULL AS value_string,
               NULL::INTEGER AS qualifier, NULL AS qualifier_source, u.factor AS source_value,
               scid('RiskFactor', u.factor) AS source_id, u.answer AS value_source,
               0 AS _kind, u.patient_id || '/' || u.factor AS _key
        FROM (UNPIVOT (SELECT patient_id, {cols} FROM src_risk_factor)
              ON {cols} INTO NAME factor VALUE answer) u
        JOIN anchor a USING (patient_id)"""


def build(ctx: ChunkContext) -> None:
    ctx.create(TABLE, f"""
        WITH {_ANCHOR}, rows AS ({_risk_rows()}
            UNION ALL
            SELECT a.person_id, cid('Observation', {FAMILY}), a.d,
                   cid('ICDO3-T', f.topography), NULL, cid('Relationship', f.relationship),
                   f.relationship, {FAMILY}, scid('Observation', {FAMILY}), f.topography,
                   1, f.family_history_id
            FROM src_family_history f JOIN anchor a USING (patient_id)
            UNION ALL
            SELECT p.person_id, cid('Observation', o.observation_type), o.observation_date,
                   NULL, o.value, NULL, NULL, o.observation_type,
                   scid('Observation', o.observation_type), o.nomenclature || ':' || o.value,
                   2, o.observation_id
            FROM src_observation o JOIN persons p USING (patient_id))
        SELECT {ctx.offset(TABLE)} + row_number() OVER (ORDER BY _kind, _key) AS observation_id,
               person_id, concept AS observation_concept_id, d AS observation_date,
               NULL::TIMESTAMP AS observation_datetime,
               {constant('type:ehr')} AS observation_type_concept_id,
               NULL::DOUBLE AS value_as_number, left(value_string, 60) AS value_as_string,
               value_concept AS value_as_concept_id, qualifier AS qualifier_concept_id,
               NULL::INTEGER AS unit_concept_id, NULL::INTEGER AS provider_id,
               NULL::INTEGER AS visit_occurrence_id, NULL::INTEGER AS visit_detail_id,
               left(source_value, 50) AS observation_source_value,
               source_id AS observation_source_concept_id, NULL AS unit_source_value,
               left(qualifier_source, 50) AS qualifier_source_value,
               left(value_source, 50) AS value_source_value,
               NULL::INTEGER AS observation_event_id, NULL::INTEGER AS obs_event_field_concept_id
        FROM rows WHERE d IS NOT NULL""")

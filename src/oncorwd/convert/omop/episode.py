"""EPISODE and EPISODE_EVENT: the disease and treatment episodes of the oncology extension.

Per cancer, a Disease First Occurrence (32528) whose object is the cancer's condition concept;
below it (``episode_parent_id``) a Disease Recurrence (32529) per recurrence or relapse,
a metastasis, transformation or progression episode (local concepts: no verified standard id),
one Treatment Regimen (32531) per line of systemic therapy (``episode_number`` = line) and per
surgery or radiotherapy course. EPISODE_EVENT links each episode to its rows: the condition
(1147127), the drug exposures (1147094), the procedure (1147082) or the metastasis measurement
(1147138).
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource
from oncorwd.convert.omop.vocabulary import constant

TABLE = "episode"
EVENT_TYPES = {"2": "Disease Metastasis", "4": "Disease Transformation"}
CODES = (
    CodeSource("Episode", "tumor_event", "'Disease Metastasis'"),
    CodeSource("Episode", "tumor_event", "'Disease Transformation'"),
    CodeSource("Episode", "progression", "'Disease Progression'"),
    CodeSource("Regimen", "drug_administration", "'Systemic therapy line'"),
)


def _rows() -> str:
    first, rec, reg = (constant("episode:first_occurrence"), constant("episode:recurrence"),
                       constant("episode:treatment_regimen"))
    return f"""
        SELECT co.person_id, {first} AS concept, co.condition_start_date AS s,
               NULL::DATE AS e, NULL AS number, co.condition_concept_id AS object,
               co.condition_source_value AS source_value, co._cancer_id, 0 AS _kind,
               co._cancer_id AS _key, co.condition_occurrence_id AS _event,
               {constant('field:condition_occurrence_id')} AS _field
        FROM omop_condition_occurrence co WHERE co._cancer_id IS NOT NULL
        UNION ALL
        SELECT co.person_id,
               CASE WHEN t.event_type IN ('1', '3') THEN {rec}
                    ELSE cid('Episode', CASE t.event_type WHEN '2' THEN 'Disease Metastasis'
                                         ELSE 'Disease Transformation' END) END,
               coalesce(t.diagnosis_date, t.metastasis_date, t.mention_date), NULL, NULL,
               co.condition_concept_id, 'tumor_event ' || t.event_type, t.cancer_id, 1,
               t.tumor_event_id, m.measurement_id,
               CASE WHEN m.measurement_id IS NULL THEN NULL
                    ELSE {constant('field:measurement_id')} END
        FROM src_tumor_event t
        JOIN omop_condition_occurrence co ON co._cancer_id = t.cancer_id
        LEFT JOIN omop_measurement m ON m._kind = 0 AND m._key = t.tumor_event_id
        WHERE coalesce(t.diagnosis_date, t.metastasis_date, t.mention_date) IS NOT NULL
        UNION ALL
        SELECT co.person_id, cid('Episode', 'Disease Progression'), g.progression_date, NULL,
               NULL, co.condition_concept_id, 'progression', g.cancer_id, 2, g.progression_id,
               NULL, NULL
        FROM src_progression g
        JOIN omop_condition_occurrence co ON co._cancer_id = g.cancer_id
        WHERE g.progression = 'Y' AND g.progression_date IS NOT NULL
        UNION ALL
        SELECT person_id, {reg}, min(drug_exposure_start_date), max(drug_exposure_end_date),
               _line, cid('Regimen', 'Systemic therapy line'), 'line ' || _line, _cancer_id, 3,
               _cancer_id || '/' || lpad(_line::VARCHAR, 4, '0'), NULL, NULL
        FROM omop_drug_exposure WHERE _line IS NOT NULL AND _cancer_id IS NOT NULL
        GROUP BY person_id, _cancer_id, _line
        UNION ALL
        SELECT person_id, {reg}, procedure_date, NULL, NULL, procedure_concept_id,
               procedure_source_value, _cancer_id, 4,
               lpad(procedure_occurrence_id::VARCHAR, 12, '0'), procedure_occurrence_id,
               {constant('field:procedure_occurrence_id')}
        FROM omop_procedure_occurrence WHERE _kind IN (1, 2) AND _cancer_id IS NOT NULL"""


def build(ctx: ChunkContext) -> None:
    ctx.create(TABLE, f"""
        WITH rows AS ({_rows()}),
        numbered AS (
            SELECT *, {ctx.offset(TABLE)} + row_number() OVER (ORDER BY _kind, _key)
                          AS episode_id FROM rows)
        SELECT n.episode_id, n.person_id, n.concept AS episode_concept_id,
               n.s AS episode_start_date, NULL::TIMESTAMP AS episode_start_datetime,
               n.e AS episode_end_date, NULL::TIMESTAMP AS episode_end_datetime,
               CASE WHEN n._kind = 0 THEN NULL ELSE parent.episode_id END AS episode_parent_id,
               n.number::INTEGER AS episode_number, n.object AS episode_object_concept_id,
               {constant('type:registry')} AS episode_type_concept_id,
               left(n.source_value, 50) AS episode_source_value,
               0 AS episode_source_concept_id, n._kind, n._key, n._event, n._field, n._cancer_id
        FROM numbered n
        LEFT JOIN numbered parent ON parent._kind = 0 AND parent._cancer_id = n._cancer_id""")
    ctx.create("episode_event", f"""
        SELECT episode_id, _event AS event_id, _field AS episode_event_field_concept_id
        FROM omop_episode WHERE _event IS NOT NULL
        UNION ALL
        SELECT e.episode_id, d.drug_exposure_id, {constant('field:drug_exposure_id')}
        FROM omop_episode e JOIN omop_drug_exposure d
          ON e._kind = 3 AND d._cancer_id = e._cancer_id
         AND e._key = d._cancer_id || '/' || lpad(d._line::VARCHAR, 4, '0')""")

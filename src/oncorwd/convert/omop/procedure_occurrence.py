"""PROCEDURE_OCCURRENCE: surgery (CCAM), radiotherapy courses (CCAM technique), imaging (DICOM).

A surgery without a CCAM code keeps its procedure group as source value with concept 0 (reported
in the coverage report). ``_kind`` (1 surgery, 2 radiotherapy, 3 imaging) and ``_cancer_id`` keep
what the treatment episodes need.
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource
from oncorwd.convert.omop.vocabulary import constant

TABLE = "procedure_occurrence"
CODES = (CodeSource("CCAM", "surgery", "procedure_code"),
         CodeSource("CCAM", "radiotherapy", "technique_code"),
         CodeSource("DICOM", "imaging", "modality"))


def build(ctx: ChunkContext) -> None:
    ehr = constant("type:ehr")
    ctx.create(TABLE, f"""
        WITH rows AS (
            SELECT p.person_id, cid('CCAM', s.procedure_code) AS concept, s.procedure_date AS d,
                   coalesce(s.procedure_code, s.procedure_group) AS source_value,
                   scid('CCAM', s.procedure_code) AS source_id, 1 AS _kind,
                   s.surgery_id AS _key, s.cancer_id AS _cancer_id
            FROM src_surgery s JOIN persons p USING (patient_id)
            WHERE s.procedure_date IS NOT NULL
            UNION ALL
            SELECT p.person_id, cid('CCAM', r.technique_code), r.start_date, r.technique_code,
                   scid('CCAM', r.technique_code), 2, r.radiotherapy_id, r.cancer_id
            FROM src_radiotherapy r JOIN persons p USING (patient_id)
            WHERE r.start_date IS NOT NULL
            UNION ALL
            SELECT p.person_id, cid('DICOM', i.modality), CAST(i.exam_date AS DATE), i.modality,
                   scid('DICOM', i.modality), 3, i.imaging_id, i.cancer_id
            FROM src_imaging i JOIN persons p USING (patient_id)
            WHERE i.exam_date IS NOT NULL)
        SELECT {ctx.offset(TABLE)} + row_number() OVER (ORDER BY _kind, _key)
                   AS procedure_occurrence_id,
               person_id, concept AS procedure_concept_id, d AS procedure_date,
               NULL::TIMESTAMP AS procedure_datetime, NULL::DATE AS procedure_end_date,
               NULL::TIMESTAMP AS procedure_end_datetime, {ehr} AS procedure_type_concept_id,
               NULL::INTEGER AS modifier_concept_id, NULL::INTEGER AS quantity,
               NULL::INTEGER AS provider_id, NULL::INTEGER AS visit_occurrence_id,
               NULL::INTEGER AS visit_detail_id, left(source_value, 50) AS procedure_source_value,
               source_id AS procedure_source_concept_id, NULL AS modifier_source_value,
               _kind, _cancer_id
        FROM rows""")


def unrepresented_sql() -> str:
    return ("SELECT 'procedure_occurrence', 'surgery', count(*), 'no procedure date' "
            "FROM src_surgery WHERE procedure_date IS NULL UNION ALL "
            "SELECT 'procedure_occurrence', 'radiotherapy', count(*), 'no start date' "
            "FROM src_radiotherapy WHERE start_date IS NULL")

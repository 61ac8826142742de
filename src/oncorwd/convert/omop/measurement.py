"""MEASUREMENT: cancer modifiers, biomarkers, performance status, weight/height, site measures.

Cancer modifiers follow the OHDSI Oncology convention: one row per modifier (T, N, M, stage
group, grade, tumour size, laterality, basis of diagnosis, each metastatic site), dated at
diagnosis, linked to the cancer's CONDITION_OCCURRENCE by ``measurement_event_id`` =
``condition_occurrence_id`` and ``meas_event_field_concept_id`` = 1147127. The modifier itself is
the measurement concept (``pT2a`` is one concept, as Cancer Modifier concepts are); without an
Athena Cancer Modifier concept it is a local concept. Biomarkers measure their LOINC test (or the
oncorwd catalogue name), with the status as value concept and the detail as ``value_source_value``.
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource
from oncorwd.convert.omop.vocabulary import constant

TABLE = "measurement"

#: (source table alias, modifier code expression, value_as_number, unit code, date, where)
MODIFIERS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("c", "coalesce(c.tnm_type, '') || c.tnm_t", "NULL", "NULL", "c.diagnosis_date",
     "c.tnm_t IS NOT NULL"),
    ("c", "coalesce(c.tnm_type, '') || c.tnm_n", "NULL", "NULL", "c.diagnosis_date",
     "c.tnm_n IS NOT NULL"),
    ("c", "coalesce(c.tnm_type, '') || 'M' || c.tnm_m", "NULL", "NULL", "c.diagnosis_date",
     "c.tnm_m IS NOT NULL"),
    ("c", "coalesce(c.stage_type, 'UK') || ' stage ' || c.stage", "NULL", "NULL",
     "c.diagnosis_date", "c.stage IS NOT NULL AND c.stage <> 'UK'"),
    ("c", "coalesce(c.grade_type, 'UN') || ' grade ' || c.grade", "NULL", "NULL",
     "c.diagnosis_date", "c.grade IS NOT NULL AND c.grade <> 'UN'"),
    ("c", "'Tumor size'", "c.tumor_size_mm", "'mm'",
     "coalesce(c.tumor_size_date, c.diagnosis_date)", "c.tumor_size_mm IS NOT NULL"),
    ("c", "'Laterality ' || c.laterality", "NULL", "NULL", "c.diagnosis_date",
     "c.laterality IS NOT NULL AND c.laterality NOT IN ('NA', 'UN')"),
    ("c", "'Basis of diagnosis ' || c.diagnosis_method", "NULL", "NULL", "c.diagnosis_date",
     "c.diagnosis_method IS NOT NULL"),
    ("t", "'Metastasis to ' || t.metastasis_topography", "NULL", "NULL",
     "coalesce(t.metastasis_date, t.diagnosis_date, t.mention_date)",
     "t.event_type = '2' AND t.metastasis_topography IS NOT NULL"),
)
_TABLES = {"c": "cancer", "t": "tumor_event"}
_GS_UNIT = "CASE g.measure_type WHEN 'WEIGHT' THEN 'kg' WHEN 'HEIGHT' THEN 'cm' END"

CODES = (
    *(CodeSource("Modifier", f"{_TABLES[a]} {a}", code) for a, code, *_ in MODIFIERS),
    CodeSource("Unit", "cancer", "'mm'"),
    CodeSource("LOINC", "biomarker", "biomarker_code"),
    CodeSource("Biomarker", "biomarker", "biomarker_name"),
    CodeSource("Value", "biomarker", "status"),
    CodeSource("Unit", "biomarker", "unit"),
    CodeSource("Measure", "general_status", "measure_type"),
    CodeSource("Unit", "general_status g", _GS_UNIT),
    CodeSource("Measure", "measure", "measure_type"),
    CodeSource("Unit", "measure", "unit"),
)

_COND = "omop_condition_occurrence"


def _modifier_rows() -> str:
    parts = []
    for i, (alias, code, number, unit, date, where) in enumerate(MODIFIERS):
        source = f"src_{_TABLES[alias]} {alias}"
        parts.append(f"""
            SELECT co.person_id, cid('Modifier', {code}) AS concept, {date} AS d,
                   {number}::DOUBLE AS num, NULL::INTEGER AS value_concept,
                   cid('Unit', {unit}) AS unit_concept, {unit} AS unit_source,
                   {code} AS source_value, scid('Modifier', {code}) AS source_id,
                   NULL AS value_source, co.condition_occurrence_id AS event_id,
                   {constant('type:registry')} AS type_id,
                   0 AS _kind, {alias}.{'cancer_id' if alias == 'c' else 'tumor_event_id'} AS _key,
                   {i} AS _seq
            FROM {source} JOIN {_COND} co ON co._cancer_id = {alias}.cancer_id
            WHERE {where} AND {date} IS NOT NULL""")
    return " UNION ALL ".join(parts)


def _other_rows() -> str:
    ehr = constant("type:ehr")
    return f"""
        SELECT p.person_id,
               CASE WHEN b.biomarker_code IS NOT NULL THEN cid('LOINC', b.biomarker_code)
                    ELSE cid('Biomarker', b.biomarker_name) END,
               b.result_date, b.value_numeric, cid('Value', b.status), cid('Unit', b.unit),
               b.unit, coalesce(b.biomarker_code, b.biomarker_name),
               CASE WHEN b.biomarker_code IS NOT NULL THEN scid('LOINC', b.biomarker_code)
                    ELSE scid('Biomarker', b.biomarker_name) END,
               left(coalesce(b.result_detail, b.status), 50), co.condition_occurrence_id,
               {ehr}, 1, b.biomarker_id, 0
        FROM src_biomarker b JOIN persons p USING (patient_id)
        LEFT JOIN {_COND} co ON co._cancer_id = b.cancer_id
        WHERE b.result_date IS NOT NULL
        UNION ALL
        SELECT p.person_id, cid('Measure', g.measure_type), g.measure_date, g.value, NULL,
               cid('Unit', {_GS_UNIT}), {_GS_UNIT}, g.measure_type,
               scid('Measure', g.measure_type), NULL, NULL, {ehr}, 2, g.general_status_id, 0
        FROM src_general_status g JOIN persons p USING (patient_id)
        WHERE g.measure_date IS NOT NULL
        UNION ALL
        SELECT p.person_id, cid('Measure', m.measure_type), m.measure_date, m.value, NULL,
               cid('Unit', m.unit), m.unit, m.measure_type, scid('Measure', m.measure_type),
               NULL, NULL, {ehr}, 3, m.measure_id, 0
        FROM src_measure m JOIN persons p USING (patient_id)
        WHERE m.measure_date IS NOT NULL"""


def build(ctx: ChunkContext) -> None:
    field = constant("field:condition_occurrence_id")
    ctx.create(TABLE, f"""
        WITH rows AS ({_modifier_rows()} UNION ALL {_other_rows()})
        SELECT {ctx.offset(TABLE)} + row_number() OVER (ORDER BY _kind, _key, _seq)
                   AS measurement_id,
               person_id, concept AS measurement_concept_id, d AS measurement_date,
               NULL::TIMESTAMP AS measurement_datetime, NULL AS measurement_time,
               type_id AS measurement_type_concept_id, NULL::INTEGER AS operator_concept_id,
               num AS value_as_number, value_concept AS value_as_concept_id,
               CASE WHEN unit_source IS NULL THEN NULL ELSE unit_concept END AS unit_concept_id,
               NULL::DOUBLE AS range_low, NULL::DOUBLE AS range_high,
               NULL::INTEGER AS provider_id, NULL::INTEGER AS visit_occurrence_id,
               NULL::INTEGER AS visit_detail_id,
               left(source_value, 50) AS measurement_source_value,
               source_id AS measurement_source_concept_id,
               left(unit_source, 50) AS unit_source_value,
               NULL::INTEGER AS unit_source_concept_id, value_source AS value_source_value,
               event_id AS measurement_event_id,
               CASE WHEN event_id IS NULL THEN NULL ELSE {field} END
                   AS meas_event_field_concept_id,
               _kind, _key, _seq
        FROM rows""")


def unrepresented_sql() -> str:
    return ("SELECT 'measurement', 'biomarker', count(*), 'no result date' FROM src_biomarker "
            "WHERE result_date IS NULL UNION ALL SELECT 'measurement', 'general_status', "
            "count(*), 'no measure date' FROM src_general_status WHERE measure_date IS NULL")

"""DEATH: one row per deceased patient with a death date (vital status 1).

The type says where the date comes from: the INSEE national death registry is a registry
(32879), the facility's records are EHR (32817). A deceased patient without a death date cannot
be represented (``death_date`` is required) and is reported.
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.vocabulary import constant

TABLE = "death"
CODES = ()


def build(ctx: ChunkContext) -> None:
    ctx.create(TABLE, f"""
        SELECT p.person_id, v.death_date, NULL::TIMESTAMP AS death_datetime,
               CASE WHEN v.vital_status_source = 'INSEE' THEN {constant('type:registry')}
                    ELSE {constant('type:ehr')} END AS death_type_concept_id,
               0 AS cause_concept_id, NULL AS cause_source_value, 0 AS cause_source_concept_id
        FROM src_vital_status v JOIN persons p USING (patient_id)
        WHERE v.death_date IS NOT NULL""")


def unrepresented_sql() -> str:
    return ("SELECT 'death' AS omop_table, 'vital_status' AS source_table, count(*) AS n, "
            "'deceased without a death date' AS reason FROM src_vital_status "
            "WHERE vital_status = '1' AND death_date IS NULL")

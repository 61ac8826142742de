"""PERSON: one row per exported patient (objectors excluded upstream).

``person_id`` is the patient's rank in the sorted list of exported ``patient_id`` (1-based):
deterministic for a data version; ``person_source_value`` keeps the OSIRIS ``patient_id`` so every
person traces back. Partial birth dates keep their known parts (month/day NULL when ``UN``).
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource

TABLE = "person"
CODES = (CodeSource("gender", "patient", "sex"),)


def build(ctx: ChunkContext) -> None:
    ctx.create(TABLE, f"""
        SELECT p.person_id, cid('gender', s.sex) AS gender_concept_id,
               s.birth_date_year AS year_of_birth,
               TRY_CAST(nullif(s.birth_date_month, 'UN') AS INTEGER) AS month_of_birth,
               TRY_CAST(nullif(s.birth_date_day, 'UN') AS INTEGER) AS day_of_birth,
               NULL AS birth_datetime, 0 AS race_concept_id, 0 AS ethnicity_concept_id,
               {ctx.location_id} AS location_id, NULL AS provider_id,
               {ctx.care_site_id} AS care_site_id, s.patient_id AS person_source_value,
               s.sex AS gender_source_value, scid('gender', s.sex) AS gender_source_concept_id,
               NULL AS race_source_value, 0 AS race_source_concept_id,
               NULL AS ethnicity_source_value, 0 AS ethnicity_source_concept_id
        FROM src_patient s JOIN persons p USING (patient_id)""")

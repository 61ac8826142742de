"""OBSERVATION_PERIOD: one per person, from the first to the last dated fact.

The span covers every exported clinical date and the vital-status dates (last visit, last
contact, death), so every event of the person falls inside it (OHDSI tools drop events outside
observation periods). A person with no date at all gets no period and is reported.
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.vocabulary import constant

TABLE = "observation_period"
CODES = ()
_DATES = (("condition_occurrence", "condition_start_date"),
          ("drug_exposure", "drug_exposure_start_date"),
          ("procedure_occurrence", "procedure_date"), ("measurement", "measurement_date"),
          ("observation", "observation_date"), ("specimen", "specimen_date"),
          ("episode", "episode_start_date"), ("death", "death_date"))


def build(ctx: ChunkContext) -> None:
    facts = " UNION ALL ".join(f"SELECT person_id, {c} AS d FROM omop_{t}" for t, c in _DATES)
    ctx.create(TABLE, f"""
        WITH facts AS ({facts}
            UNION ALL SELECT p.person_id, unnest([v.last_visit_date, v.last_contact_date,
                                                  v.update_date]) FROM src_vital_status v
            JOIN persons p USING (patient_id)),
        spans AS (SELECT person_id, min(d) AS s, max(d) AS e FROM facts
                  WHERE d IS NOT NULL GROUP BY person_id)
        SELECT {ctx.offset(TABLE)} + row_number() OVER (ORDER BY person_id)
                   AS observation_period_id,
               person_id, s AS observation_period_start_date, e AS observation_period_end_date,
               {constant('type:ehr')} AS period_type_concept_id
        FROM spans""")

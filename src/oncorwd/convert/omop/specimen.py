"""SPECIMEN: one row per sample kept in a pathology lab or biobank.

The sample type is the specimen concept, its ICD-O-3 site the anatomic site and its tissue nature
(tumour/healthy) the disease status; ``specimen_source_id`` keeps the facility's sample id so a
sample request can find it. A sample without a sampling date cannot be represented (reported).
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource
from oncorwd.convert.omop.vocabulary import constant

TABLE = "specimen"
CODES = (CodeSource("Specimen", "sample", "sample_type"),
         CodeSource("ICDO3-T", "sample", "sample_topography"),
         CodeSource("Value", "sample", "sample_nature"))


def build(ctx: ChunkContext) -> None:
    ctx.create(TABLE, f"""
        SELECT {ctx.offset(TABLE)} + row_number() OVER (ORDER BY s.sample_id) AS specimen_id,
               p.person_id, cid('Specimen', coalesce(s.sample_type, 'UNKNOWN'))
                   AS specimen_concept_id,
               {constant('type:ehr')} AS specimen_type_concept_id,
               s.sampling_date AS specimen_date, NULL::TIMESTAMP AS specimen_datetime,
               NULL::DOUBLE AS quantity, NULL::INTEGER AS unit_concept_id,
               CASE WHEN s.sample_topography IS NULL THEN NULL
                    ELSE cid('ICDO3-T', s.sample_topography) END AS anatomic_site_concept_id,
               CASE WHEN s.sample_nature IS NULL THEN NULL
                    ELSE cid('Value', s.sample_nature) END AS disease_status_concept_id,
               left(s.sample_id, 50) AS specimen_source_id,
               s.sample_type AS specimen_source_value, NULL AS unit_source_value,
               s.sample_topography AS anatomic_site_source_value,
               s.sample_nature AS disease_status_source_value
        FROM src_sample s JOIN persons p USING (patient_id)
        WHERE s.sampling_date IS NOT NULL""")


def unrepresented_sql() -> str:
    return ("SELECT 'specimen', 'sample', count(*), 'no sampling date' FROM src_sample "
            "WHERE sampling_date IS NULL")

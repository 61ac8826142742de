"""DRUG_EXPOSURE: one row per administration (or prescription) of a molecule, by its ATC code.

Start and end are the administration date; the type is EHR (32817), or Registry (32879) when the
value came from an external structured source (source type 3). ``_line`` and ``_cancer_id`` keep
what the treatment-line episodes need.
"""

from __future__ import annotations

from oncorwd.convert.omop.context import ChunkContext
from oncorwd.convert.omop.sources import CodeSource
from oncorwd.convert.omop.vocabulary import constant

TABLE = "drug_exposure"
CODES = (CodeSource("ATC", "drug_administration", "atc_code"),)


def build(ctx: ChunkContext) -> None:
    ctx.create(TABLE, f"""
        SELECT {ctx.offset(TABLE)} + row_number() OVER (ORDER BY d.drug_administration_id)
                   AS drug_exposure_id,
               p.person_id, cid('ATC', d.atc_code) AS drug_concept_id,
               d.administration_date AS drug_exposure_start_date,
               NULL::TIMESTAMP AS drug_exposure_start_datetime,
               d.administration_date AS drug_exposure_end_date,
               NULL::TIMESTAMP AS drug_exposure_end_datetime, NULL::DATE AS verbatim_end_date,
               CASE WHEN d.source_type = '3' THEN {constant('type:registry')}
                    ELSE {constant('type:ehr')} END AS drug_type_concept_id,
               NULL AS stop_reason, NULL::INTEGER AS refills, NULL::DOUBLE AS quantity,
               NULL::INTEGER AS days_supply, NULL AS sig, NULL::INTEGER AS route_concept_id,
               NULL AS lot_number, NULL::INTEGER AS provider_id,
               NULL::INTEGER AS visit_occurrence_id, NULL::INTEGER AS visit_detail_id,
               d.atc_code AS drug_source_value, scid('ATC', d.atc_code) AS drug_source_concept_id,
               NULL AS route_source_value, NULL AS dose_unit_source_value,
               d.treatment_line AS _line, d.cancer_id AS _cancer_id
        FROM src_drug_administration d JOIN persons p USING (patient_id)
        WHERE d.administration_date IS NOT NULL""")


def unrepresented_sql() -> str:
    return ("SELECT 'drug_exposure', 'drug_administration', count(*), 'no administration date' "
            "FROM src_drug_administration WHERE administration_date IS NULL")

"""Category ``diagnosis``: the cancer's identity (site, histology, IARC groups, behaviour,
laterality, dates, basis of diagnosis), its rank, and the patient's index cancer.

The index cancer is the patient's cancer with the lowest cancer_order among those cared for in
the facility (else among all); ties on cancer_order (a data error) go to the earliest diagnosis,
then the lowest cancer_id. IARC groups were filled by the ``groups`` step (recorded value kept).
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv

__all__ = ["sql"]


def sql(env: VariableEnv) -> str:
    return f"""
        WITH pc AS (
            SELECT cancer_id, count(*) OVER (PARTITION BY patient_id) AS n,
                   row_number() OVER (
                       PARTITION BY patient_id
                       ORDER BY CASE WHEN care_in_facility = 'Y' THEN 0 ELSE 1 END,
                                cancer_order NULLS LAST, diagnosis_date NULLS LAST, cancer_id
                   ) = 1 AS is_index
            FROM {cur("cancer")})
        SELECT b.cancer_id, pc.is_index AS is_index_cancer, b.cancer_order,
               pc.n >= 2 AS multiple_primaries, pc.n AS n_primary_cancers,
               b.topography, left(b.topography, 3) AS topography_3char,
               b.topography_group AS iarc_topography_group,
               b.morphology, b.morphology_group AS iarc_histology_group,
               CASE WHEN regexp_matches(b.morphology, '/[012369]$') THEN right(b.morphology, 1)
                    END AS behaviour,
               b.diagnosis_date, b.diagnosis_date_year AS diagnosis_year, b.diagnosis_method,
               b.laterality,
               CASE b.diagnosis_in_facility WHEN 'IN' THEN TRUE WHEN 'OUT' THEN FALSE END
                   AS diagnosed_in_facility,
               CASE b.care_in_facility WHEN 'Y' THEN TRUE WHEN 'N' THEN FALSE END
                   AS cared_in_facility
        FROM {BASE} b JOIN pc USING (cancer_id)"""

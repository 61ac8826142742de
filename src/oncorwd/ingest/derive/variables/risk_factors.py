"""Category ``risk_factors``: the patient's recorded risk factors (item 3.1), how many are
present, and family history of cancer (section 5). Patient-level."""

from __future__ import annotations

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, in_list

__all__ = ["FIRST_DEGREE", "sql"]

FIRST_DEGREE = ("MOTHER", "FATHER", "SON", "DAUGHTER", "BROTHER", "SISTER")


def _risk_fields() -> list[str]:
    """The 13 IARC risk-factor fields of table risk_factor (item 3.1)."""
    return [f.name for f in load_dictionary().entity("risk_factor").fields if f.item == "3.1"]


def sql(env: VariableEnv) -> str:
    count = " + ".join(f"CAST(coalesce(r.{f} = 'Y', FALSE) AS INTEGER)" for f in _risk_fields())
    return f"""
        WITH fh AS (
            SELECT patient_id,
                   coalesce(bool_or({in_list("relationship", FIRST_DEGREE)}), FALSE) AS first
            FROM {cur("family_history")} GROUP BY patient_id)
        SELECT b.cancer_id, r.smoking, r.alcohol, r.overweight, r.occupational_exposure,
               r.infectious_disease AS infectious_agent,
               CASE WHEN r.patient_id IS NOT NULL THEN {count} END AS risk_factor_count,
               fh.patient_id IS NOT NULL AS family_history_cancer,
               coalesce(fh.first, FALSE) AS family_history_first_degree
        FROM {BASE} b LEFT JOIN {cur("risk_factor")} r USING (patient_id)
        LEFT JOIN fh USING (patient_id)"""

"""Category ``demographics``: sex, birth year, age at diagnosis and its group, facility, and
whether the patient's information date is recorded (patient-level values repeated on every cancer
row of the patient)."""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv

__all__ = ["AGE_GROUPS", "sql"]

#: (lower bound inclusive, code) of the age_group value set, oldest first.
AGE_GROUPS = ((80, "80_PLUS"), (70, "70_79"), (60, "60_69"), (50, "50_59"), (40, "40_49"),
              (18, "18_39"), (0, "0_17"))


def _age(birth: str, dx: str) -> str:
    """Whole years between two dates (birthday not reached yet this year: one less)."""
    return (f"year({dx}) - year({birth}) - CASE WHEN month({dx}) * 100 + day({dx}) "
            f"< month({birth}) * 100 + day({birth}) THEN 1 ELSE 0 END")


def _age_group(age: str) -> str:
    cases = " ".join(f"WHEN {age} >= {low} THEN '{code}'" for low, code in AGE_GROUPS)
    return f"CASE {cases} END"


def sql(env: VariableEnv) -> str:
    return f"""
        WITH a AS (
            SELECT b.cancer_id, p.sex, p.birth_date_year, p.facility_finess,
                   {_age("p.birth_date", "b.dx")} AS raw_age,
                   coalesce(n.information = 'Y' AND n.information_date IS NOT NULL, FALSE)
                       AS information_date_available
            FROM {BASE} b LEFT JOIN {cur("patient")} p USING (patient_id)
            LEFT JOIN {cur("non_opposition")} n USING (patient_id)),
        g AS (SELECT *, CASE WHEN raw_age >= 0 THEN raw_age END AS age FROM a)
        SELECT cancer_id, sex, birth_date_year AS birth_year, age AS age_at_diagnosis,
               {_age_group("age")} AS age_group, facility_finess AS facility,
               information_date_available
        FROM g"""

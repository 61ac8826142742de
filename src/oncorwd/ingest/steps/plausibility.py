"""Date plausibility rules ingest adds to the store's hard chronology rules (rule ``plausibility``).

The store refuses dates before birth and clinical events after death (rule ``chronology``,
:func:`oncorwd.dictionary.validate.integrity_checks`) and the validator refuses future dates.
These rules catch the rest of the expected order *birth ≤ diagnosis ≤ treatment ≤ death*, as
data (:data:`RULES`), with tolerances:

- a treatment may start up to :data:`TREATMENT_BEFORE_DIAGNOSIS_DAYS` (90) days before the
  diagnosis date of its cancer (neoadjuvant treatment, diagnostic delays, a diagnosis dated by
  the pathology report of the surgery);
- a progression cannot precede the diagnosis of its cancer;
- imaging, measures, observations and the last visit/contact cannot follow death (samples can:
  autopsies);
- a patient cannot be born more than :data:`MAX_AGE_YEARS` (120) years ago.

Partial dates are compared by their span: a rule fires only when the *latest* possible date of
the earlier event is still too early for the *earliest* possible date of the later one, so
unknown days or months never create a violation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oncorwd.dictionary.validate import IntegrityCheck

__all__ = ["MAX_AGE_YEARS", "RULES", "TREATMENT_BEFORE_DIAGNOSIS_DAYS", "DateOrder",
           "plausibility_checks"]

TREATMENT_BEFORE_DIAGNOSIS_DAYS = 90
MAX_AGE_YEARS = 120


@dataclass(frozen=True)
class DateOrder:
    """``table.field`` must not be more than ``tolerance_days`` before (``after=False``) or
    at all after (``after=True``) ``other_table.other_field`` of the row it joins on ``join``."""

    table: str
    field: str
    other_table: str
    other_field: str
    join: str
    after: bool
    tolerance_days: int
    message: str


RULES: tuple[DateOrder, ...] = (
    *(DateOrder(t, f, "cancer", "diagnosis_date", "cancer_id", False,
                TREATMENT_BEFORE_DIAGNOSIS_DAYS,
                f"{f} more than {TREATMENT_BEFORE_DIAGNOSIS_DAYS} days before the diagnosis "
                "of its cancer")
      for t, f in (("drug_administration", "administration_date"),
                   ("surgery", "procedure_date"), ("radiotherapy", "start_date"))),
    DateOrder("progression", "progression_date", "cancer", "diagnosis_date", "cancer_id",
              False, 0, "progression before the diagnosis of its cancer"),
    *(DateOrder(t, f, "vital_status", "death_date", "patient_id", True, 0,
                f"{f} after the patient's death")
      for t, f in (("imaging", "exam_date"), ("measure", "measure_date"),
                   ("observation", "observation_date"), ("vital_status", "last_visit_date"),
                   ("vital_status", "last_contact_date"))),
)


def _known(part: str) -> str:
    return f"({part} IS NOT NULL AND {part} <> 'UN')"


def earliest(alias: str, name: str) -> str:
    """SQL: the earliest date a partial date can be."""
    y, m, d = (f"{alias}.{name}_{p}" for p in ("year", "month", "day"))
    month = f"CASE WHEN {_known(m)} THEN CAST({m} AS INTEGER) ELSE 1 END"
    day = f"CASE WHEN {_known(m)} AND {_known(d)} THEN CAST({d} AS INTEGER) ELSE 1 END"
    return f"make_date(CAST({y} AS INTEGER), {month}, {day})"


def latest(alias: str, name: str) -> str:
    """SQL: the latest date a partial date can be."""
    y, m, d = (f"{alias}.{name}_{p}" for p in ("year", "month", "day"))
    first = f"make_date(CAST({y} AS INTEGER), CAST({m} AS INTEGER), 1)"
    return (f"CASE WHEN NOT {_known(m)} THEN make_date(CAST({y} AS INTEGER), 12, 31) "
            f"WHEN NOT {_known(d)} THEN last_day({first}) "
            f"ELSE make_date(CAST({y} AS INTEGER), CAST({m} AS INTEGER), CAST({d} AS INTEGER)) "
            "END")


def _order_sql(rule: DateOrder, key: str) -> str:
    same_row = rule.table == rule.other_table
    other = "c" if same_row else "o"
    if rule.after:
        test = f"{latest(other, rule.other_field)} < {earliest('c', rule.field)}"
    else:
        test = (f"{latest('c', rule.field)} + {int(rule.tolerance_days)} "
                f"< {earliest(other, rule.other_field)}")
    join = "" if same_row else (
        f"JOIN {{schema}}{rule.other_table} o ON o.{rule.join} = c.{rule.join} "
        "AND o.data_version = {version} ")
    return (f"SELECT c.{key} AS record_key, c.{rule.field} AS value "
            f"FROM {{schema}}{rule.table} c {join}"
            f"WHERE c.data_version = {{version}} AND c.{rule.field}_year IS NOT NULL "
            f"AND {other}.{rule.other_field}_year IS NOT NULL AND {test}")


def plausibility_checks(today: dt.date | None = None) -> list[IntegrityCheck]:
    """The rules above as DuckDB SQL, in the shape of the store's integrity checks."""
    from oncorwd.dictionary import load_dictionary

    d = load_dictionary()
    year = (today or dt.date.today()).year - MAX_AGE_YEARS
    checks = [IntegrityCheck(r.table, r.field, "plausibility", r.message,
                             _order_sql(r, d.entity(r.table).key)) for r in RULES]
    checks.append(IntegrityCheck(
        "patient", "birth_date", "plausibility", f"born more than {MAX_AGE_YEARS} years ago",
        "SELECT c.patient_id AS record_key, c.birth_date AS value FROM {schema}patient c "
        f"WHERE c.data_version = {{version}} AND c.birth_date_year < {int(year)}"))
    return checks

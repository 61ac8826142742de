"""Conformance checks (Kahn): value, relational and computational, generated from the
dictionary where the dictionary says what is allowed.

- value: every enum field against its closed list (``value_set``), every numeric field with a
  declared ``min``/``max`` (``range``), every partial date's year between 1900 and the load
  date (``date_year``); code fields are checked against their code system in
  :mod:`oncorwd.ingest.quality.codes`;
- relational: every declared reference resolves (``reference``) and a row that names a cancer
  or a sample names one of its own patient (``same_patient``);
- computational: imputed dates and their precision follow the documented rule
  (``date_derivation``), cancer order is 1..n per patient and follows diagnosis dates,
  lines of therapy are 1..k per cancer and start in order, the cohort table has a row per
  cancer of every patient who does not object to reuse.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.model import Entity, FieldDef
from oncorwd.ingest.quality.fields import ALIASES, assessed_fields, context, entities
from oncorwd.ingest.quality.kahn import Check
from oncorwd.ingest.quality.sql import certainly_before, in_list, lit

__all__ = ["computational_checks", "conformance_checks", "relational_checks", "value_checks"]

_DATES = ("date", "datetime")


def _bounds(f: FieldDef) -> str:
    lo = "−∞" if f.min is None else f"{f.min:g}"
    hi = "+∞" if f.max is None else f"{f.max:g}"
    return f"[{lo}, {hi}]"


def _field_check(e: Entity, f: FieldDef, rule: str, description: str, fails: str,
                 value: str, applies: str | None = None) -> Check:
    """A value-conformance check of one field over its table's context source."""
    return Check(rule=rule, category="conformance", subcategory="value", table=e.name,
                 field=f.name, description=description, source=context(e.name),
                 applies=applies or f"x.{f.name} IS NOT NULL", fails=fails,
                 key=f"x.{e.key}", value=value, requires=(e.name,))


def _value_check(e: Entity, f: FieldDef, load_date: dt.date) -> Check | None:
    x = f"x.{f.name}"
    if f.type == "enum" and f.value_set:
        codes = load_dictionary().value_set(f.value_set).codes
        return _field_check(e, f, "value_set", f"{f.name} in {f.value_set}",
                            f"{x} NOT IN {in_list(codes)}", x)
    if f.type in _DATES:
        year = f"{x}_year"
        return _field_check(e, f, "date_year", f"{f.name}: year 1900–{load_date.year}",
                            f"{year} < 1900 OR {year} > {load_date.year}", year,
                            applies=f"{year} IS NOT NULL")
    if f.min is not None or f.max is not None:
        tests = ([f"{x} < {lit(f.min)}"] if f.min is not None else []) + (
            [f"{x} > {lit(f.max)}"] if f.max is not None else [])
        return _field_check(e, f, "range", f"{f.name} in {_bounds(f)}", " OR ".join(tests), x)
    return None


def value_checks(load_date: dt.date) -> list[Check]:
    """Value sets, declared ranges and date years of every assessed field."""
    out = []
    for e in entities():
        for f in assessed_fields(e):
            c = _value_check(e, f, load_date)
            if c is not None:
                out.append(c)
    return out


def _reference(e: Entity, f: FieldDef) -> list[Check]:
    target, _, col = f.references.partition(".") if f.references else ("", "", "")
    alias = ALIASES.get(target) if target != e.name and f.name == col else None
    has_patient = any(g.name == "patient_id" for g in e.fields)
    if alias is not None:
        source = context(e.name)
    else:
        alias, source = "r", f"{e.name} x LEFT JOIN {target} r ON r.{col} = x.{f.name}"
    relational = partial(Check, category="conformance", subcategory="relational",
                         table=e.name, field=f.name, source=source, key=f"x.{e.key}",
                         requires=(e.name,))
    out = [relational(rule="reference", description=f"{f.name} found in {target}",
                      applies=f"x.{f.name} IS NOT NULL", fails=f"{alias}.{col} IS NULL",
                      value=f"x.{f.name}")]
    if target != "patient" and has_patient and f.name != "patient_id":
        out.append(relational(
            rule="same_patient",
            description=f"the {target} named by {f.name} is the row's patient's",
            applies=f"{alias}.{col} IS NOT NULL", fails=f"{alias}.patient_id <> x.patient_id",
            value=f"x.patient_id || ' vs ' || {alias}.patient_id"))
    return out


def relational_checks() -> list[Check]:
    """``reference`` for every declared reference; ``same_patient`` where a row names a
    cancer or a sample (which must belong to the row's own patient)."""
    return [c for e in entities() for f in e.fields if f.references for c in _reference(e, f)]


def _date_derivation(e: Entity, f: FieldDef) -> Check:
    """Numbers, not strings: ``NULLIF`` turns ``UN`` into null before any cast."""
    x, d = f"x.{f.name}", f"CAST(x.{f.name} AS DATE)"
    month, day = f"NULLIF({x}_month, 'UN')", f"NULLIF({x}_day, 'UN')"
    precision = f"(CASE WHEN {month} IS NULL THEN 'Y' WHEN {day} IS NULL THEN 'M' ELSE 'D' END)"
    want_month = f"COALESCE(CAST({month} AS INTEGER), 7)"
    want_day = (f"(CASE WHEN {month} IS NULL THEN 1 "
                f"ELSE COALESCE(CAST({day} AS INTEGER), 15) END)")
    fails = (f"{x} IS NULL OR {x}_precision IS NULL OR {x}_precision <> {precision} "
             f"OR EXTRACT(YEAR FROM {d}) <> {x}_year OR EXTRACT(MONTH FROM {d}) <> {want_month} "
             f"OR EXTRACT(DAY FROM {d}) <> {want_day}")
    parts = (f"CAST({x}_year AS VARCHAR) || '-' || COALESCE({x}_month, 'UN') || '-' || "
             f"COALESCE({x}_day, 'UN')")
    return Check(rule="date_derivation", category="conformance", subcategory="computational",
                 table=e.name, field=f.name,
                 description=f"{f.name}: imputed date and precision follow the parts",
                 source=context(e.name), applies=f"{x}_year IS NOT NULL", fails=fails,
                 key=f"x.{e.key}",
                 value=f"{parts} || ' -> ' || COALESCE(CAST({d} AS VARCHAR), 'null')",
                 requires=(e.name,))


_ORDER_SQL = ("(SELECT patient_id, COUNT(*) AS n, MAX(cancer_order) AS mx, "
              "COUNT(DISTINCT cancer_order) AS nd FROM cancer GROUP BY patient_id) q")
_ORDER_LAG = ("(SELECT cancer_id, cancer_order, diagnosis_date, diagnosis_date_precision, "
              "LAG(diagnosis_date) OVER (PARTITION BY patient_id ORDER BY cancer_order) AS prev, "
              "LAG(diagnosis_date_precision) OVER (PARTITION BY patient_id "
              "ORDER BY cancer_order) AS prev_precision FROM cancer) q")
_LINES_SQL = ("(SELECT patient_id, cancer_id, MIN(treatment_line) AS mn, "
              "MAX(treatment_line) AS mx, COUNT(DISTINCT treatment_line) AS nd "
              "FROM drug_administration WHERE treatment_line IS NOT NULL "
              "GROUP BY patient_id, cancer_id) q")
_LINES_LAG = ("(SELECT patient_id, cancer_id, treatment_line, first_day, "
              "LAG(first_day) OVER (PARTITION BY patient_id, cancer_id "
              "ORDER BY treatment_line) AS prev FROM (SELECT patient_id, cancer_id, "
              "treatment_line, MIN(administration_date) AS first_day FROM drug_administration "
              "WHERE treatment_line IS NOT NULL AND administration_date IS NOT NULL "
              "GROUP BY patient_id, cancer_id, treatment_line) l) q")

_COHORT_SQL = ("cancer x LEFT JOIN non_opposition n ON n.patient_id = x.patient_id "
               "LEFT JOIN cohort_variables k ON k.cancer_id = x.cancer_id")


def _sequence_checks() -> list[Check]:
    computed = partial(Check, category="conformance", subcategory="computational")
    return [
        computed(rule="cancer_order", table="cancer", field="cancer_order",
                 description="cancer_order is 1..n for each patient's n cancers",
                 source=_ORDER_SQL, fails="mx <> n OR nd <> n", key="patient_id",
                 value="CAST(n AS VARCHAR) || ' cancers, orders up to ' || CAST(mx AS VARCHAR)",
                 requires=("cancer",)),
        computed(rule="cancer_order_chronology", table="cancer", field="cancer_order",
                 description="a later cancer_order is not diagnosed before the previous one",
                 source=_ORDER_LAG, applies="prev IS NOT NULL AND diagnosis_date IS NOT NULL",
                 fails=certainly_before("diagnosis_date", "prev"),
                 key="cancer_id", value="CAST(diagnosis_date AS VARCHAR) || ' < ' || "
                                        "CAST(prev AS VARCHAR)", requires=("cancer",)),
        computed(rule="treatment_line", table="drug_administration", field="treatment_line",
                 description="lines of therapy are 1..k for each treated cancer",
                 source=_LINES_SQL, fails="mn <> 1 OR mx <> nd",
                 key="patient_id || ' / ' || COALESCE(cancer_id, '-')",
                 value="'lines ' || CAST(mn AS VARCHAR) || '..' || CAST(mx AS VARCHAR) || ' (' "
                       "|| CAST(nd AS VARCHAR) || ' distinct)'",
                 requires=("drug_administration",)),
        computed(rule="treatment_line_chronology", table="drug_administration",
                 field="treatment_line",
                 description="a line does not start more than 31 days before the previous line",
                 source=_LINES_LAG, applies="prev IS NOT NULL", fails="(prev - first_day) > 31",
                 key="patient_id || ' / ' || COALESCE(cancer_id, '-')",
                 value="'line ' || CAST(treatment_line AS VARCHAR) || ' starts ' || "
                       "CAST(first_day AS VARCHAR) || ', previous ' || CAST(prev AS VARCHAR)",
                 requires=("drug_administration",)),
        computed(rule="cohort_coverage", table="cohort_variables", field="cancer_id",
                 description="every cancer of a patient who does not object has its row of "
                             "cohort variables",
                 source=_COHORT_SQL, applies="n.non_opposition IS NULL OR n.non_opposition <> 'N'",
                 fails="k.cancer_id IS NULL", key="x.cancer_id", value="x.patient_id",
                 requires=("cancer", "cohort_variables")),
    ]


def computational_checks() -> list[Check]:
    """Imputed dates, cancer order, lines of therapy and the cohort table's coverage."""
    out = [_date_derivation(e, f) for e in entities() for f in e.fields if f.type in _DATES]
    return out + _sequence_checks()


def conformance_checks(load_date: dt.date) -> list[Check]:
    """Every SQL conformance check (code systems are checked separately)."""
    return value_checks(load_date) + relational_checks() + computational_checks()

"""Plausibility checks (Kahn): uniqueness, atemporal and temporal.

- uniqueness: a record identifier appears once (``duplicate_key``) and no record is entered
  twice under two identifiers (``duplicate_record``: same patient, code and date, per table —
  the natural keys are :data:`NATURAL_KEYS`);
- atemporal: age at diagnosis and at last news within 0–120 years, tumour size 0–300 mm,
  performance status an integer 0–4, weight 2–250 kg, height 40–230 cm, BMI 12–60, no
  sex-specific primary site in the other sex, no metastatic-at-diagnosis cancer staged 0–III,
  no negative biomarker value;
- temporal: birth ≤ diagnosis ≤ treatment ≤ death — diagnosis before birth, death before
  diagnosis, treatment more than 30 days before its cancer's diagnosis, progression or tumour
  event before it, any clinical event after death, after the patient's last news, or after the
  data cut-off; last visit after death.

Dates are compared with their precision (:func:`oncorwd.ingest.quality.sql.certainly_before`).
"""

from __future__ import annotations

import datetime as dt

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.quality.fields import context, entities
from oncorwd.ingest.quality.kahn import Check
from oncorwd.ingest.quality.sql import certainly_before, earliest, in_list, latest, lit

__all__ = ["EVENTS", "NATURAL_KEYS", "plausibility_checks"]

#: Columns that identify the same real-world record, per table (derived dates for dates).
#: Family history is left out: two sisters may have had breast cancer.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "comorbidity": ("patient_id", "code", "onset_date"),
    "cancer": ("patient_id", "topography", "morphology", "diagnosis_date"),
    "tumor_event": ("cancer_id", "event_type", "metastasis_topography", "metastasis_date",
                    "diagnosis_date", "mention_date"),
    "general_status": ("patient_id", "measure_type", "measure_date", "value"),
    "surgery": ("patient_id", "procedure_code", "procedure_date"),
    "drug_administration": ("patient_id", "cancer_id", "atc_code", "administration_date"),
    "radiotherapy": ("patient_id", "technique_code", "start_date"),
    "progression": ("patient_id", "cancer_id", "progression_date"),
    "imaging": ("patient_id", "modality", "exam_date"),
    "biomarker": ("patient_id", "biomarker_name", "result_date", "status", "result_detail"),
    "observation": ("patient_id", "observation_type", "observation_date", "value"),
    "measure": ("patient_id", "measure_type", "measure_date", "value"),
}

#: Dated clinical events: (table, date field, key, link to the cancer's diagnosis date):
#: a ``treatment`` may start up to 30 days before it (diagnosis confirmed on the surgical
#: specimen), a ``disease`` event not at all; other events are not compared with it.
EVENTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("surgery", "procedure_date", "surgery_id", "treatment"),
    ("drug_administration", "administration_date", "drug_administration_id", "treatment"),
    ("radiotherapy", "start_date", "radiotherapy_id", "treatment"),
    ("tumor_event", "diagnosis_date", "tumor_event_id", "disease"),
    ("progression", "progression_date", "progression_id", "disease"),
    ("general_status", "measure_date", "general_status_id", None),
    ("imaging", "exam_date", "imaging_id", None),
    ("sample", "sampling_date", "sample_id", None),
    ("biomarker", "result_date", "biomarker_id", None),
)

_LAST_NEWS = ("GREATEST(" + ", ".join(
    latest(f"v.{d}") for d in ("last_visit_date", "last_contact_date", "death_date",
                               "update_date")) + ")")
_MALE_SITES = ("C60", "C61", "C62", "C63")
_FEMALE_SITES = ("C51", "C52", "C53", "C54", "C55", "C56", "C57", "C58")
_AGE = "((x.diagnosis_date - p.birth_date) / 365.25)"
_NEWS = "GREATEST(x.last_visit_date, x.last_contact_date, x.death_date)"


def _group_check(rule: str, table: str, field: str | None, key: str,
                 columns: tuple[str, ...], threshold: float, description: str) -> Check:
    shown = " || ' | ' || ".join(f"COALESCE(CAST({c} AS VARCHAR), '-')" for c in columns)
    source = (f"(SELECT MIN({key}) AS k, COUNT(*) AS n, {shown} AS v FROM {table} "
              f"GROUP BY {', '.join(columns)}) q")
    return Check(rule=rule, category="plausibility", subcategory="uniqueness", table=table,
                 field=field, description=description, source=source, fails="n > 1",
                 key="k", value="CAST(n AS VARCHAR) || ' rows: ' || v", threshold=threshold,
                 requires=(table,), rows="n", failing_rows="n - 1")


def _uniqueness() -> list[Check]:
    out = []
    for e in entities():
        out.append(_group_check("duplicate_key", e.name, e.key, e.key, (e.key,), 0.0,
                                f"{e.key} appears once"))
        natural = NATURAL_KEYS.get(e.name)
        if natural:
            out.append(_group_check("duplicate_record", e.name, None, e.key, natural, 1.0,
                                    f"no two rows with the same {', '.join(natural)}"))
    return out


def _atemporal_one(rule: str, table: str, field: str, description: str, applies: str,
                   fails: str, value: str, threshold: float = 0.0,
                   source: str | None = None, key: str | None = None) -> Check:
    entity_key = load_dictionary().entity(table).key
    return Check(rule=rule, category="plausibility", subcategory="atemporal", table=table,
                 field=field, description=description, source=source or context(table),
                 applies=applies, fails=fails, key=key or f"x.{entity_key}", value=value,
                 threshold=threshold, requires=(table,))


_BMI = ("(SELECT w.general_status_id AS k, w.value / ((h.height / 100.0) * (h.height / 100.0)) "
        "AS bmi FROM general_status w JOIN (SELECT patient_id, AVG(value) AS height "
        "FROM general_status WHERE measure_type = 'HEIGHT' AND value > 0 GROUP BY patient_id) h "
        "ON h.patient_id = w.patient_id WHERE w.measure_type = 'WEIGHT') q")


def _measure(rule: str, kind: str, description: str, fails: str, threshold: float) -> Check:
    return _atemporal_one(rule, "general_status", "value", description,
                          f"x.measure_type = '{kind}' AND x.value IS NOT NULL", fails,
                          "x.value", threshold)


def _atemporal() -> list[Check]:
    sex_site = (f"(p.sex = 'F' AND SUBSTR(x.topography, 1, 3) IN {in_list(_MALE_SITES)}) OR "
                f"(p.sex = 'M' AND SUBSTR(x.topography, 1, 3) IN {in_list(_FEMALE_SITES)})")
    return [
        _atemporal_one("age_at_diagnosis", "cancer", "diagnosis_date",
                       "age at diagnosis within 0–120 years",
                       "x.diagnosis_date IS NOT NULL AND p.birth_date IS NOT NULL",
                       f"{_AGE} < 0 OR {_AGE} > 120", f"CAST(FLOOR({_AGE}) AS INTEGER)"),
        _atemporal_one("age_at_last_news", "vital_status", "last_visit_date",
                       "age at last news within 0–120 years",
                       f"p.birth_date IS NOT NULL AND {_NEWS} IS NOT NULL",
                       f"({_NEWS} - p.birth_date) / 365.25 > 120",
                       f"CAST(FLOOR(({_NEWS} - p.birth_date) / 365.25) AS INTEGER)"),
        _atemporal_one("tumor_size", "cancer", "tumor_size_mm", "tumour size in ]0, 300] mm",
                       "x.tumor_size_mm IS NOT NULL",
                       "x.tumor_size_mm <= 0 OR x.tumor_size_mm > 300", "x.tumor_size_mm",
                       threshold=0.5),
        _measure("performance_status", "PS", "performance status is an integer 0–4",
                 "x.value < 0 OR x.value > 4 OR x.value <> FLOOR(x.value)", 0.0),
        _measure("weight", "WEIGHT", "weight within 2–250 kg", "x.value < 2 OR x.value > 250",
                 0.1),
        _measure("height", "HEIGHT", "height within 40–230 cm", "x.value < 40 OR x.value > 230",
                 0.1),
        _atemporal_one("bmi", "general_status", "value",
                       "BMI (weight / mean height²) within 12–60 kg/m²", "1 = 1",
                       "bmi < 12 OR bmi > 60",
                       "CAST(CAST(bmi AS DECIMAL(10, 1)) AS VARCHAR) || ' kg/m²'",
                       threshold=0.5, source=_BMI, key="k"),
        _atemporal_one("sex_site", "cancer", "topography",
                       "no sex-specific primary site in the other sex", "1 = 1", sex_site,
                       "p.sex || ' / ' || x.topography"),
        _atemporal_one("stage_metastatic", "cancer", "stage",
                       "metastatic at diagnosis (8.16 = 1) is stage IV or unknown",
                       "x.tnm_m = '1' AND x.stage IS NOT NULL",
                       "x.stage IN ('0', 'I', 'II', 'III')", "'M1, stage ' || x.stage",
                       threshold=0.5),
        _atemporal_one("biomarker_value", "biomarker", "value_numeric",
                       "numeric biomarker results are not negative",
                       "x.value_numeric IS NOT NULL", "x.value_numeric < 0", "x.value_numeric"),
    ]


def _temporal_one(rule: str, table: str, field: str, description: str, a: str, b: str,
                  days: int = 0, threshold: float = 0.0) -> Check:
    """``a`` certainly more than ``days`` days before ``b`` is a failure."""
    key = load_dictionary().entity(table).key
    return Check(rule=rule, category="plausibility", subcategory="temporal", table=table,
                 field=field, description=description, source=context(table),
                 applies=f"{a} IS NOT NULL AND {b} IS NOT NULL",
                 fails=certainly_before(a, b, days), key=f"x.{key}",
                 value=f"CAST(CAST({a} AS DATE) AS VARCHAR) || ' / ' || "
                       f"CAST(CAST({b} AS DATE) AS VARCHAR)",
                 threshold=threshold, requires=(table,))


def _after_cutoff(table: str, field: str, cutoff: dt.date) -> Check:
    col, key = f"x.{field}", load_dictionary().entity(table).key
    return Check(rule="after_cutoff", category="plausibility", subcategory="temporal",
                 table=table, field=field, description=f"{field} not after the data cut-off "
                 f"({cutoff.isoformat()})", source=context(table),
                 applies=f"{col} IS NOT NULL", fails=f"{earliest(col)} > {lit(cutoff)}",
                 key=f"x.{key}", value=f"CAST(CAST({col} AS DATE) AS VARCHAR)",
                 requires=(table,))


def _event_checks(table: str, field: str, link: str | None, cutoff: dt.date) -> list[Check]:
    x, key = f"x.{field}", load_dictionary().entity(table).key
    out = []
    if link is not None:
        days = 30 if link == "treatment" else 0
        out.append(_temporal_one(
            f"{link}_before_diagnosis", table, field,
            f"{field} not {'more than 30 days ' if days else ''}before the cancer's diagnosis",
            x, "c.diagnosis_date", days, 1.0))
    out.append(_temporal_one("after_death", table, field, f"{field} not after death",
                             "v.death_date", x))
    out.append(Check(
        rule="after_last_news", category="plausibility", subcategory="temporal", table=table,
        field=field, description=f"{field} not after the patient's last news (4.3–4.6)",
        source=context(table), applies=f"{x} IS NOT NULL AND {_LAST_NEWS} IS NOT NULL",
        fails=f"({earliest(x)} - {_LAST_NEWS}) > 0", key=f"x.{key}",
        value=f"CAST(CAST({x} AS DATE) AS VARCHAR)", threshold=1.0, requires=(table,)))
    out.append(_after_cutoff(table, field, cutoff))
    return out


def _temporal(cutoff: dt.date) -> list[Check]:
    out = [
        _temporal_one("diagnosis_before_birth", "cancer", "diagnosis_date",
                      "diagnosis not before birth", "x.diagnosis_date", "p.birth_date"),
        _temporal_one("death_before_diagnosis", "cancer", "diagnosis_date",
                      "diagnosis not after death", "v.death_date", "x.diagnosis_date"),
        _temporal_one("visit_after_death", "vital_status", "last_visit_date",
                      "last visit (4.4) not after death (4.6)", "x.death_date",
                      "x.last_visit_date"),
        _after_cutoff("cancer", "diagnosis_date", cutoff),
    ]
    for table, field, _key, link in EVENTS:
        out += _event_checks(table, field, link, cutoff)
    for field in ("last_visit_date", "last_contact_date", "death_date"):
        out.append(_after_cutoff("vital_status", field, cutoff))
    return out


def plausibility_checks(cutoff: dt.date) -> list[Check]:
    """Every plausibility check; ``cutoff`` is the data cut-off date."""
    return _uniqueness() + _atemporal() + _temporal(cutoff)

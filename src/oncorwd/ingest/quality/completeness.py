"""Completeness of every assessed field against its MDS status, and partial-date precision.

One aggregate query per table counts filled values of every field (a partial date is filled
when its year is known) and, for partial dates, how many are known to the day (``D``), the
month (``M``) or the year only (``Y``). Fields are held to their expected level
(:data:`oncorwd.ingest.quality.fields.TARGET`): MDS mandatory and required-in-row fields to
100 %, fields the implementation guide makes mandatory to 95 %; optional and computed fields are
shown without a target.

Kahn *completeness* results come from these figures (``mandatory``, ``required_in_row``,
``guide_mandatory``) plus row-level checks for fields required in a context (``conditional``:
a death date for a deceased patient…) and for rows every patient must have (``coverage``).
"""

from __future__ import annotations

from typing import Any

from oncorwd.dictionary.model import Entity, FieldDef
from oncorwd.ingest.quality.fields import (
    TARGET,
    assessed_fields,
    context,
    entities,
    expected_level,
    present_column,
)
from oncorwd.ingest.quality.kahn import Check, make_result
from oncorwd.ingest.quality.sql import Runner

__all__ = ["completeness", "completeness_checks", "field_results"]

_PRECISIONS = ("D", "M", "Y")
_DATES = ("date", "datetime")


def _table_sql(e: Entity, fields: list[FieldDef], prefix: str = "") -> str:
    parts = [f"COUNT(*) AS {prefix}n"]
    for i, f in enumerate(fields):
        parts.append(f"COUNT({present_column(f)}) AS {prefix}p{i}")
        if f.type in _DATES:
            parts += [f"SUM(CASE WHEN {f.name}_precision = '{p}' THEN 1 ELSE 0 END) "
                      f"AS {prefix}d{i}_{p.lower()}" for p in _PRECISIONS]
    return f"SELECT {', '.join(parts)} FROM {e.name}"


def _table_rows(runner: Runner) -> dict[str, dict[str, Any]]:
    """The aggregate row of every table holding rows, all tables in one query (cross join of
    single-row aggregates); keys without the table prefix. Aliases are lower case: PostgreSQL
    folds unquoted names."""
    filled = [e for e in entities() if runner.has_rows(e.name)]
    if not filled:
        return {}
    parts = [f"({_table_sql(e, assessed_fields(e), f't{j}_')}) q{j}"
             for j, e in enumerate(filled)]
    row = runner.one("SELECT * FROM " + " CROSS JOIN ".join(parts))
    out: dict[str, dict[str, Any]] = {e.name: {} for e in filled}
    for key, value in row.items():
        j, _, name = key[1:].partition("_")
        out[filled[int(j)].name][name] = value
    return out


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _field_stats(i: int, f: FieldDef, row: dict[str, Any], n: int) -> dict[str, Any]:
    filled = int(row.get(f"p{i}") or 0)
    level = expected_level(f)
    target = TARGET.get(level)
    pct = _pct(filled, n)
    out: dict[str, Any] = {
        "field": f.name, "item": f.item, "label": f.label_en, "label_fr": f.label_fr,
        "type": f.type, "status": f.status, "guide_status": f.guide_status, "level": level,
        "filled": filled, "missing": n - filled, "completeness": pct, "target": target,
        "below_target": bool(target is not None and pct is not None and pct < target),
        "precision": None,
    }
    if f.type in _DATES:
        counts = {p: int(row.get(f"d{i}_{p.lower()}") or 0) for p in _PRECISIONS}
        out["precision"] = {"counts": counts,
                            "percent": {p: _pct(c, filled) for p, c in counts.items()}}
    return out


def _table(e: Entity, row: dict[str, Any]) -> dict[str, Any]:
    fields = assessed_fields(e)
    n = int(row.get("n") or 0)
    stats = [_field_stats(i, f, row, n) for i, f in enumerate(fields)]
    required = [s["completeness"] for s in stats
                if s["level"] in TARGET and s["completeness"] is not None]
    other = [s["completeness"] for s in stats
             if s["level"] not in TARGET and s["completeness"] is not None]
    return {
        "table": e.name, "section": e.section, "label": e.label_en, "label_fr": e.label_fr,
        "derived": e.derived, "rows": n, "fields": stats,
        "required_mean": round(sum(required) / len(required), 2) if required else None,
        "other_mean": round(sum(other) / len(other), 2) if other else None,
        "below_target": sum(1 for s in stats if s["below_target"]),
    }


def completeness(runner: Runner) -> dict[str, Any]:
    """Per table and field: filled counts, percent, target, date precision; plus the list of
    required fields below 100 % and every date field's precision distribution."""
    rows = _table_rows(runner)
    tables = [_table(e, rows.get(e.name, {})) for e in entities()]
    below, dates = [], []
    for t in tables:
        for s in t["fields"]:
            if s["level"] in TARGET and s["completeness"] is not None and s["missing"]:
                below.append({"table": t["table"], "field": s["field"], "item": s["item"],
                              "level": s["level"], "completeness": s["completeness"],
                              "missing": s["missing"], "target": s["target"],
                              "below_target": s["below_target"]})
            if s["precision"] is not None and s["filled"]:
                dates.append({"table": t["table"], "field": s["field"], "filled": s["filled"],
                              **s["precision"]})
    below.sort(key=lambda b: (b["completeness"], b["table"], b["field"]))
    return {"targets": dict(TARGET), "tables": tables, "required_below_100": below,
            "date_precision": dates}


def field_results(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """Kahn completeness results of required fields, from :func:`completeness` figures."""
    out = []
    for t in stats["tables"]:
        for s in t["fields"]:
            if s["level"] not in TARGET:
                continue
            out.append(make_result(
                rule=s["level"], category="completeness", subcategory="fields",
                table=t["table"], field=s["field"],
                description=f"{s['field']} filled (target {s['target']:g} %)",
                threshold=round(100.0 - s["target"], 3), checked=t["rows"],
                failed=s["missing"]))
    return out


def _conditional(table: str, field: str, applies: str, fails: str, key: str,
                 description: str, threshold: float) -> Check:
    return Check(rule="conditional", category="completeness", subcategory="conditional",
                 table=table, field=field, description=description, source=context(table),
                 applies=applies, fails=fails, key=f"x.{key}",
                 value=f"CAST(x.{field} AS VARCHAR)", threshold=threshold, requires=(table,))


_COVERAGE = ("patient x LEFT JOIN vital_status v ON v.patient_id = x.patient_id "
             "LEFT JOIN non_opposition n ON n.patient_id = x.patient_id "
             "LEFT JOIN (SELECT DISTINCT patient_id FROM cancer) c ON c.patient_id = x.patient_id")


def _coverage(table: str, alias: str, threshold: float) -> Check:
    return Check(rule="coverage", category="completeness", subcategory="coverage",
                 table=table, field="patient_id",
                 description=f"every patient has {'at least one' if table == 'cancer' else 'a'} "
                             f"{table.replace('_', ' ')} row",
                 source=_COVERAGE, fails=f"{alias}.patient_id IS NULL", key="x.patient_id",
                 value="x.sex", threshold=threshold, requires=("patient",))


def completeness_checks() -> list[Check]:
    """Fields required in a context, and rows every patient must have."""
    treated = [
        _conditional(t, "cancer_id", "1 = 1", "x.cancer_id IS NULL", k,
                     f"{t} rows linked to a cancer", 10.0)
        for t, k in (("surgery", "surgery_id"), ("drug_administration", "drug_administration_id"),
                     ("radiotherapy", "radiotherapy_id"))
    ]
    return [
        _conditional("vital_status", "death_date", "x.vital_status = '1'",
                     "x.death_date_year IS NULL", "patient_id",
                     "deceased patients (4.1 = 1) have a death date", 5.0),
        _conditional("cancer", "stage", "1 = 1", "x.stage IS NULL OR x.stage = 'UK'",
                     "cancer_id", "stage group known (not empty, not UK)", 20.0),
        _conditional("tumor_event", "metastasis_topography", "x.event_type = '2'",
                     "x.metastasis_topography IS NULL", "tumor_event_id",
                     "metastases (9.1 = 2) have their site", 10.0),
        _conditional("biomarker", "status", "x.biomarker_name IS NOT NULL", "x.status IS NULL",
                     "biomarker_id", "biomarker results have a status", 10.0),
        *treated,
        _coverage("vital_status", "v", 0.0),
        _coverage("non_opposition", "n", 0.0),
        _coverage("cancer", "c", 1.0),
    ]

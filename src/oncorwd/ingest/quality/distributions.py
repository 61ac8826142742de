"""Distributions of the key variables, counted in SQL, labelled from the dictionary and the
terminologies.

Each distribution is a plain dict — ``key``, ``title``, ``unit`` (what is counted), ``chart``
(``bar``, ``hbar`` or ``stacked``), ``categories`` (codes), ``labels``, ``counts``, ``total``
— so the JSON holds every number a chart shows and the version comparison can compute
proportions; ``stacked`` ones have ``series`` (one per status) instead of ``counts``.
Histograms (age, follow-up, diagnosis year) fill empty bins between the first and the last.

Every count comes from one ``UNION ALL`` query (:data:`PARTS`: distribution, category ``k``,
sub-category ``s``, count ``n``, second count ``a``) and the summary statistics from one more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.quality.sql import Runner
from oncorwd.terminology import get_code_system

__all__ = ["BUILDERS", "PARTS", "distributions"]

MISSING = "not recorded"
TOP = 15
_AGE = "((x.diagnosis_date - p.birth_date) / 365.25)"
_AGE_SOURCE = ("cancer x JOIN patient p ON p.patient_id = x.patient_id "
               "WHERE x.diagnosis_date IS NOT NULL AND p.birth_date IS NOT NULL")
_FOLLOW_UP = (
    "(SELECT (GREATEST(v.last_visit_date, v.last_contact_date, v.death_date) - d.first_dx) "
    "AS days FROM (SELECT patient_id, MIN(diagnosis_date) AS first_dx FROM cancer "
    "GROUP BY patient_id) d JOIN vital_status v ON v.patient_id = d.patient_id) q "
    "WHERE days IS NOT NULL")
_LINES = ("(SELECT MAX(treatment_line) AS mx FROM drug_administration "
          "GROUP BY patient_id, cancer_id) q")

Rows = list[dict[str, Any]]


def _part(key: str, k: str | None, source: str, *, s: str | None = None,
          n: str = "COUNT(*)", a: str | None = None) -> str:
    """One branch of the counts query; grouped by ``k`` (and ``s``) unless ``k`` is None."""
    group = ([] if k is None else ["2"]) + ([] if s is None else ["3"])
    return (f"SELECT '{key}' AS d, CAST({k or 'NULL'} AS VARCHAR) AS k, "
            f"CAST({s or 'NULL'} AS VARCHAR) AS s, {n} AS n, CAST({a or 'NULL'} AS BIGINT) AS a "
            f"FROM {source}" + (f" GROUP BY {', '.join(group)}" if group else ""))


#: Every branch of the counts query, by distribution.
PARTS: tuple[str, ...] = (
    _part("age_at_diagnosis", f"CAST(FLOOR({_AGE} / 5) AS INTEGER)", _AGE_SOURCE),
    _part("sex", "sex", "patient"),
    _part("primary_sites", "SUBSTR(topography, 1, 3)", "cancer"),
    _part("biomarker_status", "biomarker_name", "biomarker", s="status"),
    _part("stage", "stage", "cancer"),
    _part("diagnosis_year", "diagnosis_date_year", "cancer"),
    _part("atc_level_2", "SUBSTR(atc_code, 1, 3)", "drug_administration",
          n="COUNT(DISTINCT patient_id)", a="COUNT(*)"),
    _part("atc_level_3", "SUBSTR(atc_code, 1, 4)", "drug_administration",
          n="COUNT(DISTINCT patient_id)", a="COUNT(*)"),
    _part("atc_patients", None, "drug_administration", n="COUNT(DISTINCT patient_id)"),
    _part("lines_of_therapy", "mx", _LINES),
    _part("follow_up", "CAST(FLOOR(days / 365.25) AS INTEGER)", _FOLLOW_UP),
    _part("vital_status", "vital_status", "vital_status"),
)


def _stats_sql(prefix: str, expr: str, source: str) -> str:
    return (f"(SELECT COUNT({expr}) AS {prefix}n, AVG({expr}) AS {prefix}mean, "
            f"MIN({expr}) AS {prefix}lo, MAX({expr}) AS {prefix}hi, percentile_cont(0.5) "
            f"WITHIN GROUP (ORDER BY {expr}) AS {prefix}median FROM {source}) {prefix}q")


def _stats(row: dict[str, Any], prefix: str, scale: float) -> dict[str, Any]:
    def scaled(name: str) -> float | None:
        v = row.get(prefix + name)
        return None if v is None else round(float(v) / scale, 1)

    return {"n": int(row.get(prefix + "n") or 0), "mean": scaled("mean"),
            "median": scaled("median"), "min": scaled("lo"), "max": scaled("hi")}


def _dist(key: str, title: str, unit: str, pairs: Sequence[tuple[str, str, int]],
          chart: str = "bar", **extra: Any) -> dict[str, Any]:
    return {"key": key, "title": title, "unit": unit, "chart": chart,
            "categories": [c for c, _, _ in pairs], "labels": [lb for _, lb, _ in pairs],
            "counts": [n for _, _, n in pairs], "total": sum(n for _, _, n in pairs), **extra}


def _counts(rows: Rows) -> dict[str | None, int]:
    return {r["k"]: int(r["n"]) for r in rows}


def _bins(found: dict[str | None, int], label: Callable[[int], str],
          cap: int | None = None) -> list[tuple[str, str, int]]:
    """Histogram bins (integer keys) with empty bins filled; keys ≥ ``cap`` pooled."""
    numeric = {int(k): n for k, n in found.items() if k is not None}
    if cap is not None:
        over = sum(n for k, n in numeric.items() if k >= cap)
        numeric = {k: n for k, n in numeric.items() if k < cap}
        if over:
            numeric[cap] = over
    if not numeric:
        return []
    return [(str(k), label(k), numeric.get(k, 0))
            for k in range(min(numeric), max(numeric) + 1)]


def _value_set(key: str, title: str, unit: str, value_set: str
               ) -> Callable[[Rows, dict[str, Any]], dict[str, Any]]:
    """A builder for a distribution over a closed list, in the list's order."""
    def build(rows: Rows, _stats_row: dict[str, Any]) -> dict[str, Any]:
        found = _counts(rows)
        vs = load_dictionary().value_set(value_set)
        pairs = [(c, vs.label(c), found.pop(c, 0)) for c in vs.codes]
        missing = found.pop(None, 0)
        pairs += [(str(c), str(c), n) for c, n in sorted(found.items(), key=str)]
        if missing:
            pairs.append(("", MISSING, missing))
        return _dist(key, title, unit, pairs)
    return build


def age_at_diagnosis(rows: Rows, stats: dict[str, Any]) -> dict[str, Any]:
    """Age at diagnosis of every cancer, 5-year bins (100+ pooled)."""
    pairs = _bins(_counts(rows), lambda k: f"{5 * k}–{5 * k + 4}", cap=20)
    pairs = [(c, "100+" if c == "20" else lb, n) for c, lb, n in pairs]
    return _dist("age_at_diagnosis", "Age at diagnosis (years)", "cancers", pairs,
                 stats=_stats(stats, "age_", 1.0))


def primary_sites(rows: Rows, _stats_row: dict[str, Any]) -> dict[str, Any]:
    """Top primary sites (ICD-O-3 topography, 3 characters) with their labels."""
    found = _counts(rows)
    topo = get_code_system("icdo3_topography")
    ranked = sorted(((k, n) for k, n in found.items() if k), key=lambda kn: (-kn[1], kn[0]))
    pairs = [(k, f"{k} {topo.label(k) or ''}".strip(), n) for k, n in ranked[:TOP]]
    rest = sum(n for _, n in ranked[TOP:]) + found.get(None, 0)
    if rest:
        pairs.append(("other", "Other sites", rest))
    return _dist("primary_sites", f"Top {TOP} primary sites (ICD-O-3 topography)", "cancers",
                 pairs, chart="hbar")


def diagnosis_year(rows: Rows, _stats_row: dict[str, Any]) -> dict[str, Any]:
    return _dist("diagnosis_year", "Year of diagnosis", "cancers", _bins(_counts(rows), str))


def _biomarker_label(name: str) -> str:
    label = get_code_system("biomarker").label(name)
    if not label:
        return name
    return label if label.startswith(name) else f"{name} ({label})"


def biomarker_status(rows: Rows, _stats_row: dict[str, Any]) -> dict[str, Any]:
    """Result status per biomarker (the most frequent biomarkers), stacked."""
    totals: dict[str, int] = {}
    for r in rows:
        totals[str(r["k"])] = totals.get(str(r["k"]), 0) + int(r["n"])
    names = sorted(totals, key=lambda b: (-totals[b], b))[:TOP]
    vs = load_dictionary().value_set("biomarker_status")
    statuses = [(c, vs.label(c)) for c in vs.codes] + [("", MISSING)]
    cells = {(str(r["k"]), r["s"] or ""): int(r["n"]) for r in rows}
    series = [{"name": s, "label": label, "counts": [cells.get((b, s), 0) for b in names]}
              for s, label in statuses]
    return {"key": "biomarker_status", "title": f"Biomarker status (top {TOP} biomarkers)",
            "unit": "results", "chart": "stacked", "categories": names,
            "labels": [_biomarker_label(b) for b in names],
            "series": [s for s in series if any(s["counts"])],
            "totals": [totals[b] for b in names], "total": sum(totals.values())}


def _drug_classes(level: int) -> Callable[[Rows, dict[str, Any]], dict[str, Any]]:
    """Patients (and administrations) per ATC class at level 2 (``L01``) or 3 (``L01F``)."""
    def build(rows: Rows, stats: dict[str, Any]) -> dict[str, Any]:
        atc = get_code_system("atc")
        ranked = sorted(rows, key=lambda r: (-int(r["n"]), str(r["k"])))[:TOP]
        pairs = [(str(r["k"]), f"{r['k']} {atc.label(str(r['k'])) or ''}".strip(),
                  int(r["n"])) for r in ranked]
        out = _dist(f"atc_level_{level}", f"Drug classes, ATC level {level}", "patients",
                    pairs, chart="hbar", administrations=[int(r["a"]) for r in ranked])
        out["total"] = int(stats.get("atc_patients") or 0)
        return out
    return build


def lines_of_therapy(rows: Rows, _stats_row: dict[str, Any]) -> dict[str, Any]:
    """Highest line of therapy reached per treated cancer."""
    found = _counts(rows)
    missing = found.pop(None, 0)
    pairs = _bins(found, lambda k: "6+" if k >= 6 else f"line {k}", cap=6)
    if missing:
        pairs.append(("", MISSING, missing))
    return _dist("lines_of_therapy", "Highest line of therapy reached", "treated cancers",
                 pairs)


def follow_up(rows: Rows, stats: dict[str, Any]) -> dict[str, Any]:
    """Years from first diagnosis to last news (visit, contact or death), per patient."""
    found = _counts(rows)
    negative = sum(n for k, n in found.items() if k is not None and int(k) < 0)
    found = {k: n for k, n in found.items() if k is not None and int(k) >= 0}
    pairs = _bins(found, lambda k: "15+" if k >= 15 else f"{k}–{k + 1}", cap=15)
    if negative:
        pairs.insert(0, ("-1", "< 0 (last news before diagnosis)", negative))
    return _dist("follow_up", "Follow-up from first diagnosis to last news (years)",
                 "patients", pairs, stats={**_stats(stats, "fu_", 30.4375), "unit": "months"})


#: Every distribution of the report, in display order (charts of similar heights side by
#: side): key -> builder from its rows of the counts query and the statistics row.
BUILDERS: dict[str, Callable[[Rows, dict[str, Any]], dict[str, Any]]] = {
    "age_at_diagnosis": age_at_diagnosis,
    "sex": _value_set("sex", "Sex", "patients", "sex"),
    "primary_sites": primary_sites,
    "biomarker_status": biomarker_status,
    "stage": _value_set("stage", "Stage group at diagnosis", "cancers", "stage_value"),
    "diagnosis_year": diagnosis_year,
    "atc_level_2": _drug_classes(2),
    "lines_of_therapy": lines_of_therapy,
    "atc_level_3": _drug_classes(3),
    "follow_up": follow_up,
    "vital_status": _value_set("vital_status", "Vital status", "patients", "vital_status"),
}


def distributions(runner: Runner) -> list[dict[str, Any]]:
    """Every distribution of :data:`BUILDERS` for this version (two queries)."""
    rows: dict[str, Rows] = {}
    for r in runner.rows(" UNION ALL ".join(PARTS)):
        rows.setdefault(r["d"], []).append(r)
    stats = runner.one("SELECT * FROM " + _stats_sql("age_", _AGE, _AGE_SOURCE)
                       + " CROSS JOIN " + _stats_sql("fu_", "days", _FOLLOW_UP))
    stats["atc_patients"] = rows.get("atc_patients", [{"n": 0}])[0]["n"]
    return [build(rows.get(key, []), stats) for key, build in BUILDERS.items()]

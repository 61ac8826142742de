"""Category ``comorbidities``: ICD-10 conditions present at diagnosis (onset at most 90 days after
the cancer's diagnosis, so conditions first coded during the initial stays count), the Charlson
group count (Quan 2005 ICD-10 coding), and a personal history of another cancer.

Codes compare on their prefix with the dot removed (``I13.0`` -> ``I130`` starts with ``I130``).
The Charlson table is data below, copied from the ``charlson_group_count`` derivation (the
terminology does not ship it yet); it joins on the 3-character category (an equi-join) before
checking the full prefix, so it scales with the comorbidity table.
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur, lit
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, flag, prefixes

__all__ = ["CHARLSON", "FLAGS", "expand", "sql"]


def expand(spec: str) -> tuple[str, ...]:
    """``'E10-E14'`` -> E10..E14; ``'K70.0-K70.3'`` -> K700..K703; ``'I25.2'`` -> I252."""
    out: list[str] = []
    for part in spec.replace(" ", "").split(","):
        low, _, high = part.partition("-")
        low, high = low.replace(".", ""), (high or low).replace(".", "")
        stem = low[:-1] if len(low) == 4 else low[0]
        first, last = (int(low[-1]), int(high[-1])) if len(low) == 4 else (int(low[1:]),
                                                                            int(high[1:]))
        width = 1 if len(low) == 4 else 2
        out += [f"{stem}{n:0{width}d}" for n in range(first, last + 1)]
    return tuple(out)


#: Boolean comorbidity variables -> ICD-10 prefixes.
FLAGS: dict[str, tuple[str, ...]] = {
    "diabetes": expand("E10-E14"),
    "hypertension": expand("I10-I15"),
    "heart_failure": expand("I50, I11.0, I13.0, I13.2"),
    "cardiovascular_disease": expand("I20-I25, I48, I50, I60-I69, I70-I73"),
    "copd": expand("J43-J44"),
    "chronic_kidney_disease": expand("N18, I12, I13.1, Z49, Z99.2"),
}

_DIABETES = ("E10", "E11", "E12", "E13", "E14")

#: Charlson groups (Quan 2005 ICD-10) -> prefixes.
CHARLSON: dict[str, tuple[str, ...]] = {
    "mi": expand("I21, I22, I25.2"),
    "chf": expand("I09.9, I11.0, I13.0, I13.2, I25.5, I42.0, I42.5-I42.9, I43, I50, P29.0"),
    "pvd": expand("I70, I71, I73.1, I73.8, I73.9, I77.1, I79.0, I79.2, K55.1, K55.8, K55.9, "
                  "Z95.8, Z95.9"),
    "cvd": expand("G45, G46, H34.0, I60-I69"),
    "dementia": expand("F00-F03, F05.1, G30, G31.1"),
    "copd": expand("I27.8, I27.9, J40-J47, J60-J67, J68.4, J70.1, J70.3"),
    "rheumatic": expand("M05, M06, M31.5, M32-M34, M35.1, M35.3, M36.0"),
    "ulcer": expand("K25-K28"),
    "mild_liver": expand("B18, K70.0-K70.3, K70.9, K71.3-K71.5, K71.7, K73, K74, K76.0, "
                         "K76.2-K76.4, K76.8, K76.9, Z94.4"),
    # An undivided E10-E14 code counts as diabetes without complication (the hierarchy drops
    # it when a complicated code is also present).
    "diabetes": _DIABETES + tuple(f"{c}{s}" for c in _DIABETES for s in "01689"),
    "diabetes_complicated": tuple(f"{c}{s}" for c in _DIABETES for s in "23457"),
    "plegia": expand("G04.1, G11.4, G80.1, G80.2, G81, G82, G83.0-G83.4, G83.9"),
    "renal": expand("I12.0, I13.1, N03.2-N03.7, N05.2-N05.7, N18, N19, N25.0, Z49.0-Z49.2, "
                    "Z94.0, Z99.2"),
    "severe_liver": expand("I85.0, I85.9, I86.4, I98.2, K70.4, K71.1, K72.1, K72.9, "
                           "K76.5-K76.7"),
    "hiv": expand("B20-B22, B24"),
}
#: Charlson hierarchy: the first group is not counted when the second is present.
_HIERARCHY = (("mild_liver", "severe_liver"), ("diabetes", "diabetes_complicated"))


def _charlson_values() -> str:
    rows = ", ".join(f"({lit(p)}, {lit(g)})" for g, ps in CHARLSON.items() for p in ps)
    return f"(VALUES {rows}) AS ch(prefix, grp)"


def _charlson_count() -> str:
    minus = " ".join(f"- CASE WHEN list_contains(grps, {lit(a)}) AND list_contains(grps, "
                     f"{lit(b)}) THEN 1 ELSE 0 END" for a, b in _HIERARCHY)
    return f"len(grps) {minus}"


def _rows() -> str:
    return f"""
        cm AS (
            SELECT b.cancer_id, replace(upper(c.code), '.', '') AS code, c.onset_date AS onset,
                   b.dx
            FROM {BASE} b JOIN {cur("comorbidity")} c USING (patient_id)
            WHERE c.code IS NOT NULL),
        present AS (SELECT * FROM cm WHERE onset <= dx + 90),
        ch AS (
            SELECT p.cancer_id, list(DISTINCT ch.grp) AS grps FROM present p
            JOIN {_charlson_values()} ON left(ch.prefix, 3) = left(p.code, 3)
            WHERE starts_with(p.code, ch.prefix)
            GROUP BY p.cancer_id)"""


def _other_cancer() -> str:
    earlier = ("o.diagnosis_date < b.dx OR ((o.diagnosis_date = b.dx OR o.diagnosis_date IS NULL "
               "OR b.dx IS NULL) AND o.cancer_order < b.cancer_order)")
    return f"""
        oc AS (
            SELECT DISTINCT b.cancer_id FROM {BASE} b JOIN {cur("cancer")} o
              ON o.patient_id = b.patient_id AND o.cancer_id <> b.cancer_id
            WHERE {earlier}
            UNION
            SELECT cancer_id FROM cm WHERE code LIKE 'Z85%' AND onset <= dx)"""


def sql(env: VariableEnv) -> str:
    flags = ",\n".join(f"{flag(prefixes('p.code', codes))} AS {name}"
                       for name, codes in FLAGS.items())
    chapters = "('S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z')"
    return f"""
        WITH {_rows()}, {_other_cancer()},
        f AS (
            SELECT p.cancer_id, {flags},
                   count(DISTINCT left(p.code, 3)) FILTER (
                       WHERE left(p.code, 1) NOT IN {chapters}) AS n_comorbidities
            FROM present p GROUP BY p.cancer_id)
        SELECT b.cancer_id,
               {", ".join(f"coalesce(f.{name}, FALSE) AS {name}" for name in FLAGS)},
               oc.cancer_id IS NOT NULL AS other_cancer_history,
               coalesce({_charlson_count()}, 0) AS charlson_group_count,
               coalesce(f.n_comorbidities, 0) AS n_comorbidities
        FROM {BASE} b LEFT JOIN f USING (cancer_id) LEFT JOIN ch USING (cancer_id)
        LEFT JOIN oc USING (cancer_id)"""

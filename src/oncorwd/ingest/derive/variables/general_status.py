"""Category ``general_status``: performance status, weight, height, BMI and weight loss around
diagnosis (section 10; rows of the patient, any cancer).

Closest-row rules are ``arg_min`` over a struct key, so "closest, then highest value" is one
aggregate. Several same-day weights or heights are averaged first. PS values are rounded up
and capped at 4 (Karnofsky was converted at ingest).
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.lines_of_therapy import LINE_SUMMARY
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv

__all__ = ["BMI_CLASSES", "sql"]

#: (upper bound exclusive, code) of the WHO BMI classes; the last class has no upper bound.
BMI_CLASSES = ((18.5, "UNDERWEIGHT"), (25.0, "NORMAL"), (30.0, "OVERWEIGHT"), (None, "OBESE"))

_PS = "least(greatest(ceil(v), 0), 4)"


def _rows() -> str:
    return f"""
        gs AS (
            SELECT b.cancer_id, b.dx, l.line1_start AS l1, g.measure_type AS t, g.value AS v,
                   g.measure_date AS md
            FROM {BASE} b JOIN {cur("general_status")} g USING (patient_id)
            LEFT JOIN {LINE_SUMMARY} l USING (cancer_id)
            WHERE g.value IS NOT NULL AND g.measure_date IS NOT NULL),
        daily AS (
            SELECT cancer_id, dx, t, md, avg(v) AS v FROM gs
            WHERE t IN ('WEIGHT', 'HEIGHT') GROUP BY cancer_id, dx, t, md)"""


def _ps() -> str:
    return f"""
        ps AS (
            SELECT cancer_id,
                   arg_min({_PS}, {{'d': abs(md - dx), 'v': -v}})
                       FILTER (WHERE abs(md - dx) <= 30) AS ps_at_diagnosis,
                   max({_PS}) FILTER (WHERE md >= dx - 30) AS ps_worst,
                   arg_min({_PS}, {{'d': abs(md - l1), 'v': -v}})
                       FILTER (WHERE md BETWEEN l1 - 30 AND l1 + 7) AS ps_at_line1_start
            FROM gs WHERE t = 'PS' GROUP BY cancer_id)"""


def _weight_height() -> str:
    before = "(dx IS NULL OR md <= dx + 30)"
    epoch = "(md - DATE '1970-01-01')"
    return f"""
        wh AS (
            SELECT cancer_id,
                   arg_min(v, {{'d': abs(md - dx), 'md': md}})
                       FILTER (WHERE t = 'WEIGHT' AND abs(md - dx) <= 30) AS weight,
                   arg_min(v, {{'after': NOT {before},
                               'k': CASE WHEN {before} THEN -{epoch} ELSE {epoch} END}})
                       FILTER (WHERE t = 'HEIGHT') AS height,
                   arg_min(v, md) FILTER (WHERE t = 'WEIGHT' AND md BETWEEN dx - 180
                                          AND dx + 30) AS first_w,
                   arg_max(v, md) FILTER (WHERE t = 'WEIGHT' AND md BETWEEN dx - 180
                                          AND dx + 30) AS last_w,
                   count(*) FILTER (WHERE t = 'WEIGHT' AND md BETWEEN dx - 180
                                    AND dx + 30) AS n_w
            FROM daily GROUP BY cancer_id)"""


def _bmi_class(bmi: str) -> str:
    cases = " ".join(f"WHEN {bmi} < {high} THEN '{code}'" for high, code in BMI_CLASSES if high)
    return f"CASE WHEN {bmi} IS NULL THEN NULL {cases} ELSE '{BMI_CLASSES[-1][1]}' END"


def sql(env: VariableEnv) -> str:
    bmi = "round(wh.weight / ((wh.height / 100) ^ 2), 1)"
    loss = ("CASE WHEN wh.n_w >= 2 AND wh.first_w <> 0 "
            "THEN round(100 * (wh.first_w - wh.last_w) / wh.first_w, 1) END")
    return f"""
        WITH {_rows()}, {_ps()}, {_weight_height()},
        v AS (
            SELECT b.cancer_id, ps.ps_at_diagnosis, ps.ps_worst, ps.ps_at_line1_start,
                   wh.weight AS weight_at_diagnosis, wh.height AS height_cm,
                   CASE WHEN wh.height > 0 THEN {bmi} END AS bmi_at_diagnosis,
                   {loss} AS weight_loss_pct
            FROM {BASE} b LEFT JOIN ps USING (cancer_id) LEFT JOIN wh USING (cancer_id))
        SELECT cancer_id, ps_at_diagnosis, ps_worst, ps_at_line1_start, weight_at_diagnosis,
               height_cm, bmi_at_diagnosis, {_bmi_class("bmi_at_diagnosis")} AS bmi_class,
               weight_loss_pct, weight_loss_pct >= 5 AS weight_loss_5pct
        FROM v"""

"""Step ``cancer_order``: item 8.1, the rank of each cancer in the patient's life.

The guide ranks a patient's cancers by diagnosis date whatever the facility (a history of cancer
treated elsewhere counts). A recorded order is kept when it is consistent: the patient's orders
are exactly 1..n and no cancer ranked before another was certainly diagnosed after it. Partial
dates are compared on their known span (a date known to the month spans the month), so a
recorded order of two cancers of the same year is never contradicted by imputation. Otherwise
(missing, duplicate, gap, or contradiction, e.g. after a multiple-primary merge) the patient's
cancers are re-ranked by derived diagnosis date (unknown dates last; ties: cancer_id), and each
change is noted (rule ``cancer_order_recomputed``).
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import DeriveContext, cur

__all__ = ["run"]

_STEP = "cancer_order"


def _bounds(date: str, precision: str) -> tuple[str, str]:
    """SQL of the earliest and latest day a partial date may be (D, M or Y precision)."""
    earliest = (f"CASE {precision} WHEN 'Y' THEN CAST(date_trunc('year', {date}) AS DATE) "
                f"WHEN 'M' THEN CAST(date_trunc('month', {date}) AS DATE) ELSE {date} END")
    latest = (f"CASE {precision} WHEN 'Y' THEN make_date(year({date}), 12, 31) "
              f"WHEN 'M' THEN last_day({date}) ELSE {date} END")
    return earliest, latest


def _checked_sql(cancer: str) -> str:
    earliest, latest = _bounds("diagnosis_date", "diagnosis_date_precision")
    return f"""
        WITH b AS (
            SELECT cancer_id, patient_id, cancer_order, diagnosis_date,
                   {earliest} AS lo, {latest} AS hi FROM {cancer}),
        w AS (
            SELECT *,
                   max(lo) OVER (PARTITION BY patient_id ORDER BY cancer_order
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS lo_before,
                   count(*) OVER p AS n, count(DISTINCT cancer_order) OVER p AS n_orders,
                   min(cancer_order) OVER p AS first, max(cancer_order) OVER p AS last,
                   count(cancer_order) OVER p AS n_known,
                   row_number() OVER (PARTITION BY patient_id
                                      ORDER BY diagnosis_date NULLS LAST, cancer_id) AS ranked
            FROM b WINDOW p AS (PARTITION BY patient_id))
        SELECT cancer_id, patient_id, cancer_order, ranked,
               bool_or(n_known < n OR n_orders < n OR first <> 1 OR last <> n
                       OR coalesce(lo_before > hi, FALSE)) OVER (PARTITION BY patient_id)
                   AS recompute
        FROM w"""


def run(ctx: DeriveContext) -> None:
    """Keep a consistent recorded cancer_order (1..n, compatible with the partial diagnosis
    dates); otherwise re-rank the patient's cancers by diagnosis date (ties: cancer_id)."""
    cancer = cur("cancer")
    ctx.create_table("dv_cancer_order", _checked_sql(cancer))
    ctx.note(f"""
        SELECT '{_STEP}', 'cancer_order_recomputed', patient_id, cancer_id, NULL,
               'cancer_order ' || coalesce(CAST(cancer_order AS VARCHAR), 'missing')
               || ' -> ' || CAST(ranked AS VARCHAR)
        FROM dv_cancer_order
        WHERE recompute AND cancer_order IS DISTINCT FROM ranked""")
    ctx.create_table(cancer, f"""
        SELECT c.* REPLACE (
            CAST(CASE WHEN o.recompute THEN o.ranked ELSE c.cancer_order END AS INTEGER)
            AS cancer_order)
        FROM {cancer} c JOIN dv_cancer_order o USING (cancer_id)""")

"""Step ``attribution``: give every cancer-level row the cancer it belongs to.

Rows of tumor_event, surgery, drug_administration, radiotherapy, progression, imaging, sample and
biomarker are "attributed to a cancer" as the cohort-variable conventions define it: their
cancer_id when recorded (repointed to the kept cancer when the ``multiple_primaries`` step merged
it), else the patient's cancer with the latest diagnosis date on or before the row's date (ties:
lowest cancer_order); rows dated before every cancer of the patient, or undated, go to the
patient's first cancer (lowest cancer_order). The dates used are listed in
:data:`~oncorwd.ingest.derive.context.CANCER_LEVEL`.

``dv_<entity>`` becomes a view with ``cancer_id`` filled this way (an as-of join, so it scales to
the drug table); the published drug_administration table carries the attributed cancer_id, which
its computed treatment_line refers to.
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import CANCER_LEVEL, DeriveContext, cur, src
from oncorwd.ingest.derive.multiple_primaries import MERGE_MAP

__all__ = ["run"]


def _view_sql(entity: str, date_expr: str, merges: bool) -> str:
    # The source is read twice (rows with and without cancer_id) rather than through a shared
    # CTE, which DuckDB would materialise: each branch keeps its filters pushed into the scan.
    repoint = (f"t.* REPLACE (coalesce(m.kept_id, t.cancer_id) AS cancer_id) FROM {src(entity)} t "
               f"LEFT JOIN {MERGE_MAP} m ON m.merged_id = t.cancer_id" if merges
               else f"t.* FROM {src(entity)} t")
    return f"""
        SELECT * FROM (SELECT {repoint}) WHERE cancer_id IS NOT NULL
        UNION ALL BY NAME
        SELECT t.* EXCLUDE (dv_date) REPLACE (coalesce(a.cancer_id, f.cancer_id) AS cancer_id)
        FROM (SELECT {date_expr} AS dv_date, t.* FROM {src(entity)} t
              WHERE t.cancer_id IS NULL) t
        ASOF LEFT JOIN dv_attr_points a
            ON a.patient_id = t.patient_id AND t.dv_date >= a.diagnosis_date
        LEFT JOIN dv_first_cancer f ON f.patient_id = t.patient_id"""


def run(ctx: DeriveContext) -> None:
    """Attribute every cancer-level row to a cancer (recorded or merged-into cancer_id, else the
    latest cancer diagnosed on or before the row's date, else the patient's first cancer)."""
    cancer = cur("cancer")
    ctx.create_table("dv_attr_points", f"""
        SELECT patient_id, diagnosis_date, arg_min(cancer_id, cancer_order) AS cancer_id
        FROM {cancer} WHERE diagnosis_date IS NOT NULL GROUP BY patient_id, diagnosis_date""")
    ctx.create_table("dv_first_cancer", f"""
        SELECT patient_id, arg_min(cancer_id, cancer_order) AS cancer_id
        FROM {cancer} GROUP BY patient_id""")
    merges = bool(ctx.scalar(f"SELECT count(*) FROM {MERGE_MAP}"))
    for entity, date_expr in CANCER_LEVEL.items():
        ctx.create_view(cur(entity), _view_sql(entity, date_expr, merges))

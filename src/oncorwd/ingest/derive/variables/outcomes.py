"""Category ``outcomes``: vital status, death, last known alive date, overall survival and
follow-up from diagnosis, time to next treatment and real-world PFS from the first line.

The last known alive date is the latest date of any record of the patient (visits, contacts,
vital-status update when alive, and every dated clinical row), capped at the death date and at
the reference date (the data cut-off: later dates are errors). A death before the first line's
start cannot end it; negative durations are data errors and give NULL (with their event flag).
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur, src
from oncorwd.ingest.derive.lines_of_therapy import DRUG_ROWS, LINE_SUMMARY
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, date_lit

__all__ = ["ALIVE_DATES", "sql"]

#: Dated records that show the patient alive: table -> date expressions (and every drug
#: administration, read from the narrow drug rows).
ALIVE_DATES: dict[str, tuple[str, ...]] = {
    "vital_status": ("last_visit_date", "last_contact_date",
                     "CASE WHEN vital_status = '0' THEN update_date END"),
    "general_status": ("measure_date",),
    "surgery": ("procedure_date",),
    "radiotherapy": ("start_date",),
    "progression": ("progression_date",),
    "imaging": ("CAST(exam_date AS DATE)",),
    "sample": ("sampling_date",),
    "biomarker": ("result_date",),
    "tumor_event": ("greatest(mention_date, diagnosis_date, metastasis_date)",),
}


def _last_alive(env: VariableEnv) -> str:
    parts = " UNION ALL ".join(
        f"SELECT patient_id, max(greatest({', '.join(exprs)})) AS d FROM {src(table)} "
        f"GROUP BY patient_id"
        for table, exprs in ALIVE_DATES.items())
    # Drug rows (the largest table) from the narrow attributed rows: every row of a patient with
    # a cancer has a cancer key, and only such patients get a cohort row.
    parts += (f" UNION ALL SELECT c.patient_id, max(d.max_d) FROM (SELECT ck, max(d) AS max_d "
              f"FROM {DRUG_ROWS} GROUP BY ck) d JOIN dv_cancer_key k USING (ck) "
              f"JOIN {cur('cancer')} c USING (cancer_id) GROUP BY c.patient_id")
    cap = date_lit(env.reference_date)
    return f"""
        seen AS (
            SELECT patient_id, max(d) AS d FROM ({parts})
            WHERE d IS NOT NULL GROUP BY patient_id),
        pat AS (
            SELECT v.patient_id, v.vital_status,
                   CASE WHEN v.vital_status = '1' THEN v.death_date END AS death
            FROM {src("vital_status")} v),
        alive AS (
            SELECT s.patient_id, p.vital_status, p.death,
                   least(s.d, p.death, {cap}) AS last_alive
            FROM seen s LEFT JOIN pat p USING (patient_id)
            UNION ALL
            SELECT p.patient_id, p.vital_status, p.death, NULL
            FROM pat p ANTI JOIN seen s USING (patient_id))"""


def _durations() -> str:
    l2_or_death = "least(l.line2_start, CASE WHEN a.death >= l.line1_start THEN a.death END)"
    prog_or_death = "least(pr.first, CASE WHEN a.death >= l.line1_start THEN a.death END)"
    return f"""
        d AS (
            SELECT b.cancer_id, a.vital_status, a.death, a.last_alive, b.dx,
                   CASE WHEN a.vital_status = '1' THEN a.death ELSE a.last_alive END AS os_end,
                   l.line1_start AS l1, {l2_or_death} AS ttnt_event,
                   {prog_or_death} AS pfs_event
            FROM {BASE} b LEFT JOIN alive a USING (patient_id)
            LEFT JOIN {LINE_SUMMARY} l USING (cancer_id)
            LEFT JOIN (
                SELECT p.cancer_id, min(p.progression_date) AS first
                FROM {cur("progression")} p JOIN {LINE_SUMMARY} l USING (cancer_id)
                WHERE p.progression = 'Y' AND p.progression_date > l.line1_start
                GROUP BY p.cancer_id) pr USING (cancer_id)),
        n AS (
            SELECT *, CASE WHEN os_end - dx >= 0 THEN os_end - dx END AS os_days,
                   CASE WHEN last_alive - dx >= 0 THEN last_alive - dx END AS follow_up_days,
                   CASE WHEN coalesce(ttnt_event, last_alive) - l1 >= 0
                        THEN coalesce(ttnt_event, last_alive) - l1 END AS ttnt_days,
                   CASE WHEN coalesce(pfs_event, last_alive) - l1 >= 0
                        THEN coalesce(pfs_event, last_alive) - l1 END AS pfs_days
            FROM d)"""


def sql(env: VariableEnv) -> str:
    return f"""
        WITH {_last_alive(env)}, {_durations()}
        SELECT cancer_id, vital_status, death AS death_date,
               last_alive AS last_known_alive_date, os_days,
               CASE WHEN os_days IS NOT NULL THEN vital_status = '1' AND death IS NOT NULL
                    END AS os_event,
               follow_up_days,
               ttnt_days AS ttnt_line1_days,
               CASE WHEN ttnt_days IS NOT NULL THEN ttnt_event IS NOT NULL END
                   AS ttnt_line1_event,
               pfs_days AS rwpfs_line1_days,
               CASE WHEN pfs_days IS NOT NULL THEN pfs_event IS NOT NULL END
                   AS rwpfs_line1_event
        FROM n"""

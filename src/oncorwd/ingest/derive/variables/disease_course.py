"""Category ``disease_course``: recurrences, metachronous metastases, progression (overall and
under the first line) and haematological relapse or transformation (sections 9 and 14).

Local recurrence and relapse dates are the earliest of mention_date and diagnosis_date of the
event (metastasis_date belongs to metastases); metastasis variables come from the ``metastatic``
step.
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import cur
from oncorwd.ingest.derive.lines_of_therapy import LINE_SUMMARY
from oncorwd.ingest.derive.metastatic import METASTATIC
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv, flag

__all__ = ["sql"]


def _events() -> str:
    day = "least(e.mention_date, e.diagnosis_date)"
    return f"""
        ev AS (
            SELECT e.cancer_id, {flag("e.event_type = '1'")} AS local,
                   min({day}) FILTER (WHERE e.event_type = '1') AS local_date,
                   {flag("e.event_type = '3'")} AS relapse,
                   min({day}) FILTER (WHERE e.event_type = '3') AS relapse_date,
                   {flag("e.event_type = '4'")} AS transformation
            FROM {cur("tumor_event")} e GROUP BY e.cancer_id)"""


def _progression() -> str:
    under_line1 = ("p.progression_date > l.line1_start AND (l.line2_start IS NULL "
                   "OR p.progression_date <= l.line2_start)")
    return f"""
        pr AS (
            SELECT p.cancer_id, {flag("p.progression = 'Y'")} AS any,
                   min(p.progression_date) FILTER (WHERE p.progression = 'Y') AS first,
                   min(p.progression_date) FILTER (WHERE p.progression = 'Y' AND {under_line1})
                       AS line1
            FROM {cur("progression")} p LEFT JOIN {LINE_SUMMARY} l USING (cancer_id)
            GROUP BY p.cancer_id)"""


def sql(env: VariableEnv) -> str:
    return f"""
        WITH {_events()}, {_progression()}
        SELECT b.cancer_id, coalesce(ev.local, FALSE) AS local_recurrence,
               ev.local_date AS local_recurrence_date,
               m.after_dx AS metastasis_after_diagnosis,
               m.after_dx_date AS metastasis_after_diagnosis_date,
               m.ever AS metastatic_ever, m.disease_date AS metastatic_disease_date,
               coalesce(pr.any, FALSE) AS progression_any, pr.first AS first_progression_date,
               pr.line1 AS progression_line1_date,
               coalesce(ev.relapse, FALSE) AS haem_relapse, ev.relapse_date AS haem_relapse_date,
               coalesce(ev.transformation, FALSE) AS haem_transformation
        FROM {BASE} b JOIN {METASTATIC} m USING (cancer_id)
        LEFT JOIN ev USING (cancer_id) LEFT JOIN pr USING (cancer_id)"""

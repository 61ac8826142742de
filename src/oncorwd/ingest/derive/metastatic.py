"""Step ``metastatic``: metastatic status at diagnosis, synchronous sites, and later metastases.

One row per cancer in ``dv_metastatic``, read by the staging and disease-course variables and by
``lines_of_therapy`` (``metastatic_only``). Rules (cohort variables ``metastatic_at_diagnosis``,
``metastasis_at_dx_*``, ``metastasis_after_diagnosis``, ``metastatic_disease_date``):

- the date of a tumour event is the earliest of mention_date, diagnosis_date and
  metastasis_date; a metastasis (event_type 2) is synchronous when that date is at most
  ``metastatic_window_days`` (90) after the cancer's diagnosis date, metachronous after;
- metastatic at diagnosis: tnm_m = 1, or stage IV in a TNM/FIGO/unstated staging system, or a
  synchronous metastasis; not metastatic: tnm_m = 0 or stage 0-III in such a system; otherwise
  unknown (NULL; e.g. lymphomas staged with Ann Arbor);
- metastatic sites at diagnosis by the 3-character topography of synchronous metastases (lung
  C34, liver C22, bone C40/C41, brain C70/C71, distant nodes C77, other); an unstated site counts
  as one site.
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import DeriveContext, cur, lit

__all__ = ["METASTATIC", "SITES", "run"]

METASTATIC = "dv_metastatic"

#: Named metastatic sites at diagnosis -> 3-character ICD-O-3 topographies.
SITES: dict[str, tuple[str, ...]] = {
    "lung": ("C34",),
    "liver": ("C22",),
    "bone": ("C40", "C41"),
    "brain": ("C71", "C70"),
    "nodes": ("C77",),
}


def _site_flags() -> str:
    named = [t for codes in SITES.values() for t in codes]
    parts = [
        f"coalesce(bool_or(at_dx AND topo3 IN ({', '.join(map(lit, codes))})), FALSE) "
        f"AS at_dx_{site}"
        for site, codes in SITES.items()
    ]
    others = ", ".join(map(lit, named))
    parts.append(f"coalesce(bool_or(at_dx AND (topo3 IS NULL OR topo3 NOT IN ({others}))), "
                 f"FALSE) AS at_dx_other")
    return ",\n".join(parts)


def _events_sql() -> str:
    return f"""
        SELECT c.cancer_id, least(e.mention_date, e.diagnosis_date, e.metastasis_date) AS ev_date,
               left(e.metastasis_topography, 3) AS topo3, c.diagnosis_date AS dx
        FROM {cur("tumor_event")} e JOIN {cur("cancer")} c USING (cancer_id)
        WHERE e.event_type = '2'"""


def _per_cancer_sql(window: int) -> str:
    return f"""
        WITH ev AS ({_events_sql()}),
        flagged AS (
            SELECT *, ev_date <= dx + {window} AS at_dx, ev_date > dx + {window} AS after
            FROM ev)
        SELECT cancer_id,
               coalesce(bool_or(at_dx), FALSE) AS any_at_dx,
               {_site_flags()},
               count(DISTINCT coalesce(topo3, '?')) FILTER (WHERE at_dx) AS n_sites_at_dx,
               coalesce(bool_or(after), FALSE) AS after_dx,
               min(ev_date) FILTER (WHERE after) AS after_dx_date
        FROM flagged GROUP BY cancer_id"""


_STAGED = "coalesce(c.stage_type, 'UK') IN ('TNM', 'FIGO', 'UK')"


def run(ctx: DeriveContext) -> None:
    """Per cancer: metastatic at diagnosis (tnm_m, stage IV or a metastasis within 90 days),
    synchronous metastatic sites, first metachronous metastasis and metastatic disease date."""
    window = int(ctx.params.metastatic_window_days)
    site_cols = ", ".join(f"coalesce(a.at_dx_{s}, FALSE) AS at_dx_{s}" for s in (*SITES, "other"))
    ctx.create_table(METASTATIC, f"""
        WITH a AS ({_per_cancer_sql(window)}),
        m AS (
            SELECT c.cancer_id, c.diagnosis_date,
                   CASE WHEN c.tnm_m = '1' OR (c.stage = 'IV' AND {_STAGED})
                             OR coalesce(a.any_at_dx, FALSE) THEN TRUE
                        WHEN c.tnm_m = '0' OR (c.stage IN ('0', 'I', 'II', 'III') AND {_STAGED})
                             THEN FALSE END AS at_dx,
                   {site_cols},
                   coalesce(a.n_sites_at_dx, 0) AS n_sites_at_dx,
                   coalesce(a.after_dx, FALSE) AS after_dx, a.after_dx_date
            FROM {cur("cancer")} c LEFT JOIN a USING (cancer_id))
        SELECT * EXCLUDE (diagnosis_date),
               CASE WHEN at_dx OR after_dx THEN TRUE
                    WHEN NOT at_dx AND NOT after_dx THEN FALSE END AS ever,
               CASE WHEN at_dx THEN diagnosis_date ELSE after_dx_date END AS disease_date
        FROM m""")

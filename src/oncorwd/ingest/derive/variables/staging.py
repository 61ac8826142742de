"""Category ``staging``: TNM, stage and grade as recorded, tumour size, and the metastatic
status and sites at diagnosis computed by the ``metastatic`` step (``dv_metastatic``)."""

from __future__ import annotations

from oncorwd.ingest.derive.metastatic import METASTATIC, SITES
from oncorwd.ingest.derive.variables._sql import BASE, VariableEnv

__all__ = ["sql"]


def sql(env: VariableEnv) -> str:
    sites = ", ".join(f"m.at_dx_{s} AS metastasis_at_dx_{s}" for s in (*SITES, "other"))
    return f"""
        SELECT b.cancer_id, b.tnm_t, b.tnm_n, b.tnm_m, b.tnm_type, b.stage_type,
               b.stage AS stage_group, b.grade_type, b.grade, b.tumor_size_mm,
               m.at_dx AS metastatic_at_diagnosis, {sites},
               m.n_sites_at_dx AS n_metastatic_sites_at_dx
        FROM {BASE} b JOIN {METASTATIC} m USING (cancer_id)"""

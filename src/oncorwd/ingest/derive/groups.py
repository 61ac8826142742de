"""Step ``groups``: fill the IARC topography (8.7) and histology (8.9) groups of each cancer.

A recorded group is kept; a missing one is computed from the topography (8.6) or morphology
(8.8) through the terminology lookups (``dv_lk_topography``, ``dv_lk_morphology``). The
topography group is written as its summary code (C34.9 for trachea/bronchus/lung, C50.9 for the
breast), as the cohort variable ``iarc_topography_group`` defines it.
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import DeriveContext, cur

__all__ = ["run"]


def run(ctx: DeriveContext) -> None:
    """Fill cancer.topography_group and cancer.morphology_group (IARC 2004) where missing."""
    cancer = cur("cancer")
    ctx.create_table(cancer, f"""
        SELECT c.* REPLACE (
            coalesce(c.topography_group, t.grp) AS topography_group,
            coalesce(c.morphology_group, m.grp) AS morphology_group)
        FROM {cancer} c
        LEFT JOIN dv_lk_topography t ON t.code = c.topography
        LEFT JOIN dv_lk_morphology m ON m.code = c.morphology""")

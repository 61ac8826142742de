"""Step ``multiple_primaries``: merge cancer rows that the IARC 2004 rules count as one cancer.

The guide (section 8, "Règles pour la création d'une tumeur") characterises a cancer by its
topography group, its histology group and, for paired organs, its laterality: if all three agree,
a second record is an event of the first cancer (recurrence, metastasis), not a new primary.
So two cancer rows of a patient are the same cancer when they share the IARC topography group and
the IARC/Berg histology group (types outside the 17 groups compare on their 4-digit type), unless
one is right and the other left (bilateral = two cancers), except for the sites and histologies
the guide exempts (ovary, skin, Wilms tumour, retinoblastoma: see ``DeriveParams``).

The earliest diagnosed row (ties: lowest recorded cancer_order, then cancer_id) is kept; the
others are merged into it: removed from ``dv_cancer``, their cancer-level rows repointed to the
kept id (``dv_merge_map``, applied by the ``attribution`` step). Nothing is dropped silently:
every merge is a note (rule ``same_primary``). A row of unknown laterality in a group that has
both a right and a left cancer cannot be placed; it is left alone and noted
(``ambiguous_laterality``). With ``merge_multiple_primaries=False`` the merges are only noted
(``possible_same_primary``).
"""

from __future__ import annotations

from oncorwd.ingest.derive.context import DeriveContext, cur, lit

__all__ = ["MERGE_MAP", "run"]

MERGE_MAP = "dv_merge_map"
_STEP = "multiple_primaries"


def _clusters_sql(ctx: DeriveContext) -> str:
    p = ctx.params
    topo = ", ".join(map(lit, p.laterality_exempt_topography)) or "''"
    morph = ", ".join(map(lit, p.laterality_exempt_morphology)) or "''"
    return f"""
        WITH keys AS (
            SELECT c.cancer_id, c.patient_id, c.diagnosis_date, c.cancer_order,
                   t.grp AS tkey, coalesce(m.grp, 'type ' || left(c.morphology, 4)) AS hkey,
                   CASE WHEN c.laterality IN ('R', 'L') AND left(c.topography, 3) NOT IN ({topo})
                        AND left(c.morphology, 4) NOT IN ({morph}) THEN c.laterality END AS side
            FROM {cur("cancer")} c
            JOIN dv_lk_topography t ON t.code = c.topography
            LEFT JOIN dv_lk_morphology m ON m.code = c.morphology
            WHERE t.grp IS NOT NULL AND c.morphology IS NOT NULL),
        part AS (
            SELECT *, count(DISTINCT side) OVER g AS n_sides, count(*) OVER g AS n_rows
            FROM keys WINDOW g AS (PARTITION BY patient_id, tkey, hkey))
        SELECT *, CASE WHEN n_sides <= 1 THEN '*' ELSE side END AS ckey,
               first_value(cancer_id) OVER (
                   PARTITION BY patient_id, tkey, hkey,
                                CASE WHEN n_sides <= 1 THEN '*' ELSE side END
                   ORDER BY diagnosis_date NULLS LAST, cancer_order NULLS LAST, cancer_id
               ) AS kept_id
        FROM part WHERE n_rows > 1"""


def _note_merges(ctx: DeriveContext, rule: str) -> None:
    ctx.note(f"""
        SELECT '{_STEP}', {lit(rule)}, patient_id, kept_id, cancer_id,
               'topography group ' || tkey || ', histology group ' || hkey
               || ', laterality ' || coalesce(side, 'not applicable or unknown')
        FROM dv_mp_clusters WHERE ckey IS NOT NULL AND cancer_id <> kept_id""")
    ctx.note(f"""
        SELECT '{_STEP}', 'ambiguous_laterality', patient_id, cancer_id, NULL,
               'unknown laterality, same topography group ' || tkey || ' and histology group '
               || hkey || ' as both a right and a left cancer: not merged'
        FROM dv_mp_clusters WHERE ckey IS NULL""")


def run(ctx: DeriveContext) -> None:
    """Merge cancer rows of a patient with the same IARC topography group, histology group and
    laterality (bilateral tumours of paired organs stay two cancers); note every merge."""
    ctx.create_table("dv_mp_clusters", _clusters_sql(ctx))
    merge = ctx.params.merge_multiple_primaries
    _note_merges(ctx, "same_primary" if merge else "possible_same_primary")
    where = "ckey IS NOT NULL AND cancer_id <> kept_id" if merge else "FALSE"
    ctx.create_table(MERGE_MAP, f"SELECT cancer_id AS merged_id, kept_id FROM dv_mp_clusters "
                                f"WHERE {where}")
    cancer = cur("cancer")
    ctx.create_table(cancer, f"SELECT c.* FROM {cancer} c "
                             f"ANTI JOIN {MERGE_MAP} m ON m.merged_id = c.cancer_id")

"""Step ``cohort_variables``: the wide table, one row per cancer, one column per variable.

Each category of :data:`~oncorwd.ingest.derive.variables.CATEGORIES` is materialised as
``dv_cv_<category>`` (after the shared working tables of
:mod:`~oncorwd.ingest.derive.variables.shared`), then joined on ``cancer_id`` and cast to the
store types, in the exact column order of ``arrow_schema(entity("cohort_variables"))``. Patients
who object to reuse get no row (``exclude_objecting_patients``).
"""

from __future__ import annotations

from oncorwd.dictionary import columns, engine_type, load_dictionary
from oncorwd.dictionary.loader import COHORT_VARIABLES
from oncorwd.ingest.derive.context import DeriveContext, cur
from oncorwd.ingest.derive.variables import CATEGORIES, VariableEnv
from oncorwd.ingest.derive.variables._sql import BASE
from oncorwd.ingest.derive.variables.shared import PRELUDE

__all__ = ["TABLE", "final_sql", "run"]

#: The derived wide table left in the connection.
TABLE = cur(COHORT_VARIABLES)


def final_sql() -> str:
    """Join the category tables and cast every column to the dictionary's store type."""
    d = load_dictionary()
    category = {v.name: v.category for v in d.variables}
    parts = []
    for column in columns(d.entity(COHORT_VARIABLES)):
        where = f"c_{category[column.name]}" if column.name in category else "b"
        parts.append(f"CAST({where}.{column.name} AS {engine_type(column, 'duckdb')}) "
                     f"AS {column.name}")
    joins = " ".join(f"LEFT JOIN dv_cv_{c} c_{c} ON c_{c}.cancer_id = b.cancer_id"
                     for c in CATEGORIES)
    return f"SELECT {', '.join(parts)} FROM {BASE} b {joins}"


def run(ctx: DeriveContext) -> None:
    """Compute every cohort variable of the dictionary, category by category, into the wide
    cohort_variables table (one row per cancer of a non-objecting patient)."""
    env = VariableEnv(ctx.params, ctx.reference_date,
                      biomarker_name="biomarker_name" in ctx.columns(cur("biomarker")))
    for name, build in PRELUDE:
        ctx.create_table(name, build(env))
    for category, build in CATEGORIES.items():
        ctx.create_table(f"dv_cv_{category}", build(env))
    ctx.create_table(TABLE, final_sql())

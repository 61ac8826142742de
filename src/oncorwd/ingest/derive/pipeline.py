"""The derive pipeline: its ordered steps, and the entry points that run them.

``derive`` runs :data:`DERIVE_STEPS` on a DuckDB connection where the site's OSIRIS RWD tables
of one data version are available by entity name (with their derived partial-date columns), and
returns the updated tables as Arrow. Each step only reads the working tables of the steps before
it (see :mod:`~oncorwd.ingest.derive.context`), so the ingest pipeline may run them one by one.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from oncorwd.config import get_settings
from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.ingest.derive import (
    attribution,
    cancer_order,
    cohort_variables,
    groups,
    inputs,
    lines_of_therapy,
    lookups,
    metastatic,
    multiple_primaries,
)
from oncorwd.ingest.derive.context import NOTES, NOTES_SCHEMA, DeriveContext, DeriveStep, cur
from oncorwd.ingest.derive.params import DeriveParams

__all__ = ["DEFAULT_PARAMS", "DERIVE_STEPS", "DeriveResult", "derive", "derive_tables", "run_steps"]

#: The documented defaults (DeriveParams is frozen, so one shared instance is safe).
DEFAULT_PARAMS = DeriveParams()

#: The steps, in the order they must run.
DERIVE_STEPS: tuple[DeriveStep, ...] = (
    DeriveStep("inputs", inputs.run),
    DeriveStep("lookups", lookups.run),
    DeriveStep("groups", groups.run),
    DeriveStep("multiple_primaries", multiple_primaries.run),
    DeriveStep("cancer_order", cancer_order.run),
    DeriveStep("attribution", attribution.run),
    DeriveStep("metastatic", metastatic.run),
    DeriveStep("lines_of_therapy", lines_of_therapy.run),
    DeriveStep("cohort_variables", cohort_variables.run),
)


@dataclass(frozen=True)
class DeriveResult:
    """The updated tables, each with exactly its store schema, and the derivation notes.

    ``cancer``: merged duplicates removed, cancer_order and IARC groups filled;
    ``drug_administration``: cancer_id attributed and treatment_line computed;
    ``cohort_variables``: one row per cancer of a non-objecting patient; ``notes``: what was
    merged or recomputed and why (step, rule, patient_id, cancer_id, related_cancer_id, detail);
    ``timings``: seconds per step.
    """

    cancer: pa.Table
    drug_administration: pa.Table
    cohort_variables: pa.Table
    notes: pa.Table
    timings: Mapping[str, float] = field(default_factory=dict)


def run_steps(ctx: DeriveContext, steps: Iterable[DeriveStep] = DERIVE_STEPS) -> None:
    """Run ``steps`` in order on ``ctx``, recording each one's duration in ``ctx.timings``."""
    for step in steps:
        start = time.perf_counter()
        step.run(ctx)
        ctx.timings[step.name] = time.perf_counter() - start


def _fetch(ctx: DeriveContext, relation: str, schema: pa.Schema) -> pa.Table:
    names = ", ".join(schema.names)
    table = ctx.con.sql(f"SELECT {names} FROM {relation}").to_arrow_table()
    # Column by column: the store sets data_version, which a producer may leave null although
    # the schema declares it non-nullable (Table.cast would refuse).
    arrays = [table.column(f.name).cast(f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def derive(con: duckdb.DuckDBPyConnection, *, reference_date: dt.date | None = None,
           params: DeriveParams = DEFAULT_PARAMS) -> DeriveResult:
    """Run every derive step on ``con`` and return the updated tables.

    ``reference_date`` is the data cut-off (default: today): later dates do not extend the
    follow-up. The working tables stay in ``con`` as TEMP objects (``dv_*``).
    """
    ctx = DeriveContext(con, params, reference_date or dt.date.today())
    run_steps(ctx)
    start = time.perf_counter()
    d = load_dictionary()
    result = DeriveResult(
        cancer=_fetch(ctx, cur("cancer"), arrow_schema(d.entity("cancer"))),
        drug_administration=_fetch(ctx, lines_of_therapy.DRUG_LINES,
                                   arrow_schema(d.entity("drug_administration"))),
        cohort_variables=_fetch(ctx, cohort_variables.TABLE,
                                arrow_schema(d.entity("cohort_variables"))),
        notes=_fetch(ctx, NOTES, NOTES_SCHEMA),
        timings=ctx.timings,
    )
    ctx.timings["fetch"] = time.perf_counter() - start
    return result


def derive_tables(tables: Mapping[str, pa.Table], *, reference_date: dt.date | None = None,
                  params: DeriveParams = DEFAULT_PARAMS,
                  temp_directory: Path | None = None) -> DeriveResult:
    """:func:`derive` on Arrow tables (keyed by entity name) in a fresh in-memory DuckDB,
    capped in memory (``ONCORWD_DUCKDB_MEMORY_LIMIT``) and spilling to ``temp_directory``."""
    con = duckdb.connect(config=get_settings().duckdb_config(temp_directory))
    try:
        for name, table in tables.items():
            con.register(name, table)
        return derive(con, reference_date=reference_date, params=params)
    finally:
        con.close()

"""Step ``derive``: computed items and the cohort variables (:mod:`oncorwd.ingest.derive`).

A small adapter around ``derive_tables``: it hands over the validated tables (store columns
only) and takes back ``cancer`` (duplicate primaries merged, cancer_order and IARC groups
filled), ``drug_administration`` (cancer attributed, treatment lines) and
``cohort_variables``. Rows of other cancer-level tables that pointed to a merged cancer are
repointed to the kept one (from the ``same_primary`` notes), so references stay whole. Merged
rows are counted as ``merged`` in the accounts; the notes are kept for the run's files. When
the derive package cannot be imported the step is skipped with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.ingest.steps.context import IngestContext, data_columns

__all__ = ["UPDATED", "repoint", "run", "with_derived"]

STEP = "derive"
#: Tables ``derive_tables`` returns.
UPDATED = ("cancer", "drug_administration", "cohort_variables")


def _derive_function(ctx: IngestContext) -> Callable[..., Any] | None:
    try:
        from oncorwd.ingest.derive import derive_tables
    except ImportError as e:
        ctx.notes.append(f"derive step skipped: oncorwd.ingest.derive unavailable ({e})")
        return None
    return derive_tables


def _merge_map(notes: pa.Table | None) -> tuple[pa.Array, pa.Array]:
    """(merged cancer ids, kept ids) from the ``same_primary`` notes."""
    if notes is None or notes.num_rows == 0 or "rule" not in notes.column_names:
        return pa.array([], pa.string()), pa.array([], pa.string())
    merged = notes.filter(pc.equal(notes.column("rule"), "same_primary"))
    return (merged.column("related_cancer_id").combine_chunks(),
            merged.column("cancer_id").combine_chunks())


def repoint(table: pa.Table, merged: pa.Array, kept: pa.Array) -> pa.Table:
    """``cancer_id`` of rows pointing to a merged cancer replaced by the kept cancer's id."""
    if "cancer_id" not in table.column_names or len(merged) == 0:
        return table
    column = table.column("cancer_id").combine_chunks()
    index = pc.index_in(column, value_set=merged)
    new = pc.if_else(pc.is_valid(index), pc.take(kept, index), column)
    return table.set_column(table.column_names.index("cancer_id"), "cancer_id", new)


def _store_columns(name: str, table: pa.Table) -> pa.Table:
    schema = arrow_schema(load_dictionary().entity(name))
    return table.select([c for c in schema.names if c in table.column_names])


def _take_results(ctx: IngestContext, result: Any) -> None:
    merged, kept = _merge_map(getattr(result, "notes", None))
    for name in UPDATED:
        new = getattr(result, name, None)
        if not isinstance(new, pa.Table):
            continue
        before = ctx.tables.get(name)
        if name in ctx.accounting.tables and before is not None:
            ctx.accounting.table(name).merged += before.num_rows - new.num_rows
        if name not in ctx.accounting.tables:
            ctx.derived[name] = new.num_rows
        ctx.keep(name, _store_columns(name, new))
    for name, table in ctx.tables.items():
        if name not in UPDATED:
            ctx.keep(name, repoint(table, merged, kept))
    notes = getattr(result, "notes", None)
    if isinstance(notes, pa.Table):
        ctx.extra["derive_notes"] = notes
        ctx.notes.append(f"derive: {notes.num_rows} note(s), {len(merged)} cancer row(s) "
                         "merged into another")


def with_derived(tables: Mapping[str, pa.Table], *,
                 reference_date: dt.date | None = None) -> dict[str, pa.Table]:
    """Every store table of a site with the derived ones, as this step leaves them (merged
    primaries, repointed rows, cohort variables): for callers that hold validated tables
    outside a pipeline run (tests, benchmarks, importers)."""
    from oncorwd.ingest.derive import derive_tables

    result = derive_tables(tables, reference_date=reference_date)
    merged, kept = _merge_map(result.notes)
    out = {name: repoint(t, merged, kept) for name, t in tables.items() if name not in UPDATED}
    out.update({name: getattr(result, name) for name in UPDATED})
    return out


_CUTOFF_FIELDS = ("update_date", "last_visit_date", "last_contact_date", "death_date")


def data_cutoff(tables: Mapping[str, pa.Table]) -> dt.date | None:
    """The data's own cut-off: the latest vital-status date (items 4.3–4.6), so derived
    durations, and so the version fingerprint, do not depend on the day ingest runs."""
    vital = tables.get("vital_status")
    if vital is None:
        return None
    found = [pc.max(vital.column(c)).as_py() for c in _CUTOFF_FIELDS if c in vital.column_names]
    dates = [d for d in found if isinstance(d, dt.date)]
    return max(dates) if dates else None


def run(ctx: IngestContext) -> None:
    derive_tables = _derive_function(ctx)
    if derive_tables is None:
        return
    inputs: Mapping[str, pa.Table] = {name: t.select(data_columns(t))
                                      for name, t in ctx.tables.items()}
    ctx.report(STEP, "deriving cohort variables", 0, 1)
    result = derive_tables(inputs, reference_date=data_cutoff(ctx.tables),
                           temp_directory=ctx.spill.folder)
    _take_results(ctx, result)
    ctx.report(STEP, "derived", 1, 1)

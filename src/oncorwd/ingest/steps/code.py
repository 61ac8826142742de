"""Step ``code``: local codes → standard codes, with the spec's value maps and transcoders.

For each field with ``map`` and/or ``transcode`` (in that order: a local drug code is mapped to
an ATC code, which ``atc_current`` then brings up to date), over the whole table at once. Rows
whose value is absent from the map are quarantined as ``unmapped_value`` (unless the map says
``unmapped: keep|null``); rows a transcoder cannot convert as ``transcode``, with its reason.
Rows from direct sources (reports) are already coded and pass through untouched.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.steps.context import IngestContext
from oncorwd.ingest.transcoders import transcode
from oncorwd.ingest.value_maps import ValueMaps

__all__ = ["run"]

STEP = "code"


def _spec_rows(ctx: IngestContext, data: pa.Table) -> pa.Array:
    """True for rows mapped by field rules (not from a direct source)."""
    direct = [name for name, reader in ctx.readers.items() if reader.direct]
    if not direct:
        return pa.array(np.ones(data.num_rows, dtype=bool))
    return pc.invert(pc.is_in(data.column("_source"), pa.array(direct, pa.string())))


def _code_table(ctx: IngestContext, table: str, data: pa.Table, maps: ValueMaps) -> pa.Table:
    mapping = ctx.spec.tables[table]
    entity = load_dictionary().entity(table)
    ours = _spec_rows(ctx, data)
    mine = np.asarray(ours.to_numpy(zero_copy_only=False), dtype=bool)
    bad = np.zeros(data.num_rows, dtype=bool)
    for name in mapping.fields:
        rule = mapping.rule(name)
        if not (rule.map or rule.transcode) or name not in data.column_names:
            continue
        values = data.column(name).combine_chunks()
        if rule.map:
            mapped, unmapped = maps[rule.map].apply(values)
            unmapped &= mine
            ctx.quarantine_rows(table, data, unmapped, rule="unmapped_value", step=STEP,
                                message=f"not in value map {rule.map}", field_name=name,
                                values=values)
            bad |= unmapped
            values = pc.if_else(ours, mapped, values)
        if rule.transcode:
            coded, failed, reasons = transcode(rule.transcode, values, entity.field(name))
            failed &= mine & ~bad
            ctx.quarantine_rows(table, data, failed, rule="transcode", step=STEP,
                                message=reasons, field_name=name, values=values)
            bad |= failed
            values = pc.if_else(ours, coded, values)
        data = data.set_column(data.column_names.index(name), name, values)
    return ctx.drop(table, data, bad)


def run(ctx: IngestContext) -> None:
    maps = ValueMaps(ctx.spec)
    for i, (table, data) in enumerate(ctx.tables.items(), start=1):
        if table in ctx.spec.tables:
            ctx.keep(table, _code_table(ctx, table, data, maps))
        ctx.report(STEP, table, i, len(ctx.tables))

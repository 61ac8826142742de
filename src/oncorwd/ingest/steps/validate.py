"""Step ``validate``: the dictionary's rules, row by row, without refusing the whole batch.

Each table goes through :func:`oncorwd.dictionary.validate.validate_batch` in slices of
:data:`BATCH_ROWS`: values are typed to the store's schema, partial dates derived, and every
broken rule (``required``, ``type``, ``value_set``, ``code``, ``range``, ``date_parts``,
``future_date``, ``site``) quarantines its row with the raw source value. Then duplicate record
identifiers across the whole table: the first good row keeps the key, the others are
quarantined (``duplicate_key``). After this step the working tables have the store's types,
and keep the raw source value (``_raw_<field>``) only of the fields a later rule can name (the
cross-table rules of :mod:`.integrity`): the others have been checked.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.validate import validate_batch
from oncorwd.errors import DataError
from oncorwd.ingest.steps.context import RAW_PREFIX, IngestContext, data_columns, field_of
from oncorwd.ingest.steps.integrity import all_checks

__all__ = ["BATCH_ROWS", "run"]

STEP = "validate"
BATCH_ROWS = 1 << 17


def _record(ctx: IngestContext, table: str, chunk: pa.Table, problems: pa.Table) -> None:
    if problems.num_rows == 0:
        return
    if problems.column("index").null_count:
        first = problems.filter(pc.is_null(problems.column("index"))).to_pylist()[0]
        raise DataError(f"{table}: {first['message']}", table=table, field=first["field"],
                        rule=first["rule"])
    groups = problems.group_by(["field", "rule"]).aggregate([]).to_pylist()
    for group in groups:
        mine = problems.filter(pc.and_(pc.equal(problems.column("field"), group["field"]),
                                       pc.equal(problems.column("rule"), group["rule"])))
        mine = mine.sort_by("index")
        mask = np.zeros(chunk.num_rows, dtype=bool)
        mask[np.asarray(mine.column("index").to_numpy())] = True
        ctx.quarantine_rows(table, chunk, mask, rule=group["rule"], step=STEP,
                            message=_spread(mine.column("message"), mask),
                            field_name=field_of(table, group["field"]),
                            values=_spread(mine.column("value"), mask))


def _spread(values: pa.ChunkedArray, mask: np.ndarray) -> pa.Array:
    """Values of the masked rows (in row order) laid out over all rows, null elsewhere."""
    positions = np.full(len(mask), -1, dtype=np.int64)
    positions[np.flatnonzero(mask)] = np.arange(int(mask.sum()))
    index = pa.array(positions, mask=positions < 0)
    return pc.take(values.combine_chunks(), index)


def _batches(data: pa.Table) -> list[pa.Table]:
    """``data`` as tables of at most :data:`BATCH_ROWS` rows along its own chunks (zero copy),
    so releasing a batch releases its buffers."""
    out = []
    for batch in data.to_batches():
        for offset in range(0, batch.num_rows, BATCH_ROWS):
            out.append(pa.Table.from_batches([batch.slice(offset, BATCH_ROWS)]))
    return out or [data.slice(0, 0)]


def _validate_table(ctx: IngestContext, table: str, data: pa.Table) -> pa.Table:
    site = ctx.spec.site.site_id
    extra = [c for c in data.column_names if c.startswith("_")]
    batches: list[pa.Table | None] = list(_batches(data))
    del data
    pieces = ctx.spill.accumulator(f"{table}-valid")
    named = _later_fields() | {load_dictionary().entity(table).key}
    keep = [c for c in extra if not c.startswith(RAW_PREFIX)
            or c.removeprefix(RAW_PREFIX) in named]
    offset = 0
    for i in range(len(batches)):
        chunk = batches[i]
        assert chunk is not None
        typed, bad, problems = validate_batch(table, chunk.select(data_columns(chunk)),
                                              site_id=site, row_offset=offset,
                                              check_keys=False)
        _record(ctx, table, chunk, problems)
        for column in keep:
            typed = typed.append_column(column, chunk.column(column))
        pieces.add(ctx.drop(table, typed, bad))
        offset += chunk.num_rows
        # The text values of this batch are no longer needed: release them now.
        batches[i] = None
        del chunk, typed
    return _deduplicate(ctx, table, pieces.finish())


@functools.cache
def _later_fields() -> frozenset[str]:
    """Fields the integrity step's rules can quarantine rows for."""
    return frozenset(check.field for check in all_checks() if check.field)


def _deduplicate(ctx: IngestContext, table: str, data: pa.Table) -> pa.Table:
    key = load_dictionary().entity(table).key
    keys = data.column(key).combine_chunks()
    counts = pc.value_counts(pc.drop_null(keys))
    repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
    if len(repeated) == 0:
        return data
    index = pa.table({"k": keys, "i": pa.array(np.arange(data.num_rows))})
    firsts = index.group_by("k").aggregate([("i", "min")]).column("i_min")
    dup = np.asarray(pc.fill_null(pc.is_in(keys, repeated), False).to_numpy(
        zero_copy_only=False), dtype=bool)
    dup[np.asarray(firsts.to_numpy())] = False
    ctx.quarantine_rows(table, data, dup, rule="duplicate_key", step=STEP, field_name=key,
                        message=f"{key} already used by an earlier row (first one kept)",
                        values=keys)
    return ctx.drop(table, data, dup)


def run(ctx: IngestContext) -> None:
    for i, table in enumerate(list(ctx.tables), start=1):
        ctx.keep(table, _validate_table(ctx, table, ctx.tables.pop(table)))
        ctx.report(STEP, table, i, len(ctx.tables))

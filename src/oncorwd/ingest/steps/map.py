"""Step ``map``: stream each source once and compute the fields of every table it feeds.

For each raw batch: malformed rows are quarantined (``malformed_row``, no table: the row could
not be split, so no ``where`` can route it); then for each table reading this source, rows
outside its ``where`` are left out (not input), the rest is its **input**, and each field rule
is evaluated (:mod:`oncorwd.ingest.fields`): rows with a ``regex``, ``number_format`` or
``date_format`` problem are quarantined. ``source_system`` defaults to the site's. Direct
sources (reports) add their OSIRIS rows as they come, and their TNM updates fill the TNM of a
patient's only cancer when it has none.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary import load_dictionary
from oncorwd.errors import DataError
from oncorwd.ingest.fields import evaluate, origin, rule_columns
from oncorwd.ingest.quarantine import PROVENANCE
from oncorwd.ingest.sources.base import as_text_table
from oncorwd.ingest.spec import TableMapping, Where
from oncorwd.ingest.spill import Accumulator
from oncorwd.ingest.steps.context import RAW_PREFIX, IngestContext

__all__ = ["apply_where", "map_rows", "run"]

STEP = "map"
_TNM = ("tnm_t", "tnm_n", "tnm_m", "tnm_type")


def apply_where(rows: pa.Table, where: Where | None) -> pa.Table:
    """The rows a table takes from its source (all when no ``where``). Values are compared
    stripped; an empty value fails ``equals``, ``in`` and ``not_empty`` and passes ``not_in``."""
    if where is None:
        return rows
    values = pc.utf8_trim_whitespace(rows.column(where.column).combine_chunks())
    values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    keep = pa.array(np.ones(rows.num_rows, dtype=bool))
    if where.equals is not None:
        keep = pc.and_(keep, pc.fill_null(pc.equal(values, where.equals), False))
    if where.in_ is not None:
        keep = pc.and_(keep, pc.is_in(values, pa.array(where.in_, pa.string())))
    if where.not_in is not None:
        keep = pc.and_(keep, pc.invert(pc.is_in(values, pa.array(where.not_in, pa.string()))))
    if where.not_empty:
        keep = pc.and_(keep, pc.is_valid(values))
    return rows.filter(keep)


def _missing(rows: pa.Table, mapping: TableMapping, table: str) -> None:
    names = set(rows.column_names)
    for name in mapping.fields:
        absent = [c for c in rule_columns(mapping.rule(name)) if c not in names]
        if absent:
            file = rows.column("_file")[0].as_py() if rows.num_rows else mapping.from_
            raise DataError(f"{file} has no column {absent[0]!r} (tables.{table}.fields.{name})",
                            hint="columns: " + ", ".join(n for n in rows.column_names
                                                         if not n.startswith("_")),
                            file=file, column=absent[0])


def map_rows(ctx: IngestContext, table: str, mapping: TableMapping, rows: pa.Table) -> pa.Table:
    """The mapped, good rows of one batch (bad ones quarantined and counted)."""
    _missing(rows, mapping, table)
    entity = load_dictionary().entity(table)
    columns: dict[str, pa.Array] = {}
    raw: dict[str, pa.Array] = {}
    bad = np.zeros(rows.num_rows, dtype=bool)
    for name in mapping.fields:
        rule = mapping.rule(name)
        out = evaluate(entity.field(name), rule, rows, f"tables.{table}.fields.{name}")
        columns.update(out.columns)
        if rule.column is not None:
            raw[RAW_PREFIX + name] = rows.column(rule.column).combine_chunks()
        for problem in out.problems:
            with_raw = rows.append_column(RAW_PREFIX + name, origin(rule, rows))
            ctx.quarantine_rows(table, with_raw, problem.mask, rule=problem.rule,
                                message=problem.message, step=STEP, field_name=name)
            bad |= problem.mask
    if "source_system" not in mapping.fields and ctx.spec.site.source_system:
        columns["source_system"] = pa.array([ctx.spec.site.source_system] * rows.num_rows)
    provenance = compact_provenance(rows)
    mapped = pa.table({**columns, **provenance, **raw})
    return ctx.drop(table, mapped, bad)


def compact_provenance(rows: pa.Table) -> dict[str, pa.Array | pa.ChunkedArray]:
    """The provenance columns of ``rows``, ``_source`` and ``_file`` dictionary-encoded (one
    value per file repeated on every row: a few bytes a row instead of the path)."""
    return {c: pc.dictionary_encode(rows.column(c)) if c in ("_source", "_file")
            else rows.column(c) for c in PROVENANCE}


def _malformed(ctx: IngestContext, malformed: pa.Table | None) -> None:
    if malformed is None or malformed.num_rows == 0:
        return
    ctx.quarantine.add(table=None, rows=malformed, rule="malformed_row",
                       message=malformed.column("message").combine_chunks(), step=STEP,
                       values=malformed.column("text"))


def _stream(ctx: IngestContext, name: str, parts: _Parts) -> None:
    reader = ctx.readers[name]
    targets = [(t, m) for t, m in ctx.spec.tables.items() if m.from_ == name]
    for raw in reader.batches():
        _malformed(ctx, raw.malformed)
        for table, mapping in targets:
            rows = apply_where(raw.data, mapping.where)
            ctx.accounting.table(table).input += rows.num_rows
            parts.add(table, map_rows(ctx, table, mapping, rows))
        ctx.report(STEP, f"{name}: {reader.account.rows:,} rows", reader.account.rows)


def _direct(ctx: IngestContext, name: str, parts: _Parts) -> None:
    out = ctx.readers[name].direct_tables()
    for table, rows in out.tables.items():
        ctx.accounting.table(table).input += rows.num_rows
        data = as_text_table(rows.select([c for c in rows.column_names if c not in PROVENANCE]))
        for column, values in compact_provenance(rows).items():
            data = data.append_column(column, values)
        parts.add(table, data)
    for problem in out.problems:
        if problem.table:
            ctx.accounting.table(problem.table).input += 1
            ctx.accounting.quarantine(problem.table, 1)
        ctx.quarantine.add_problem(problem, source=name, step=STEP)
    for table, update in out.updates.items():
        ctx.updates.setdefault(table, []).append(update)


def _apply_tnm(ctx: IngestContext) -> None:
    """Fill the TNM of a patient's only cancer from reports when the exports gave none."""
    cancer, updates = ctx.tables.get("cancer"), ctx.updates.get("cancer")
    if cancer is None or not updates or cancer.num_rows == 0:
        return
    update = as_text_table(pa.concat_tables(updates, promote_options="default"))
    for column in _TNM:
        if column not in cancer.column_names:
            cancer = cancer.append_column(column, pa.nulls(cancer.num_rows, pa.string()))
    patients = cancer.column("patient_id").combine_chunks()
    counts = pc.value_counts(pc.drop_null(patients))
    single = pc.filter(counts.field("values"), pc.equal(counts.field("counts"), 1))
    index = pc.index_in(patients, value_set=update.column("patient_id").combine_chunks())
    empty = pc.and_(pc.and_(pc.is_null(cancer.column("tnm_t")), pc.is_null(cancer.column(
        "tnm_n"))), pc.is_null(cancer.column("tnm_m")))
    fill = pc.fill_null(pc.and_(pc.and_(pc.is_valid(index), pc.is_in(patients, single)),
                                empty), False)
    for column in _TNM:
        if column in update.column_names:
            new = pc.take(update.column(column), index)
            i = cancer.column_names.index(column)
            cancer = cancer.set_column(i, column, pc.if_else(fill, new, cancer.column(column)))
    n = pc.sum(fill).as_py() or 0
    ctx.keep("cancer", cancer)
    ctx.notes.append(f"TNM from reports filled on {n} cancer(s) without TNM")


class _Parts:
    """The mapped pieces of every table, spilled to disk as they grow (one accumulator each)."""

    def __init__(self, ctx: IngestContext) -> None:
        self._ctx = ctx
        self.tables: dict[str, Accumulator] = {}

    def add(self, table: str, piece: pa.Table) -> None:
        if table not in self.tables:
            self.tables[table] = self._ctx.spill.accumulator(f"{table}-map")
        self.tables[table].add(piece)


def run(ctx: IngestContext) -> None:
    parts = _Parts(ctx)
    for name, reader in ctx.readers.items():
        if reader.direct:
            _direct(ctx, name, parts)
        else:
            _stream(ctx, name, parts)
    for table, pieces in parts.tables.items():
        ctx.tables[table] = pieces.finish()
    _apply_tnm(ctx)

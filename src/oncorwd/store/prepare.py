"""From what a caller hands to ``Store.load`` to conformed, versioned, fingerprinted batches.

Everything here streams: a table arrives as a ``pyarrow.Table``, a ``RecordBatchReader`` or a
Parquet file/directory, and leaves as a sequence of single-chunk tables of at most
:data:`BATCH_ROWS` rows, so 10M-patient loads never sit in memory or in Python lists.
Validation belongs to :mod:`oncorwd.dictionary.validate`; the store only calls it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.model import Entity
from oncorwd.dictionary.validate import integrity_problems as to_problems
from oncorwd.dictionary.validate import integrity_query, prepare_batch
from oncorwd.errors import Problem, StoreError

__all__ = [
    "BATCH_ROWS",
    "MAX_INTEGRITY_ROWS",
    "Fingerprint",
    "TableSource",
    "batches",
    "conform",
    "integrity_problems",
    "integrity_sql",
    "prepare",
    "resolve_sources",
    "trusted_tables",
    "with_version",
]

#: Offending rows fetched by the cross-table rules query (the first ones are enough to fix).
MAX_INTEGRITY_ROWS = 1000

#: Rows per batch handed to the engine: big enough for bulk paths, small enough for memory.
BATCH_ROWS = 1 << 17

TableSource: TypeAlias = pa.Table | pa.RecordBatchReader | pa.RecordBatch | Path | str


def resolve_sources(tables: Mapping[str, TableSource]) -> dict[str, TableSource]:
    """Check names and kinds before anything is written; unknown tables are a ``StoreError``."""
    known = [e.name for e in load_dictionary().entities]
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise StoreError(f"unknown table(s): {', '.join(unknown)}",
                         hint="store tables are the OSIRIS RWD entities: " + ", ".join(known),
                         tables=unknown)
    out: dict[str, TableSource] = {}
    for name, source in tables.items():
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            if not path.exists():
                raise StoreError(f"{name}: no such Parquet file or directory: {path}",
                                 table=name, path=str(path))
            source = path
        elif not isinstance(source, pa.Table | pa.RecordBatchReader | pa.RecordBatch):
            raise StoreError(f"{name}: cannot load a {type(source).__name__}",
                             hint="give a pyarrow Table, RecordBatchReader or a Parquet path",
                             table=name)
        out[name] = source
    return out


def _raw_batches(source: TableSource | None) -> Iterator[pa.RecordBatch]:
    if source is None:
        return iter(())
    if isinstance(source, pa.RecordBatch):
        return iter((source,))
    if isinstance(source, pa.Table):
        return iter(source.to_batches())
    if isinstance(source, pa.RecordBatchReader):
        return iter(source)
    return ds.dataset(source, format="parquet").to_batches(batch_size=BATCH_ROWS)


def batches(source: TableSource | None, size: int = BATCH_ROWS) -> Iterator[pa.Table]:
    """Single-chunk tables of exactly ``size`` rows (the last one shorter), whatever the input
    chunking, so the same rows always give the same batches (and the same fingerprint)."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in _raw_batches(source):
        if batch.num_rows == 0:
            continue
        pending.append(batch)
        rows += batch.num_rows
        while rows >= size:
            table = pa.Table.from_batches(pending).combine_chunks()
            yield table.slice(0, size)
            rest = table.slice(size)
            pending, rows = rest.to_batches(), rest.num_rows
    if rows:
        yield pa.Table.from_batches(pending).combine_chunks()


def prepare(entity: Entity, table: pa.Table, site_id: str, row_offset: int) -> pa.Table:
    """Conform and validate one batch (``oncorwd.dictionary.validate.prepare_batch``).

    Raises :class:`ValidationFailed` listing every problem of the batch.
    """
    return prepare_batch(entity.name, table, site_id=site_id, row_offset=row_offset)


def trusted_tables(validated: bool | Collection[str]) -> frozenset[str]:
    """The tables ``Store.load(validated=...)`` only conforms (True: every table)."""
    names = [e.name for e in load_dictionary().entities]
    if validated is True:
        return frozenset(names)
    if validated is False:
        return frozenset()
    unknown = sorted(set(validated) - set(names))
    if unknown:
        raise StoreError(f"validated: unknown table(s): {', '.join(unknown)}", tables=unknown)
    return frozenset(validated)


def conform(entity: Entity, table: pa.Table) -> pa.Table:
    """A batch already validated by the producer, cast to the store schema (absent columns
    null). Values that do not cast raise: a producer that says "validated" must be right."""
    schema = arrow_schema(entity)
    unknown = sorted(set(table.column_names) - set(schema.names))
    if unknown:
        raise StoreError(f"{entity.name} has no column(s) {', '.join(unknown)}",
                         table=entity.name, columns=unknown)
    arrays = [table.column(f.name).combine_chunks().cast(f.type) if f.name in table.column_names
              else pa.nulls(table.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def integrity_sql(version: int, schema_prefix: str, text_type: str,
                  tables: Collection[str]) -> str | None:
    """The cross-table rules (references, chronology) about ``tables`` (those that received
    rows) of one version, as one portable query; None when no rule applies."""
    return integrity_query(version, schema_prefix, text_type, MAX_INTEGRITY_ROWS, tables)


def integrity_problems(rows: list[tuple[int, str | None, str | None]]) -> list[Problem]:
    """Problems from the rows the engine returned for :func:`integrity_sql`."""
    return to_problems(rows)


def with_version(table: pa.Table, version: int) -> pa.Table:
    """Set ``data_version``: the store, not the producer, decides which version rows belong to."""
    idx = table.schema.get_field_index("data_version")
    values = pa.array(np.full(table.num_rows, version, dtype=np.int32))
    return table.set_column(idx, table.schema.field(idx), values)


def _zero(type_: pa.DataType) -> pa.Scalar:
    """A fixed filler for null slots, of any type the dictionary uses."""
    if pa.types.is_string(type_):
        return pa.scalar("", type_)
    if pa.types.is_date32(type_):
        return pa.scalar(0, pa.int32()).cast(type_)
    return pa.scalar(0, pa.int64()).cast(type_)


class Fingerprint:
    """SHA-256 over the loaded content, table by table in dictionary order.

    Each prepared batch is hashed as an Arrow IPC message, without ``data_version`` (the same
    content loaded twice has the same fingerprint). Null slots are canonicalised (validity
    mask + nulls filled with a zero) because their hidden bytes depend on where the data came
    from (Parquet, numpy, a cast). Linear, no sort: fast at 10M rows.
    """

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def table(self, entity: Entity) -> None:
        schema = arrow_schema(entity)
        self._hash.update(f"\x00table:{entity.name}\x00".encode())
        self._hash.update(schema.remove(schema.get_field_index("data_version")).serialize())

    def batch(self, prepared: pa.Table) -> None:
        arrays: list[pa.Array] = []
        for column in prepared.drop_columns(["data_version"]).columns:
            array = column.combine_chunks()
            if array.null_count:
                arrays += [pc.is_valid(array), pc.fill_null(array, _zero(array.type))]
            else:
                arrays.append(array)
        names = [str(i) for i in range(len(arrays))]
        self._hash.update(pa.RecordBatch.from_arrays(arrays, names=names).serialize())

    def hexdigest(self) -> str:
        return self._hash.hexdigest()

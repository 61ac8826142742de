"""Read one data version of a site store for the OMOP export: persons, codes, patient chunks.

Everything goes through the store's public API (``query`` on the committed version), so the
export runs on DuckDB, PostgreSQL and Spark stores alike. Patients who object to reuse
(``non_opposition = 'N'``) are left out here, before any row is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import sqlglot
from sqlglot import exp

from oncorwd.convert.omop.sources import CodeSource
from oncorwd.store import Store

__all__ = ["SOURCE_TABLES", "chunks", "distinct_codes", "exported_patients"]

SOURCE_TABLES = ("patient", "vital_status", "risk_factor", "family_history", "comorbidity",
                 "cancer", "tumor_event", "general_status", "surgery", "drug_administration",
                 "radiotherapy", "progression", "imaging", "sample", "biomarker", "observation",
                 "measure")

_DIALECT = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}


def exported_patients(store: Store, version: int) -> tuple[pa.Array, int, int]:
    """Sorted ``patient_id`` of the patients exported, objector count, count with no
    non-opposition record (exported: the MDS makes the record mandatory, ingest checks it)."""
    rows = store.query(
        "SELECT p.patient_id, n.non_opposition FROM patient p "
        "LEFT JOIN non_opposition n ON n.patient_id = p.patient_id", version=version)
    objects = pc.equal(pc.fill_null(rows["non_opposition"], ""), "N")
    kept = pc.sort_indices(rows.filter(pc.invert(objects)), [("patient_id", "ascending")])
    ids = rows.filter(pc.invert(objects)).take(kept)["patient_id"].combine_chunks()
    return ids, int(pc.sum(objects).as_py() or 0), int(rows["non_opposition"].null_count)


def distinct_codes(store: Store, version: int, sources: Iterable[CodeSource],
                   counts: dict[str, int]) -> set[tuple[str, str]]:
    """Every ``(vocabulary, code)`` the sources produce in this version (one query each)."""
    out: set[tuple[str, str]] = set()
    for src in sources:
        if not counts.get(src.table.split()[0]):
            continue
        sql = f"SELECT DISTINCT {src.expr} AS code FROM {src.table}"
        dialect = _DIALECT.get(store.engine, "duckdb")
        sql = sqlglot.transpile(sql, read="duckdb", write=dialect)[0]
        for code in store.query(sql, version=version)["code"].to_pylist():
            if code is not None:
                out.add((src.vocabulary, str(code)))
    return out


def chunks(store: Store, version: int, patients: pa.Array, size: int,
           counts: dict[str, int]) -> Iterator[tuple[pa.Array, dict[str, pa.Table]]]:
    """Consecutive slices of ``patients`` with the rows of every source table for them.

    The generator keeps no reference to a chunk it yielded, so the caller frees a chunk's rows
    as soon as it drops them (before the next chunk is read)."""
    for start in range(0, len(patients), size):
        ids = patients.slice(start, size)
        yield ids, _chunk_rows(store, version, ids, counts)


def _chunk_rows(store: Store, version: int, ids: pa.Array,
                counts: dict[str, int]) -> dict[str, pa.Table]:
    """Rows of every source table for the patients ``ids`` (sorted): one range query each,
    which DuckDB answers from the row groups whose zone maps overlap the range."""
    dialect = _DIALECT.get(store.engine, "duckdb")
    lo, hi = ids[0].as_py(), ids[-1].as_py()
    tables: dict[str, pa.Table] = {}
    for table in SOURCE_TABLES:
        if not counts.get(table):
            tables[table] = store.read(table, version=version).slice(0, 0)
            continue
        where = exp.Between(this=exp.column("patient_id"), low=exp.Literal.string(lo),
                            high=exp.Literal.string(hi))
        sql = exp.select("*").from_(table).where(where).sql(dialect=dialect)
        found = store.query(sql, version=version)
        tables[table] = found.filter(pc.is_in(found["patient_id"], value_set=ids))
    return tables

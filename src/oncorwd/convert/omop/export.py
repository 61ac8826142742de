"""The OMOP export pipeline: collect codes → resolve concepts → write vocabulary → per chunk of
patients, build every table in DuckDB and hand it to the writer → coverage report."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pyarrow as pa

from oncorwd.convert.omop import (
    care_site,
    cdm_source,
    condition_occurrence,
    ddl,
    death,
    drug_exposure,
    episode,
    location,
    measurement,
    observation,
    observation_period,
    person,
    procedure_occurrence,
    specimen,
)
from oncorwd.convert.omop.athena import AthenaVocabulary
from oncorwd.convert.omop.context import MACROS, ChunkContext
from oncorwd.convert.omop.report import Coverage
from oncorwd.convert.omop.source import chunks, distinct_codes, exported_patients
from oncorwd.convert.omop.vocabulary import resolve, vocabulary_tables
from oncorwd.convert.omop.writers import open_writer
from oncorwd.errors import ConversionError
from oncorwd.store import Store, open_store

__all__ = ["BUILDERS", "CHUNK_SIZE", "CHUNK_TABLES", "OmopExportResult", "export_omop"]

#: Builders in dependency order (each may read the tables built before it).
BUILDERS = (person, condition_occurrence, measurement, drug_exposure, procedure_occurrence,
            specimen, observation, episode, death, observation_period)
#: Clinical tables written per chunk, in foreign-key order.
CHUNK_TABLES = ("person", "observation_period", "death", "condition_occurrence",
                "drug_exposure", "procedure_occurrence", "specimen", "measurement",
                "observation", "episode", "episode_event")
#: on_progress(stage, done, total): stage "vocabulary" or "patients".
OmopProgress = Callable[[str, int, int], None]
#: Patients per chunk. The export holds one chunk at a time (about 8 MB of source rows and
#: 100 OMOP rows per patient on the synthetic sites), so this, not the site, sets its memory.
CHUNK_SIZE = 20_000
#: Memory cap of the export's own DuckDB work database (it spills to a temporary directory
#: beyond it), whatever ``ONCORWD_DUCKDB_MEMORY_LIMIT`` allows the store.
WORK_MEMORY_LIMIT = "1GB"
#: Rows per Arrow batch handed to the writer: a table of a chunk is never materialised whole.
BATCH_ROWS = 1 << 18


@dataclass
class OmopExportResult:
    """What an export wrote: rows per OMOP table, coverage, exclusions, where and how long."""

    target: str
    site_id: str
    version: int
    persons: int
    objectors_excluded: int
    rows: dict[str, int]
    coverage: dict[str, Any]
    unrepresented: list[dict[str, Any]]
    seconds: float
    report_path: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def export_omop(store_or_url: Store | str | os.PathLike[str], target: str | os.PathLike[str],
                *, version: int | None = None, vocabulary: str | os.PathLike[str] | None = None,
                on_progress: OmopProgress | None = None, fmt: str | None = None,
                chunk_size: int = CHUNK_SIZE) -> OmopExportResult:
    """Export one data version (latest by default) of a site store to OMOP CDM 5.4.

    ``target``: a folder (``fmt`` ``parquet`` or ``csv``), ``duckdb:///file.duckdb`` or
    ``postgresql://…?schema=name``. ``vocabulary``: an Athena download folder (optional).
    Patients objecting to reuse are excluded and counted. Raises ``VersionNotFoundError`` for a
    store without data, ``ConversionError`` when the store holds no patient.
    """
    own = not isinstance(store_or_url, Store)
    store = store_or_url if isinstance(store_or_url, Store) else open_store(store_or_url)
    try:
        return _export(store, str(target), version, vocabulary, on_progress, fmt, chunk_size)
    finally:
        if own:
            store.close()


def _export(store: Store, target: str, version: int | None, vocabulary: Any,
            on_progress: OmopProgress | None, fmt: str | None, size: int) -> OmopExportResult:
    start = time.perf_counter()
    info = store.version_info(version)
    counts = dict(info.row_counts)
    if not counts.get("patient"):
        raise ConversionError(f"data version {info.version} of {store.url.display} holds no "
                              "patient", hint="load data into the store first "
                              "(`oncorwd store load` or `oncorwd synth --load`)")
    patients, objectors, _no_record = exported_patients(store, info.version)
    athena = AthenaVocabulary(vocabulary) if vocabulary is not None else None
    sources = [s for b in BUILDERS for s in b.CODES]
    codes = distinct_codes(store, info.version, sources, counts) | {("CDM", "OMOP CDM v5.4")}
    cm = resolve(codes, athena)
    vocab_version = f"oncorwd local {dt.date.today():%Y-%m-%d}"
    writer = open_writer(target, fmt)
    coverage = Coverage()
    rows: dict[str, int] = {}
    try:
        writer.open()
        vocab = vocabulary_tables(cm, vocab_version, athena)
        writer.write_vocabulary(vocab)
        if on_progress:
            on_progress("vocabulary", 1, 1)
        _write_site(writer, info, cm.rows[("CDM", "OMOP CDM v5.4")][0], vocab_version, rows)
        _write_chunks(store, info.version, patients, size, counts, cm.cmap(),
                      {c: r.domain_id for c, r in cm.concepts.items()}, writer, coverage,
                      rows, on_progress)
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        if athena is not None:
            athena.close()
    rows.update({name: t.num_rows for name, t in vocab.items()})
    report = coverage.as_dict(rows, objectors, cm)
    result = OmopExportResult(target, info.site_id, info.version, len(patients), objectors,
                              rows, report, coverage.unrepresented(),
                              round(time.perf_counter() - start, 3))
    if writer.report_path is not None:
        writer.report_path.write_bytes(orjson.dumps(result.as_dict(), default=str,
                                                    option=orjson.OPT_INDENT_2))
        result.report_path = str(writer.report_path)
    return result


def _write_site(writer: Any, info: Any, cdm_concept: int, vocab_version: str,
                rows: dict[str, int]) -> None:
    tables = {"location": location.build(info.site_id),
              "care_site": care_site.build(info.site_id),
              "cdm_source": cdm_source.build(info.site_id, info.version,
                                             info.created_at.date(), cdm_concept, vocab_version)}
    for name, table in tables.items():
        writer.write(name, table)
        rows[name] = table.num_rows


def _write_chunks(store: Store, version: int, patients: pa.Array, size: int,
                  counts: dict[str, int], cmap: pa.Table, concepts: dict[int, str],
                  writer: Any, coverage: Coverage,
                  rows: dict[str, int], on_progress: OmopProgress | None) -> None:
    """Build and write the clinical tables chunk by chunk. After each chunk its Arrow tables and
    work database are released, and the writer and the store drop what the chunk cached
    (``end_chunk``, ``release_memory``): memory stays that of one chunk, whatever the site."""
    offsets: dict[str, int] = {}
    done = 0
    domains = pa.table({"concept_id": pa.array(list(concepts), pa.int32()),
                        "domain_id": list(concepts.values())})
    with tempfile.TemporaryDirectory(prefix="oncorwd-omop-") as spill:
        for ids, tables in chunks(store, version, patients, size, counts):
            con = _work_connection(spill, cmap, domains)
            first = offsets.get("person", 0)
            try:
                _build_chunk(con, ids, tables, offsets)
                coverage.add_chunk(con)
                for name in tables:  # every row needed is now in an omop_* table
                    con.unregister(f"src_{name}")
                del tables
                for name in CHUNK_TABLES:
                    rows[name] = rows.get(name, 0) + _write_table(con, writer, name, offsets)
                offsets["person"] = first + len(ids)
            finally:
                con.close()
            writer.end_chunk()
            store.release_memory()
            done += len(ids)
            if on_progress:
                on_progress("patients", done, len(patients))


def _work_connection(spill: str, cmap: pa.Table, domains: pa.Table
                     ) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB for one chunk, capped at :data:`WORK_MEMORY_LIMIT`."""
    con = duckdb.connect(config={"memory_limit": WORK_MEMORY_LIMIT, "temp_directory": spill})
    con.register("cmap_arrow", cmap)
    con.execute("CREATE TEMP TABLE cmap AS SELECT * FROM cmap_arrow")
    con.unregister("cmap_arrow")
    con.execute(MACROS)
    con.register("concept_domain", domains)
    return con


def _build_chunk(con: duckdb.DuckDBPyConnection, ids: pa.Array, tables: dict[str, pa.Table],
                 offsets: dict[str, int]) -> None:
    """Run every builder over the chunk: the ``omop_<table>`` temporary tables."""
    first = offsets.get("person", 0)
    con.register("persons", pa.table({
        "patient_id": ids, "person_id": pa.array(range(first + 1, first + len(ids) + 1),
                                                 pa.int32())}))
    for name, table in tables.items():
        con.register(f"src_{name}", table)
    ctx = ChunkContext(con, offsets)
    for builder in BUILDERS:
        builder.build(ctx)


def _write_table(con: duckdb.DuckDBPyConnection, writer: Any, name: str,
                 offsets: dict[str, int]) -> int:
    """Stream ``omop_<name>`` to the writer in typed batches; advance its id offset."""
    written = 0
    for batch in _typed(con, name):
        writer.write(name, batch)
        written += batch.num_rows
    pk = ddl.primary_keys().get(name)
    if pk and written:
        offsets[name] = max(offsets.get(name, 0), int(
            con.execute(f"SELECT max({pk[0]}) FROM omop_{name}").fetchall()[0][0]))
    return written


def _typed(con: duckdb.DuckDBPyConnection, name: str) -> Iterator[pa.Table]:
    """``omop_<name>`` in the official column order and types, :data:`BATCH_ROWS` at a time
    (an empty table yields one empty batch, so that every writer creates the table)."""
    schema = ddl.arrow_schema(name)
    cols = ", ".join(f.name for f in schema)
    empty = True
    for batch in con.sql(f"SELECT {cols} FROM omop_{name}").to_arrow_reader(BATCH_ROWS):
        if batch.num_rows:
            empty = False
            yield pa.Table.from_batches([batch]).cast(schema)
    if empty:
        yield schema.empty_table()


def write_report(result: OmopExportResult, path: str | Path) -> None:
    Path(path).write_bytes(orjson.dumps(result.as_dict(), default=str,
                                        option=orjson.OPT_INDENT_2))

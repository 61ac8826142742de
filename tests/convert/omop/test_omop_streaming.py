"""The export streams: writers get bounded batches, chunk after chunk, and what a chunk cached
is released. Memory flatness itself is measured by ``benchmarks/bench_omop.py`` (1 M patients);
these tests pin the mechanisms it relies on and that they leave the rows unchanged."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oncorwd.convert.omop import ddl, export
from oncorwd.convert.omop.writers.duckdb import MEMORY_LIMIT, DuckDBWriter


def _sorted(table: pa.Table) -> pa.Table:
    """Rows in a fixed order (DuckDB builds a chunk in parallel: its row order may vary)."""
    return table.sort_by([(c, "ascending") for c in table.column_names])


def test_small_batches_write_the_same_rows(site_store: str, parquet_export, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder, reference = parquet_export
    monkeypatch.setattr(export, "BATCH_ROWS", 50)
    result = export.export_omop(site_store, tmp_path / "small", chunk_size=120)
    assert result.rows == reference.rows
    for table in [*export.CHUNK_TABLES, "concept", "cdm_source"]:
        a = _sorted(pq.read_table(folder / f"{table}.parquet"))
        b = _sorted(pq.read_table(tmp_path / "small" / f"{table}.parquet"))
        assert a.equals(b), table
    groups = pq.ParquetFile(tmp_path / "small" / "measurement.parquet").metadata
    assert groups.num_row_groups > 1
    assert max(groups.row_group(i).num_rows for i in range(groups.num_row_groups)) <= 50


def test_chunks_continue_the_ids(site_store: str, tmp_path: Path) -> None:
    one = export.export_omop(site_store, tmp_path / "one", chunk_size=10_000)
    many = export.export_omop(site_store, tmp_path / "many", chunk_size=37)
    assert one.rows == many.rows
    for table, key in (("person", "person_id"), ("measurement", "measurement_id"),
                       ("episode", "episode_id")):
        ids = pq.read_table(tmp_path / "many" / f"{table}.parquet")[key].to_pylist()
        assert sorted(ids) == list(range(1, len(ids) + 1)), table
    people = [pq.read_table(tmp_path / d / "person.parquet").sort_by("person_id")
              for d in ("one", "many")]
    assert people[0].equals(people[1])  # person_id = rank of patient_id, whatever the chunks


def test_duckdb_writer_evicts_each_chunk(tmp_path: Path) -> None:
    """What a chunk wrote (table blocks, primary-key index) leaves memory at ``end_chunk``;
    the rows stay in the file and the writer's limit is back to :data:`MEMORY_LIMIT`."""
    writer = DuckDBWriter(tmp_path / "omop.duckdb")
    writer.open()
    try:
        n, rng = 400_000, np.random.default_rng(7)
        day = pa.array(rng.integers(0, 20_000, n).astype("int32")).cast(pa.date32())
        writer.write("observation_period", pa.table(
            [pa.array(range(1, n + 1), pa.int32()),
             pa.array(rng.integers(1, 10**9, n).astype("int32")), day, day,
             pa.array(rng.integers(1, 10**9, n).astype("int32"))],
            schema=ddl.arrow_schema("observation_period")))

        def cached_mb() -> float:
            rows = writer.con.sql("SELECT sum(memory_usage_bytes) FROM duckdb_memory()"
                                  ).fetchall()
            return float(rows[0][0] or 0) / 2**20

        before = cached_mb()
        assert before > 4, f"{before:.1f} MB"
        writer.end_chunk()
        assert cached_mb() < before / 4
        setting = "SELECT current_setting('memory_limit')"
        with duckdb.connect(config={"memory_limit": MEMORY_LIMIT}) as fresh:
            assert writer.con.sql(setting).fetchall() == fresh.sql(setting).fetchall()
        assert writer.con.sql("SELECT count(*) FROM observation_period").fetchall() == [(n,)]
    finally:
        writer.abort()

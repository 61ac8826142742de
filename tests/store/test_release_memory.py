"""``Store.release_memory``: a long read in pieces (the OMOP export) does not keep what it read.

DuckDB keeps every block it read cached until its memory limit; ``release_memory`` drops them
and leaves the configured limit as it was. Server engines have nothing to drop.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from site_data import SITE, site_tables

from oncorwd.store import open_store
from oncorwd.store.engines.duckdb import DuckDBStore


def _cached_mb(store: DuckDBStore) -> float:
    found = store.con.sql("SELECT sum(memory_usage_bytes) FROM duckdb_memory() "
                          "WHERE tag = 'BASE_TABLE'").fetchall()[0][0]
    return float(found or 0) / 2**20


def _limit(store: DuckDBStore) -> str:
    return str(store.con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0])


def _read_all(store: DuckDBStore) -> dict[str, pa.Table]:
    return {t: store.query(f"SELECT * FROM {t} ORDER BY ALL")
            for t in ("patient", "drug_administration", "biomarker", "cancer")}


def test_duckdb_release_drops_cached_blocks_and_keeps_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "site.duckdb"
    with open_store(path) as store:
        store.load(site_tables(20_000), site_id=SITE)
    with open_store(path) as store:  # a fresh process-level cache: only what we read below
        assert isinstance(store, DuckDBStore)
        limit = _limit(store)
        first = _read_all(store)
        cached = _cached_mb(store)
        assert cached > 1, f"reading the tables should have cached blocks ({cached:.1f} MB)"
        store.release_memory()
        assert _cached_mb(store) < cached / 2
        assert _limit(store) == limit
        again = _read_all(store)  # evicted blocks are read back from the file
        assert all(again[t].equals(first[t]) for t in first)


@pytest.mark.postgres
def test_release_is_harmless_on_a_server_engine(pg_url: str) -> None:
    with open_store(pg_url) as store:
        store.load(site_tables(50), site_id=SITE)
        before = store.read("patient")
        store.release_memory()
        assert store.read("patient").equals(before)

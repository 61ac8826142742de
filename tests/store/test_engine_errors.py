"""Engine-specific failures, each turned into the store error a user can act on."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from site_data import SITE, site_tables

from oncorwd.errors import (
    EngineUnavailableError,
    StoreCorruptError,
    StoreLockedError,
)
from oncorwd.store import open_store
from oncorwd.store.engines import postgres


def test_a_file_that_is_not_duckdb_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "site.duckdb"
    path.write_bytes(b"PAR1 this is a parquet file, honest" * 200)
    with pytest.raises(StoreCorruptError, match="not a DuckDB database") as failed:
        open_store(path)
    assert str(path) in str(failed.value)


def test_duckdb_held_by_another_process_is_locked(tmp_path: Path) -> None:
    path = tmp_path / "site.duckdb"
    with open_store(path) as store:
        store.init()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(path)!r})\nprint('ready', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError) as failed:
            open_store(f"duckdb://{path}")
        message = str(failed.value)
        assert str(path) in message and f"PID {holder.pid}" in message and "hint" in message
    finally:
        holder.kill()
        holder.wait()
    with open_store(path) as store:  # free again once the holder is gone
        assert store.versions() == []


def test_duckdb_in_memory(tmp_path: Path) -> None:
    with open_store("duckdb:///:memory:") as store:
        assert store.load(site_tables(5), site_id=SITE).version == 1
        assert store.read("patient").num_rows == 5


@pytest.mark.postgres
def test_unreachable_postgres_is_unavailable() -> None:
    url = "postgresql://oncorwd:s3cret@127.0.0.1:1/test?schema=site_a"
    with pytest.raises(EngineUnavailableError) as failed:
        open_store(url)
    message = str(failed.value)
    assert "127.0.0.1:1" in message and "***" in message and "s3cret" not in message
    assert failed.value.hint


@pytest.mark.postgres
def test_postgres_second_writer_is_locked_out(pg_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(postgres, "LOCK_TIMEOUT", "200ms")
    with open_store(pg_url) as store:
        store.init()
        schema = pg_url.rsplit("schema=", 1)[1]
        with psycopg.connect(pg_url.split("?")[0]) as other:  # a load in progress elsewhere
            other.execute(sql.SQL("LOCK TABLE {}.{} IN EXCLUSIVE MODE").format(
                sql.Identifier(schema), sql.Identifier("_oncorwd_versions")))
            with pytest.raises(StoreLockedError, match="another load"):
                store.load(site_tables(5), site_id=SITE)
        assert store.load(site_tables(5), site_id=SITE).version == 1


def test_spark_second_writer_is_locked_out(tmp_path: Path) -> None:
    """The writer lock is taken before Spark starts: no JVM needed to refuse."""
    root = tmp_path / "spark-store"
    root.mkdir()
    with open(root / ".oncorwd.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with open_store(f"spark://{root}") as store, pytest.raises(StoreLockedError):
            store.init()


def test_spark_unreadable_manifest_is_corrupt(tmp_path: Path) -> None:
    root = tmp_path / "spark-store"
    root.mkdir()
    (root / "_oncorwd_versions.json").write_text("{ not json")
    with pytest.raises(StoreCorruptError, match="manifest"):
        open_store(f"spark://{root}")


def test_importing_the_store_loads_no_engine_driver() -> None:
    code = ("import sys, oncorwd.store as s\n"
            "s.open_store('duckdb:///:memory:').close()\n"
            "s.open_store('spark:///tmp/oncorwd-never-created').versions()\n"
            "print(sorted(m for m in ('pyspark', 'psycopg', 'py4j') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"

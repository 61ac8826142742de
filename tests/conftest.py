"""Shared fixtures: store URLs on every engine, a fresh PostgreSQL schema per store, one Spark
session per run.

``store_url`` (per test) and ``module_store_url`` (shared by a test module, for read-only
checks on a store loaded once) are parametrised over ``duckdb``, ``postgres`` and ``spark``, so
one conformance suite runs on all three engines (``-m "not postgres and not spark"`` keeps
DuckDB only). PostgreSQL stores live in the database of ``ONCORWD_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) in a uniquely named schema dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"

ENGINE_PARAMS = [
    "duckdb",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("spark", marks=pytest.mark.spark),
]


def pg_base_url() -> str:
    return os.environ.get("ONCORWD_TEST_POSTGRES_URL", DEFAULT_PG_URL)


@contextmanager
def fresh_pg_schema() -> Iterator[str]:
    """A store URL on a new PostgreSQL schema, dropped on exit; skips if no server."""
    import psycopg
    from psycopg import sql

    base = pg_base_url()
    try:
        psycopg.connect(base, connect_timeout=3).close()
    except psycopg.OperationalError as e:
        pytest.skip(f"PostgreSQL not reachable at {base}: {e}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}schema={schema}"
    finally:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A store URL on a fresh PostgreSQL schema, dropped after the test."""
    with fresh_pg_schema() as url:
        yield url


@pytest.fixture(scope="session")
def spark_session() -> Any:
    """The one SparkSession of the test run (stores reuse it); skips without PySpark."""
    pytest.importorskip("pyspark")
    from oncorwd.store.engines.spark import spark_session as start

    return start()


@contextmanager
def _engine_url(request: pytest.FixtureRequest, engine: str, folder: Path) -> Iterator[str]:
    if engine == "postgres":
        with fresh_pg_schema() as url:
            yield url
        return
    if engine == "spark":
        request.getfixturevalue("spark_session")
        yield f"spark://{folder / 'spark-store'}"
        return
    yield f"duckdb://{folder / 'site.duckdb'}"


@pytest.fixture(params=ENGINE_PARAMS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty store, on each engine in turn."""
    with _engine_url(request, request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=ENGINE_PARAMS)
def module_store_url(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like ``store_url`` but one store per engine for the whole test module."""
    folder = tmp_path_factory.mktemp(f"store-{request.param}")
    with _engine_url(request, request.param, folder) as url:
        yield url

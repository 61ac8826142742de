"""Shared fixtures: store URLs on every engine, a fresh PostgreSQL schema per store, one Spark
session per run.

``store_url`` (per test) and ``module_store_url`` (shared by a test module, for read-only
checks on a store loaded once) are parametrised over ``duckdb``, ``postgres`` and ``spark``, so
one conformance suite runs on all three engines (``-m "not postgres and not spark"`` keeps
DuckDB only). PostgreSQL stores live in the database of ``ONCORWD_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``) in a uniquely named schema dropped afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from support import fresh_pg_schema

ENGINE_PARAMS = [
    "duckdb",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("spark", marks=pytest.mark.spark),
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ONCORWD_HOME (site stores and run folders go there), settings re-read."""
    from oncorwd.config import get_settings

    folder = tmp_path / "home"
    monkeypatch.setenv("ONCORWD_HOME", str(folder))
    monkeypatch.delenv("ONCORWD_STORE_URL", raising=False)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


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

"""Session fixtures: the synthetic site loaded once into a DuckDB, a PostgreSQL and a Spark
store (``cohort_store`` is parametrised over the three engines), and the pandas reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from cohort_data import pg_schema_url, site_tables
from reference import Reference

from oncorwd.store import Store, open_store

ENGINES = [
    "duckdb",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("spark", marks=pytest.mark.spark),
]


@pytest.fixture(scope="session")
def site() -> tuple[str, dict[str, pa.Table]]:
    return site_tables()


@pytest.fixture(scope="session")
def reference(site: tuple[str, dict[str, pa.Table]]) -> Reference:
    return Reference({k: t.to_pandas() for k, t in site[1].items()})


def _loaded(url: str, site: tuple[str, dict[str, pa.Table]]) -> Store:
    store = open_store(url)
    store.init()
    store.load(site[1], site_id=site[0], validated=True)
    return store


@pytest.fixture(scope="session")
def duckdb_store(site: tuple[str, dict[str, pa.Table]],
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder: Path = tmp_path_factory.mktemp("cohort-duckdb")
    store = _loaded(f"duckdb://{folder / 'site.duckdb'}", site)
    yield store
    store.close()


@pytest.fixture(scope="session", params=ENGINES)
def cohort_store(request: pytest.FixtureRequest, site: tuple[str, dict[str, pa.Table]],
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The site on each engine in turn (one store per engine for the whole session)."""
    if request.param == "duckdb":
        yield request.getfixturevalue("duckdb_store")
        return
    if request.param == "postgres":
        with pg_schema_url() as url:
            store = _loaded(url, site)
            yield store
            store.close()
        return
    request.getfixturevalue("spark_session")
    store = _loaded(f"spark://{tmp_path_factory.mktemp('cohort-spark') / 'store'}", site)
    yield store
    store.close()

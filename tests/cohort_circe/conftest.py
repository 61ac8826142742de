"""Session fixtures of the Circe cross-check: the synthetic site in a DuckDB store, its OMOP
export in DuckDB, the oncorwd cohorts on the store, and the Circe SQL from the circe env.

Everything skips with one reason when ``tools/circe/.venv`` is missing (run ``make circe-env``;
``make test`` does it first, so CI runs these tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from circe_runner import CIRCE_DIR, cases, circe_available, circe_sql
from circe_site import site_tables

from oncorwd.cohort import load_definition
from oncorwd.cohort.execute import run_cohort
from oncorwd.convert.omop import OmopExportResult, export_omop
from oncorwd.store import Store, open_store


@pytest.fixture(scope="session")
def circe_env() -> Path:
    if not circe_available():
        pytest.skip(f"the OHDSI circepy env is missing: run `make circe-env` "
                    f"(uv sync --frozen --project {CIRCE_DIR.relative_to(CIRCE_DIR.parents[1])})")
    return CIRCE_DIR


@pytest.fixture(scope="session")
def site_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    site_id, tables = site_tables()
    store = open_store(f"duckdb://{tmp_path_factory.mktemp('circe-site') / 'site.duckdb'}")
    store.init()
    store.load(tables, site_id=site_id, validated=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def omop_export(site_store: Store, tmp_path_factory: pytest.TempPathFactory
                ) -> tuple[Path, OmopExportResult]:
    path = tmp_path_factory.mktemp("circe-omop") / "omop.duckdb"
    return path, export_omop(site_store, f"duckdb://{path}")


@pytest.fixture(scope="session")
def omop_con(omop_export: tuple[Path, OmopExportResult]
             ) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(omop_export[0]))
    yield con
    con.close()


@pytest.fixture(scope="session")
def oncorwd_persons(site_store: Store) -> dict[str, set[str]]:
    """The patients each oncorwd definition selects on the store."""
    return {c.name: run_cohort(site_store, load_definition(c.oncorwd)).patient_ids()
            for c in cases()}


@pytest.fixture(scope="session")
def circe_duckdb_sql(circe_env: Path) -> dict[str, str]:
    return circe_sql([c.circe for c in cases()], "duckdb", cdm_schema="main")

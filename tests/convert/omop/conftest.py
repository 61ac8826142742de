"""A small synthetic site store (DuckDB) shared by the OMOP tests, and its Parquet export."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncorwd.convert.omop import OmopExportResult, export_omop
from oncorwd.store import open_store
from oncorwd.synth import default_network, generate_site

SEED = 4242


@pytest.fixture(scope="session")
def site_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A DuckDB store holding one version of a 300-patient synthetic site."""
    spec = default_network(1, 300, SEED)[0]
    site = generate_site(spec, SEED)
    url = f"duckdb://{tmp_path_factory.mktemp('omop-site') / 'site.duckdb'}"
    with open_store(url) as store:
        store.load(site.tables, site_id=spec.site_id)
    return url


@pytest.fixture(scope="session")
def parquet_export(site_store: str, tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[Path, OmopExportResult]:
    out = tmp_path_factory.mktemp("omop-parquet")
    return out, export_omop(site_store, out, chunk_size=120)

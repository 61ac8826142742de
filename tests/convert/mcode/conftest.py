"""Fixtures of the mCODE tests: the tiny hand-written site and a small synthetic site, each
loaded once per module into a real DuckDB store, and their exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mcode_factory import SITE, tiny_tables

from oncorwd.convert.mcode import ExportResult, export_mcode
from oncorwd.store import Store, open_store

STAMP = "2025-01-01T00:00:00+00:00"


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    with open_store(f"duckdb://{path}") as store:
        store.load(tiny_tables(), site_id=SITE)
        yield store


@pytest.fixture(scope="module")
def tiny_ndjson(tiny_store: Store, tmp_path_factory: pytest.TempPathFactory) -> ExportResult:
    return export_mcode(tiny_store, tmp_path_factory.mktemp("ndjson"), format="ndjson")


@pytest.fixture(scope="module")
def tiny_bundles(tiny_store: Store, tmp_path_factory: pytest.TempPathFactory) -> ExportResult:
    import datetime as dt

    return export_mcode(tiny_store, tmp_path_factory.mktemp("bundles"), format="bundles",
                        timestamp=dt.datetime.fromisoformat(STAMP))


@pytest.fixture(scope="module")
def synth_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from oncorwd.synth import default_network, generate_site

    spec = default_network(n_sites=1, n_patients=150, seed=11)[0]
    site = generate_site(spec, seed=11)
    path: Path = tmp_path_factory.mktemp("synth") / "synth.duckdb"
    with open_store(f"duckdb://{path}") as store:
        store.load(site.tables, site_id=spec.site_id)
        yield store

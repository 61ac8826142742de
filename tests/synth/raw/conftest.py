"""Raw exports of the three default sites, written once per session (one per shape).

The warehouse goes to a throwaway schema of ``ONCORWD_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``), dropped at the end; tests needing it skip when
no server answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from raw_helpers import N_PATIENTS, SEED, drop_schema, pg_reachable, pg_url

from oncorwd.synth import SyntheticSite, default_network, generate_site
from oncorwd.synth.raw import RawExport, write_raw_exports


@pytest.fixture(scope="session")
def raw_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("raw")


@pytest.fixture(scope="session")
def sites() -> list[SyntheticSite]:
    """The clean sites the exports are made from."""
    return [generate_site(spec, SEED) for spec in default_network(3, N_PATIENTS, SEED)]


@pytest.fixture(scope="session")
def csv_export(raw_root: Path) -> RawExport:
    spec = default_network(3, N_PATIENTS, SEED)[0]
    return write_raw_exports(spec, SEED, raw_root, "csv_dump")


@pytest.fixture(scope="session")
def excel_export(raw_root: Path) -> RawExport:
    spec = default_network(3, N_PATIENTS, SEED)[1]
    return write_raw_exports(spec, SEED, raw_root, "excel_workbook")


@pytest.fixture(scope="session")
def pg_export(raw_root: Path) -> Iterator[RawExport]:
    why = pg_reachable()
    if why:
        pytest.skip(f"PostgreSQL not reachable at {pg_url()}: {why}")
    schema = f"t_raw_{uuid.uuid4().hex[:10]}"
    spec = default_network(3, N_PATIENTS, SEED)[2]
    try:
        yield write_raw_exports(spec, SEED, raw_root, "postgres_warehouse",
                                postgres_url=pg_url(), postgres_schema=schema)
    finally:
        drop_schema(schema)


@pytest.fixture(scope="session")
def exports(csv_export: RawExport, excel_export: RawExport) -> list[RawExport]:
    """The file shapes (no database needed)."""
    return [csv_export, excel_export]

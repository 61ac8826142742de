"""Stores for the quality-report tests: the hand-made site (one and two versions) on DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from quality_data import load_versions, site_tables, version_two


@pytest.fixture(scope="module")
def one_version(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The hand-made site, loaded once."""
    path: Path = tmp_path_factory.mktemp("quality") / "site.duckdb"
    return load_versions(f"duckdb://{path}", site_tables())


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The hand-made site, then its version 2."""
    path: Path = tmp_path_factory.mktemp("quality2") / "site.duckdb"
    return load_versions(f"duckdb://{path}", site_tables(), version_two())

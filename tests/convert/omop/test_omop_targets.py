"""OMOP targets are named as stores are: a .duckdb path (relative resolved) or duckdb:///abs."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncorwd.convert.omop.writers import open_writer
from oncorwd.convert.omop.writers.duckdb import DuckDBWriter
from oncorwd.convert.omop.writers.parquet import ParquetWriter
from oncorwd.errors import ConversionError


def test_duckdb_targets_resolve_like_store_urls(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    relative = open_writer("out/omop.duckdb")
    absolute = open_writer(f"duckdb://{tmp_path / 'out' / 'omop.duckdb'}")
    assert isinstance(relative, DuckDBWriter) and isinstance(absolute, DuckDBWriter)
    assert relative.path == absolute.path == tmp_path / "out" / "omop.duckdb"


def test_folders_and_unknown_schemes(tmp_path: Path) -> None:
    assert isinstance(open_writer(tmp_path / "omop"), ParquetWriter)
    with pytest.raises(ConversionError, match="unsupported OMOP target"):
        open_writer("mysql://host/db")

"""Shared ingest fixtures: an isolated ONCORWD_HOME and the French export of
:mod:`ingest_fixtures`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ingest_fixtures import write_export

from oncorwd.config import get_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ONCORWD_HOME (site stores and run folders go there)."""
    folder = tmp_path / "home"
    monkeypatch.setenv("ONCORWD_HOME", str(folder))
    monkeypatch.delenv("ONCORWD_STORE_URL", raising=False)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


@pytest.fixture
def french_export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "site")

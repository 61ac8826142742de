"""Shared ingest fixtures: an isolated ONCORWD_HOME and the French export of
:mod:`ingest_fixtures`."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_fixtures import write_export


@pytest.fixture
def french_export(tmp_path: Path) -> Path:
    return write_export(tmp_path / "site")

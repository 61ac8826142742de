"""Every test starts from the shipped lists: user-loaded files must not leak between tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from oncorwd.terminology import TERMINOLOGY_DIR_ENV, reset_code_systems


@pytest.fixture(autouse=True)
def _fresh_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(TERMINOLOGY_DIR_ENV, raising=False)
    reset_code_systems()
    yield
    reset_code_systems()

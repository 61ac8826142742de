"""Source formats are found by name; unknown or unfinished formats say so."""

from __future__ import annotations

import pytest

from oncorwd.errors import ConfigError
from oncorwd.ingest.sources import FORMATS, reader_class


@pytest.mark.parametrize("name", [f for f in FORMATS])
def test_every_format_has_a_reader(name: str) -> None:
    assert reader_class(name).format == name


def test_unknown_format() -> None:
    with pytest.raises(ConfigError, match="unknown source format"):
        reader_class("dbase")

"""Excel sources: cells as text (ISO dates, whole numbers), row numbers, damaged workbooks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ingest_fixtures import read_source, write_xlsx

from oncorwd.errors import ConfigError, DataError


def test_cells_become_text_as_people_read_them(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "c.xlsx", [
        ("P1", dt.datetime(2021, 3, 4), 12, 1.5, dt.datetime(2021, 3, 4, 10, 30)),
        (None, None, None, None, None),
        ("P2", dt.date(2020, 1, 2), 12.0, None, "texte"),
    ], ("NUM", "DATE", "N", "X", "T"))
    rows, bad, reader = read_source(tmp_path, {"format": "xlsx", "path": "c.xlsx",
                                               "sheet": "Administrations"})
    assert rows.column("NUM").to_pylist() == ["P1", "P2"]
    assert rows.column("DATE").to_pylist() == ["2021-03-04", "2020-01-02"]
    assert rows.column("N").to_pylist() == ["12", "12"]
    assert rows.column("X").to_pylist() == ["1.5", None]
    assert rows.column("T").to_pylist() == ["2021-03-04 10:30:00", "texte"]
    assert rows.column("_row").to_pylist() == [1, 3]
    assert bad.num_rows == 0
    assert reader.account.details["c.xlsx"]["empty_rows_skipped"] == 1


def test_values_beyond_the_header_are_a_malformed_row(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "c.xlsx", [("P1", "a", "oops"), ("P2", "b")], ("NUM", "V"))
    rows, bad, _ = read_source(tmp_path, {"format": "xlsx", "path": "c.xlsx", "sheet": 0})
    assert rows.column("NUM").to_pylist() == ["P2"]
    assert bad.column("_row").to_pylist() == [1]
    assert "oops" in bad.column("text")[0].as_py()


def test_header_row_option(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "c.xlsx", [("NUM", "V"), ("P1", "a")], ("Export du 01/01", ""))
    rows, _, _ = read_source(tmp_path, {"format": "xlsx", "path": "c.xlsx", "header_row": 2})
    assert rows.column("NUM").to_pylist() == ["P1"]


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "c.xlsx", [("P1",)], ("NUM",))
    with pytest.raises(ConfigError, match="'Administrations'"):
        read_source(tmp_path, {"format": "xlsx", "path": "c.xlsx", "sheet": "Feuil1"})


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04garbage" * 10])
def test_damaged_workbook_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "c.xlsx").write_bytes(content)
    with pytest.raises(DataError, match=r"c\.xlsx.*not a readable Excel workbook"):
        read_source(tmp_path, {"format": "xlsx", "path": "c.xlsx"})

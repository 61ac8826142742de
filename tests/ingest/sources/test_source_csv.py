"""CSV sources: separators, encodings, headers, malformed rows kept, row numbers, globs."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_fixtures import read_source

from oncorwd.errors import ConfigError, DataError
from oncorwd.ingest.sources.csv import detect_encoding, read_csv_table, sniff


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("text", "sep"), [
    ("A;B;C\n1;2,5;x\n", ";"), ("A,B,C\n1,2,x\n", ","), ("A\tB\n1\t2\n", "\t"),
    ("A|B\n1|2\n", "|"), ('A;B\n"x;y";2\n', ";"), ("A;B\n1,5;2,5\n3,5;4,5\n", ";"),
])
def test_separator_is_detected(text: str, sep: str) -> None:
    assert sniff(text) == sep


def test_latin1_french_export_is_read_with_accents(tmp_path: Path) -> None:
    _write(tmp_path / "p.csv", "NOM;VILLE\nHélène;Évry\n", "latin-1")
    rows, _, reader = read_source(tmp_path, {"format": "csv", "path": "p.csv"})
    assert rows.column("NOM").to_pylist() == ["Hélène"]
    assert reader.account.details["p.csv"] == {"encoding": "cp1252", "sep": ";"}


def test_utf8_with_bom(tmp_path: Path) -> None:
    _write(tmp_path / "p.csv", "\ufeffNUM;NOM\n1;Zoé\n")
    rows, _, _ = read_source(tmp_path, {"format": "csv", "path": "p.csv"})
    assert rows.column_names[:2] == ["NUM", "NOM"]
    assert rows.column("NOM").to_pylist() == ["Zoé"]
    assert detect_encoding(tmp_path / "p.csv") == "utf_8"


def test_declared_encoding_that_does_not_fit_is_a_clear_error(tmp_path: Path) -> None:
    _write(tmp_path / "l.csv", "A;B\n1;é\n", "latin-1")
    with pytest.raises(DataError, match="not valid utf_8"):
        read_source(tmp_path, {"format": "csv", "path": "l.csv", "encoding": "utf-8"})
    _write(tmp_path / "u.csv", "A;B\n1;é\n", "utf-8")
    with pytest.raises(DataError, match="is UTF-8"):
        read_source(tmp_path, {"format": "csv", "path": "u.csv", "encoding": "latin-1"})


def test_malformed_rows_are_kept_with_their_text_and_row_numbers(tmp_path: Path) -> None:
    _write(tmp_path / "p.csv", 'A;B;C\n1;x;"multi\nline"\n2;y\n3;z;w;extra\n4;q;r\n')
    rows, bad, reader = read_source(tmp_path, {"format": "csv", "path": "p.csv"})
    assert rows.column("A").to_pylist() == ["1", "4"]
    assert rows.column("_row").to_pylist() == [1, 4]
    assert rows.column("C").to_pylist()[0] == "multi\nline"
    assert bad.column("_row").to_pylist() == [2, 3]
    assert bad.column("text").to_pylist() == ["2;y", "3;z;w;extra"]
    assert bad.column("message").to_pylist()[0] == "expected 3 fields, found 2"
    assert (reader.account.rows, reader.account.malformed) == (4, 2)


def test_values_stay_text_and_empty_cells_are_null(tmp_path: Path) -> None:
    _write(tmp_path / "p.csv", "ID;N;D\n007;1,50;\n8;NA;2020\n")
    rows, _, _ = read_source(tmp_path, {"format": "csv", "path": "p.csv"})
    assert rows.column("ID").to_pylist() == ["007", "8"]
    assert rows.column("N").to_pylist() == ["1,50", None]
    assert rows.column("D").to_pylist() == [None, "2020"]


def test_header_names_are_cleaned_and_unique(tmp_path: Path) -> None:
    _write(tmp_path / "p.csv", " A ;B;A;\n1;2;3;\n")
    rows, _, _ = read_source(tmp_path, {"format": "csv", "path": "p.csv"})
    assert rows.column_names[:4] == ["A", "B", "A_3", "column_4"]


def test_glob_reads_every_file_in_order_with_relative_names(tmp_path: Path) -> None:
    _write(tmp_path / "x" / "p_2.csv", "A\n3\n")
    _write(tmp_path / "x" / "p_1.csv", "A\n1\n2\n")
    rows, _, reader = read_source(tmp_path, {"format": "csv", "path": "x/p_*.csv"})
    assert rows.column("A").to_pylist() == ["1", "2", "3"]
    assert rows.column("_file").to_pylist() == ["x/p_1.csv"] * 2 + ["x/p_2.csv"]
    assert rows.column("_row").to_pylist() == [1, 2, 1]
    assert reader.account.files == ["x/p_1.csv", "x/p_2.csv"]


def test_missing_file_empty_file_and_header_only(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no file matches"):
        read_source(tmp_path, {"format": "csv", "path": "none*.csv"})
    _write(tmp_path / "e.csv", "")
    with pytest.raises(DataError, match="empty"):
        read_source(tmp_path, {"format": "csv", "path": "e.csv"})
    _write(tmp_path / "h.csv", "A;B\n")
    rows, bad, _ = read_source(tmp_path, {"format": "csv", "path": "h.csv"})
    assert rows.num_rows == 0 and bad.num_rows == 0


def test_huge_cell(tmp_path: Path) -> None:
    big = "x" * 1_000_000
    _write(tmp_path / "p.csv", f"A;B\n1;{big}\n2;y\n")
    rows, _, _ = read_source(tmp_path, {"format": "csv", "path": "p.csv"})
    assert len(rows.column("B")[0].as_py()) == 1_000_000


def test_value_map_files_are_read_whole(tmp_path: Path) -> None:
    _write(tmp_path / "m.csv", "code;atc\nA;L01\n", "latin-1")
    assert read_csv_table(tmp_path / "m.csv").to_pydict() == {"code": ["A"], "atc": ["L01"]}
    _write(tmp_path / "bad.csv", "code;atc\nA;L01;extra\n")
    with pytest.raises(DataError, match="row 1"):
        read_csv_table(tmp_path / "bad.csv")

"""Parquet sources: typed columns become text; damaged files are clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from ingest_fixtures import read_source

from oncorwd.errors import DataError


def test_typed_columns_become_text(tmp_path: Path) -> None:
    pq.write_table(pa.table({
        "id": pa.array([1, 2], pa.int64()), "d": [dt.date(2020, 1, 2), None],
        "ts": pa.array([dt.datetime(2020, 1, 2), dt.datetime(2020, 1, 2, 8, 5)]),
        "x": [1.0, 2.5], "s": ["a", None]}), tmp_path / "t.parquet")
    rows, _, reader = read_source(tmp_path, {"format": "parquet", "path": "t.parquet"})
    assert rows.column("id").to_pylist() == ["1", "2"]
    assert rows.column("d").to_pylist() == ["2020-01-02", None]
    assert rows.column("ts").to_pylist() == ["2020-01-02", "2020-01-02 08:05:00"]
    assert rows.column("x").to_pylist() == ["1", "2.5"]
    assert rows.column("_row").to_pylist() == [1, 2]
    assert reader.account.rows == 2


def test_damaged_parquet(tmp_path: Path) -> None:
    (tmp_path / "t.parquet").write_bytes(b"PAR1 nothing")
    with pytest.raises(DataError, match="not a readable Parquet file"):
        read_source(tmp_path, {"format": "parquet", "path": "t.parquet"})

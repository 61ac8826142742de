"""Parquet folder: ``<dir>/<table>.parquet``, streamed one chunk (row group) at a time."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from oncorwd.convert.omop.writers.base import Writer

__all__ = ["ParquetWriter"]


class ParquetWriter(Writer):
    suffix = ".parquet"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.report_path = folder / "omop_export_report.json"
        self._open: dict[str, object] = {}

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def _writer(self, table: str, schema: pa.Schema) -> object:
        return pq.ParquetWriter(self.folder / f"{table}{self.suffix}", schema)

    def write_vocabulary(self, tables: Mapping[str, pa.Table]) -> None:
        for name, table in tables.items():
            self.write(name, table)

    def write(self, table: str, batch: pa.Table) -> None:
        if table not in self._open:
            self._open[table] = self._writer(table, batch.schema)
        self._open[table].write_table(batch)  # type: ignore[attr-defined]

    def close(self) -> None:
        for w in self._open.values():
            w.close()  # type: ignore[attr-defined]
        self._open.clear()

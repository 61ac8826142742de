"""CSV folder: ``<dir>/<table>.csv`` with a header, comma-separated, streamed per chunk."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from oncorwd.convert.omop.writers.parquet import ParquetWriter

__all__ = ["CsvWriter"]


class CsvWriter(ParquetWriter):
    suffix = ".csv"

    def _writer(self, table: str, schema: pa.Schema) -> object:
        return pacsv.CSVWriter(Path(self.folder / f"{table}{self.suffix}"), schema)

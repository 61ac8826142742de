"""Parquet files (a warehouse extract, a previous pipeline's output), read with pyarrow.

Typed columns become text as a person reads them (dates ISO, whole numbers without ``.0``), so
field rules work the same on every format. ``_row`` is the row's 1-based position in its file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from oncorwd.errors import DataError
from oncorwd.ingest.sources.base import (
    BATCH_ROWS,
    RawBatch,
    SourceReader,
    as_text_table,
    expand_files,
    with_provenance,
)

__all__ = ["READER", "ParquetReader"]


def _file(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise DataError(f"{path} is not a readable Parquet file: {e}",
                        hint="check that the export finished and the file is not truncated",
                        path=str(path)) from None


class ParquetReader(SourceReader):
    """``format: parquet`` (see :class:`oncorwd.ingest.spec.ParquetSource`)."""

    format = "parquet"

    def open(self) -> None:
        self._files: list[Path] = []
        for path in expand_files(self.spec, self.config.path, self.name):
            label = self.relative(path)
            self._columns[label] = list(_file(path).schema_arrow.names)
            self._files.append(path)
            self.account.files.append(label)

    def batches(self) -> Iterator[RawBatch]:
        for path in self._files:
            label, first = self.relative(path), 1
            try:
                for batch in _file(path).iter_batches(batch_size=BATCH_ROWS):
                    table = as_text_table(pa.Table.from_batches([batch]))
                    yield RawBatch(with_provenance(table, self.name, label, first))
                    first += batch.num_rows
                    self.account.rows += batch.num_rows
            except pa.ArrowException as e:
                raise DataError(f"{path}: cannot read row group: {e}", path=str(path)) from None


READER = ParquetReader

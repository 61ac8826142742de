"""Excel workbooks (``.xlsx``), read with openpyxl in read-only mode.

Cells become text as a person reads them: dates ISO (``2021-03-04``, with `` HH:MM:SS`` when
not midnight), whole numbers without ``.0``. ``_row`` is the sheet row minus the header row, so
a quarantined row is found in Excel at ``header_row + _row``. Fully empty rows are skipped
(counted in the source's ``details``); a value in a column without a header is a malformed row.
A file openpyxl cannot read (corrupt, an old ``.xls``, not a workbook) is a :class:`DataError`
naming it. openpyxl yields Python rows, so this is the one per-row loop of the sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from oncorwd.errors import ConfigError, DataError, OncorwdError
from oncorwd.ingest.sources.base import (
    BATCH_ROWS,
    MALFORMED_SCHEMA,
    RawBatch,
    SourceReader,
    expand_files,
    python_text,
    with_provenance,
)

__all__ = ["READER", "XlsxReader"]


def _workbook(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises anything from zipfile, XML or KeyError
        raise DataError(f"{path} is not a readable Excel workbook: {type(e).__name__}: {e}",
                        hint="open it in Excel/LibreOffice and save it again as .xlsx "
                             "(old .xls files are not supported)", path=str(path)) from None


def _sheet(workbook: Any, sheet: str | int, path: Path) -> Any:
    names = list(workbook.sheetnames)
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return workbook[names[sheet]]
    elif sheet in names:
        return workbook[sheet]
    raise ConfigError(f"{path} has no sheet {sheet!r}",
                      hint="sheets: " + ", ".join(repr(n) for n in names) +
                           " (an integer is a 0-based position)", path=str(path))


def _names(cells: tuple[Any, ...] | None, path: Path, header_row: int) -> list[str]:
    texts = [python_text(c) for c in cells or ()]
    while texts and not (texts[-1] or "").strip():
        texts.pop()
    if not texts:
        raise DataError(f"{path}: header row {header_row} is empty",
                        hint="set `header_row` to the row holding the column names",
                        path=str(path))
    names: list[str] = []
    for i, raw in enumerate(texts, start=1):
        name = (raw or "").strip() or f"column_{i}"
        names.append(name if name not in names else f"{name}_{i}")
    return names


class _Chunk:
    """Rows being gathered into one batch (column lists, row numbers, malformed rows)."""

    def __init__(self, width: int) -> None:
        self.columns: list[list[str | None]] = [[] for _ in range(width)]
        self.rows: list[int] = []
        self.bad: list[tuple[int, str, str]] = []

    def add(self, number: int, cells: tuple[Any, ...]) -> bool:
        """Add one sheet row; False if it is empty."""
        texts = [python_text(c) for c in cells]
        if not any(t is not None and t.strip() for t in texts):
            return False
        width = len(self.columns)
        extra = [t for t in texts[width:] if t is not None and t.strip()]
        if extra:
            line = "\t".join(t or "" for t in texts)
            self.bad.append((number, line, f"{len(extra)} value(s) beyond the {width} named "
                                           "columns"))
            return True
        texts += [None] * (width - len(texts))
        for column, value in zip(self.columns, texts, strict=False):
            column.append(value)
        self.rows.append(number)
        return True


class XlsxReader(SourceReader):
    """``format: xlsx`` (see :class:`oncorwd.ingest.spec.XlsxSource`)."""

    format = "xlsx"

    def open(self) -> None:
        self._files: list[tuple[Path, list[str]]] = []
        for path in expand_files(self.spec, self.config.path, self.name):
            workbook = _workbook(path)
            try:
                sheet = _sheet(workbook, self.config.sheet, path)
                row = next(sheet.iter_rows(min_row=self.config.header_row,
                                           max_row=self.config.header_row, values_only=True),
                           None)
            except OncorwdError:
                raise
            except Exception as e:
                raise _corrupt(path, e) from None
            finally:
                workbook.close()
            names = _names(row, path, self.config.header_row)
            label = self.relative(path)
            self._files.append((path, names))
            self._columns[label] = names
            self.account.files.append(label)

    def batches(self) -> Iterator[RawBatch]:
        for path, names in self._files:
            try:
                yield from self._file_batches(path, names)
            except OncorwdError:
                raise
            except Exception as e:
                raise _corrupt(path, e) from None

    def _file_batches(self, path: Path, names: list[str]) -> Iterator[RawBatch]:
        workbook, label = _workbook(path), self.relative(path)
        header, empty = self.config.header_row, 0
        try:
            sheet = _sheet(workbook, self.config.sheet, path)
            chunk = _Chunk(len(names))
            for number, cells in enumerate(sheet.iter_rows(min_row=header + 1, values_only=True),
                                           start=1):
                empty += not chunk.add(number, cells)
                if len(chunk.rows) + len(chunk.bad) >= BATCH_ROWS:
                    yield self._emit(chunk, names, label)
                    chunk = _Chunk(len(names))
            yield self._emit(chunk, names, label)
        finally:
            workbook.close()
        self.account.details[label] = {"sheet": self.config.sheet, "empty_rows_skipped": empty}

    def _emit(self, chunk: _Chunk, names: list[str], label: str) -> RawBatch:
        data = pa.table({n: pa.array(c, pa.string()) for n, c in zip(names, chunk.columns,
                                                                      strict=True)})
        data = with_provenance(data, self.name, label, 0, rows=_array(chunk.rows))
        malformed = None
        if chunk.bad:
            n = len(chunk.bad)
            malformed = pa.table({
                "_source": [self.name] * n, "_file": [label] * n,
                "_row": pa.array([b[0] for b in chunk.bad], pa.int64()),
                "text": [b[1] for b in chunk.bad], "message": [b[2] for b in chunk.bad]},
                schema=MALFORMED_SCHEMA)
        self.account.rows += data.num_rows + len(chunk.bad)
        self.account.malformed += len(chunk.bad)
        return RawBatch(data, malformed)


def _array(rows: list[int]) -> Any:
    import numpy as np

    return np.asarray(rows, dtype=np.int64)


def _corrupt(path: Path, e: Exception) -> DataError:
    return DataError(f"{path}: the workbook is damaged ({type(e).__name__}: {e})",
                     hint="open it in Excel/LibreOffice and save it again as .xlsx",
                     path=str(path))


READER = XlsxReader

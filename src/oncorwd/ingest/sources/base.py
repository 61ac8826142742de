"""What every source does, once; a format only declares how it finds files and parses them.

A source reads a hospital export into Arrow batches whose columns are all **strings** (the raw
values, so a quarantined row shows what the file said), plus the provenance columns ``_source``
(source name), ``_file`` (path relative to the spec; for SQL the masked URL) and ``_row``
(1-based data-row number in that file, header excluded). Rows that cannot be split into fields
come in :attr:`RawBatch.malformed` with their raw text, never dropped.

A *direct* source (``reports``) produces OSIRIS RWD rows itself, through
:meth:`SourceReader.direct_tables`, instead of raw batches for the field rules.
"""

from __future__ import annotations

import datetime as dt
import glob
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.errors import ConfigError, Problem
from oncorwd.ingest.quarantine import SourceAccount

if TYPE_CHECKING:
    from oncorwd.ingest.spec import MappingSpec

__all__ = [
    "BATCH_ROWS",
    "MALFORMED_SCHEMA",
    "DirectOutput",
    "RawBatch",
    "SourceReader",
    "as_text_table",
    "expand_files",
    "python_text",
    "with_provenance",
]

#: Rows per batch for formats that let us choose (Parquet, SQL, Excel).
BATCH_ROWS = 1 << 17

#: Rows that could not be split into fields: where they are and their raw text.
MALFORMED_SCHEMA = pa.schema([("_source", pa.string()), ("_file", pa.string()),
                              ("_row", pa.int64()), ("text", pa.string()),
                              ("message", pa.string())])


@dataclass
class RawBatch:
    """Raw string rows of one file (with provenance), and its malformed rows found so far."""

    data: pa.Table
    malformed: pa.Table | None = None


@dataclass
class DirectOutput:
    """OSIRIS RWD rows produced by a direct source, and the facts that could not become rows
    (``Problem.file``/``row`` locate them). ``updates`` are partial rows for another table
    (TNM found in reports, keyed by patient)."""

    tables: dict[str, pa.Table]
    problems: list[Problem] = field(default_factory=list)
    updates: dict[str, pa.Table] = field(default_factory=dict)


class SourceReader(ABC):
    """One source of a mapping spec. ``open`` checks what can be checked before reading
    (files exist, headers, encodings, connections); ``batches`` streams the rows."""

    format: ClassVar[str]
    direct: ClassVar[bool] = False

    def __init__(self, name: str, config: Any, spec: MappingSpec) -> None:
        self.name, self.config, self.spec = name, config, spec
        self.account = SourceAccount(name, self.format)
        self._columns: dict[str, list[str]] = {}

    @abstractmethod
    def open(self) -> None:
        """Fail early and clearly: missing files, unreadable headers, unreachable databases."""

    def columns(self) -> dict[str, list[str]]:
        """Column names per file label (after :meth:`open`)."""
        return self._columns

    def batches(self) -> Iterator[RawBatch]:
        """Raw string batches, in file order then row order."""
        raise NotImplementedError(f"{self.format} sources produce OSIRIS rows directly")

    def direct_tables(self) -> DirectOutput:
        raise NotImplementedError(f"{self.format} sources produce raw rows")

    def relative(self, path: Path) -> str:
        """The file label: its path relative to the spec's folder when inside it."""
        try:
            return path.resolve().relative_to(self.spec.base_dir.resolve()).as_posix()
        except ValueError:
            return str(path)


def expand_files(spec: MappingSpec, pattern: str, source: str) -> list[Path]:
    """The files a source's ``path`` names (a glob is sorted), or a ``ConfigError``."""
    resolved = spec.resolve(pattern)
    if glob.has_magic(str(resolved)):
        found = sorted(Path(p) for p in glob.glob(str(resolved), recursive=True))
        files = [p for p in found if p.is_file()]
    else:
        files = [resolved] if resolved.is_file() else []
    if not files:
        raise ConfigError(f"source {source}: no file matches {pattern!r} (looked in "
                          f"{resolved.parent})", hint="paths are relative to the spec file",
                          source=source, path=str(resolved))
    return files


def with_provenance(table: pa.Table, source: str, file: str, first_row: int,
                    rows: np.ndarray | None = None) -> pa.Table:
    """Append ``_source``, ``_file`` and ``_row`` (consecutive from ``first_row``, or ``rows``)."""
    n = table.num_rows
    numbers = rows if rows is not None else np.arange(first_row, first_row + n)
    return (table.append_column("_source", pa.array([source] * n, pa.string()))
            .append_column("_file", pa.array([file] * n, pa.string()))
            .append_column("_row", pa.array(numbers, pa.int64())))


def _timestamp_text(col: pa.Array) -> pa.Array:
    """ISO text: ``YYYY-MM-DD`` at midnight, else ``YYYY-MM-DD HH:MM:SS``."""
    if col.type.tz is not None:
        col = pc.cast(col, pa.timestamp(col.type.unit))
    col = pc.cast(col, pa.timestamp("s"), safe=False)  # %S would print fractions otherwise
    full = pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    day = pc.strftime(col, format="%Y-%m-%d")
    midnight = pc.equal(pc.strftime(col, format="%H:%M:%S"), "00:00:00")
    return pc.if_else(midnight, day, full)


def _column_text(col: pa.Array) -> pa.Array:
    t = col.type
    if pa.types.is_string(t):
        return col
    if pa.types.is_dictionary(t):
        return _column_text(col.dictionary_decode())
    if pa.types.is_timestamp(t):
        return _timestamp_text(col)
    if pa.types.is_date(t):
        return pc.strftime(pc.cast(col, pa.timestamp("s")), format="%Y-%m-%d")
    if pa.types.is_floating(t):
        as_int = pc.cast(col, pa.int64(), safe=False)
        integral = pc.and_(pc.is_finite(col), pc.equal(pc.cast(as_int, t), col))
        return pc.if_else(integral, pc.cast(as_int, pa.string()), pc.cast(col, pa.string()))
    try:
        return pc.cast(col, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in col.to_pylist()], pa.string())


def as_text_table(table: pa.Table) -> pa.Table:
    """Every column as text, the way a person reads it (dates ISO, ``12`` not ``12.0``)."""
    arrays = [_column_text(c.combine_chunks()) for c in table.columns]
    return pa.table(arrays, names=[str(n) for n in table.column_names])


def python_text(value: object) -> str | None:
    """Text of one Python value from a driver or a workbook (the same rules as above)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == dt.time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)

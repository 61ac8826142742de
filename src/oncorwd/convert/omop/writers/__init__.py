"""Thin writers: Parquet folder, CSV folder, DuckDB database, PostgreSQL schema.

A writer receives typed Arrow tables (the official column order and types) and only does I/O:
``open()``, ``write_vocabulary(tables)`` once, ``write(table, batch)`` per chunk in load order,
``close()`` (which checks what the engine must check) and ``abort()`` on failure.
"""

from __future__ import annotations

from pathlib import Path

from oncorwd.convert.omop.writers.base import Writer
from oncorwd.errors import ConversionError

__all__ = ["Writer", "open_writer"]


def open_writer(target: str | Path, fmt: str | None = None) -> Writer:
    """The writer for ``target``: a DuckDB file (``duckdb:///abs/file.duckdb`` or a path ending
    in ``.duckdb``, as for stores), ``postgresql://…?schema=s`` or a folder (``fmt``
    ``parquet``, the default, or ``csv``)."""
    text = str(target)
    if text.startswith("duckdb://") or text.endswith(".duckdb"):
        from oncorwd.convert.omop.writers.duckdb import DuckDBWriter
        from oncorwd.store import parse_store_url

        path = parse_store_url(text).path
        assert path is not None
        return DuckDBWriter(path)
    if text.startswith(("postgresql://", "postgres://")):
        from oncorwd.convert.omop.writers.postgres import PostgresWriter

        return PostgresWriter(text)
    if "://" in text:
        raise ConversionError(f"unsupported OMOP target {text!r}",
                              hint="use a folder, a .duckdb file or "
                                   "postgresql://…?schema=name", target=text)
    fmt = fmt or "parquet"
    if fmt == "parquet":
        from oncorwd.convert.omop.writers.parquet import ParquetWriter

        return ParquetWriter(Path(text))
    if fmt == "csv":
        from oncorwd.convert.omop.writers.csv import CsvWriter

        return CsvWriter(Path(text))
    raise ConversionError(f"unknown OMOP file format {fmt!r}", hint="use parquet or csv",
                          format=fmt)

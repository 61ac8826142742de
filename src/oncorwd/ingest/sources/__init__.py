"""Source formats, one module per format name: ``sources/<format>.py`` exposes ``READER``.

The name is the file is the key: ``format: csv`` in a spec opens
:class:`oncorwd.ingest.sources.csv.CsvReader`. A module declares how it finds and parses its
files (a subclass of :class:`~oncorwd.ingest.sources.base.SourceReader`); the pipeline is the
same for all. Formats: ``csv``, ``xlsx``, ``parquet``, ``sql``, ``reports`` (French reports
through the NLP, a *direct* source producing OSIRIS rows), ``osiris_v1`` (old OSIRIS pivot
files; its module exposes a migration function, wrapped by :mod:`.adapters`) and ``mcode``
(FHIR mCODE bundles or NDJSON, read by :mod:`oncorwd.convert.mcode`: a direct source). Drivers
(openpyxl, SQLAlchemy, edsnlp) are imported when a source of that format opens.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from oncorwd.errors import ConfigError
from oncorwd.ingest.sources.base import DirectOutput, RawBatch, SourceReader

if TYPE_CHECKING:
    from oncorwd.ingest.spec import MappingSpec

__all__ = ["FORMATS", "DirectOutput", "RawBatch", "SourceReader", "open_reader",
           "reader_class"]

FORMATS = ("csv", "xlsx", "parquet", "sql", "reports", "osiris_v1", "mcode")


def reader_class(format_name: str) -> type[SourceReader]:
    """The reader of a format; a format whose module is missing or unfinished is a
    ``ConfigError`` saying so (never a silent skip)."""
    if format_name not in FORMATS:
        raise ConfigError(f"unknown source format {format_name!r}",
                          hint="formats: " + ", ".join(FORMATS))
    try:
        module = importlib.import_module(f"oncorwd.ingest.sources.{format_name}")
    except ModuleNotFoundError as e:
        if e.name != f"oncorwd.ingest.sources.{format_name}":
            raise
        module = None
    reader = getattr(module, "READER", None)
    if reader is None and module is not None:
        from oncorwd.ingest.sources.adapters import ADAPTERS

        reader = ADAPTERS.get(format_name)
    if not (isinstance(reader, type) and issubclass(reader, SourceReader)):
        raise ConfigError(f"source format {format_name!r} is not available in this version",
                          hint="convert the export to CSV or Parquet meanwhile")
    return reader


def open_reader(name: str, config: Any, spec: MappingSpec) -> SourceReader:
    """A reader for source ``name`` of ``spec``, opened (files found, headers read)."""
    reader = reader_class(config.format)(name, config, spec)
    reader.open()
    return reader

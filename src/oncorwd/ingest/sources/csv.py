"""CSV exports, the way French hospital systems write them.

- **Separator**: given, or detected among ``;``, tab, ``|`` and ``,`` from the first lines (the
  one that splits the header and keeps the same field count wins; ties go in that order, so
  ``1;2,5`` is two fields with a decimal comma).
- **Encoding**: ``auto`` tries strict UTF-8 over the whole file (a BOM is fine), then cp1252,
  then latin-1. A declared encoding is checked too: a file that is not valid in it, or a UTF-8
  file declared latin-1 (which would load as ``Ã©``), is a :class:`DataError` naming the line.
- **Header**: names are stripped; an empty name becomes ``column_<n>``, a repeated one
  ``<name>_<n>`` (trailing separators are common in exports).
- **Malformed rows** (wrong field count) are not dropped: pyarrow's ``invalid_row_handler``
  hands them over with their text, and they become quarantine records (``malformed_row``).
- Streams in blocks of :data:`BLOCK_BYTES`; a single row may be up to that size.
"""

from __future__ import annotations

import codecs
import csv as pycsv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from oncorwd.errors import ConfigError, DataError
from oncorwd.ingest.sources.base import (
    MALFORMED_SCHEMA,
    RawBatch,
    SourceReader,
    expand_files,
    with_provenance,
)

__all__ = ["BLOCK_BYTES", "READER", "CsvReader", "detect_encoding", "read_csv_table",
           "sniff"]

#: Bytes parsed at a time (and the longest possible row).
BLOCK_BYTES = 1 << 24
_SEPARATORS = (";", "\t", "|", ",")
_SAMPLE_BYTES = 1 << 20
_SINGLE_BYTE = {"latin_1", "iso8859_1", "cp1252", "iso8859_15"}


def _check_codec(path: Path, codec: str) -> tuple[bool, int | None, bool]:
    """(decodes strictly, first bad line, has non-ASCII bytes) over the whole file."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    line, non_ascii = 1, False
    with path.open("rb") as f:
        while chunk := f.read(BLOCK_BYTES):
            non_ascii = non_ascii or not chunk.isascii()
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as e:
                return False, line + chunk[: max(e.start, 0)].count(b"\n"), non_ascii
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, line, non_ascii
    return True, None, non_ascii


def _codec(name: str, path: Path) -> str:
    try:
        return codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        raise ConfigError(f"unknown encoding {name!r} for {path}",
                          hint="use auto, utf-8, latin-1 or cp1252") from None


def detect_encoding(path: Path, declared: str = "auto") -> str:
    """The Python codec to read ``path`` with (see the module docstring for the rules)."""
    if declared.lower() != "auto":
        return _declared(path, _codec(declared, path))
    ok, _, _ = _check_codec(path, "utf-8")
    if ok:
        return "utf_8"
    ok, _, _ = _check_codec(path, "cp1252")
    return "cp1252" if ok else "latin_1"


def _declared(path: Path, codec: str) -> str:
    ok, line, non_ascii = _check_codec(path, codec)
    if not ok:
        raise DataError(f"{path} is not valid {codec} (first bad byte on line {line})",
                        hint="set `encoding: auto` in the source, or the file's real encoding "
                             "(French exports are often latin-1/cp1252)",
                        path=str(path), row=line, rule="encoding")
    if codec in _SINGLE_BYTE and non_ascii and _check_codec(path, "utf-8")[0]:
        raise DataError(f"{path} is declared {codec} but is UTF-8 (accents would load as "
                        "'Ã©')", hint="set `encoding: utf-8` (or auto) in the source",
                        path=str(path), rule="encoding")
    return codec


def _sample(path: Path, codec: str) -> str:
    with path.open("rb") as f:
        raw = f.read(_SAMPLE_BYTES)
    text = raw.decode(codec, errors="replace").lstrip("\ufeff")
    if len(raw) == _SAMPLE_BYTES and "\n" in text:
        text = text[: text.rindex("\n")]
    return text


def _field_counts(text: str, sep: str, quote: str) -> list[int]:
    reader = pycsv.reader(io.StringIO(text), delimiter=sep, quotechar=quote or None)
    try:
        return [len(r) for r, _ in zip(reader, range(50), strict=False) if r]
    except pycsv.Error:
        return []


def sniff(text: str, quote: str = '"') -> str:
    """The separator of a CSV sample (see the module docstring)."""
    best, best_score = ";", (-1.0, 0)
    for priority, sep in enumerate(_SEPARATORS):
        counts = _field_counts(text, sep, quote)
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        score = (round(consistent, 2), -priority)
        if score > best_score:
            best, best_score = sep, score
    return best


def _header(text: str, sep: str, quote: str, path: Path) -> list[str]:
    reader = pycsv.reader(io.StringIO(text), delimiter=sep, quotechar=quote or None)
    first = next(reader, None)
    if not first or not any(name.strip() for name in first):
        raise DataError(f"{path} is empty (no header line)",
                        hint="the first line of a CSV export must name its columns",
                        path=str(path))
    names: list[str] = []
    for i, raw in enumerate(first, start=1):
        name = raw.strip() or f"column_{i}"
        names.append(name if name not in names else f"{name}_{i}")
    return names


class _Malformed:
    """Collects pyarrow's invalid rows; ``number`` counts the header as row 1."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.texts: list[str] = []
        self.messages: list[str] = []
        self.taken = 0

    def __call__(self, row: Any) -> str:
        self.rows.append(int(row.number) - 1)
        self.texts.append(row.text)
        self.messages.append(f"expected {row.expected_columns} fields, found "
                             f"{row.actual_columns}")
        return "skip"

    def good_rows(self, start: int, n: int) -> np.ndarray:
        """Data-row numbers of the next ``n`` well-formed rows from ``start``."""
        bad = np.asarray(sorted(self.rows), dtype=np.int64)
        candidates = np.arange(start, start + n + len(bad), dtype=np.int64)
        return candidates[~np.isin(candidates, bad)][:n]

    def take(self, source: str, file: str) -> pa.Table | None:
        new = slice(self.taken, len(self.rows))
        self.taken = len(self.rows)
        if new.start == new.stop:
            return None
        n = new.stop - new.start
        return pa.table({"_source": [source] * n, "_file": [file] * n,
                         "_row": pa.array(self.rows[new], pa.int64()),
                         "text": self.texts[new], "message": self.messages[new]},
                        schema=MALFORMED_SCHEMA)


def _open_reader(path: Path, names: list[str], sep: str, codec: str, quote: str,
                 nulls: tuple[str, ...], handler: Any) -> pacsv.CSVStreamingReader:
    return pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=False,
                                       block_size=BLOCK_BYTES,
                                       encoding="utf8" if codec == "utf_8" else codec),
        parse_options=pacsv.ParseOptions(delimiter=sep, quote_char=quote or False,
                                         newlines_in_values=True, invalid_row_handler=handler),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                             null_values=list(nulls), strings_can_be_null=True),
    )


def _arrow_error(path: Path, e: Exception) -> DataError:
    text = str(e).splitlines()[0]
    hint = ("a row is longer than the parsing block (16 MB): check for an unclosed quote"
            if "straddl" in text else "check the file's encoding, separator and quoting")
    return DataError(f"cannot parse {path}: {text}", hint=hint, path=str(path))


class CsvReader(SourceReader):
    """``format: csv`` (see :class:`oncorwd.ingest.spec.CsvSource`)."""

    format = "csv"

    def open(self) -> None:
        self._files: list[tuple[Path, str, str, list[str]]] = []
        for path in expand_files(self.spec, self.config.path, self.name):
            codec = detect_encoding(path, self.config.encoding)
            text = _sample(path, codec)
            sep = self.config.sep or sniff(text, self.config.quote)
            names = _header(text, sep, self.config.quote, path)
            label = self.relative(path)
            self._files.append((path, codec, sep, names))
            self._columns[label] = names
            self.account.files.append(label)
            self.account.details[label] = {"encoding": codec, "sep": sep}

    def batches(self) -> Iterator[RawBatch]:
        for path, codec, sep, names in self._files:
            yield from self._file_batches(path, codec, sep, names)

    def _file_batches(self, path: Path, codec: str, sep: str,
                      names: list[str]) -> Iterator[RawBatch]:
        label, bad = self.relative(path), _Malformed()
        next_row = 1
        try:
            reader = _open_reader(path, names, sep, codec, self.config.quote,
                                  self.config.null_values, bad)
            for batch in reader:
                rows = bad.good_rows(next_row, batch.num_rows)
                next_row = int(rows[-1]) + 1 if len(rows) else next_row
                table = with_provenance(pa.Table.from_batches([batch]), self.name, label, 0,
                                        rows)
                yield self._counted(RawBatch(table, bad.take(self.name, label)))
        except pa.ArrowInvalid as e:
            raise _arrow_error(path, e) from None
        tail = bad.take(self.name, label)
        if tail is not None:
            yield self._counted(RawBatch(_empty(names, self.name, label), tail))

    def _counted(self, raw: RawBatch) -> RawBatch:
        malformed = raw.malformed.num_rows if raw.malformed is not None else 0
        self.account.rows += raw.data.num_rows + malformed
        self.account.malformed += malformed
        return raw


def _empty(names: list[str], source: str, label: str) -> pa.Table:
    table = pa.table({n: pa.array([], pa.string()) for n in names})
    return with_provenance(table, source, label, 1)


def read_csv_table(path: Path, sep: str | None = None, encoding: str = "auto") -> pa.Table:
    """A whole small CSV (a value map) as strings; malformed rows are a :class:`DataError`."""
    codec = detect_encoding(path, encoding)
    text = _sample(path, codec)
    names = _header(text, sep or sniff(text), '"', path)
    bad = _Malformed()
    try:
        table = _open_reader(path, names, sep or sniff(text), codec, '"', ("",), bad).read_all()
    except pa.ArrowInvalid as e:
        raise _arrow_error(path, e) from None
    if bad.rows:
        raise DataError(f"{path}, row {bad.rows[0]}: {bad.messages[0]}",
                        hint="fix the mapping file", path=str(path), row=bad.rows[0])
    return table


READER = CsvReader

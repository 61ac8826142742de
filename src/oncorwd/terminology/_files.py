"""Read terminology CSV files: the curated lists shipped as package data and the user's own exports.

One reader for both so that a user file behaves exactly like a shipped one. Lines starting with
``#`` before the header are comments (source and licence notes). Errors name the file, the line
and what was expected, because whoever fixes them has the file open in an editor, not a traceback.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from oncorwd.errors import TerminologyError

__all__ = ["Row", "TableFile", "read_package_csv", "read_table"]

_PACKAGE = "oncorwd.terminology"


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its 1-based line number in the file and its values by column name."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class TableFile:
    """How to read one delimited file; ``where`` keeps only rows whose columns equal the values."""

    path: Path
    sep: str = ","
    encoding: str = "utf-8-sig"
    quoting: bool = True
    where: Mapping[str, str] = field(default_factory=dict)


def read_package_csv(filename: str) -> list[dict[str, str]]:
    """Rows of a CSV shipped in ``oncorwd/terminology/data`` (comment lines skipped)."""
    resource = resources.files(_PACKAGE).joinpath("data").joinpath(filename)
    text = resource.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines)]


def read_header(table: TableFile) -> tuple[list[str], int]:
    """The column names of ``table`` and the line number of its header row."""
    for line_number, line in _numbered_lines(table):
        if line.startswith("#") or not line.strip():
            continue
        return next(_reader([line], table)), line_number
    raise TerminologyError(
        f"{table.path}: no header row found",
        hint="the first non-comment line must name the columns",
        file=str(table.path),
    )


def read_table(table: TableFile, columns: list[str]) -> Iterator[Row]:
    """Yield the rows of ``table`` that pass ``where``, keeping ``columns`` (which must exist)."""
    header, header_line = read_header(table)
    wanted = [*columns, *table.where]
    missing = [name for name in wanted if name not in header]
    if missing:
        raise TerminologyError(
            f"{table.path}, line {header_line}: no column {missing[0]!r}; the header has {header}",
            hint="name the right columns (code_column=..., label_column=...) or fix the header",
            file=str(table.path),
            line=header_line,
            expected=wanted,
        )
    index = {name: header.index(name) for name in wanted}
    try:
        yield from _data_rows(table, header, header_line, index)
    except UnicodeDecodeError as error:
        raise TerminologyError(
            f"{table.path}: not {table.encoding} text ({error.reason})",
            hint="pass encoding=... (for example 'latin-1')",
            file=str(table.path),
        ) from None


def _data_rows(
    table: TableFile, header: list[str], header_line: int, index: dict[str, int]
) -> Iterator[Row]:
    with table.path.open(encoding=table.encoding, newline="") as handle:
        reader = _reader(handle, table)
        for fields in reader:
            if reader.line_num <= header_line or _skippable(fields):
                continue
            if len(fields) != len(header):
                raise TerminologyError(
                    f"{table.path}, line {reader.line_num}: {len(fields)} fields, expected "
                    f"{len(header)} ({table.sep!r}-separated like the header)",
                    hint="check the separator (sep=...) and quoting of this line",
                    file=str(table.path),
                    line=reader.line_num,
                )
            values = {name: fields[i] for name, i in index.items()}
            if all(values[key] == value for key, value in table.where.items()):
                yield Row(reader.line_num, values)


def _skippable(fields: list[str]) -> bool:
    return not fields or (len(fields) == 1 and not fields[0].strip()) or fields[0].startswith("#")


def _numbered_lines(table: TableFile) -> Iterator[tuple[int, str]]:
    try:
        with table.path.open(encoding=table.encoding, newline="") as handle:
            yield from enumerate(handle, start=1)
    except FileNotFoundError:
        raise TerminologyError(
            f"{table.path}: no such terminology file", file=str(table.path)
        ) from None
    except UnicodeDecodeError as error:
        raise TerminologyError(
            f"{table.path}: not {table.encoding} text ({error.reason})",
            hint="pass encoding=... (for example 'latin-1')",
            file=str(table.path),
        ) from None


def _reader(lines: Iterable[str], table: TableFile) -> Any:
    if table.quoting:
        return csv.reader(lines, delimiter=table.sep)
    return csv.reader(lines, delimiter=table.sep, quoting=csv.QUOTE_NONE)

"""FHIR mCODE STU4 bundles or NDJSON read back into OSIRIS RWD: a *direct* source.

The reading and the mapping are the importer's (:func:`oncorwd.convert.mcode.importer.mcode_rows`);
this source only turns its output into what the pipeline takes, so an mCODE import gets what
every ingest gets: quarantine with reasons, integrity and plausibility rules, derive (cohort
variables…), accounting and run files. Rows have ``source_type`` 3 and ``source_document``
``<file>#<Type>/<id>``.

A resource that gives no row (invalid JSON, structure, a missing element, a reference to a
resource not in the input) is quarantined with no table; a row breaking a dictionary rule is
quarantined in its table, once, with every problem of the row in the message. Each record says
``Type/id`` (its ``value``) and the FHIRPath of the element. Provenance: ``_file`` is the file
name, ``_row`` the NDJSON line, or the resource's order in a Bundle file.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyarrow as pa

from oncorwd.convert.mcode.importer import RowIssue, check_table, mcode_rows
from oncorwd.convert.mcode.reader import ImportIssue
from oncorwd.errors import Problem
from oncorwd.ingest.sources.base import DirectOutput, SourceReader, expand_files

__all__ = ["READER", "McodeReader"]

_LINE = re.compile(r"^(?P<file>.*):(?P<row>\d+)$")


class McodeReader(SourceReader):
    """``format: mcode`` (see :class:`oncorwd.ingest.spec.McodeSource`)."""

    format = "mcode"
    direct = True

    def open(self) -> None:
        path = self.config.path
        self._paths: list[Path] = []
        for pattern in (path,) if isinstance(path, str) else path:
            resolved = self.spec.resolve(pattern)
            if resolved.is_dir():   # the importer reads every .ndjson/.json inside
                self._paths.append(resolved)
            else:
                self._paths.extend(expand_files(self.spec, pattern, self.name))
        self.account.files = [self.relative(p) for p in self._paths]

    def direct_tables(self) -> DirectOutput:
        site_id = self.spec.site.site_id
        read = mcode_rows(self._paths, site_id=site_id)
        self.account.rows = read.resources
        problems = [_resource_problem(rule, issue) for rule, issue in read.issues]
        tables: dict[str, pa.Table] = {}
        for name, table in read.tables.items():
            rows = read.rows[name]
            typed, bad, found = check_table(name, table, rows, site_id, check_keys=False)
            problems.extend(_row_problems(name, found))
            keep = [i for i in range(len(rows)) if not bad[i]]
            good = typed.take(pa.array(keep, pa.int64()))
            tables[name] = self._located(good, [rows[i]["_res"].source for i in keep])
        return DirectOutput(tables, problems)

    def _located(self, table: pa.Table, labels: list[str]) -> pa.Table:
        order: Counter[str] = Counter()
        files, numbers = [], []
        for label in labels:
            file, row = _where(label)
            if row is None:
                order[file] += 1
                row = order[file]
            files.append(file)
            numbers.append(row)
        return (table.append_column("_source", pa.array([self.name] * len(labels), pa.string()))
                .append_column("_file", pa.array(files, pa.string()))
                .append_column("_row", pa.array(numbers, pa.int64())))


def _where(label: str) -> tuple[str, int | None]:
    """File name and NDJSON line of a resource's source label (``f.ndjson:3#Bundle/b``)."""
    base = label.split("#", 1)[0]
    m = _LINE.match(base)
    return (m["file"], int(m["row"])) if m else (base, None)


def _who(issue: ImportIssue) -> str:
    return f"{issue.resource_type or '?'}/{issue.resource_id or '?'}"


def _resource_problem(rule: str, issue: ImportIssue) -> Problem:
    file, row = _where(issue.source)
    return Problem("", row, None, _who(issue), rule,
                   f"{_who(issue)} at {issue.path}: {issue.message}", file=file)


def _row_problems(table: str, found: list[RowIssue]) -> list[Problem]:
    """One quarantine record per bad row (the accounts count rows), its problems joined."""
    by_row: dict[int | None, list[RowIssue]] = {}
    for f in found:
        by_row.setdefault(f.index, []).append(f)
    out = []
    for index, items in by_row.items():
        first = items[0].issue
        file, row = _where(first.source)
        message = "; ".join(f"{i.issue.path}: {i.issue.message}" for i in items)
        value = None if items[0].value is None else str(items[0].value)
        out.append(Problem(table if index is not None else "", row, items[0].field, value,
                           items[0].rule, f"{_who(first)} at {message}", file=file))
    return out


READER = McodeReader

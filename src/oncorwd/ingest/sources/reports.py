"""French clinical reports read by :mod:`oncorwd.ingest.nlp`: a *direct* source.

The file (CSV, or Parquet when it ends in ``.parquet``) has one document per row: id, patient,
date (ISO or ``DD/MM/YYYY``) and text columns (names in the source's config). Each document goes
through the NLP pipeline; its facts become OSIRIS RWD rows of ``biomarker``,
``general_status`` and ``progression`` with ``source_type`` 4 (internal document) or 5
(``external: true``) and ``source_document`` = the document id. These rows skip the field rules
and join the other rows of their table at the code step. TNM found in reports comes back as
``updates`` of ``cancer`` (applied to a patient's only cancer when it has no TNM; see
:mod:`oncorwd.ingest.steps.map`). A document without id, patient or text cannot be read: it is
quarantined (``required``) with no table. Facts that cannot become rows (no date for a
measure) are quarantined with their table. Provenance: ``_file``/``_row`` of the document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.errors import ConfigError, Problem
from oncorwd.ingest.sources.base import DirectOutput, SourceReader

__all__ = ["READER", "ReportsReader", "parse_document_date"]

_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M")


def parse_document_date(text: str | None) -> dt.date | None:
    """The date of a document (ISO or French), None when absent or unreadable."""
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


class ReportsReader(SourceReader):
    """``format: reports`` (see :class:`oncorwd.ingest.spec.ReportsSource`)."""

    format = "reports"
    direct = True

    def open(self) -> None:
        from oncorwd.ingest.sources.csv import CsvReader
        from oncorwd.ingest.sources.parquet import ParquetReader
        from oncorwd.ingest.spec import CsvSource, ParquetSource

        path = self.config.path
        if path.endswith(".parquet"):
            self._inner: SourceReader = ParquetReader(
                self.name, ParquetSource(format="parquet", path=path), self.spec)
        else:
            self._inner = CsvReader(self.name, CsvSource(format="csv", path=path), self.spec)
        self._inner.open()
        self._columns = self._inner.columns()
        self.account = self._inner.account
        self.account.format = self.format
        wanted = [self.config.id_column, self.config.patient_column, self.config.date_column,
                  self.config.text_column]
        for label, names in self._columns.items():
            missing = [c for c in wanted if c not in names]
            if missing:
                raise ConfigError(f"source {self.name}: {label} has no column(s) "
                                  f"{', '.join(missing)}", hint="set id_column, patient_column, "
                                  "date_column and text_column to the report file's columns",
                                  source=self.name, file=label, columns=missing)

    def direct_tables(self) -> DirectOutput:
        try:
            from oncorwd.ingest.nlp import Document, extract
        except ImportError as e:  # edsnlp missing from this install
            raise ConfigError(f"source {self.name}: report NLP is not available ({e})",
                              hint="install oncorwd with its NLP dependencies (edsnlp)") from None
        docs, where, problems = [], {}, []
        kind = "5" if self.config.external else "4"
        for raw in self._inner.batches():
            for row in raw.data.to_pylist():
                doc_id, patient = row[self.config.id_column], row[self.config.patient_column]
                text = row[self.config.text_column]
                if not (doc_id and patient and text):
                    problems.append(Problem("", row["_row"], None, doc_id, "required",
                                            "document without id, patient or text",
                                            file=row["_file"]))
                    continue
                where[doc_id] = (row["_file"], row["_row"])
                docs.append(Document(doc_id, patient, text,
                                     parse_document_date(row[self.config.date_column]),
                                     source_type=kind))
        out = extract(docs).tables() if docs else None
        return _output(out, where, self.name, problems)


def _located(table: pa.Table, where: dict[str, tuple[str, int]], source: str) -> pa.Table:
    docs = table.column("source_document").to_pylist() if table.num_rows else []
    files = [where.get(d, (None, None))[0] for d in docs]
    rows = [where.get(d, (None, None))[1] for d in docs]
    return (table.append_column("_source", pa.array([source] * len(docs), pa.string()))
            .append_column("_file", pa.array(files, pa.string()))
            .append_column("_row", pa.array(rows, pa.int64())))


def _output(out: Any, where: dict[str, tuple[str, int]], source: str,
            problems: list[Problem]) -> DirectOutput:
    if out is None:
        return DirectOutput({}, problems)
    tables = {name: _located(t, where, source) for name, t in out.tables.items()
              if name != "cancer_tnm" and t.num_rows}
    for p in out.problems:
        doc_id = p.message.split(":", 1)[0]
        file, row = where.get(doc_id, (None, None))
        problems.append(Problem(p.table, row, p.field, p.value, p.rule, p.message, file=file))
    updates = {}
    tnm = out.tables.get("cancer_tnm")
    if tnm is not None and tnm.num_rows and "patient_id" in tnm.column_names:
        updates["cancer"] = tnm.filter(pc.is_valid(tnm.column("patient_id")))
    return DirectOutput(tables, problems, updates)


READER = ReportsReader

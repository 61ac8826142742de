"""Readers for source formats whose module exposes a function rather than a ``READER``.

``osiris_v1``: :func:`oncorwd.ingest.sources.osiris_v1.read_osiris_v1` migrates a folder of
OSIRIS v1.1.05 pivot files into OSIRIS RWD tables with its own quarantine and accounting. This
adapter makes it a *direct* source: its tables join the pipeline at the code step (provenance:
the folder, no row number), and its quarantine records come along without a table (they are
about pivot rows, accounted per pivot file in the source's ``details``). When the module
exposes ``READER`` itself, that one is used instead.
"""

from __future__ import annotations

import pyarrow as pa

from oncorwd.errors import Problem
from oncorwd.ingest.sources.base import DirectOutput, SourceReader

__all__ = ["ADAPTERS", "OsirisV1Reader"]


class OsirisV1Reader(SourceReader):
    """``format: osiris_v1`` (see :class:`oncorwd.ingest.spec.OsirisV1Source`)."""

    format = "osiris_v1"
    direct = True

    def open(self) -> None:
        from oncorwd.errors import ConfigError

        self._folder = self.spec.resolve(self.config.path)
        if not self._folder.is_dir():
            raise ConfigError(f"source {self.name}: {self._folder} is not a folder",
                              hint="give the folder holding the OSIRIS_pivot_*.csv files")
        self.account.files.append(self.relative(self._folder))

    def direct_tables(self) -> DirectOutput:
        from oncorwd.ingest.sources.osiris_v1 import read_osiris_v1

        migration = read_osiris_v1(self._folder, site_id=self.spec.site.site_id)
        label = self.relative(self._folder)
        tables = {}
        for name, table in migration.tables.items():
            if table.num_rows == 0:
                continue
            n = table.num_rows
            tables[name] = (table.append_column("_source", pa.array([self.name] * n))
                            .append_column("_file", pa.array([label] * n))
                            .append_column("_row", pa.nulls(n, pa.int64())))
        problems = [Problem("", r.row, r.column, r.value, r.rule, r.message,
                            file=f"{label}/OSIRIS_pivot_{r.file}.csv")
                    for r in migration.quarantine]
        accounts = migration.accounting.values()
        self.account.rows = sum(a.rows_read for a in accounts)
        self.account.malformed = sum(r.rule == "malformed_row" for r in migration.quarantine)
        self.account.details = {a.file: {"rows_read": a.rows_read, "migrated": a.migrated,
                                         "quarantined": a.quarantined,
                                         "out_of_scope": a.out_of_scope} for a in accounts}
        return DirectOutput(tables, problems)


ADAPTERS: dict[str, type[SourceReader]] = {"osiris_v1": OsirisV1Reader}

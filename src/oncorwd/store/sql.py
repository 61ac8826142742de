"""Behaviour shared by the SQL engines (DuckDB, PostgreSQL): one transaction per load.

Atomicity comes from the database: the whole load — every table's rows and the catalog row
that lists the version — is one transaction. A failed load rolls back; a killed one never
commits, so its rows are invisible to every reader and the engine reclaims them. Readers only
ever select versions listed in ``_oncorwd_versions``.

The meta and catalog tables are declared here as data and rendered with the dictionary's
engine type table, like the OSIRIS RWD tables. Identifiers come from the dictionary (and a
validated schema name); values always travel as parameters, Arrow scans or COPY.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, ClassVar

import pyarrow as pa

from oncorwd import __version__
from oncorwd.dictionary import SCHEMA_VERSION, load_dictionary
from oncorwd.dictionary.ddl import create_table_sql
from oncorwd.dictionary.model import Entity, LogicalType
from oncorwd.dictionary.physical import ENGINE_TYPES, columns
from oncorwd.store.base import LoadTransaction, Store, VersionInfo

__all__ = ["CATALOG", "CATALOG_TABLE", "META", "META_TABLE", "SqlLoad", "SqlStore"]

META_TABLE = "_oncorwd_meta"
CATALOG_TABLE = "_oncorwd_versions"

#: (column, logical type, nullable): the store's own bookkeeping tables, rendered per engine.
META: tuple[tuple[str, LogicalType, bool], ...] = (
    ("key", "string", False),
    ("value", "string", False),
)
CATALOG: tuple[tuple[str, LogicalType, bool], ...] = (
    ("version", "integer", False),
    ("created_at", "timestamp", False),
    ("site_id", "string", False),
    ("fingerprint", "string", False),
    ("row_counts", "string", False),
    ("note", "string", True),
    ("schema_version", "integer", False),
)


class SqlLoad(LoadTransaction):
    """A load inside one open transaction of a :class:`SqlStore`."""

    def __init__(self, store: SqlStore, version: int) -> None:
        self.store = store
        self.version = version

    def write(self, entity: Entity, table: pa.Table) -> None:
        self.store._insert(entity, table)

    def integrity_rows(self, sql: str) -> list[tuple[int, str | None, str | None]]:
        return [(int(r[0]), r[1], r[2]) for r in self.store._rows(sql)]

    def commit(self, info: VersionInfo) -> None:
        s = self.store
        names = [c[0] for c in CATALOG]
        values = [info.version, info.created_at.replace(tzinfo=None), info.site_id,
                  info.fingerprint, json.dumps(info.row_counts), info.note, info.schema_version]
        s._execute(f"INSERT INTO {s._prefix}{CATALOG_TABLE} ({', '.join(names)}) "
                   f"VALUES ({', '.join([s.param] * len(names))})", values)


class SqlStore(Store):
    """A store in a SQL database; subclasses provide connection-level primitives."""

    #: Parameter placeholder of the driver (``?`` for DuckDB, ``%s`` for psycopg).
    param: ClassVar[str]
    #: Collation clause so rows come back in byte order of the key on every engine.
    key_collation: ClassVar[str] = ""
    #: Extra ``information_schema`` condition (DuckDB lists every attached database there).
    info_filter: ClassVar[str] = ""

    @property
    def _prefix(self) -> str:
        """Qualifier for the store's tables (``"site_a."``, or ``""`` for DuckDB's main)."""
        return f"{self._namespace}." if self.url.schema else ""

    @property
    @abstractmethod
    def _namespace(self) -> str:
        """The schema holding the store's tables (as ``information_schema`` names it)."""

    # --- connection primitives ---------------------------------------------------------------

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """BEGIN … COMMIT, rolled back if the block raises."""

    @abstractmethod
    def _insert(self, entity: Entity, table: pa.Table) -> None:
        """Bulk-append one prepared batch (Arrow scan, COPY): never row by row."""

    def _lock_for_load(self) -> None:
        """Inside the load transaction: keep other writers out until commit."""

    def _create_namespace(self) -> None:
        """Create the schema holding the store's tables, if the engine has one."""

    # --- schema ------------------------------------------------------------------------------

    def _own_table_sql(self, name: str, spec: tuple[tuple[str, LogicalType, bool], ...],
                       key: str) -> str:
        types = ENGINE_TYPES[self.engine]
        cols = [f"{c} {types[t]}{'' if nullable else ' NOT NULL'}" for c, t, nullable in spec]
        return (f"CREATE TABLE IF NOT EXISTS {self._prefix}{name} "
                f"({', '.join(cols)}, PRIMARY KEY ({key}))")

    def _has_table(self, name: str) -> bool:
        found = self._rows(
            "SELECT count(*) FROM information_schema.tables "
            f"WHERE {self.info_filter}table_schema = {self.param} AND table_name = {self.param}",
            [self._namespace, name])
        return bool(found[0][0])

    def _existing_columns(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for table, column in self._rows(
                "SELECT table_name, column_name FROM information_schema.columns "
                f"WHERE {self.info_filter}table_schema = {self.param}", [self._namespace]):
            found.setdefault(table, set()).add(column)
        return found

    def _recorded_schema_version(self) -> int | None:
        if not self._has_table(META_TABLE):
            return None
        found = self._rows(f"SELECT value FROM {self._prefix}{META_TABLE} "
                           f"WHERE key = {self.param}", ["schema_version"])
        return int(found[0][0]) if found else None

    def _create_or_upgrade(self) -> None:
        with self._transaction():
            self._create_namespace()
            schema = self.url.schema
            for entity in load_dictionary().entities:
                self._execute(create_table_sql(entity, self.engine, schema))
            self._execute(self._own_table_sql(META_TABLE, META, "key"))
            self._execute(self._own_table_sql(CATALOG_TABLE, CATALOG, "version"))
            self._add_missing_columns()
            for key, value in (("schema_version", str(SCHEMA_VERSION)),
                               ("oncorwd_version", __version__)):
                self._execute(f"DELETE FROM {self._prefix}{META_TABLE} WHERE key = {self.param}",
                              [key])
                self._execute(f"INSERT INTO {self._prefix}{META_TABLE} (key, value) "
                              f"VALUES ({self.param}, {self.param})", [key, value])

    def _add_missing_columns(self) -> None:
        """Upgrade: columns declared since the store was created are added (nullable)."""
        existing = self._existing_columns()
        types = ENGINE_TYPES[self.engine]
        for entity in load_dictionary().entities:
            have = existing.get(entity.name, set())
            for c in columns(entity):
                if c.name not in have:
                    self._execute(f"ALTER TABLE {self._prefix}{entity.name} "
                                  f"ADD COLUMN {c.name} {types[c.type]}")

    # --- versions ----------------------------------------------------------------------------

    def _catalog(self) -> list[VersionInfo]:
        names = [c[0] for c in CATALOG]
        rows = self._rows(f"SELECT {', '.join(names)} FROM {self._prefix}{CATALOG_TABLE} "
                          "ORDER BY version")
        out = []
        for row in rows:
            d = dict(zip(names, row, strict=True))
            d["row_counts"] = json.loads(d["row_counts"])
            out.append(VersionInfo.from_dict(d))
        return out

    @contextmanager
    def _begin_load(self) -> Iterator[LoadTransaction]:
        with self._transaction():
            self._lock_for_load()
            found = self._rows(f"SELECT coalesce(max(version), 0) + 1 "
                               f"FROM {self._prefix}{CATALOG_TABLE}")
            yield SqlLoad(self, int(found[0][0]))

    def _integrity_prefix(self) -> str:
        return self._prefix

    def _select_sql(self, entity: Entity, version: int, cols: list[str]) -> str:
        """Rows of one version in key order; ``version`` is an int from the catalog."""
        return (f"SELECT {', '.join(cols)} FROM {self._prefix}{entity.name} "
                f"WHERE data_version = {int(version)} ORDER BY {entity.key}{self.key_collation}")

    def _view_sql(self, entity: Entity, version: int, qualified: str) -> str:
        """A temporary view named like the entity showing one version of its table."""
        return (f"CREATE TEMPORARY VIEW {entity.name} AS SELECT * FROM {qualified} "
                f"WHERE data_version = {int(version)}")

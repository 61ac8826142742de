"""Spark (local mode) over Parquet: the distributed engine.

Layout of a store directory::

    _oncorwd_versions.json        the manifest: schema version + committed versions (the truth)
    .oncorwd.lock                 flock held by the one process loading
    versions/<n>/<table>/         Parquet written by Spark, one directory per table
    _staging/<n>/<table>/         prepared Arrow batches written by pyarrow during a load

A load writes version ``n`` beside the committed ones, then replaces the manifest atomically
(temp file, fsync, ``os.replace``) only after every table is written and checked. A version
absent from the manifest does not exist: readers never look at it, and the next load deletes
its leftovers. PySpark is imported, and the JVM started, only when a store needs Spark;
listing versions reads the manifest alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from oncorwd import __version__
from oncorwd.dictionary import SCHEMA_VERSION, arrow_schema, load_dictionary
from oncorwd.dictionary.model import Entity
from oncorwd.dictionary.physical import columns, engine_type
from oncorwd.errors import EngineUnavailableError, StoreCorruptError, StoreLockedError
from oncorwd.store.base import LoadTransaction, Store, VersionInfo
from oncorwd.store.url import StoreURL

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["MANIFEST", "SPARK_CONF", "SparkStore", "spark_session"]

MANIFEST = "_oncorwd_versions.json"
LOCK_FILE = ".oncorwd.lock"

#: Session settings: local, loopback only, no UI, few shuffle partitions, Arrow transfers.
SPARK_CONF: dict[str, str] = {
    "spark.master": "local[2]",
    "spark.app.name": "oncorwd",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}

_session: SparkSession | None = None


def spark_session() -> SparkSession:
    """The process's one SparkSession, started on first use and reused by every store."""
    global _session
    if _session is not None:
        return _session
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise EngineUnavailableError("PySpark is not installed",
                                     hint="install the extra: pip install 'oncorwd[spark]'") from e
    builder = SparkSession.builder
    for key, value in SPARK_CONF.items():
        builder = builder.config(key, value)
    try:
        _session = builder.getOrCreate()
    except Exception as e:
        raise EngineUnavailableError(f"cannot start Spark: {e}",
                                     hint="Spark needs Java 17 or later on PATH (or JAVA_HOME)"
                                     ) from e
    _session.sparkContext.setLogLevel("ERROR")
    return _session


def _spark_schema(entity: Entity) -> str:
    """The entity's columns as a Spark DDL schema string (types from ``ENGINE_TYPES``)."""
    return ", ".join(f"{c.name} {engine_type(c, 'spark')}" for c in columns(entity))


def _fsync_tree(root: Path) -> None:
    for path in [*root.rglob("*"), root]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class SparkLoad(LoadTransaction):
    """Version ``n`` being written under ``versions/<n>``; invisible until :meth:`commit`."""

    def __init__(self, store: SparkStore, version: int) -> None:
        self.store = store
        self.version = version
        self.target = store.root / "versions" / str(version)
        self.staging = store.root / "_staging" / str(version)
        self._writer: pq.ParquetWriter | None = None

    def write(self, entity: Entity, table: pa.Table) -> None:
        if self._writer is None:
            folder = self.staging / entity.name
            folder.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(folder / "part-00000.parquet", table.schema)
        self._writer.write_table(table)

    def end_table(self, entity: Entity, rows: int) -> None:
        """Spark rewrites the staged batches as the version's table (pyarrow writes an empty
        table directly: no job for nothing)."""
        out = self.target / entity.name
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if rows:
            staged = self.store.session.read.schema(_spark_schema(entity))
            staged.parquet(str(self.staging / entity.name)).write.mode("overwrite").parquet(
                str(out))
            shutil.rmtree(self.staging / entity.name)
        else:
            out.mkdir(parents=True, exist_ok=True)
            pq.write_table(arrow_schema(entity).empty_table(), out / "part-00000.parquet")

    def integrity_rows(self, sql: str) -> list[tuple[int, str | None, str | None]]:
        session = self.store.session.newSession()
        for entity in load_dictionary().entities:
            self.store.table_frame(session, entity, self.target).createOrReplaceTempView(
                entity.name)
        return [(int(r[0]), r[1], r[2]) for r in session.sql(sql).collect()]

    def commit(self, info: VersionInfo) -> None:
        _fsync_tree(self.target)
        manifest = self.store.manifest() or self.store.new_manifest()
        manifest["versions"].append(info.as_dict())
        self.store.write_manifest(manifest)

    def discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        shutil.rmtree(self.target, ignore_errors=True)


class SparkStore(Store):
    """A site store in a directory of Parquet versions, queried with Spark SQL."""

    engine = "spark"
    text_type = "STRING"

    def __init__(self, url: StoreURL) -> None:
        super().__init__(url)
        assert url.path is not None
        self.root = url.path
        if self.root.exists() and not self.root.is_dir():
            raise StoreCorruptError(f"{self.root} is a file, not a Spark store directory",
                                    path=str(self.root))
        self._query_session: SparkSession | None = None
        self._view_version: int | None = None
        self._check_schema_version()

    @property
    def session(self) -> SparkSession:
        return spark_session()

    # --- manifest ----------------------------------------------------------------------------

    def manifest(self) -> dict[str, Any] | None:
        """The committed state, or None for a directory that is not (yet) a store."""
        path = self.root / MANIFEST
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            raise StoreCorruptError(f"{path} is not a readable store manifest: {e}",
                                    path=str(path)) from e
        if not isinstance(data, dict) or not isinstance(data.get("versions"), list):
            raise StoreCorruptError(f"{path} is not an oncorwd store manifest", path=str(path))
        return data

    @staticmethod
    def new_manifest() -> dict[str, Any]:
        return {"store": "oncorwd", "schema_version": SCHEMA_VERSION,
                "oncorwd_version": __version__, "versions": []}

    def write_manifest(self, data: dict[str, Any]) -> None:
        """Replace the manifest atomically: readers see the old or the new one, never half."""
        path = self.root / MANIFEST
        tmp = path.with_name(f".{MANIFEST}.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Exclusive writer lock (released by the OS if the process dies)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise StoreLockedError(f"another process is writing to the store {self.root}",
                                       hint="wait for its load to finish, then retry",
                                       path=str(self.root)) from e
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # --- engine contract ---------------------------------------------------------------------

    def _recorded_schema_version(self) -> int | None:
        manifest = self.manifest()
        return None if manifest is None else int(manifest["schema_version"])

    def _create_or_upgrade(self) -> None:
        """Parquet needs no DDL: a column added later reads as null in older versions."""
        with self._locked():
            manifest = self.manifest() or self.new_manifest()
            manifest.update(schema_version=SCHEMA_VERSION, oncorwd_version=__version__)
            self.write_manifest(manifest)

    def _catalog(self) -> list[VersionInfo]:
        manifest = self.manifest() or self.new_manifest()
        return [VersionInfo.from_dict(v) for v in manifest["versions"]]

    def _remove_leftovers(self, committed: set[int]) -> None:
        shutil.rmtree(self.root / "_staging", ignore_errors=True)
        versions = self.root / "versions"
        if versions.is_dir():
            for child in versions.iterdir():
                if not (child.name.isdigit() and int(child.name) in committed):
                    shutil.rmtree(child, ignore_errors=True)

    @contextlib.contextmanager
    def _begin_load(self) -> Iterator[LoadTransaction]:
        with self._locked():
            committed = {v.version for v in self._catalog()}
            self._remove_leftovers(committed)
            load = SparkLoad(self, max(committed, default=0) + 1)
            try:
                yield load
            except BaseException:
                load.discard()
                raise
            finally:
                shutil.rmtree(self.root / "_staging", ignore_errors=True)

    def table_frame(self, session: SparkSession, entity: Entity, version_dir: Path
                    ) -> DataFrame:
        """One table of one version as a DataFrame typed by the dictionary (empty when the
        version predates the table)."""
        folder = version_dir / entity.name
        if not folder.is_dir():
            return session.createDataFrame([], _spark_schema(entity))
        return session.read.schema(_spark_schema(entity)).parquet(str(folder))

    def _read(self, entity: Entity, version: int, columns: list[str]) -> pa.Table:
        folder = self.root / "versions" / str(version)
        if not (folder / entity.name).is_dir():  # a table declared after this version
            return arrow_schema(entity).empty_table().select(columns)
        frame = self.table_frame(self.session, entity, folder)
        result: pa.Table = frame.select(*columns).orderBy(entity.key).toArrow()
        return result

    def _query(self, sql: str, params: Sequence[Any] | None, version: int) -> pa.Table:
        if self._query_session is None:
            self._query_session = self.session.newSession()
        session = self._query_session
        if self._view_version != version:
            folder = self.root / "versions" / str(version)
            for entity in load_dictionary().entities:
                self.table_frame(session, entity, folder).createOrReplaceTempView(entity.name)
            self._view_version = version
        result: pa.Table = session.sql(sql, args=list(params) if params else None).toArrow()
        return result

    def close(self) -> None:
        """Forget this store's views; the shared SparkSession stays up for the process."""
        self._query_session = None
        self._view_version = None

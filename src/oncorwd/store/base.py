"""What every site store does, whatever the engine.

A store holds *data versions* of the OSIRIS RWD tables side by side. ``load`` adds version
``n + 1`` atomically — every table or none — and only then lists it; readers see committed
versions only. The load pipeline (check names, stream batches, validate, set ``data_version``,
fingerprint, cross-table rules, progress) lives here once; an engine adapter supplies the few
primitives in :class:`Store`'s abstract methods and a :class:`LoadTransaction`.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from types import TracebackType
from typing import Any, ClassVar

import pyarrow as pa

from oncorwd import __version__
from oncorwd.dictionary import SCHEMA_VERSION, arrow_schema, load_dictionary
from oncorwd.dictionary.model import Entity
from oncorwd.errors import (
    Problem,
    SchemaVersionError,
    StoreError,
    ValidationFailed,
    VersionNotFoundError,
)
from oncorwd.store import prepare as prep
from oncorwd.store.url import StoreURL

__all__ = ["LoadTransaction", "ProgressCallback", "Store", "VersionInfo"]

#: ``on_progress(table, rows)``: called once per table, in dictionary order, after it is written.
ProgressCallback = Callable[[str, int], None]

#: Problems kept for one failed load (the total is always counted).
MAX_PROBLEMS = 1000


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One committed data version: what was loaded, when, for which site."""

    version: int
    created_at: dt.datetime
    site_id: str
    fingerprint: str
    row_counts: dict[str, int] = field(hash=False)
    note: str | None
    schema_version: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (``created_at`` as ISO 8601 UTC)."""
        d = asdict(self)
        d["created_at"] = self.created_at.isoformat()
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> VersionInfo:
        created = d["created_at"]
        if isinstance(created, str):
            created = dt.datetime.fromisoformat(created)
        if created.tzinfo is None:
            created = created.replace(tzinfo=dt.UTC)
        return cls(int(d["version"]), created, str(d["site_id"]), str(d["fingerprint"]),
                   {str(k): int(v) for k, v in dict(d["row_counts"]).items()},
                   d.get("note"), int(d["schema_version"]))


class LoadTransaction(ABC):
    """One load in progress on one engine: nothing it writes is visible before :meth:`commit`.

    The engine's ``_begin_load`` context manager creates it, and discards everything written
    if the block exits with an exception (or the process dies before ``commit``).
    """

    version: int

    @abstractmethod
    def write(self, entity: Entity, table: pa.Table) -> None:
        """Append one prepared batch (schema = ``arrow_schema(entity)``, version set)."""

    def end_table(self, entity: Entity, rows: int) -> None:  # noqa: B027 - optional hook
        """Called once per entity after its last batch (also for empty tables)."""

    @abstractmethod
    def integrity_rows(self, sql: str) -> list[tuple[int, str | None, str | None]]:
        """Run the cross-table rules query over the version being written."""

    @abstractmethod
    def commit(self, info: VersionInfo) -> None:
        """Record ``info`` in the catalog and make the version visible, atomically."""


class _Unchanged(Exception):
    """Raised inside a load transaction to roll it back when nothing changed (control flow
    only: it never escapes ``load``)."""

    def __init__(self, info: VersionInfo) -> None:
        self.info = info


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0

    def add(self, problems: Sequence[Problem], total: int) -> None:
        self.items.extend(problems[: max(0, MAX_PROBLEMS - len(self.items))])
        self.total += total

    def raise_if_any(self) -> None:
        if self.total:
            raise ValidationFailed(self.items, total=self.total)


class Store(ABC):
    """A site store on one engine. Open with :func:`oncorwd.store.open_store`.

    Contract: ``versions()`` lists committed versions only, oldest first; ``read`` and
    ``query`` see one committed version (latest by default); a failed or killed ``load``
    leaves the store as it was.
    """

    engine: ClassVar[str]
    #: Text type used by the cross-table rules query (``VARCHAR``, ``TEXT``, ``STRING``).
    text_type: ClassVar[str]

    def __init__(self, url: StoreURL) -> None:
        self.url = url

    # --- engine contract -------------------------------------------------------------------

    @abstractmethod
    def _recorded_schema_version(self) -> int | None:
        """The schema version stored in the meta table, None if the store is not initialised."""

    @abstractmethod
    def _create_or_upgrade(self) -> None:
        """Create missing tables and columns, then record :data:`SCHEMA_VERSION`."""

    @abstractmethod
    def _catalog(self) -> list[VersionInfo]:
        """Committed versions, oldest first (store initialised)."""

    @abstractmethod
    def _begin_load(self) -> AbstractContextManager[LoadTransaction]:
        """Start a load: lock writers out, pick the next version number."""

    @abstractmethod
    def _read(self, entity: Entity, version: int, columns: list[str]) -> pa.Table:
        """Rows of one committed version, ordered by the entity key."""

    @abstractmethod
    def _query(self, sql: str, params: Sequence[Any] | None, version: int) -> pa.Table:
        """Run engine SQL where each entity name is a view of ``version``."""

    @abstractmethod
    def close(self) -> None:
        """Release connections and locks (idempotent)."""

    def release_memory(self) -> None:  # noqa: B027 - optional hook, no-op by default
        """Drop the table data this process's engine keeps cached from earlier reads.

        An embedded engine keeps every block it read until it reaches its memory limit, so a
        long scan in pieces (the OMOP export reads the store chunk by chunk) would grow with
        the store rather than with a piece; calling this between pieces keeps it flat. Nothing
        to do for server engines (the default).
        """

    # --- schema ----------------------------------------------------------------------------

    def _check_schema_version(self) -> int | None:
        recorded = self._recorded_schema_version()
        if recorded is not None and recorded > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.url.display} has store schema version {recorded}, newer than this "
                f"oncorwd ({__version__}) understands ({SCHEMA_VERSION})",
                hint="upgrade oncorwd to read this store", path=self.url.display,
                recorded=recorded, supported=SCHEMA_VERSION)
        return recorded

    def _require_current(self) -> bool:
        """True when the store has a current schema; False when it was never initialised."""
        recorded = self._check_schema_version()
        if recorded is not None and recorded < SCHEMA_VERSION:
            raise StoreError(
                f"{self.url.display} has store schema version {recorded}, older than "
                f"{SCHEMA_VERSION}", hint="run `oncorwd store init` (Store.init()) to upgrade it")
        return recorded is not None

    def init(self) -> None:
        """Create the store's schema, or upgrade an older one (idempotent)."""
        self._check_schema_version()
        self._create_or_upgrade()

    # --- load ------------------------------------------------------------------------------

    def load(self, tables: Mapping[str, prep.TableSource], *, site_id: str,
             note: str | None = None, on_progress: ProgressCallback | None = None,
             validated: bool | Collection[str] = False) -> VersionInfo:
        """Load a new data version: every table or none.

        ``tables`` maps entity names to Arrow tables, readers or Parquet paths; missing
        entities are loaded empty. Raises ``StoreError`` for unknown names before anything is
        written and ``ValidationFailed`` with every problem found (nothing is loaded then).
        Idempotent: content identical to the latest version (same fingerprint, same site) adds
        no version and returns the latest one.

        ``validated`` (True: every table; or a collection of table names) says those tables are
        already exactly what :func:`~oncorwd.dictionary.validate.prepare_batch` returns (ingest's
        validate step made them): their batches are only cast to the store schema, not
        validated again. The cross-table rules and the fingerprint run whatever ``validated``.
        Keep the default unless the producer ran the dictionary's rules itself.
        """
        sources = prep.resolve_sources(tables)
        trusted = prep.trusted_tables(validated)
        if self._check_schema_version() != SCHEMA_VERSION:
            self._create_or_upgrade()
        previous = self.latest()
        try:
            with self._begin_load() as tx:
                info = self._write_version(tx, sources, site_id, note, on_progress, trusted)
                if (previous is not None and previous.fingerprint == info.fingerprint
                        and previous.site_id == site_id):
                    raise _Unchanged(previous)
                tx.commit(info)
        except _Unchanged as same:
            return same.info
        return info

    def _write_version(self, tx: LoadTransaction, sources: Mapping[str, prep.TableSource],
                       site_id: str, note: str | None,
                       on_progress: ProgressCallback | None,
                       trusted: Collection[str] = ()) -> VersionInfo:
        fingerprint, problems = prep.Fingerprint(), _Problems()
        counts: dict[str, int] = {}
        for entity in load_dictionary().entities:
            counts[entity.name] = self._write_table(
                tx, entity, sources.get(entity.name), site_id, fingerprint, problems,
                entity.name in trusted)
            if on_progress is not None and not problems.total:
                on_progress(entity.name, counts[entity.name])
        problems.raise_if_any()
        filled = [name for name, rows in counts.items() if rows]
        sql = prep.integrity_sql(tx.version, self._integrity_prefix(), self.text_type, filled)
        if sql is not None:
            found = prep.integrity_problems(tx.integrity_rows(sql))
            problems.add(found, len(found))
            problems.raise_if_any()
        return VersionInfo(tx.version, dt.datetime.now(dt.UTC), site_id,
                           fingerprint.hexdigest(), counts, note, SCHEMA_VERSION)

    def _write_table(self, tx: LoadTransaction, entity: Entity,
                     source: prep.TableSource | None, site_id: str,
                     fingerprint: prep.Fingerprint, problems: _Problems,
                     trusted: bool = False) -> int:
        """Stream one table into ``tx``; after a problem, keep validating but stop writing."""
        fingerprint.table(entity)
        rows = 0
        for chunk in prep.batches(source):
            try:
                prepared = (prep.conform(entity, chunk) if trusted
                            else prep.prepare(entity, chunk, site_id, rows))
            except ValidationFailed as e:
                problems.add(e.problems, e.total)
                prepared = None
            rows += chunk.num_rows
            if prepared is None or problems.total:
                continue
            fingerprint.batch(prepared)
            tx.write(entity, prep.with_version(prepared, tx.version))
        if not problems.total:
            tx.end_table(entity, rows)
        return rows

    def _integrity_prefix(self) -> str:
        """Prefix for table names in the cross-table rules (``"site_a."`` or ``""``)."""
        return ""

    # --- read ------------------------------------------------------------------------------

    def versions(self) -> list[VersionInfo]:
        """Committed versions, oldest first (empty for a new store)."""
        return self._catalog() if self._check_schema_version() is not None else []

    def latest(self) -> VersionInfo | None:
        found = self.versions()
        return found[-1] if found else None

    def version_info(self, version: int | None = None) -> VersionInfo:
        """The committed version asked for (latest by default); ``VersionNotFoundError`` if
        it does not exist or was never committed."""
        found = self.versions() if self._require_current() else []
        if not found:
            raise VersionNotFoundError(f"{self.url.display} holds no data version yet",
                                  hint="load one with `oncorwd store load`", version=version)
        if version is None:
            return found[-1]
        for v in found:
            if v.version == version:
                return v
        raise VersionNotFoundError(f"no committed data version {version} in {self.url.display}",
                              hint="committed versions: " + ", ".join(str(v.version)
                                                                     for v in found),
                              version=version)

    def read(self, table: str, version: int | None = None,
             columns: list[str] | None = None) -> pa.Table:
        """One table of one committed version (latest by default), ordered by its key, typed
        exactly as ``arrow_schema(entity)`` (restricted to ``columns`` if given)."""
        entity = _entity(table)
        schema = arrow_schema(entity)
        wanted = list(schema.names) if columns is None else list(columns)
        unknown = [c for c in wanted if c not in schema.names]
        if unknown:
            raise StoreError(f"{table} has no column(s) {', '.join(unknown)}", table=table,
                             columns=unknown)
        info = self.version_info(version)
        target = pa.schema([schema.field(c) for c in wanted])
        if info.row_counts.get(table) == 0:  # nothing to ask the engine
            return target.empty_table()
        return self._read(entity, info.version, wanted).cast(target)

    def row_counts(self, version: int | None = None) -> dict[str, int]:
        """Rows per table of a committed version, as recorded at load."""
        return dict(self.version_info(version).row_counts)

    def query(self, sql: str, params: Sequence[Any] | None = None, *,
              version: int | None = None) -> pa.Table:
        """Run engine-native SQL (for the cohort engine and analytics) and return Arrow.

        Each entity name (``patient``, ``cancer``…) is a view of one committed version, latest
        by default, on every engine, so the same compiled SQL runs everywhere. Read only.
        """
        return self._query(sql, params, self.version_info(version).version)

    def info(self) -> dict[str, Any]:
        """Engine, location, schema version, versions and the latest version's row counts."""
        found = self.versions()
        latest = found[-1] if found else None
        return {
            "engine": self.engine,
            "location": self.url.display,
            "schema_version": self._recorded_schema_version(),
            "versions": len(found),
            "latest_version": latest.version if latest else None,
            "row_counts": dict(latest.row_counts) if latest else {},
        }

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url.display}>"


def _entity(name: str) -> Entity:
    try:
        return load_dictionary().entity(name)
    except KeyError:
        names = ", ".join(e.name for e in load_dictionary().entities)
        raise StoreError(f"unknown table {name!r}", hint=f"store tables are: {names}",
                         table=name) from None


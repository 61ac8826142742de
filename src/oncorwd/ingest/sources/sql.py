"""SQL queries on any database SQLAlchemy reaches (the hospital warehouse, a PMSI base).

``url`` is a SQLAlchemy URL; ``${VAR}`` is replaced by the environment variable (so passwords
stay out of the spec), and ``postgresql://`` uses the psycopg 3 driver. ``open`` connects and
runs the query once to learn its columns, so an unreachable server, a wrong password or a
broken query is a :class:`ConfigError` before anything is read, naming the URL with its
password masked and what to check. Rows stream through a server-side cursor in batches; values
become text as a person reads them. ``_file`` is the masked URL, ``_row`` the 1-based position
in the query result (give the query an ``ORDER BY`` for stable row numbers).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from oncorwd.errors import ConfigError
from oncorwd.ingest.sources.base import (
    BATCH_ROWS,
    RawBatch,
    SourceReader,
    as_text_table,
    python_text,
    with_provenance,
)

__all__ = ["READER", "SqlReader", "expand_env", "mask_url"]

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def expand_env(url: str, source: str = "") -> str:
    """Replace each ``${VAR}``; an unset variable is a ``ConfigError`` naming it."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ConfigError(f"source {source}: environment variable {name} is not set "
                              "(used in the SQL URL)", hint=f"export {name}=… before running",
                              source=source, variable=name)
        return os.environ[name]

    return _ENV.sub(value, url)


def mask_url(url: str) -> str:
    """The URL with its password replaced by ``***``."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _driver_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    return f"{_DRIVERS.get(scheme, scheme)}{sep}{rest}" if sep else url


def _first_line(e: Exception) -> str:
    text = str(getattr(e, "orig", None) or e)
    return text.strip().splitlines()[0] if text.strip() else type(e).__name__


def _rows_table(keys: list[str], rows: list[Any]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in keys]
    arrays = []
    for values in columns:
        try:
            arrays.append(pa.array(list(values)))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            arrays.append(pa.array([python_text(v) for v in values], pa.string()))
    if not rows:
        arrays = [pa.array([], pa.string()) for _ in keys]
    return as_text_table(pa.table(arrays, names=keys))


class SqlReader(SourceReader):
    """``format: sql`` (see :class:`oncorwd.ingest.spec.SqlSource`)."""

    format = "sql"

    def open(self) -> None:
        from sqlalchemy import text

        self._url = _driver_url(expand_env(self.config.url, self.name))
        self._label = mask_url(self._url)
        engine = self._engine()
        try:
            with engine.connect() as conn:
                result = conn.execution_options(stream_results=True).execute(
                    text(self.config.query))
                keys = list(map(str, result.keys()))
                result.close()
        except Exception as e:
            raise self._failure(e) from None
        finally:
            engine.dispose()
        self._columns[self._label] = keys
        self.account.files.append(self._label)

    def _engine(self) -> Any:
        from sqlalchemy import create_engine
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        args = {"connect_timeout": 10} if self._url.startswith("postgresql+psycopg") else {}
        try:
            return create_engine(self._url, connect_args=args)
        except (ArgumentError, NoSuchModuleError, ValueError) as e:
            raise ConfigError(f"source {self.name}: invalid database URL {self._label}: "
                              f"{_first_line(e)}", hint="e.g. postgresql://user:${PGPASSWORD}"
                              "@host:5432/db", source=self.name, url=self._label) from None

    def _failure(self, e: Exception) -> ConfigError:
        from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

        if isinstance(e, OperationalError | InterfaceError) and not _is_query_error(e):
            return ConfigError(
                f"source {self.name}: cannot connect to {self._label}: {_first_line(e)}",
                hint="check the host and port, that the server runs and accepts connections "
                     "from this machine (firewall, pg_hba.conf), the user and password, and "
                     "the database name", source=self.name, url=self._label)
        what = "query failed" if isinstance(e, DBAPIError) else "cannot read"
        return ConfigError(f"source {self.name}: {what} on {self._label}: {_first_line(e)}",
                           hint="run the query in a SQL client to fix it",
                           source=self.name, url=self._label)

    def batches(self) -> Iterator[RawBatch]:
        from sqlalchemy import text

        engine, first = self._engine(), 1
        try:
            with engine.connect() as conn:
                result = conn.execution_options(stream_results=True,
                                                yield_per=BATCH_ROWS).execute(
                    text(self.config.query))
                keys = list(map(str, result.keys()))
                for part in result.partitions():
                    table = _rows_table(keys, list(part))
                    yield RawBatch(with_provenance(table, self.name, self._label, first))
                    first += table.num_rows
                    self.account.rows += table.num_rows
        except Exception as e:
            if isinstance(e, ConfigError):
                raise
            raise self._failure(e) from None
        finally:
            engine.dispose()


def _is_query_error(e: Exception) -> bool:
    """psycopg reports some query errors as OperationalError; the SQLSTATE class tells."""
    state = getattr(getattr(e, "orig", None), "sqlstate", None) or ""
    return bool(state) and not state.startswith("08")


READER = SqlReader

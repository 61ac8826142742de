"""PostgreSQL schema created with the official OMOP 5.4 DDL, primary and foreign keys ON.

The schema (``?schema=name``, default ``omop``) must not exist or be empty. The official
``ddl``, ``primary_keys`` and ``constraints`` scripts run first, so every row is checked as it
arrives. Batches go in with ``COPY`` (CSV written by Arrow, no Python row loop). The vocabulary
tables reference each other in a cycle (a concept's domain is a DOMAIN row whose own concept is a
CONCEPT row), so they are copied into temporary staging tables and inserted by ONE statement
(data-modifying CTEs): PostgreSQL checks the foreign keys at the end of that statement.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pyarrow as pa
import pyarrow.csv as pacsv

from oncorwd.convert.omop import ddl
from oncorwd.convert.omop.writers.base import Writer
from oncorwd.errors import ConversionError, EngineUnavailableError

__all__ = ["PostgresWriter"]


def _split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    schema = query.pop("schema", ["omop"])[0]
    rest = urlencode({k: v[0] for k, v in query.items()})
    return urlunsplit(parts._replace(scheme="postgresql", query=rest)), schema


class PostgresWriter(Writer):
    def __init__(self, url: str) -> None:
        self.url, self.schema = _split(url)
        self._conn: object = None

    def open(self) -> None:
        import psycopg
        from psycopg import sql

        try:
            self._conn = conn = psycopg.connect(self.url, connect_timeout=10)
        except psycopg.OperationalError as e:
            raise EngineUnavailableError(f"cannot reach PostgreSQL for the OMOP export: {e}",
                                         hint="check the URL and that the server runs") from e
        found = conn.execute("SELECT count(*) FROM information_schema.tables "
                             "WHERE table_schema = %s", [self.schema]).fetchone()
        if found and found[0]:
            raise ConversionError(f"schema {self.schema!r} already holds tables",
                                  hint="export into a new schema (?schema=name)",
                                  schema=self.schema)
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
            sql.Identifier(self.schema)))
        quoted = sql.Identifier(self.schema).as_string(conn)
        for name in ("ddl", "primary_keys", "constraints"):
            conn.execute(ddl.script("pg", name, quoted))
        conn.commit()

    def _copy(self, target: str, batch: pa.Table) -> None:
        buf = io.BytesIO()
        pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=False))
        cols = ", ".join(batch.column_names)
        conn: Any = self._conn
        with conn.cursor() as cur, cur.copy(
                f"COPY {target} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buf.getvalue())

    def write_vocabulary(self, tables: Mapping[str, pa.Table]) -> None:
        conn: Any = self._conn
        for name, table in tables.items():
            conn.execute(f"CREATE TEMP TABLE stg_{name} (LIKE {self._q(name)})")
            self._copy(f"stg_{name}", table)
        ctes = ", ".join(f"i_{n} AS (INSERT INTO {self._q(n)} SELECT * FROM stg_{n})"
                         for n in list(tables)[:-1])
        last = list(tables)[-1]
        self._run(f"WITH {ctes} INSERT INTO {self._q(last)} SELECT * FROM stg_{last}",
                  "vocabulary")

    def _q(self, table: str) -> str:
        return f'"{self.schema}".{table}'

    def _run(self, statement: str, table: str) -> None:
        import psycopg

        try:
            self._conn.execute(statement)  # type: ignore[attr-defined]
        except psycopg.errors.IntegrityError as e:
            raise ConversionError(f"OMOP {table}: constraint violated in PostgreSQL: {e}",
                                  table=table) from e

    def write(self, table: str, batch: pa.Table) -> None:
        import psycopg

        try:
            self._copy(self._q(table), batch)
        except psycopg.errors.IntegrityError as e:
            raise ConversionError(f"OMOP {table}: constraint violated in PostgreSQL: {e}",
                                  table=table) from e

    def close(self) -> None:
        if self._conn is not None:
            self._conn.commit()  # type: ignore[attr-defined]
            self._conn.close()  # type: ignore[attr-defined]
            self._conn = None

    def abort(self) -> None:
        if self._conn is not None:
            self._conn.rollback()  # type: ignore[attr-defined]
            self._conn.close()  # type: ignore[attr-defined]
            self._conn = None

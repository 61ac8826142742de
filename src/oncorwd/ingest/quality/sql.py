"""Portable SQL for the quality report, and the one object that runs it on a store version.

Every query of the report goes through :class:`Runner` (``store.query`` on one committed data
version, where each table name is a view of that version). The SQL is written to run unchanged
on DuckDB and PostgreSQL: ``CASE`` instead of boolean aggregates, ``date - date`` for day
differences, ``GREATEST``, window functions, ``LIMIT``, no ``::`` casts. Identifiers come from
the dictionary; the only literals are dictionary codes and dates, quoted by :func:`lit`.

Partial dates are compared with their *uncertainty*: a date known to the month (``M``) was
imputed to the 15th and may be 16 days off; a year-only date (``Y``) was imputed to 1 July and
may be 184 days off. :func:`earliest` and :func:`latest` give the bounds, so a chronology rule
only fails when the order is certainly wrong — imputation never creates a violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from oncorwd.store import Store

__all__ = [
    "Runner",
    "certainly_before",
    "earliest",
    "in_list",
    "latest",
    "lit",
    "slack",
]


class Runner:
    """Runs report SQL on one committed version of a store and returns plain Python rows."""

    def __init__(self, store: Store, version: int) -> None:
        self.store = store
        self.version = version
        self.row_counts = store.row_counts(version)

    def rows(self, sql: str) -> list[dict[str, Any]]:
        """All rows of ``sql`` as dicts (column name -> Python value)."""
        return self.store.query(sql, version=self.version).to_pylist()

    def one(self, sql: str) -> dict[str, Any]:
        """The single row of an aggregate query."""
        found = self.rows(sql)
        return found[0] if found else {}

    def has_rows(self, table: str) -> bool:
        """Whether ``table`` holds rows in this version (recorded at load: no query)."""
        return self.row_counts.get(table, 0) > 0


def lit(value: str | int | float | dt.date) -> str:
    """A SQL literal for a trusted value (dictionary code, number, date)."""
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def in_list(values: Iterable[str | int | float]) -> str:
    """``(v1, v2, …)`` for an ``IN`` predicate."""
    return "(" + ", ".join(lit(v) for v in values) + ")"


def slack(date_col: str) -> str:
    """SQL: days the imputed date ``date_col`` may be off, from its ``_precision`` column."""
    return (f"(CASE {date_col}_precision WHEN 'D' THEN 0 WHEN 'M' THEN 16 "
            f"ELSE 184 END)")


def earliest(date_col: str) -> str:
    """SQL: the earliest day the partial date ``date_col`` can be."""
    return f"(CAST({date_col} AS DATE) - {slack(date_col)})"


def latest(date_col: str) -> str:
    """SQL: the latest day the partial date ``date_col`` can be."""
    return f"(CAST({date_col} AS DATE) + {slack(date_col)})"


def certainly_before(a: str, b: str, days: int = 0) -> str:
    """SQL: partial date ``a`` is more than ``days`` days before ``b``, whatever the unknown
    parts are (both must be present)."""
    return f"(({earliest(b)} - {latest(a)}) > {int(days)})"

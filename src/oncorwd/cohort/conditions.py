"""One condition (operator + operands) on one column, as a sqlglot predicate.

Every predicate is two-valued: it is TRUE or FALSE, never NULL, so ``not`` and ``any`` mean
what a reader expects. A NULL value matches only ``unknown`` (``not_in``/``ne`` do not match
unknown values; wrap in ``not`` to include them). Operands become literals built by sqlglot
(``exp.Literal``, ``CAST('…' AS DATE)``), never text pasted into SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlglot import exp

from oncorwd.cohort.catalog import SET_SEPARATOR
from oncorwd.cohort.model import Condition, Window

__all__ = ["add_days", "condition_sql", "literal", "prefix_or_equal", "window_sql"]

#: Builds the anchor date expression of a window (context-dependent joins).
AnchorFn = Callable[[Window], exp.Expr]


def literal(value: Any, type_: str = "") -> exp.Expr:
    """A SQL literal for a Python value (dates as ``CAST('YYYY-MM-DD' AS DATE)``)."""
    if isinstance(value, bool):
        return exp.true() if value else exp.false()
    if type_ == "date" or isinstance(value, dt.date):
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        dt.date.fromisoformat(text)  # only ever a real date
        return exp.cast(exp.Literal.string(text), exp.DataType.build("DATE"))
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    return exp.Literal.string(str(value))


def add_days(date: exp.Expr, days: int) -> exp.Expr:
    """``date`` plus ``days`` (negative: minus), rendered per dialect by sqlglot."""
    if days == 0:
        return date
    return exp.DateAdd(this=date.copy(), expression=exp.Literal.number(days),
                       unit=exp.var("DAY"))


def window_sql(date: exp.Expr, anchor: exp.Expr, w: Window) -> exp.Expr:
    """``date`` within ``w`` days of ``anchor`` (both known, bounds inclusive)."""
    parts: list[exp.Expr] = [exp.Not(this=exp.Is(this=date.copy(), expression=exp.null())),
                                   exp.Not(this=exp.Is(this=anchor.copy(),
                                                       expression=exp.null()))]
    if w.start_days is not None:
        parts.append(exp.GTE(this=date.copy(), expression=add_days(anchor, w.start_days)))
    if w.end_days is not None:
        parts.append(exp.LTE(this=date.copy(), expression=add_days(anchor, w.end_days)))
    return exp.and_(*parts)


def prefix_or_equal(col: exp.Expr, pattern: str) -> exp.Expr:
    """``C34*`` → the first 3 characters are ``C34``; ``C34.1`` → equal."""
    if pattern.endswith("*"):
        stem = pattern[:-1]
        return exp.EQ(this=exp.Substring(this=col.copy(), start=exp.Literal.number(1),
                                         length=exp.Literal.number(len(stem))),
                      expression=exp.Literal.string(stem))
    return exp.EQ(this=col.copy(), expression=exp.Literal.string(pattern))


def _set_contains(col: exp.Expr, element: str) -> exp.Expr:
    """The ``+``-joined set in ``col`` holds ``element`` (or a code starting with its stem)."""
    sep = exp.Literal.string(SET_SEPARATOR)
    if element.endswith("*"):
        haystack: exp.Expr = exp.DPipe(this=sep, expression=col.copy())
        needle = SET_SEPARATOR + element[:-1]
    else:
        haystack = exp.DPipe(this=exp.DPipe(this=sep, expression=col.copy()), expression=sep)
        needle = SET_SEPARATOR + element + SET_SEPARATOR
    return exp.GT(this=exp.StrPosition(this=haystack, substr=exp.Literal.string(needle)),
                  expression=exp.Literal.number(0))


def _known(col: exp.Expr) -> exp.Expr:
    return exp.Not(this=exp.Is(this=col.copy(), expression=exp.null()))


def _compare(col: exp.Expr, c: Condition, type_: str) -> exp.Expr:
    lit = (lambda v: literal(v, type_))  # noqa: E731 - a local shorthand
    op = c.op
    if op in ("eq", "ne", "gt", "ge", "lt", "le"):
        cls = {"eq": exp.EQ, "ne": exp.NEQ, "gt": exp.GT, "ge": exp.GTE, "lt": exp.LT,
               "le": exp.LTE}[op]
        return cls(this=col.copy(), expression=lit(c.value))
    if op in ("in", "not_in"):
        test = exp.In(this=col.copy(), expressions=[lit(v) for v in c.values or []])
        return test if op == "in" else exp.Not(this=test)
    if op == "between":
        parts: list[exp.Expr] = []
        if c.min is not None:
            parts.append(exp.GTE(this=col.copy(), expression=lit(c.min)))
        if c.max is not None:
            parts.append(exp.LTE(this=col.copy(), expression=lit(c.max)))
        return exp.and_(*parts)
    if op == "matches":
        return exp.or_(*[prefix_or_equal(col, str(v)) for v in c.values or []])
    if op == "contains_any":
        return exp.or_(*[_set_contains(col, str(v)) for v in c.values or []])
    if op == "contains_all":
        return exp.and_(*[_set_contains(col, str(v)) for v in c.values or []])
    raise AssertionError(f"operator {op} reached _compare")  # validate.py refuses it earlier


def condition_sql(col: exp.Expr, c: Condition, type_: str,
                  anchor: AnchorFn | None = None) -> exp.Expr:
    """The two-valued predicate of ``c`` on ``col`` (a column of value type ``type_``)."""
    if c.op == "known":
        return _known(col)
    if c.op == "unknown":
        return exp.Is(this=col.copy(), expression=exp.null())
    if c.op == "within":
        assert c.window is not None and anchor is not None
        return window_sql(col, anchor(c.window), c.window)
    return exp.and_(_known(col), exp.paren(_compare(col, c, type_), copy=False))

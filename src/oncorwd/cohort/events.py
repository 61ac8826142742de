"""Event criteria as SQL: the matching event rows, then one aggregate row per key.

Each event criterion becomes one CTE ``ev_<i>`` keyed by ``k`` — the patient (``scope:
patient``), the cancer (``scope: cancer``), or the cohort row (``cancer_id`` of
``cohort_variables``) when its window needs the row's index date or another anchor:

- ``occurrence: any`` → ``n`` (events in the window), ``d`` (the earliest of them, or the
  latest when the criterion is an anchor with ``occurrence: last``);
- ``occurrence: first|last`` → ``d``, the first/last matching event, whose window is checked
  in the main query.

Events without a date count only for criteria without a window.
"""

from __future__ import annotations

from sqlglot import exp

from oncorwd.cohort.catalog import EVENTS, EventSource
from oncorwd.cohort.conditions import condition_sql
from oncorwd.cohort.model import EventCriterion

__all__ = ["event_date_sql", "event_rows"]


def event_date_sql(source: EventSource, alias: str = "e") -> exp.Expr:
    """The event's date: the one date column, or the earliest non-NULL of several
    (``LEAST`` over ``COALESCE`` rotations, which behaves alike on every engine)."""
    cols: list[exp.Expr] = [exp.column(c, alias) for c in source.dates]
    if source.timestamp:
        cols = [exp.cast(c, exp.DataType.build("DATE")) for c in cols]
    if len(cols) == 1:
        return cols[0]
    rotations = [exp.Coalesce(this=cols[i].copy(),
                              expressions=[c.copy() for c in cols[i + 1:] + cols[:i]])
                 for i in range(len(cols))]
    return exp.Least(this=rotations[0], expressions=rotations[1:])


def _fixed(source: EventSource, alias: str) -> list[exp.Expr]:
    return [exp.EQ(this=exp.column(col, alias), expression=exp.Literal.string(value))
            for col, value in source.fixed]


def event_rows(c: EventCriterion) -> exp.Select:
    """``SELECT patient_id, cancer_id, event_date`` of the rows matching ``c.where``."""
    if c.event == "line":
        return _line_rows(c)
    source = EVENTS[c.event]
    cancer: exp.Expr = (exp.column("cancer_id", "e") if source.has_cancer
                              else exp.cast(exp.null(), exp.DataType.build("VARCHAR")))
    conds = _fixed(source, "e") + [
        condition_sql(exp.column(source.fields[w.field].column, "e"), w,
                      source.fields[w.field].type) for w in c.where]
    select = exp.select(exp.column("patient_id", "e"), exp.alias_(cancer, "cancer_id"),
                        exp.alias_(event_date_sql(source), "event_date")
                        ).from_(exp.table_(source.table, alias="e"))
    return select.where(exp.and_(*conds)) if conds else select


def _line_rows(c: EventCriterion) -> exp.Select:
    """One row per (cancer, treatment line), dated by the line's first administration; an
    ``atc`` condition holds when any drug of the line satisfies it."""
    source = EVENTS["line"]
    line = exp.column("treatment_line", "e")
    having: list[exp.Expr] = []
    conds: list[exp.Expr] = [exp.Not(this=exp.Is(this=line, expression=exp.null())),
                                   exp.Not(this=exp.Is(this=exp.column("cancer_id", "e"),
                                                       expression=exp.null()))]
    for w in c.where:
        f = source.fields[w.field]
        test = condition_sql(exp.column(f.column, "e"), w, f.type)
        if w.field == "number":
            conds.append(test)
        else:
            hit = exp.Case(ifs=[exp.If(this=test, true=exp.Literal.number(1))],
                           default=exp.Literal.number(0))
            having.append(exp.EQ(this=exp.Max(this=hit), expression=exp.Literal.number(1)))
    select = (exp.select(exp.column("patient_id", "e"), exp.column("cancer_id", "e"),
                         exp.alias_(exp.Min(this=exp.column("administration_date", "e")),
                                    "event_date"))
              .from_(exp.table_("drug_administration", alias="e"))
              .where(exp.and_(*conds))
              .group_by(exp.column("patient_id", "e"), exp.column("cancer_id", "e"),
                        line.copy()))
    return select.having(exp.and_(*having)) if having else select

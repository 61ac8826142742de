"""Compile a definition into sqlglot expressions, then SQL for DuckDB, PostgreSQL or Spark.

A pure function: no database is touched. The compiled cohort has three queries over the store's
tables (entity names, the committed version's views at run time):

- ``members``: ``patient_id, cancer_id, index_date`` of the rows in the cohort;
- ``count``: ``n`` distinct patients (a ``SELECT DISTINCT`` subquery, faster than DuckDB's
  ``count(DISTINCT …)``);
- ``attrition``: one row, ``n_0 … n_k`` distinct patients left after each step.

Shape of ``members``::

    WITH idx AS (…)             -- only for index dates computed from events
       , ev_1 AS (…), ev_2 AS (…)  -- one aggregate per event criterion (see events.py)
    SELECT cv.patient_id, cv.cancer_id, <index date> AS index_date
    FROM cohort_variables AS cv LEFT JOIN idx … LEFT JOIN ev_1 … LEFT JOIN ev_2 …
    WHERE <eligible> AND <index date known> AND <follow-up> AND <rule 1> AND … AND NOT <excl>

Eligible rows: the patient's index cancer (unless ``cancer: all``), of a patient who does not
object to reuse. Ingest already leaves objectors out of the wide table, but the compiled SQL
keeps that true whatever loaded the store: an anti-join against only the objectors (``obj``:
the ``non_opposition = 'N'`` rows, ~2 % of patients) — ``LEFT JOIN obj … WHERE obj.patient_id IS
NULL``, the same rows as a correlated ``NOT EXISTS`` but a hash join whose build side is the
small set, on every engine.

``members`` and ``count`` first narrow the wide table to ``cand`` (the rows passing every step
that tests only the row's own columns, projecting only the columns used later), so the event
aggregates join a few thousand candidates instead of every row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from oncorwd.cohort import support
from oncorwd.cohort.catalog import variables
from oncorwd.cohort.conditions import add_days, condition_sql, prefix_or_equal, window_sql
from oncorwd.cohort.events import event_rows
from oncorwd.cohort.model import (
    AllOf,
    AnyOf,
    AtLeastOf,
    CohortDefinition,
    Criterion,
    EventAnchor,
    EventCriterion,
    NotOf,
    VariableAnchor,
    VariableCriterion,
    Window,
)
from oncorwd.cohort.validate import check_definition, walk

__all__ = ["CompiledCohort", "Step", "compile_cohort"]

CV = "cv"
OBJ = "obj"


@dataclass(frozen=True, slots=True)
class Step:
    """One line of the attrition table: its name and the predicate of the rows it keeps."""

    name: str
    kind: str  # eligibility | index | follow_up | inclusion | exclusion
    keep: exp.Expr


@dataclass(frozen=True)
class CompiledCohort:
    """The compiled queries of one definition (engine-neutral until rendered)."""

    definition: CohortDefinition
    steps: tuple[Step, ...]
    members: exp.Select
    count: exp.Select
    attrition: exp.Select
    features: frozenset[str] = field(default_factory=frozenset)

    def sql(self, engine: str = "duckdb", query: str = "members", *, pretty: bool = False
            ) -> str:
        """The SQL of ``query`` (members, count, attrition) for ``engine``; raises
        ``UnsupportedCriterion`` if the definition uses something ``engine`` cannot run."""
        support.check(self.features, engine)
        expression: exp.Expr = getattr(self, query)
        return expression.sql(dialect=support.DIALECTS[engine], pretty=pretty)


def _is_null(e: exp.Expr) -> exp.Expr:
    return exp.Is(this=e, expression=exp.null())


def _not_null(e: exp.Expr) -> exp.Expr:
    return exp.Not(this=_is_null(e))


class _Compiler:
    """Builds the CTEs, joins and step predicates of one definition.

    With ``restrict`` (the predicates of the steps that only test columns of the row), a
    ``cand`` CTE holds the rows passing them and every event aggregate is computed for those
    candidates only: at 10 M patients the event joins then touch a few thousand rows instead
    of all. Only valid when every step is ANDed (members, count), not for attrition.
    """

    def __init__(self, d: CohortDefinition, restrict: list[exp.Expr] | None = None) -> None:
        self.d = d
        self.restrict = restrict
        self.ctes: list[tuple[str, exp.Select]] = []
        self.joins: dict[str, exp.Expr] = {}  # alias -> ON of the main query's joins
        self.events: dict[int, tuple[str, str]] = {}  # id(criterion) -> (cte, key kind)
        self.by_id: dict[str, EventCriterion] = {}
        self.index = self._index_date()
        self.ctes.append((OBJ, _objectors()))
        obj_on = exp.EQ(this=exp.column("patient_id", OBJ), expression=exp.column("patient_id", CV))
        if restrict is None:
            self.joins[OBJ] = obj_on
        else:  # cand's projection is set by finish(), once every later use is known
            cand = exp.select().from_(exp.table_("cohort_variables", alias=CV))
            for alias, on in {**self.joins, OBJ: obj_on}.items():
                cand = cand.join(exp.table_(alias, alias=alias), on=on, join_type="LEFT")
            self.ctes.append(("cand", cand.where(exp.and_(*[r.copy() for r in restrict]))))
        for rule in (*d.inclusion, *d.exclusion):
            for node, _, _ in walk(rule.criterion, ""):
                if isinstance(node, EventCriterion) and node.id:
                    self.by_id[node.id] = node

    # --- index date ------------------------------------------------------------------------

    def _index_date(self) -> exp.Expr:
        ix = self.d.index_date
        if ix.kind == "diagnosis":
            return exp.column("diagnosis_date", CV)
        if ix.kind == "first_metastasis":
            return exp.column("metastatic_disease_date", CV)
        if ix.kind == "line_start" and ix.line in (1, 2):
            return exp.column(f"line{ix.line}_start_date", CV)
        e = exp.column
        if ix.kind == "line_start":
            cond: exp.Expr = exp.EQ(this=e("treatment_line", "e"),
                                          expression=exp.Literal.number(ix.line))
        else:
            cond = exp.or_(*[prefix_or_equal(e("atc_code", "e"), a) for a in ix.atc or []])
        idx = (exp.select(e("cancer_id", "e"),
                          exp.alias_(exp.Min(this=e("administration_date", "e")), "index_date"))
               .from_(exp.table_("drug_administration", alias="e"))
               .where(exp.and_(_not_null(e("cancer_id", "e")), cond))
               .group_by(e("cancer_id", "e")))
        self.ctes.append(("idx", idx))
        self.joins["idx"] = exp.EQ(this=e("cancer_id", "idx"), expression=e("cancer_id", CV))
        return e("index_date", "idx")

    def _row_from(self, joins: dict[str, exp.Expr]) -> exp.Select:
        """``FROM cohort_variables cv`` with the index join and ``joins`` (LEFT JOINs)."""
        table = "cand" if self.restrict is not None else "cohort_variables"
        select = exp.select().from_(exp.table_(table, alias=CV))
        for alias, on in joins.items():
            select = select.join(exp.table_(alias, alias=alias), on=on, join_type="LEFT")
        return select

    # --- anchors and events ----------------------------------------------------------------

    def _anchor(self, w: Window, joins: dict[str, exp.Expr]) -> exp.Expr:
        """The anchor date of ``w`` in a row context, adding the joins it needs."""
        if "idx" in self.joins:
            joins.setdefault("idx", self.joins["idx"])
        ref = w.relative_to
        if ref == "index":
            return self.index.copy()
        if isinstance(ref, VariableAnchor):
            return exp.column(ref.variable, CV)
        assert isinstance(ref, EventAnchor)
        cte, key = self._event(self.by_id[ref.event])
        joins.setdefault(cte, self._on(cte, key))
        return exp.column("d", cte)

    @staticmethod
    def _on(cte: str, key: str) -> exp.Expr:
        row_col = {"row": "cancer_id", "cancer": "cancer_id", "patient": "patient_id"}[key]
        return exp.EQ(this=exp.column("k", cte), expression=exp.column(row_col, CV))

    def _event(self, c: EventCriterion) -> tuple[str, str]:
        """The CTE of ``c`` (built once, after the CTEs it depends on)."""
        if id(c) in self.events:
            return self.events[id(c)]
        rows = exp.Subquery(this=event_rows(c), alias=exp.TableAlias(this=exp.to_identifier("e")))
        date = exp.column("event_date", "e")
        last = c.occurrence == "last"
        agg_d = exp.alias_(exp.Max(this=date) if last else exp.Min(this=date), "d")
        if c.occurrence == "any" and c.window is not None:
            joins: dict[str, exp.Expr] = {}
            anchor = self._anchor(c.window, joins)
            link = "cancer_id" if c.scope == "cancer" else "patient_id"
            select = self._row_from(joins).join(
                rows, on=exp.EQ(this=exp.column(link, "e"), expression=exp.column(link, CV)))
            conds = [window_sql(date, anchor, c.window)]
            if self.d.cancer == "index":
                conds.insert(0, exp.column("is_index_cancer", CV).eq(exp.true()))
            key_col, key = exp.column("cancer_id", CV), "row"
            select = select.where(exp.and_(*conds))
        else:
            key = c.scope
            key_col = exp.column("cancer_id" if key == "cancer" else "patient_id", "e")
            select = exp.select().from_(rows)
            nonnull = [_not_null(key_col)]
            if self.restrict is not None:
                row_key = "cancer_id" if key == "cancer" else "patient_id"
                nonnull.append(key_col.copy().isin(query=exp.select(
                    exp.column(row_key)).from_("cand")))
            if c.occurrence != "any":
                nonnull.append(_not_null(date))
            select = select.where(exp.and_(*nonnull))
        select = select.select(exp.alias_(key_col, "k"),
                               exp.alias_(exp.Count(this=exp.Star()), "n"), agg_d)
        name = f"ev_{len([n for n, _ in self.ctes if n.startswith('ev_')]) + 1}"
        self.ctes.append((name, select.group_by(key_col.copy())))
        self.events[id(c)] = (name, key)
        return name, key

    # --- criteria --------------------------------------------------------------------------

    def criterion(self, c: Criterion) -> exp.Expr:
        """The two-valued predicate of ``c`` in the main query (adds its joins)."""
        if isinstance(c, VariableCriterion):
            info = variables()[c.variable]
            return condition_sql(exp.column(c.variable, CV), c, info.type,
                                 lambda w: self._anchor(w, self.joins))
        if isinstance(c, EventCriterion):
            return self._event_predicate(c)
        if isinstance(c, AllOf):
            return exp.and_(*[exp.paren(self.criterion(x)) for x in c.all])
        if isinstance(c, AnyOf):
            return exp.paren(exp.or_(*[exp.paren(self.criterion(x)) for x in c.any]))
        if isinstance(c, NotOf):
            return exp.Not(this=exp.paren(self.criterion(c.not_)))
        assert isinstance(c, AtLeastOf)
        ones = [exp.Case(ifs=[exp.If(this=self.criterion(x), true=exp.Literal.number(1))],
                         default=exp.Literal.number(0)) for x in c.of]
        total: exp.Expr = ones[0]
        for one in ones[1:]:
            total = exp.Add(this=total, expression=one)
        return exp.GTE(this=exp.paren(total), expression=exp.Literal.number(c.at_least))

    def _event_predicate(self, c: EventCriterion) -> exp.Expr:
        cte, key = self._event(c)
        self.joins.setdefault(cte, self._on(cte, key))
        if c.occurrence != "any":
            d = exp.column("d", cte)
            if c.window is None:
                return _not_null(d)
            return window_sql(d, self._anchor(c.window, self.joins), c.window)
        n = exp.column("n", cte)
        count = c.count
        if count is None or count.at_least is not None:
            k = 1 if count is None or count.at_least is None else count.at_least
            return _not_null(n) if k <= 1 else exp.and_(
                _not_null(n), exp.GTE(this=n.copy(), expression=exp.Literal.number(k)))
        if count.at_most is not None:
            return exp.paren(exp.or_(_is_null(n), exp.LTE(
                this=n.copy(), expression=exp.Literal.number(count.at_most))))
        assert count.exactly is not None
        if count.exactly == 0:
            return _is_null(n)
        return exp.and_(_not_null(n), exp.EQ(this=n.copy(),
                                             expression=exp.Literal.number(count.exactly)))

    # --- steps and queries -----------------------------------------------------------------

    def steps(self) -> list[Step]:
        cv = exp.column
        eligible: list[exp.Expr] = [_is_null(cv("patient_id", OBJ))]
        if self.d.cancer == "index":
            eligible.insert(0, cv("is_index_cancer", CV).eq(exp.true()))
        out = [Step("eligible rows (non-objecting patients"
                    + (", index cancer)" if self.d.cancer == "index" else ", every cancer)"),
                    "eligibility", exp.and_(*eligible)),
               Step(f"index date known ({self.d.index_date.kind})", "index",
                    _not_null(self.index.copy()))]
        if self.d.follow_up_days is not None:
            end = exp.Coalesce(this=cv("death_date", CV),
                               expressions=[cv("last_known_alive_date", CV)])
            out.append(Step(f"follow-up of at least {self.d.follow_up_days} days after index",
                            "follow_up", exp.and_(_not_null(end), exp.GTE(
                                this=end, expression=add_days(self.index,
                                                              self.d.follow_up_days)))))
        out += [Step(r.name, "inclusion", self.criterion(r.criterion)) for r in self.d.inclusion]
        out += [Step(r.name, "exclusion", exp.Not(this=exp.paren(self.criterion(r.criterion))))
                for r in self.d.exclusion]
        return out

    def with_ctes(self, select: exp.Select) -> exp.Select:
        for name, cte in self.ctes:
            select = select.with_(name, as_=cte)
        return select

    def finish(self, *queries: exp.Expr) -> None:
        """Project in ``cand`` only the row columns that the event CTEs and ``queries`` read
        (the wide table has ~170 columns; a definition reads a handful)."""
        used = {"patient_id", "cancer_id"}
        for tree in (*[c for n, c in self.ctes if n != "cand"], *queries):
            used |= {c.name for c in tree.find_all(exp.Column) if c.table == CV}
        for name, cte in self.ctes:
            if name == "cand":
                cte.select(*[exp.column(c, CV) for c in sorted(used)], copy=False)


def _objectors() -> exp.Select:
    """The patients who object to reuse: the build side of the eligibility anti-join."""
    o = exp.column
    return (exp.select(o("patient_id", "o")).from_(exp.table_("non_opposition", alias="o"))
            .where(exp.EQ(this=o("non_opposition", "o"), expression=exp.Literal.string("N"))))


def _ordered(steps: list[Step]) -> list[exp.Expr]:
    """The WHERE conjuncts, cheapest and most selective first: plain column tests before
    the objector anti-join test and event joins (engines short-circuit and push column
    filters into the scan)."""
    def tables(e: exp.Expr) -> set[str]:
        return {c.table for c in e.find_all(exp.Column)}
    return sorted((s.keep for s in steps),
                  key=lambda e: (any(t.startswith("ev_") for t in tables(e)), OBJ in tables(e)))


def _plain(e: exp.Expr) -> bool:
    """True when a step tests only columns of the row (no event aggregate)."""
    return not any(c.table.startswith("ev_") for c in e.find_all(exp.Column))


def _attrition(full: _Compiler, steps: list[Step]) -> exp.Select:
    """``n_i`` = patients with a row passing steps 0…i: one flag per step and patient (a
    ``GROUP BY`` of the rows), then plain counts of the flags — DuckDB's ``count(DISTINCT …)``
    per step is many times slower, and the flags give the same counts on every engine."""
    patient = exp.column("patient_id", CV)
    flags, kept = [], []
    for i, step in enumerate(steps):
        kept.append(exp.paren(step.keep.copy()))
        when = exp.Case(ifs=[exp.If(this=exp.and_(*[k.copy() for k in kept]),
                                    true=exp.Literal.number(1))])
        flags.append(exp.alias_(exp.Max(this=when), f"s_{i}"))
    per_patient = (full._row_from(full.joins).select(*flags)
                   .where(_not_null(patient)).group_by(patient.copy()))
    return exp.select(*[exp.alias_(exp.Count(this=exp.column(f"s_{i}", "a")), f"n_{i}")
                        for i in range(len(steps))]).from_(
        exp.Subquery(this=per_patient, alias=exp.TableAlias(this=exp.to_identifier("a"))))


def compile_cohort(d: CohortDefinition) -> CompiledCohort:
    """Compile ``d`` (validated again here: compile never trusts its input)."""
    check_definition(d)
    full = _Compiler(d)
    steps = full.steps()
    attrition = full.with_ctes(_attrition(full, steps))
    plain = [s.keep for s in steps if _plain(s.keep)]
    comp = _Compiler(d, restrict=_ordered([Step("", "", p) for p in plain]))
    rest = [s for s in comp.steps() if not _plain(s.keep)]
    base = comp._row_from(comp.joins)
    where = _ordered(rest)
    members = base.copy().select(exp.column("patient_id", CV), exp.column("cancer_id", CV),
                                 exp.alias_(comp.index.copy(), "index_date"))
    distinct = base.copy().select(exp.column("patient_id", CV)).distinct()
    if where:
        members, distinct = members.where(exp.and_(*where)), distinct.where(exp.and_(*where))
    count = exp.select(exp.alias_(exp.Count(this=exp.Star()), "n")).from_(
        exp.Subquery(this=distinct, alias=exp.TableAlias(this=exp.to_identifier("m"))))
    comp.finish(members, distinct)
    return CompiledCohort(d, tuple(steps), comp.with_ctes(members), comp.with_ctes(count),
                          attrition, support.features(d))

"""The criterion × engine support table: which language feature runs on which engine.

Declared as data; the compiler refuses (``UnsupportedCriterion``) to render a definition that
uses a feature its target engine lacks, instead of emitting SQL that would be wrong, and
``docs/cohort.md`` shows the table generated from :data:`SUPPORT` (:func:`support_markdown`).
Every feature runs on the three store engines today: each construct compiles to portable SQL
(``SUBSTRING`` prefixes, ``STRPOS`` set membership, ``LEAST`` over ``COALESCE`` rotations,
sqlglot's per-dialect date arithmetic) checked by the conformance suite on all three.
"""

from __future__ import annotations

from oncorwd.cohort.catalog import EVENTS, OPERATORS
from oncorwd.cohort.model import (
    AllOf,
    AnyOf,
    AtLeastOf,
    CohortDefinition,
    EventAnchor,
    EventCriterion,
    NotOf,
    VariableAnchor,
    VariableCriterion,
)
from oncorwd.errors import UnsupportedCriterion

__all__ = ["DIALECTS", "ENGINES", "SUPPORT", "check", "features", "support_markdown"]

#: Store engine -> sqlglot dialect.
DIALECTS: dict[str, str] = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}
ENGINES = tuple(DIALECTS)

_OPS = sorted({op for ops in OPERATORS.values() for op in ops})

#: feature -> engines that run it. Feature names: ``op:<operator>``, ``event:<kind>``,
#: ``bool:<node>``, ``window:<anchor>``, ``occurrence:<kind>``, ``count:<kind>``,
#: ``index:<kind>``, ``scope:<kind>``, ``follow_up``, ``cancer:<kind>``.
SUPPORT: dict[str, frozenset[str]] = {
    **{f"op:{op}": frozenset(ENGINES) for op in _OPS},
    **{f"event:{kind}": frozenset(ENGINES) for kind in EVENTS},
    **{f"bool:{n}": frozenset(ENGINES) for n in ("all", "any", "not", "at_least")},
    **{f"window:{a}": frozenset(ENGINES) for a in ("index", "event", "variable")},
    **{f"occurrence:{o}": frozenset(ENGINES) for o in ("any", "first", "last")},
    **{f"count:{k}": frozenset(ENGINES) for k in ("at_least", "at_most", "exactly")},
    **{f"index:{k}": frozenset(ENGINES)
       for k in ("diagnosis", "line_start", "first_drug", "first_metastasis")},
    **{f"scope:{s}": frozenset(ENGINES) for s in ("patient", "cancer")},
    "follow_up": frozenset(ENGINES),
    **{f"cancer:{c}": frozenset(ENGINES) for c in ("index", "all")},
}


def _window_feature(ref: object) -> str:
    if isinstance(ref, EventAnchor):
        return "window:event"
    return "window:variable" if isinstance(ref, VariableAnchor) else "window:index"


def features(d: CohortDefinition) -> frozenset[str]:
    """Every feature ``d`` uses."""
    from oncorwd.cohort.validate import walk

    out = {f"index:{d.index_date.kind}", f"cancer:{d.cancer}"}
    if d.follow_up_days is not None:
        out.add("follow_up")
    for rule in (*d.inclusion, *d.exclusion):
        for node, _, _ in walk(rule.criterion, ""):
            if isinstance(node, VariableCriterion):
                out.add(f"op:{node.op}")
                if node.window is not None:
                    out.add(_window_feature(node.window.relative_to))
            elif isinstance(node, EventCriterion):
                out |= {f"event:{node.event}", f"occurrence:{node.occurrence}",
                        f"scope:{node.scope}", *(f"op:{w.op}" for w in node.where)}
                if node.count is not None:
                    out.add("count:" + next(k for k in ("at_least", "at_most", "exactly")
                                            if getattr(node.count, k) is not None))
                if node.window is not None:
                    out.add(_window_feature(node.window.relative_to))
            else:
                out.add("bool:" + {AllOf: "all", AnyOf: "any", NotOf: "not",
                                   AtLeastOf: "at_least"}[type(node)])
    return frozenset(out)


def check(used: frozenset[str], engine: str) -> None:
    """Raise ``UnsupportedCriterion`` naming the first feature ``engine`` cannot run."""
    if engine not in DIALECTS:
        raise UnsupportedCriterion(
            f"{engine!r} is not a cohort engine; expected one of {', '.join(ENGINES)}",
            engine=engine, hint="run cohorts on a DuckDB, PostgreSQL or Spark site store")
    missing = sorted(f for f in used if engine not in SUPPORT.get(f, frozenset()))
    if missing:
        raise UnsupportedCriterion(
            f"the {engine} engine cannot run {', '.join(missing)}", engine=engine,
            features=missing, hint="see the support table in docs/cohort.md")


def support_markdown() -> str:
    """The support table as Markdown (generated into ``docs/cohort.md``)."""
    lines = ["| feature | " + " | ".join(ENGINES) + " |",
             "|---|" + "---|" * len(ENGINES)]
    for feature in sorted(SUPPORT):
        cells = ["yes" if e in SUPPORT[feature] else "**no**" for e in ENGINES]
        lines.append(f"| `{feature}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"

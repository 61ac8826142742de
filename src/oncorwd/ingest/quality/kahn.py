"""Data-quality checks organised by the Kahn harmonised framework, and how they are run.

Kahn et al. (eGEMs 2016) sort every data-quality check into three categories, each with
subcategories; the report follows them so results compare with other networks (OHDSI DQD,
PCORnet) that use the same terms:

- **conformance** — do values follow the model? *value* (value sets, code systems, declared
  ranges), *relational* (references between tables), *computational* (values the pipeline
  computed: imputed dates, cancer order, lines of therapy);
- **completeness** — are values present where they should be (MDS mandatory fields, fields
  required in a context, every patient having his one-to-one rows);
- **plausibility** — are values believable? *uniqueness* (duplicates), *atemporal* (ages,
  sizes, performance status, BMI, sex-specific sites), *temporal* (birth ≤ diagnosis ≤
  treatment ≤ death, events after the last news or the data cut-off).

A :class:`Check` is one row-level rule written as portable SQL: over the rows of ``source``,
rows where ``applies`` holds are *checked* and those where ``fails`` also holds *fail*. Checks
sharing a source run as one ``SELECT`` of aggregates; failing ones get a few examples. A check
passes when its failure rate (percent of checked rows) is at most its ``threshold``; a check
with nothing to check is ``n/a``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from oncorwd.ingest.quality.sql import Runner

__all__ = [
    "CATEGORIES",
    "EXAMPLES",
    "SOURCES_PER_QUERY",
    "Check",
    "make_result",
    "run_checks",
    "summarise",
    "summarise_rules",
]

#: (category, subcategory) -> what it asks, in report order.
CATEGORIES: dict[tuple[str, str], str] = {
    ("conformance", "value"): "values follow the dictionary: closed lists, code systems, "
                              "declared ranges",
    ("conformance", "relational"): "references between tables resolve, to the same patient",
    ("conformance", "computational"): "values computed by the pipeline agree with their rule",
    ("completeness", "fields"): "fields are filled as their MDS status requires",
    ("completeness", "conditional"): "fields required in a context are filled",
    ("completeness", "coverage"): "every patient has the rows the model expects",
    ("plausibility", "uniqueness"): "no record is recorded twice",
    ("plausibility", "atemporal"): "values are believable on their own",
    ("plausibility", "temporal"): "dates are in a believable order",
}

#: Examples kept per failing check.
EXAMPLES = 5
#: Sources whose aggregates share one query.
SOURCES_PER_QUERY = 12


@dataclass(frozen=True, slots=True)
class Check:
    """One row-level rule (see the module docstring). ``key`` and ``value`` are SQL
    expressions naming the offending record and value in examples; ``threshold`` is the
    largest failure rate (percent) that still passes; the check is ``n/a`` (not run) when one
    of ``requires`` is empty. A source row may stand for several rows (a ``GROUP BY``):
    ``rows`` and ``failing_rows`` are then the SQL counts it adds to checked and failed."""

    rule: str
    category: str
    subcategory: str
    table: str
    field: str | None
    description: str
    source: str
    fails: str
    key: str
    value: str
    threshold: float = 0.0
    applies: str = "1 = 1"
    requires: tuple[str, ...] = ()
    rows: str = "1"
    failing_rows: str = "1"


def make_result(*, rule: str, category: str, subcategory: str, table: str, field: str | None,
                description: str, threshold: float, checked: int, failed: int,
                examples: Sequence[dict[str, Any]] = (), applicable: bool = True
                ) -> dict[str, Any]:
    """The JSON form of one check result (every producer of results uses it)."""
    rate = round(100.0 * failed / checked, 3) if checked else 0.0
    status = ("n/a" if not applicable or not checked
              else "pass" if rate <= threshold else "fail")
    return {
        "id": f"{rule}:{table}" + (f".{field}" if field else ""),
        "rule": rule, "category": category, "subcategory": subcategory,
        "table": table, "field": field, "description": description,
        "checked": int(checked), "failed": int(failed), "rate": rate,
        "threshold": float(threshold), "status": status, "examples": list(examples),
    }


def _aggregate_sql(source: str, checks: Sequence[Check], prefix: str = "") -> str:
    parts = []
    for i, c in enumerate(checks):
        parts.append(f"SUM(CASE WHEN {c.applies} THEN {c.rows} ELSE 0 END) AS {prefix}c{i}")
        parts.append(f"SUM(CASE WHEN ({c.applies}) AND ({c.fails}) THEN {c.failing_rows} "
                     f"ELSE 0 END) AS {prefix}f{i}")
    return f"SELECT {', '.join(parts)} FROM {source}"


def _examples(runner: Runner, checks: Sequence[Check]) -> dict[int, list[dict[str, Any]]]:
    """Up to :data:`EXAMPLES` failing rows of each check, all checks in one ``UNION ALL``."""
    if not checks:
        return {}
    parts = [f"SELECT * FROM (SELECT {i} AS check_no, CAST({c.key} AS VARCHAR) AS record, "
             f"CAST({c.value} AS VARCHAR) AS value FROM {c.source} "
             f"WHERE ({c.applies}) AND ({c.fails}) ORDER BY 2 LIMIT {EXAMPLES}) e{i}"
             for i, c in enumerate(checks)]
    found: dict[int, list[dict[str, Any]]] = {}
    for row in runner.rows(" UNION ALL ".join(parts)):
        found.setdefault(int(row["check_no"]), []).append(
            {"record": row["record"], "value": row["value"]})
    return {id(c): sorted(found.get(i, []), key=lambda e: str(e["record"]))
            for i, c in enumerate(checks)}


def _result(c: Check, checked: int, failed: int, examples: list[dict[str, Any]],
            applicable: bool = True) -> dict[str, Any]:
    return make_result(rule=c.rule, category=c.category, subcategory=c.subcategory,
                       table=c.table, field=c.field, description=c.description,
                       threshold=c.threshold, checked=checked, failed=failed,
                       examples=examples, applicable=applicable)


def _counts(runner: Runner, groups: list[list[Check]]) -> dict[int, tuple[int, int]]:
    """Checked and failed counts of every check, by ``id(check)``: the single-row aggregates of
    up to :data:`SOURCES_PER_QUERY` sources are cross-joined into one query (one round trip,
    and the engine may run them in parallel)."""
    counts: dict[int, tuple[int, int]] = {}
    for start in range(0, len(groups), SOURCES_PER_QUERY):
        batch = groups[start:start + SOURCES_PER_QUERY]
        parts = [f"({_aggregate_sql(g[0].source, g, f's{j}')}) q{j}"
                 for j, g in enumerate(batch)]
        row = runner.one("SELECT * FROM " + " CROSS JOIN ".join(parts))
        for j, g in enumerate(batch):
            for i, c in enumerate(g):
                counts[id(c)] = (int(row.get(f"s{j}c{i}") or 0), int(row.get(f"s{j}f{i}") or 0))
    return counts


def run_checks(runner: Runner, checks: Iterable[Check], *,
               examples: bool = True) -> list[dict[str, Any]]:
    """Run ``checks`` (one aggregate per distinct source), in the order given; examples are
    fetched for checks with failing rows."""
    checks = list(checks)
    by_source: dict[str, list[Check]] = {}
    for c in checks:
        if all(runner.has_rows(t) for t in c.requires):
            by_source.setdefault(c.source, []).append(c)
    counts = _counts(runner, list(by_source.values()))
    failing = [c for c in checks if counts.get(id(c), (0, 0))[1]] if examples else []
    found = _examples(runner, failing)
    out = []
    for c in checks:
        if id(c) not in counts:
            out.append(_result(c, 0, 0, [], applicable=False))
            continue
        checked, failed = counts[id(c)]
        out.append(_result(c, checked, failed, found.get(id(c), [])))
    return out


def summarise(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per (category, subcategory), in :data:`CATEGORIES` order: checks run, passed, failed,
    not applicable, rows checked and failing."""
    table: dict[tuple[str, str], dict[str, Any]] = {
        key: {"category": key[0], "subcategory": key[1], "description": text, "checks": 0,
              "pass": 0, "fail": 0, "n/a": 0, "checked": 0, "failed": 0}
        for key, text in CATEGORIES.items()
    }
    for r in results:
        row = table[(r["category"], r["subcategory"])]
        row["checks"] += 1
        row[r["status"]] += 1
        row["checked"] += r["checked"]
        row["failed"] += r["failed"]
    return list(table.values())


def summarise_rules(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per rule (in order of first appearance): its category, how many checks, how many fail,
    rows checked and failing, the worst failure rate, its thresholds and an overall status
    (``fail`` if any check fails, ``n/a`` if none ran)."""
    rules: dict[str, dict[str, Any]] = {}
    for r in results:
        s = rules.setdefault(r["rule"], {
            "rule": r["rule"], "category": r["category"], "subcategory": r["subcategory"],
            "checks": 0, "pass": 0, "fail": 0, "n/a": 0, "checked": 0, "failed": 0,
            "worst_rate": 0.0, "thresholds": []})
        s["checks"] += 1
        s[r["status"]] += 1
        s["checked"] += r["checked"]
        s["failed"] += r["failed"]
        s["worst_rate"] = max(s["worst_rate"], r["rate"])
        if r["threshold"] not in s["thresholds"]:
            s["thresholds"].append(r["threshold"])
    for s in rules.values():
        s["status"] = "fail" if s["fail"] else ("pass" if s["pass"] else "n/a")
        s["thresholds"].sort()
    return list(rules.values())

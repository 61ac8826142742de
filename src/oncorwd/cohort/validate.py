"""Read a definition (JSON, YAML, mapping) and check it against the dictionary.

Every problem becomes a :class:`CohortDefinitionError` whose ``context["path"]`` is the JSON
path of the offending element (``$.inclusion[2].criterion.all[0].values[1]``) and whose message
says what is expected there; ``context["problems"]`` lists all of them, not only the first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from oncorwd.cohort import catalog
from oncorwd.cohort.limits import LIMITS
from oncorwd.cohort.model import (
    AllOf,
    AnyOf,
    AtLeastOf,
    CohortDefinition,
    Condition,
    Criterion,
    EventAnchor,
    EventCriterion,
    NotOf,
    VariableAnchor,
    VariableCriterion,
    Window,
)
from oncorwd.dictionary import load_dictionary
from oncorwd.errors import CohortDefinitionError

__all__ = ["check_definition", "load_definition", "parse_definition", "walk"]

Problem = tuple[str, str]


_TAGS = frozenset({"variable", "event", "all", "any", "not", "at_least"})


def _path(loc: tuple[Any, ...]) -> str:
    """A pydantic error location as a JSON path, without the union tags pydantic inserts
    after each place a criterion sits (``criterion``, ``not``, items of all/any/of)."""
    out, expect_tag, parent = "$", False, None
    for part in loc:
        if expect_tag and part in _TAGS:
            expect_tag = False
            continue
        if isinstance(part, int):
            out += f"[{part}]"
            expect_tag = parent in ("all", "any", "of")
        else:
            out += f".{part}"
            expect_tag = part in ("criterion", "not")
            parent = part
    return out


def _raise(problems: list[Problem]) -> None:
    first_path, first_msg = problems[0]
    more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    raise CohortDefinitionError(
        f"{first_path}: {first_msg}{more}", path=first_path,
        problems=[{"path": p, "message": m} for p, m in problems],
        hint="see docs/cohort.md for the language; `oncorwd cohort validate` lists every problem")


def parse_definition(data: Mapping[str, Any]) -> CohortDefinition:
    """Validate a mapping into the model (shape), then against the dictionary (meaning)."""
    if not isinstance(data, Mapping):
        _raise([("$", "expected an object (mapping) with at least 'name'")])
    try:
        definition = CohortDefinition.model_validate(dict(data))
    except ValidationError as e:
        _raise([(_path(err["loc"]), err["msg"]) for err in e.errors()])
    check_definition(definition)
    return definition


def load_definition(source: str | Path | Mapping[str, Any]) -> CohortDefinition:
    """A definition from a file path (``.json``, ``.yaml``/``.yml``), JSON/YAML text or a
    mapping."""
    if isinstance(source, Mapping):
        return parse_definition(source)
    text = source.read_text("utf-8") if isinstance(source, Path) else source
    if isinstance(source, str) and "\n" not in source and not source.startswith("{") \
            and len(source) < 4096 and Path(source).is_file():
        text = Path(source).read_text("utf-8")
    if len(text.encode()) > LIMITS.max_bytes:
        _raise([("$", f"definition is {len(text.encode())} bytes; the limit is "
                      f"{LIMITS.max_bytes}")])
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as e:
        _raise([("$", f"not valid JSON or YAML: {e}")])
    return parse_definition(data)


def walk(criterion: Criterion, path: str, depth: int = 1
         ) -> Iterator[tuple[Criterion, str, int]]:
    """Every criterion node under ``criterion`` with its JSON path and nesting depth."""
    yield criterion, path, depth
    children: list[tuple[Criterion, str]] = []
    if isinstance(criterion, AllOf):
        children = [(c, f"{path}.all[{i}]") for i, c in enumerate(criterion.all)]
    elif isinstance(criterion, AnyOf):
        children = [(c, f"{path}.any[{i}]") for i, c in enumerate(criterion.any)]
    elif isinstance(criterion, AtLeastOf):
        children = [(c, f"{path}.of[{i}]") for i, c in enumerate(criterion.of)]
    elif isinstance(criterion, NotOf):
        children = [(criterion.not_, f"{path}.not")]
    for child, child_path in children:
        yield from walk(child, child_path, depth + 1)


def _nodes(d: CohortDefinition) -> Iterator[tuple[Criterion, str, int]]:
    for kind in ("inclusion", "exclusion"):
        for i, rule in enumerate(getattr(d, kind)):
            yield from walk(rule.criterion, f"$.{kind}[{i}].criterion")


def check_definition(d: CohortDefinition) -> None:
    """Raise :class:`CohortDefinitionError` listing every problem of ``d``."""
    problems: list[Problem] = []
    nodes = list(_nodes(d))
    problems += _limit_problems(d, nodes)
    ids = {n.id: p for n, p, _ in nodes if isinstance(n, EventCriterion) and n.id}
    seen: dict[str, str] = {}
    for node, path, _ in nodes:
        if isinstance(node, EventCriterion) and node.id:
            if node.id in seen:
                problems.append((f"{path}.id", f"id {node.id!r} is already used at "
                                               f"{seen[node.id]}"))
            seen[node.id] = path
        if isinstance(node, VariableCriterion):
            problems += _variable_problems(node, path)
            if node.window is not None:
                problems += _window_problems(node.window, f"{path}.window", ids)
        elif isinstance(node, EventCriterion):
            problems += _event_problems(node, path, ids)
    if d.index_date.atc:
        problems += _code_list_problems(d.index_date.atc, "$.index_date.atc")
    problems += _cycle_problems(nodes)
    if problems:
        _raise(problems)


def _limit_problems(d: CohortDefinition, nodes: list[tuple[Criterion, str, int]]
                    ) -> list[Problem]:
    out: list[Problem] = []
    if len(d.inclusion) + len(d.exclusion) > LIMITS.max_rules:
        out.append(("$", f"at most {LIMITS.max_rules} rules (inclusion + exclusion)"))
    if len(nodes) > LIMITS.max_criteria:
        out.append(("$", f"at most {LIMITS.max_criteria} criteria in a definition"))
    if sum(isinstance(n, EventCriterion) for n, _, _ in nodes) > LIMITS.max_events:
        out.append(("$", f"at most {LIMITS.max_events} event criteria in a definition"))
    out += [(p, f"nesting deeper than {LIMITS.max_depth} levels")
            for _, p, depth in nodes if depth == LIMITS.max_depth + 1]
    return out


def _variable_problems(node: VariableCriterion, path: str) -> list[Problem]:
    info = catalog.variables().get(node.variable)
    if info is None:
        return [(f"{path}.variable", f"unknown cohort variable {node.variable!r} (see "
                                     "docs/data-dictionary.md for the 164 variables)")]
    return _condition_problems(node, path, info.type, info.value_set)


def _event_problems(node: EventCriterion, path: str, ids: Mapping[str, str]
                    ) -> list[Problem]:
    source = catalog.EVENTS.get(node.event)
    if source is None:
        return [(f"{path}.event", f"unknown event kind {node.event!r}; expected one of "
                                  f"{', '.join(catalog.EVENTS)}")]
    out: list[Problem] = []
    if node.scope == "cancer" and not source.has_cancer:
        out.append((f"{path}.scope", f"{node.event} events belong to the patient, not to a "
                                     "cancer: expected scope 'patient'"))
    for i, cond in enumerate(node.where):
        f = source.fields.get(cond.field)
        where = f"{path}.where[{i}]"
        if f is None:
            out.append((f"{where}.field", f"unknown field {cond.field!r} of {node.event} "
                                          f"events; expected one of "
                                          f"{', '.join(source.fields) or '(none)'}"))
        else:
            out += _condition_problems(cond, where, f.type, f.value_set)
    if node.window is not None:
        out += _window_problems(node.window, f"{path}.window", ids)
    return out


def _window_problems(w: Window, path: str, ids: Mapping[str, str]) -> list[Problem]:
    ref = w.relative_to
    if isinstance(ref, EventAnchor) and ref.event not in ids:
        return [(f"{path}.relative_to.event", f"no event criterion has id {ref.event!r}; "
                                              f"known ids: {', '.join(ids) or '(none)'}")]
    if isinstance(ref, VariableAnchor):
        info = catalog.variables().get(ref.variable)
        if info is None or info.type != "date":
            return [(f"{path}.relative_to.variable",
                     f"expected a date cohort variable, got {ref.variable!r}")]
    return []


_NEEDS: dict[str, str] = {
    "eq": "value", "ne": "value", "gt": "value", "ge": "value", "lt": "value", "le": "value",
    "in": "values", "not_in": "values", "matches": "values", "contains_any": "values",
    "contains_all": "values", "within": "window", "between": "min or max",
}


def _condition_problems(c: Condition, path: str, type_: str, value_set: str | None
                        ) -> list[Problem]:
    allowed = catalog.OPERATORS[type_]
    if c.op not in allowed:
        return [(f"{path}.op", f"operator {c.op!r} does not apply to a {type_} value; "
                               f"expected one of {', '.join(allowed)}")]
    need = _NEEDS.get(c.op)
    given = {"value": c.value is not None, "values": bool(c.values),
             "window": c.window is not None, "min or max": c.min is not None or c.max is not None}
    extra = [k for k, v in given.items() if v and k != need]
    if need and not given[need]:
        return [(path, f"operator {c.op!r} needs {need!r}")]
    if extra:
        return [(f"{path}.{extra[0].split()[0]}", f"operator {c.op!r} takes no {extra[0]!r}")]
    operands: list[tuple[str, Any]] = []
    if c.value is not None:
        operands.append((f"{path}.value", c.value))
    operands += [(f"{path}.values[{i}]", v) for i, v in enumerate(c.values or [])]
    operands += [(f"{path}.{k}", getattr(c, k)) for k in ("min", "max")
                 if getattr(c, k) is not None]
    out = [p for p in (_operand_problem(op_path, v, type_, value_set, c.op)
                       for op_path, v in operands) if p]
    if c.values and len(c.values) > LIMITS.max_values:
        out.append((f"{path}.values", f"at most {LIMITS.max_values} values"))
    return out


def _operand_problem(path: str, v: Any, type_: str, value_set: str | None, op: str
                     ) -> Problem | None:
    if isinstance(v, str) and len(v) > LIMITS.max_value_length:
        return path, f"values are at most {LIMITS.max_value_length} characters"
    if isinstance(v, str) and "\x00" in v:
        return path, "text values cannot contain NUL characters (no engine stores them)"
    if type_ == "boolean":
        return None if isinstance(v, bool) else (path, "expected true or false")
    if type_ in ("integer", "decimal"):
        ok = isinstance(v, int | float) and not isinstance(v, bool)
        if type_ == "integer" and isinstance(v, float) and not v.is_integer():
            ok = False
        return None if ok else (path, f"expected a number ({type_})")
    if type_ == "date":
        return None if _as_date(v) is not None else (path, "expected a date YYYY-MM-DD")
    if not isinstance(v, str) or not v:
        return path, "expected a non-empty text value"
    if op == "matches" or type_ == "set":
        body = v[:-1] if v.endswith("*") else v
        if not body or "*" in body:
            return path, "expected a code, or a code prefix ending with one '*' (e.g. C34*)"
    if type_ == "enum" and value_set is not None:
        codes = [e.code for e in load_dictionary().value_set(value_set).values]
        if v not in codes:
            return path, f"{v!r} is not in value set {value_set}; expected one of " \
                         f"{', '.join(codes)}"
    return None


def _as_date(v: Any) -> dt.date | None:
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v)
        except ValueError:
            return None
    return None


def _code_list_problems(codes: list[str], path: str) -> list[Problem]:
    return [p for p in (_operand_problem(f"{path}[{i}]", c, "code", None, "matches")
                        for i, c in enumerate(codes)) if p]


def _cycle_problems(nodes: list[tuple[Criterion, str, int]]) -> list[Problem]:
    """An event criterion anchored (through windows) on itself cannot be computed."""
    deps: dict[str, tuple[str, str]] = {}
    for node, path, _ in nodes:
        if isinstance(node, EventCriterion) and node.id and node.window is not None \
                and isinstance(node.window.relative_to, EventAnchor):
            deps[node.id] = (node.window.relative_to.event, path)
    for start, (_, path) in deps.items():
        seen, cur = {start}, deps[start][0]
        while cur in deps:
            if cur in seen:
                return [(f"{path}.window.relative_to", f"anchors form a cycle through {start!r}")]
            seen.add(cur)
            cur = deps[cur][0]
    return []

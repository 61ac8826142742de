"""Field rules → Arrow: what the ``map`` step computes for one OSIRIS RWD field of one batch.

Order of operations (documented in ``docs/ingest.md``): origin (``column`` / ``value`` /
``template``) → ``strip`` → empty text becomes null → ``default`` → ``upper`` → ``regex`` →
``decimal`` → ``multiply`` → partial-date parsing (date fields). Value maps and transcoders run
later, in the ``code`` step. Everything is vectorised with ``pyarrow.compute``; ``regex`` runs
Python's ``re`` once per distinct value. Problems come back as masks with their rule:
``regex`` (no match), ``number_format`` (``multiply`` on text that is not a number, or a
non-integer for an integer field), ``date_format`` (a date no format parses).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.dictionary.model import FieldDef
from oncorwd.errors import ConfigError
from oncorwd.ingest.partial_dates import parse_dates
from oncorwd.ingest.spec import FieldRule

__all__ = ["FieldOutput", "FieldProblem", "evaluate", "rule_columns", "template_columns"]

_NULL = pa.scalar(None, pa.string())


@dataclass
class FieldProblem:
    mask: np.ndarray
    rule: str
    message: str


@dataclass
class FieldOutput:
    """Output columns of one field (a date gives its parts) and the rows it could not map."""

    columns: dict[str, pa.Array]
    problems: list[FieldProblem] = field(default_factory=list)


@cache
def template_columns(template: str) -> tuple[str, ...]:
    """Source columns a template names (``{NUM_PAT}-{DATE}`` → NUM_PAT, DATE)."""
    try:
        return tuple(name for _, name, _, _ in string.Formatter().parse(template) if name)
    except ValueError as e:
        raise ConfigError(f"invalid template {template!r}: {e}",
                          hint="use {COLUMN} placeholders; write {{ and }} for braces") from None


def rule_columns(rule: FieldRule) -> tuple[str, ...]:
    """Source columns a field rule reads."""
    if rule.column is not None:
        return (rule.column,)
    return template_columns(rule.template) if rule.template is not None else ()


def _np(mask: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _constant(value: object, n: int) -> pa.Array:
    if value is None:
        return pa.nulls(n, pa.string())
    return pa.array([str(value)] * n, pa.string())


def _template(template: str, rows: pa.Table) -> pa.Array:
    parts: list[pa.Array | pa.Scalar] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            parts.append(pa.scalar(literal))
        if name:
            parts.append(pc.utf8_trim_whitespace(rows.column(name).combine_chunks()))
    if not any(isinstance(p, pa.Array) for p in parts):
        return _constant("".join(str(p) for p in parts), rows.num_rows)
    return pc.binary_join_element_wise(*parts, "")


def origin(rule: FieldRule, rows: pa.Table) -> pa.Array:
    """The field's starting values: a column, a constant or a template."""
    if rule.column is not None:
        return rows.column(rule.column).combine_chunks()
    if rule.template is not None:
        return _template(rule.template, rows)
    return _constant(rule.value, rows.num_rows)


def _regex(values: pa.Array, pattern: str, where: str) -> tuple[pa.Array, np.ndarray]:
    try:
        compiled = re.compile(pattern)
    except re.error as e:
        raise ConfigError(f"{where}: invalid regex {pattern!r}: {e}") from None
    distinct = pc.unique(pc.drop_null(values)).to_pylist()
    found = {v: _first_group(compiled.search(v)) for v in distinct}
    kept = [v for v, out in found.items() if out is not None]
    index = pc.index_in(values, value_set=pa.array(kept, pa.string()))
    out = pc.take(pa.array([found[v] for v in kept], pa.string()), index)
    return out, _np(pc.and_(pc.is_valid(values), pc.is_null(index)))


def _first_group(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    return match.group(1) if match.re.groups else match.group(0)


def _number(values: pa.Array, rule: FieldRule, fdef: FieldDef) -> FieldOutput:
    text = values
    if rule.decimal != ".":
        for sep in (" ", "\u00a0", "\u202f") + ((".",) if rule.decimal == "," else ()):
            text = pc.replace_substring(text, sep, "")
        text = pc.replace_substring(text, rule.decimal, ".")
    if rule.multiply is None:
        return FieldOutput({fdef.name: text})
    numbers = pc.cast(text, pa.float64(), safe=False) if _all_numbers(text) else None
    if numbers is None:
        ok = _np(pc.match_substring_regex(text, r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"))
        bad = _np(pc.is_valid(text)) & ~ok
        clean = pc.if_else(pa.array(bad), _NULL, text)
        numbers = pc.cast(clean, pa.float64())
        problems = [FieldProblem(bad, "number_format", "not a number")]
    else:
        problems = []
    scaled = pc.multiply(numbers, rule.multiply)
    if fdef.type == "integer":
        rounded = pc.round(scaled)
        fraction = _np(pc.not_equal(rounded, scaled))
        problems.append(FieldProblem(fraction, "number_format",
                                     f"not a whole number after multiplying by {rule.multiply}"))
        return FieldOutput({fdef.name: pc.cast(pc.cast(rounded, pa.int64()), pa.string())},
                           problems)
    return FieldOutput({fdef.name: pc.cast(scaled, pa.string())}, problems)


def _all_numbers(text: pa.Array) -> bool:
    try:
        pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        return False
    return True


def _date(values: pa.Array, rule: FieldRule, fdef: FieldDef) -> FieldOutput:
    parsed = parse_dates(values, rule.formats)
    name = fdef.name
    columns = {f"{name}_year": parsed.year, f"{name}_month": parsed.month,
               f"{name}_day": parsed.day}
    if fdef.type == "datetime":
        columns[f"{name}_time"] = parsed.time
    tried = ", ".join(rule.formats) if rule.formats else "the default formats"
    return FieldOutput(columns, [FieldProblem(_np(parsed.unparsed), "date_format",
                                              f"not a date in {tried}")])


def evaluate(fdef: FieldDef, rule: FieldRule, rows: pa.Table, where: str) -> FieldOutput:
    """Compute one field for ``rows`` (string columns); ``where`` names it in errors."""
    values = origin(rule, rows)
    if rule.strip:
        values = pc.utf8_trim_whitespace(values)
    values = pc.if_else(pc.equal(values, ""), _NULL, values)
    if rule.default is not None:
        values = pc.fill_null(values, str(rule.default))
    if rule.upper:
        values = pc.utf8_upper(values)
    problems: list[FieldProblem] = []
    if rule.regex is not None:
        values, unmatched = _regex(values, rule.regex, where)
        problems.append(FieldProblem(unmatched, "regex", f"does not match {rule.regex!r}"))
    if fdef.type in ("date", "datetime"):
        out = _date(values, rule, fdef)
    elif rule.decimal != "." or rule.multiply is not None:
        out = _number(values, rule, fdef)
    else:
        out = FieldOutput({fdef.name: values})
    out.problems = problems + out.problems
    return out

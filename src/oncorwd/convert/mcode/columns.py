"""Columnar JSON: build one JSON document per row of an Arrow table with Arrow compute kernels.

Why: a Bulk Data export serialises millions of FHIR resources. Building a Python dict (let alone a
pydantic model) per resource costs microseconds each; here a resource *template* is declared once
as a tree of nodes, and rendering a batch runs a few dozen vectorised string kernels over whole
columns (constants are pre-serialised with orjson and merged at compile time). The result is one
JSON text per row (an Arrow string array), ready to be written as NDJSON lines or bundle entries.

Nodes evaluate to an Arrow string array of JSON fragments where null means "element absent":

- :class:`Const` a literal value (any JSON), :class:`Str`/:class:`Num`/:class:`Int`/:class:`Bool`
  a column as a JSON string/number/boolean;
- :class:`Obj` an object whose members are omitted when their value is absent (the object itself
  is absent when every member is), :class:`Arr` an array of optional items;
- :class:`Lookup` a code column translated through a map to pre-serialised JSON (codings,
  CodeableConcepts), :class:`When` a node kept only where a row mask holds, :class:`First` the
  first present of several nodes, :class:`Calc` any function of the batch giving raw text.

Contract: ``render(node, table)`` returns exactly what ``orjson.dumps`` of the equivalent dict
would contain (same keys, same order, same values), which the tests and the benchmark check.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "Arr",
    "Bool",
    "Calc",
    "Const",
    "First",
    "Int",
    "Lookup",
    "Node",
    "Num",
    "Obj",
    "Str",
    "When",
    "fhir_id",
    "json_string",
    "partial_date",
    "render",
]

_STR = pa.string()
_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'


def _nulls(n: int) -> pa.Array:
    return pa.nulls(n, _STR)


def _as_array(value: pa.Array | pa.Scalar, n: int) -> pa.Array:
    if isinstance(value, pa.Scalar):
        return pa.array([value.as_py()] * n, _STR) if value.is_valid else _nulls(n)
    return value


def json_string(values: pa.Array) -> pa.Array:
    """Quote a string column as JSON strings (null stays null). Values with quotes, backslashes
    or control characters go through orjson; the rest is quoted by one vectorised kernel."""
    values = pc.cast(values, _STR)
    quoted = pc.binary_join_element_wise('"', values, '"', "")
    dirty = pc.fill_null(pc.match_substring_regex(values, _NEEDS_ESCAPE), False)
    if not pc.any(dirty).as_py():
        return quoted
    fixed = [orjson.dumps(v).decode() if v is not None else None for v in values.to_pylist()]
    return pc.if_else(dirty, pa.array(fixed, _STR), quoted)


def fhir_id(values: pa.Array) -> pa.Array:
    """A FHIR ``id`` ([A-Za-z0-9-.]{1,64}) from a source identifier; the original identifier is
    always kept in ``identifier.value`` so the import does not depend on this being reversible."""
    cleaned = pc.replace_substring_regex(pc.cast(values, _STR), r"[^A-Za-z0-9\-\.]", "-")
    return pc.utf8_slice_codeunits(cleaned, 0, 64)


def partial_date(table: pa.Table, stem: str) -> pa.Array:
    """The FHIR date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) of an OSIRIS partial date: the
    precision of the source is kept, never the store's imputed day."""
    year = table.column(f"{stem}_year")
    month = table.column(f"{stem}_month")
    day = table.column(f"{stem}_day")
    text = pc.utf8_lpad(pc.cast(year, _STR), 4, "0")
    has_month = pc.fill_null(pc.not_equal(month, "UN"), False)
    has_day = pc.and_(has_month, pc.fill_null(pc.not_equal(day, "UN"), False))
    with_month = pc.if_else(has_month, pc.binary_join_element_wise(text, month, "-"), text)
    full = pc.if_else(has_day, pc.binary_join_element_wise(with_month, day, "-"), with_month)
    return _combine(full)


def _combine(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


class Node(ABC):
    """A JSON template node; ``eval`` gives JSON text per row (null: absent)."""

    @abstractmethod
    def eval(self, table: pa.Table) -> pa.Array | pa.Scalar:
        ...

    def constant(self) -> Any:
        """The node's JSON value when it is the same for every row, else :data:`_VARIES`."""
        return _VARIES


_VARIES = object()


@dataclass(frozen=True)
class Const(Node):
    value: Any

    def eval(self, table: pa.Table) -> pa.Scalar:
        return pa.scalar(orjson.dumps(self.value).decode(), _STR)

    def constant(self) -> Any:
        return self.value


@dataclass(frozen=True)
class Str(Node):
    """A column (or a :class:`Calc`'s raw text) as a JSON string. ``safe``: the values cannot
    hold a quote, backslash or control character (FHIR ids, references, dates), so the escape
    check is skipped."""

    column: str | Calc
    safe: bool = False

    def eval(self, table: pa.Table) -> pa.Array:
        raw = self.column.raw(table) if isinstance(self.column, Calc) else table.column(self.column)
        if self.safe:
            return _combine(pc.binary_join_element_wise('"', pc.cast(raw, _STR), '"', ""))
        return json_string(_combine(raw))


@dataclass(frozen=True)
class Num(Node):
    column: str

    def eval(self, table: pa.Table) -> pa.Array:
        return _combine(pc.cast(table.column(self.column), _STR))


@dataclass(frozen=True)
class Int(Node):
    column: str

    def eval(self, table: pa.Table) -> pa.Array:
        ints = pc.cast(table.column(self.column), pa.int64())
        return _combine(pc.cast(ints, _STR))


@dataclass(frozen=True)
class Bool(Node):
    """A boolean from a row mask function (null: absent)."""

    mask: Callable[[pa.Table], pa.Array]

    def eval(self, table: pa.Table) -> pa.Array:
        values = self.mask(table)
        return _combine(pc.if_else(values, "true", "false"))


@dataclass(frozen=True)
class Calc(Node):
    """Raw JSON text computed from the batch by ``fn`` (used directly, or inside :class:`Str`
    for text that still needs quoting)."""

    fn: Callable[[pa.Table], pa.Array]

    def raw(self, table: pa.Table) -> pa.Array:
        return _combine(self.fn(table))

    def eval(self, table: pa.Table) -> pa.Array:
        return self.raw(table)


@dataclass(frozen=True)
class When(Node):
    """``node`` where ``mask`` is true, absent elsewhere."""

    mask: Callable[[pa.Table], pa.Array]
    node: Node

    def eval(self, table: pa.Table) -> pa.Array:
        value = _as_array(self.node.eval(table), table.num_rows)
        keep = pc.fill_null(self.mask(table), False)
        return _combine(pc.if_else(keep, value, pa.scalar(None, _STR)))


@dataclass(frozen=True)
class First(Node):
    """The first present of ``nodes`` (FHIR choice types: valueQuantity, else valueString…)."""

    nodes: tuple[Node, ...]

    def eval(self, table: pa.Table) -> pa.Array:
        arrays = [_as_array(n.eval(table), table.num_rows) for n in self.nodes]
        return _combine(pc.coalesce(*arrays))


@dataclass(frozen=True)
class Lookup(Node):
    """A code column translated through ``mapping`` (source code -> JSON value); codes not in
    the map give ``default`` (a node evaluated on the batch) or absent."""

    column: str
    mapping: Mapping[str, Any]
    default: Node | None = None
    _keys: pa.Array = field(init=False, repr=False, compare=False)
    _values: pa.Array = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_keys", pa.array(list(self.mapping), _STR))
        object.__setattr__(self, "_values", pa.array(
            [orjson.dumps(v).decode() for v in self.mapping.values()], _STR))

    def eval(self, table: pa.Table) -> pa.Array:
        codes = pc.cast(table.column(self.column), _STR)
        found = pc.take(self._values, pc.index_in(codes, value_set=self._keys))
        found = _combine(found)
        if self.default is None:
            return found
        return _combine(pc.coalesce(found, _as_array(self.default.eval(table), table.num_rows)))


class Obj(Node):
    """A JSON object; members whose value is absent are omitted, and the object is absent when
    all of them are. Consecutive constant members are serialised once, at construction."""

    def __init__(self, members: Sequence[tuple[str, Node | Any]] | None = None,
                 **kw: Node | Any) -> None:
        items = list(members or []) + list(kw.items())
        self.members = [(k, v if isinstance(v, Node) else Const(v)) for k, v in items]
        self._parts = self._compile()

    def _compile(self) -> list[tuple[str, Node | None]]:
        """(prefix text, node) pairs; a None node means the prefix is a constant run."""
        parts: list[tuple[str, Node | None]] = []
        run: list[str] = []
        for key, node in self.members:
            value = node.constant()
            if value is not _VARIES:
                run.append(orjson.dumps(key).decode() + ":" + orjson.dumps(value).decode())
                continue
            if run:
                parts.append(("," + ",".join(run), None))
                run = []
            parts.append(("," + orjson.dumps(key).decode() + ":", node))
        if run:
            parts.append(("," + ",".join(run), None))
        return parts

    def constant(self) -> Any:
        values = {k: n.constant() for k, n in self.members}
        return _VARIES if any(v is _VARIES for v in values.values()) else values

    def eval(self, table: pa.Table) -> pa.Array:
        n = table.num_rows
        pieces: list[pa.Array | str] = []
        for prefix, node in self._parts:
            if node is None:
                pieces.append(prefix)
            else:
                _member(pieces, prefix, _as_array(node.eval(table), n))
        return _wrap(pieces, n, "{", "}")


class Arr(Node):
    """A JSON array of optional items (absent items are skipped; absent when empty)."""

    def __init__(self, *items: Node | Any) -> None:
        self.items = [i if isinstance(i, Node) else Const(i) for i in items]

    def constant(self) -> Any:
        values = [i.constant() for i in self.items]
        return _VARIES if not values or any(v is _VARIES for v in values) else values

    def eval(self, table: pa.Table) -> pa.Array:
        n = table.num_rows
        pieces: list[pa.Array | str] = []
        for item in self.items:
            value = item.eval(table)
            if isinstance(value, pa.Scalar):
                pieces.append("," + value.as_py())
            else:
                _member(pieces, ",", _combine(value))
        return _wrap(pieces, n, "[", "]")


def _member(pieces: list[pa.Array | str], prefix: str, value: pa.Array) -> None:
    """Append ``prefix`` + ``value`` where the value is present. Why this shape: a value
    without nulls is appended as is (no copy); otherwise the prefix becomes a per-row array of
    small strings and only the nulls of the value are filled, so the big JSON fragments are
    copied once, by the final join, not once per nesting step."""
    nulls = value.null_count
    if nulls == len(value):
        return
    if nulls == 0:
        pieces.extend((prefix, value))
        return
    pieces.extend((pc.if_else(pc.is_valid(value), prefix, ""), pc.fill_null(value, "")))


def _wrap(pieces: list[pa.Array | str], n: int, left: str, right: str) -> pa.Array:
    """``left`` + the pieces (the first one's leading comma dropped) + ``right``; absent where
    the pieces are all empty."""
    if not any(isinstance(p, pa.Array | pa.ChunkedArray) for p in pieces):
        text = "".join(p for p in pieces if isinstance(p, str))
        return pa.array([left + text[1:] + right] * n, _STR) if text else _nulls(n)
    first = pieces[0]
    if isinstance(first, str):  # a constant first member: present in every row
        return _combine(pc.binary_join_element_wise(left + first[1:], *pieces[1:], right, ""))
    joined = _combine(pc.binary_join_element_wise(*pieces, ""))
    body = pc.binary_join_element_wise(left, pc.utf8_slice_codeunits(joined, 1), right, "")
    empty = pc.equal(pc.binary_length(joined), 0)
    return _combine(pc.if_else(empty, pa.scalar(None, _STR), body))


def render(node: Node, table: pa.Table) -> pa.Array:
    """One JSON text per row of ``table`` (null where the node is absent)."""
    return _as_array(node.eval(table), table.num_rows)

"""What every mCODE builder shares: the export context, the :class:`Builder` contract and the
template helpers (references, identifiers, partial dates, OSIRIS closed lists, the osiris-source
extension).

A builder turns one Arrow batch of one OSIRIS RWD table into resources of one mCODE profile. It is
pure: no I/O, no store; the exporter feeds it batches and the writers do the files. Rows it cannot
represent are returned as :class:`Unrepresented` (never dropped silently), and the source codes
it could not map to what mCODE binds are counted for the unmapped-codes report.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import (
    Arr,
    Calc,
    Const,
    Lookup,
    Node,
    Obj,
    Str,
    When,
    fhir_id,
    partial_date,
    render,
)
from oncorwd.convert.mcode.maps import EXT_OSIRIS, ident_system, load_maps, osiris_system
from oncorwd.dictionary import load_dictionary

__all__ = [
    "Builder",
    "Built",
    "Context",
    "Unrepresented",
    "date",
    "effective",
    "has",
    "identifier",
    "osiris_coding",
    "osiris_extension",
    "ref",
    "ref_text",
]

Mask = Callable[[pa.Table], pa.Array]


@dataclass(frozen=True)
class Context:
    """Per-export settings: the site (FINESS) and the base of the bundles' ``fullUrl``s."""

    site_id: str
    base_url: str = ""

    @property
    def org_id(self) -> str:
        return f"finess-{self.site_id}"

    @property
    def full_url_base(self) -> str:
        return self.base_url or f"https://oncorwd.example.org/fhir/sites/{self.site_id}"


@dataclass(frozen=True)
class Unrepresented:
    """A source row the target profile cannot hold, and why."""

    table: str
    record_id: str
    reason: str


@dataclass
class Built:
    """One batch of resources: JSON text, FHIR id and owning patient per resource."""

    resource_type: str
    profile: str
    json: pa.Array
    patient_id: pa.Array
    ids: pa.Array
    unrepresented: list[Unrepresented] = field(default_factory=list)
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.json)


def not_in_map(t: pa.Table, column: str, map_name: str, shown: str | None = None) -> pa.Array:
    """Per row: the value of ``shown`` (default ``column``) where ``column`` is absent from the
    curated map ``map_name``, null elsewhere: what :meth:`Builder.unmapped` reports."""
    known = pa.array(list(load_maps()[map_name]))
    missing = pc.invert(pc.is_in(t.column(column), value_set=known))
    return pc.if_else(missing, t.column(shown or column), pa.scalar(None, pa.string()))


class Builder(ABC):
    """One mCODE profile built from one OSIRIS RWD table (subclasses declare the differences)."""

    name: ClassVar[str]            # mCODE profile name, e.g. "primary-cancer-condition"
    resource_type: ClassVar[str]
    table: ClassVar[str]           # OSIRIS RWD source table
    key: ClassVar[str]             # record id column of the source table
    suffix: ClassVar[str] = ""     # appended to the record id to make the resource id
    sql: ClassVar[str | None] = None  # source query (default: every column of ``table``)

    def prepare(self, t: pa.Table) -> pa.Table:
        """Add derived columns the template reads (default: none)."""
        return t

    def keep(self, t: pa.Table) -> pa.Array | None:
        """Rows this builder represents (None: all)."""
        return None

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        """(row mask, reason) for rows of ``keep`` the profile cannot hold (they are left out)."""
        return []

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        """Report name -> source codes (one per resource) that found no target code."""
        return {}

    @abstractmethod
    def template(self, ctx: Context) -> Node:
        ...

    def id_of(self, t: pa.Table) -> pa.Array:
        return fhir_id(pc.binary_join_element_wise(t.column(self.key), self.suffix, ""))

    def build(self, t: pa.Table, ctx: Context) -> Built:
        t = self.prepare(t)
        mask = self.keep(t)
        if mask is not None:
            t = t.filter(pc.fill_null(mask, False))
        lost: list[Unrepresented] = []
        for bad, reason in self.unrepresentable(t):
            bad = pc.fill_null(bad, False)
            ids = t.filter(bad).column(self.key).to_pylist()
            lost.extend(Unrepresented(self.table, str(i), reason) for i in ids)
            t = t.filter(pc.invert(bad))
        counts = {name: _counts(codes) for name, codes in self.unmapped(t).items()}
        texts = render(_template(self, ctx), t)
        return Built(self.resource_type, self.name, texts, _combine(t.column("patient_id")),
                     _combine(self.id_of(t)), lost, {k: v for k, v in counts.items() if v})


_TEMPLATES: dict[tuple[type[Builder], Context], Node] = {}


def _template(builder: Builder, ctx: Context) -> Node:
    """The builder's template for ``ctx``, compiled once (the lookups and constants in it)."""
    key = (type(builder), ctx)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = builder.template(ctx)
    return _TEMPLATES[key]


def _combine(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _counts(codes: pa.Array) -> dict[str, int]:
    codes = pc.drop_null(_combine(codes))
    if not len(codes):
        return {}
    vc = pc.value_counts(codes)
    return {str(v["values"]): int(v["counts"]) for v in vc.to_pylist()}


# --- template helpers -----------------------------------------------------------------------


def has(column: str) -> Mask:
    """Row mask: ``column`` is not null."""
    return lambda t: pc.is_valid(t.column(column))


def ref_text(resource_type: str, column: str, suffix: str = "") -> Calc:
    """``"<Type>/<fhir id of column + suffix>"`` as raw text."""
    return Calc(lambda t: pc.binary_join_element_wise(
        resource_type + "/", fhir_id(pc.binary_join_element_wise(t.column(column), suffix, "")),
        ""))


def ref(resource_type: str, column: str, suffix: str = "") -> Obj:
    """A Reference to the resource made from ``column`` (absent when the column is null)."""
    return Obj(reference=Str(ref_text(resource_type, column, suffix), safe=True))


def identifier(ctx: Context, table: str, column: str) -> Arr:
    """``identifier`` holding the OSIRIS record id: the key the import reads back."""
    return Arr(Obj(system=Const(ident_system(ctx.site_id, table)), value=Str(column)))


def date(stem: str) -> Str:
    """A FHIR date/dateTime at the precision of the OSIRIS partial date ``stem``."""
    return Str(Calc(lambda t: partial_date(t, stem)), safe=True)


def _day_known(stem: str) -> Mask:
    def mask(t: pa.Table) -> pa.Array:
        month, day = t.column(f"{stem}_month"), t.column(f"{stem}_day")
        known = pc.and_(pc.not_equal(month, "UN"), pc.not_equal(day, "UN"))
        return pc.and_(pc.fill_null(known, False), pc.is_valid(t.column(f"{stem}_year")))
    return mask


def effective(stem: str, prefix: str = "effective") -> list[tuple[str, Node]]:
    """``<prefix>DateTime`` when the day is known, else ``<prefix>Period`` spanning the known
    month/year (US Core's us-core-1 wants dateTimes of at least a full date)."""
    full = _day_known(stem)
    value = date(stem)
    return [(prefix + "DateTime", When(full, value)),
            (prefix + "Period", When(lambda t: pc.invert(full(t)), Obj(start=value, end=value)))]


@cache
def _labels(value_set: str) -> dict[str, str]:
    vs = load_dictionary().value_set(value_set)
    return {v.code: v.label_en for v in vs.values}


def osiris_coding(value_set: str, column: str) -> Obj:
    """A Coding in the oncorwd URI of an OSIRIS RWD closed list (display: English label)."""
    return Obj(system=Const(osiris_system(value_set)), code=Str(column),
               display=Lookup(column, _labels(value_set)))


def _any_valid(columns: Sequence[str]) -> Mask:
    def mask(t: pa.Table) -> pa.Array:
        out = pa.array([False] * t.num_rows, pa.bool_())
        for c in columns:
            out = pc.or_(out, pc.is_valid(t.column(c)))
        return out
    return mask


def _as_text(column: str) -> Calc:
    return Calc(lambda t: pc.cast(t.column(column), pa.string()))


def osiris_extension(items: Sequence[str | tuple[str, str]]) -> When:
    """The oncorwd ``osiris-source`` extension: OSIRIS items with no mCODE element, one
    sub-extension per non-null value (``url`` = OSIRIS field name, ``valueString``). An item is
    a column, or (field name, column); a partial-date field is given by its stem and travels as
    a FHIR date at its own precision."""
    pairs = [(i, i) if isinstance(i, str) else i for i in items]
    columns = [_presence_column(c) for _, c in pairs]
    subs = [When(has(col), Obj(url=Const(name), valueString=_text_node(c)))
            for (name, c), col in zip(pairs, columns, strict=True)]
    return When(_any_valid(columns), Obj(url=Const(EXT_OSIRIS), extension=Arr(*subs)))


def _presence_column(column: str) -> str:
    return column[:-1] + "_year" if column.endswith("*") else column


def _text_node(column: str) -> Node:
    return date(column[:-1]) if column.endswith("*") else Str(_as_text(column))


def code_or_text(mapping: dict[str, Any], column: str, fallback: Node) -> Lookup:
    """A mapped value where the map has the code, else ``fallback`` (source coding + text)."""
    return Lookup(column, mapping, default=fallback)

"""Compile a StructureDefinition snapshot into a tree of element rules, once per profile.

The snapshot is a flat, ordered list of ElementDefinitions whose ids encode the tree
(``Observation.component:tumorSize.value[x]``: child ``value[x]`` of slice ``tumorSize`` of
``component``). The profile checker walks instances against this tree, so the per-resource work
is dictionary lookups, never a scan of the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Constraint", "Discriminator", "ElementNode", "TypeRef", "compile_snapshot"]


@dataclass(frozen=True, slots=True)
class TypeRef:
    """One allowed type of an element: its code, profiles and (for references) target profiles."""

    code: str
    profiles: tuple[str, ...] = ()
    target_profiles: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Constraint:
    """A FHIRPath invariant declared on an element."""

    key: str
    severity: str
    expression: str
    human: str


@dataclass(frozen=True, slots=True)
class Discriminator:
    """How a slice is recognised: ``type`` is value/pattern/type/profile/exists."""

    type: str
    path: str


@dataclass(eq=False)
class ElementNode:
    """The rules of one element (or one slice of it) and its children."""

    id: str
    path: str
    name: str
    min: int
    max: int | None
    types: tuple[TypeRef, ...] = ()
    fixed: tuple[str, str, Any] | None = None  # ("fixed"|"pattern", type suffix, value)
    binding: tuple[str, str] | None = None  # (strength, value set url)
    constraints: tuple[Constraint, ...] = ()
    content_reference: str | None = None
    slice_name: str | None = None
    discriminators: tuple[Discriminator, ...] = ()
    slicing_rules: str | None = None
    children: dict[str, ElementNode] = field(default_factory=dict)
    slices: list[ElementNode] = field(default_factory=list)

    @property
    def is_choice(self) -> bool:
        """``value[x]``: the instance names the element ``value<Type>``."""
        return self.name.endswith("[x]")

    @property
    def type_codes(self) -> frozenset[str]:
        """The allowed type codes."""
        return frozenset(t.code for t in self.types)

    @property
    def label(self) -> str:
        """The element's id, as shown in messages (``Observation.component:tumorSize``)."""
        return self.id


def _max(value: str) -> int | None:
    return None if value == "*" else int(value)


def _fixed(element: dict[str, Any]) -> tuple[str, str, Any] | None:
    for key, value in element.items():
        if key.startswith("fixed") and key != "fixed":
            return ("fixed", key[5:], value)
        if key.startswith("pattern") and key != "pattern":
            return ("pattern", key[7:], value)
    return None


def _types(element: dict[str, Any]) -> tuple[TypeRef, ...]:
    return tuple(TypeRef(t["code"], tuple(t.get("profile", ())), tuple(t.get("targetProfile", ())))
                 for t in element.get("type", ()) if "code" in t)


def _node(element: dict[str, Any]) -> ElementNode:
    last = element["id"].rsplit(".", 1)[-1]
    name, _, slice_name = last.partition(":")
    binding = element.get("binding") or {}
    slicing = element.get("slicing") or {}
    return ElementNode(
        id=element["id"], path=element["path"], name=name,
        min=int(element.get("min", 0)), max=_max(str(element.get("max", "*"))),
        types=_types(element), fixed=_fixed(element),
        binding=(binding["strength"], binding["valueSet"]) if binding.get("valueSet") else None,
        constraints=tuple(Constraint(c["key"], c.get("severity", "error"), c["expression"],
                                     c.get("human", "")) for c in element.get("constraint", ())
                          if c.get("expression")),
        content_reference=element.get("contentReference"),
        slice_name=slice_name.rsplit("/", 1)[-1] if slice_name else None,
        discriminators=tuple(Discriminator(d["type"], d["path"])
                             for d in slicing.get("discriminator", ())),
        slicing_rules=slicing.get("rules") if slicing else None,
    )


def compile_snapshot(structure_definition: dict[str, Any]) -> ElementNode:
    """The root :class:`ElementNode` of a snapshot (children and slices linked by id)."""
    elements = structure_definition.get("snapshot", {}).get("element", [])
    if not elements:
        raise ValueError(f"{structure_definition.get('url')} has no snapshot")
    by_id: dict[str, ElementNode] = {}
    root = None
    for element in elements:
        node = _node(element)
        by_id[node.id] = node
        if root is None:
            root = node
            continue
        parent_id, _, last = node.id.rpartition(".")
        if ":" in last:  # a slice (or a re-slice ``a:b/c``) of the element without it
            base_last, _, slice_part = last.rpartition(":")
            base = f"{base_last}:{slice_part.rsplit('/', 1)[0]}" if "/" in slice_part \
                else base_last
            by_id[f"{parent_id}.{base}"].slices.append(node)
        else:
            by_id[parent_id].children[node.name] = node
    assert root is not None
    _link_content_references(root, by_id)
    return root


def _link_content_references(root: ElementNode, by_id: dict[str, ElementNode]) -> None:
    """``Bundle.entry.link`` → ``#Bundle.link``: share the referenced element's children."""
    for node in by_id.values():
        ref = node.content_reference
        if ref and not node.children:
            target = by_id.get(ref.rpartition("#")[2])
            if target is not None:
                node.children = target.children
                node.types = node.types or target.types
                node.constraints = node.constraints or target.constraints

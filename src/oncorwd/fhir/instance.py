"""Reading FHIR JSON the way the profile tree expects it.

An element of an instance is an :class:`Occurrence`: its JSON value, the type actually used
(for choice elements ``value[x]``: ``valueQuantity`` → ``Quantity``), the extension object of a
primitive (``_birthDate``) and its FHIRPath-like location. Kept apart from the checker so the
JSON conventions (choice names, ``_primitive`` siblings, arrays) live in one place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["PRIMITIVES", "Occurrence", "child_occurrences", "values_at"]

PRIMITIVES = frozenset({
    "boolean", "integer", "string", "decimal", "uri", "url", "canonical", "base64Binary",
    "instant", "date", "dateTime", "time", "code", "oid", "id", "markdown", "unsignedInt",
    "positiveInt", "uuid", "integer64", "xhtml",
})
_BY_SUFFIX = {p[0].upper() + p[1:]: p for p in PRIMITIVES}


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of an element in an instance."""

    value: Any
    path: str
    type_code: str | None = None
    ext: dict[str, Any] | None = None  # the ``_name`` object of a primitive

    @property
    def node(self) -> Any:
        """What children are read from: the object, or a primitive's extension object."""
        return self.value if isinstance(self.value, dict) else (self.ext or {})


def _type_of_suffix(suffix: str) -> str:
    return _BY_SUFFIX.get(suffix, suffix)


def _expand(value: Any, ext: Any, path: str, type_code: str | None) -> Iterator[Occurrence]:
    if isinstance(value, list) or isinstance(ext, list):
        values = value if isinstance(value, list) else []
        exts = ext if isinstance(ext, list) else []
        for i in range(max(len(values), len(exts))):
            v = values[i] if i < len(values) else None
            e = exts[i] if i < len(exts) else None
            if v is not None or e is not None:
                yield Occurrence(v, f"{path}[{i}]", type_code, e if isinstance(e, dict) else None)
    elif value is not None or ext is not None:
        yield Occurrence(value, path, type_code, ext if isinstance(ext, dict) else None)


def child_occurrences(parent: Occurrence, name: str) -> list[Occurrence]:
    """The occurrences of child ``name`` (``value[x]`` matches every ``value<Type>``)."""
    obj = parent.node
    if not isinstance(obj, dict):
        return []
    if not name.endswith("[x]"):
        return list(_expand(obj.get(name), obj.get("_" + name), f"{parent.path}.{name}", None))
    base = name[:-3]
    out: list[Occurrence] = []
    for key in obj:
        if key.startswith(base) and len(key) > len(base) and key[len(base)].isupper():
            out.extend(_expand(obj[key], obj.get("_" + key), f"{parent.path}.{key}",
                               _type_of_suffix(key[len(base):])))
        elif key.startswith("_" + base) and key[1:] not in obj and len(key) > len(base) + 1 \
                and key[len(base) + 1].isupper():
            out.extend(_expand(None, obj[key], f"{parent.path}.{key[1:]}",
                               _type_of_suffix(key[len(base) + 1:])))
    return out


def values_at(value: Any, path: str) -> list[Any]:
    """The values reached by a simple dotted path (lists flattened), for slice discriminators.

    ``$this`` is the value itself; a ``name[x]`` step matches any ``name<Type>``.
    """
    current = [value]
    for step in path.split("."):
        if step == "$this":
            continue
        nxt: list[Any] = []
        for item in current:
            if not isinstance(item, dict):
                continue
            if step.endswith("[x]"):
                found = [v for k, v in item.items() if k.startswith(step[:-3])
                         and len(k) > len(step) - 3 and k[len(step) - 3].isupper()]
            else:
                found = [item[step]] if step in item else []
            for v in found:
                nxt.extend(v if isinstance(v, list) else [v])
        current = nxt
    return current

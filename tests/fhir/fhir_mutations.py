"""Programmatic mutations of the official mCODE examples, each with the issue it must raise.

Targets are chosen from the profile snapshot (an element with min ≥ 1 present in the example, a
pattern-bound code, an expandable required binding…), so the same generators run over every
example; each :class:`Mutation` says which path and layer the validator must report.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from oncorwd.fhir.profiles import ProfileChecker
from oncorwd.fhir.snapshot import ElementNode

__all__ = ["Mutation", "mutations"]


@dataclass(frozen=True)
class Mutation:
    """A broken copy of an example and where the validator must complain."""

    kind: str
    example: str
    resource: dict[str, Any]
    path: str  # the issue path must start with this
    layer: str
    message: str  # a fragment of the expected message


def _json_key(node: ElementNode, obj: dict[str, Any]) -> str | None:
    if node.is_choice:
        base = node.name[:-3]
        return next((k for k in obj if k.startswith(base) and k[len(base):][:1].isupper()), None)
    return node.name if node.name in obj else None


def _drop_required(name: str, res: dict[str, Any], root: ElementNode) -> Iterator[Mutation]:
    rtype = res["resourceType"]
    for child in root.children.values():
        key = _json_key(child, res)
        if child.min >= 1 and key and child.name not in ("resourceType",):
            broken = copy.deepcopy(res)
            del broken[key]
            yield Mutation("drop-required", name, broken, f"{rtype}.{child.name}", "profile",
                           "minimum cardinality")


def _exceed_max(name: str, res: dict[str, Any], root: ElementNode) -> Iterator[Mutation]:
    rtype = res["resourceType"]
    for child in root.children.values():
        key = _json_key(child, res)
        if key and isinstance(res[key], list) and child.max is not None and child.max >= 1:
            broken = copy.deepcopy(res)
            broken[key] = broken[key] + [copy.deepcopy(broken[key][0])] * child.max
            yield Mutation("exceed-max", name, broken, f"{rtype}.{child.name}", "profile",
                           "maximum cardinality")
        for s in child.slices:
            if key and isinstance(res[key], list) and s.max is not None and s.max >= 1:
                matched = [x for x in res[key] if _pattern_of(s) and _matches(s, x)]
                if matched:
                    broken = copy.deepcopy(res)
                    broken[key] = broken[key] + [copy.deepcopy(matched[0])] * s.max
                    yield Mutation("exceed-slice-max", name, broken,
                                   f"{rtype}.{child.name}:{s.slice_name}", "profile",
                                   "maximum cardinality")


def _pattern_of(s: ElementNode) -> Any:
    code = s.children.get("code")
    return code.fixed[2] if code is not None and code.fixed else None


def _matches(s: ElementNode, item: Any) -> bool:
    from oncorwd.fhir.profiles import contains_pattern

    return isinstance(item, dict) and contains_pattern(_pattern_of(s), item.get("code"))


def _change_pattern(name: str, res: dict[str, Any], root: ElementNode) -> Iterator[Mutation]:
    rtype = res["resourceType"]
    for child in root.children.values():
        if child.fixed and child.fixed[1] == "CodeableConcept" and isinstance(
                res.get(child.name), dict) and res[child.name].get("coding"):
            broken = copy.deepcopy(res)
            for coding in broken[child.name]["coding"]:
                coding["code"] = "mutated-code"
            yield Mutation("change-pattern", name, broken, f"{rtype}.{child.name}", "profile",
                           "pattern")


def _break_binding(name: str, res: dict[str, Any], root: ElementNode,
                   checker: ProfileChecker) -> Iterator[Mutation]:
    rtype = res["resourceType"]
    for child in root.children.values():
        b = child.binding
        if not b or b[0] != "required" or checker.valuesets.expand(b[1]) is None:
            continue
        value = res.get(child.name)
        broken = copy.deepcopy(res)
        if isinstance(value, str):
            broken[child.name] = "not-a-code"
        elif isinstance(value, dict) and value.get("coding"):
            broken[child.name]["coding"] = [{"system": "http://example.org/cs", "code": "x"}]
        else:
            continue
        yield Mutation("break-binding", name, broken, f"{rtype}.{child.name}", "profile",
                       "required value set")


def _drop_slice(name: str, res: dict[str, Any], root: ElementNode) -> Iterator[Mutation]:
    rtype = res["resourceType"]
    for child in root.children.values():
        key = _json_key(child, res)
        for s in child.slices:
            if key and s.min >= 1 and isinstance(res[key], list) and _pattern_of(s):
                broken = copy.deepcopy(res)
                broken[key] = [x for x in broken[key] if not _matches(s, x)]
                if not broken[key]:
                    del broken[key]
                yield Mutation("drop-slice", name, broken,
                               f"{rtype}.{child.name}", "profile", "")


def _wrong_extension_type(name: str, res: dict[str, Any],
                          checker: ProfileChecker) -> Iterator[Mutation]:
    rtype = res["resourceType"]
    for i, ext in enumerate(res.get("extension") or ()):
        vkey = next((k for k in ext if k.startswith("value")), None)
        ext_root = checker.root(ext.get("url", ""))
        allowed = ext_root.children.get("value[x]") if ext_root else None
        if vkey and allowed is not None and "string" not in allowed.type_codes:
            broken = copy.deepcopy(res)
            del broken["extension"][i][vkey]
            broken["extension"][i]["valueString"] = "wrong type"
            yield Mutation("wrong-extension-type", name, broken,
                           f"{rtype}.extension[{i}].valueString", "profile", "not allowed")


def mutations(name: str, res: dict[str, Any], checker: ProfileChecker) -> Iterator[Mutation]:
    """Every generated mutation of one example (against the profiles it claims)."""
    for url in res.get("meta", {}).get("profile", ()):
        root = checker.root(url)
        if root is None or res.get("resourceType") == "Bundle":
            continue
        yield from _drop_required(name, res, root)
        yield from _exceed_max(name, res, root)
        yield from _change_pattern(name, res, root)
        yield from _break_binding(name, res, root, checker)
        yield from _drop_slice(name, res, root)
        yield from _wrong_extension_type(name, res, checker)
        yield from _obs6(name, res)


def _obs6(name: str, res: dict[str, Any]) -> Iterator[Mutation]:
    if res.get("resourceType") == "Observation" and any(k.startswith("value") for k in res):
        broken = copy.deepcopy(res)
        broken["dataAbsentReason"] = {"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "unknown"}]}
        yield Mutation("invariant-obs-6", name, broken, "Observation", "invariant", "obs-6")

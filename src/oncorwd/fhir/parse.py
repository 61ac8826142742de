"""Layer 1: does each resource parse as FHIR R4B (``fhir.resources``)?

This is the structural check: element names, JSON types, primitive formats, required elements
of the base specification, choice types. It knows nothing of profiles. Pydantic errors are
turned into :class:`ValidationIssue` with a FHIRPath-like path (``Observation.component[0].code``).

A Bundle is parsed without its entries' resources (each entry resource is parsed, and reported,
on its own), so one broken entry is reported once, under its own type and id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from oncorwd.fhir.issues import ValidationIssue

__all__ = ["loc_to_path", "parse_resource"]


@cache
def _model_class(resource_type: str) -> type[BaseModel] | None:
    from fhir.resources.R4B import get_fhir_model_class

    try:
        cls = get_fhir_model_class(resource_type)
    except (KeyError, ValueError, AttributeError, ImportError):
        return None
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def loc_to_path(resource_type: str, loc: Sequence[int | str]) -> str:
    """``("component", 0, "code")`` → ``Observation.component[0].code``.

    Pydantic adds the names of validators to some locations (``function-after[...]``); those
    parts say nothing about where the element is and are dropped.
    """
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif "[" in part or " " in part or part == "__root__":
            continue
        else:
            path += f".{part}"
    return path


def _strip_entry_resources(bundle: Mapping[str, Any]) -> dict[str, Any]:
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        return dict(bundle)
    stripped = [{k: v for k, v in e.items() if k != "resource"} if isinstance(e, dict) else e
                for e in entries]
    return {**bundle, "entry": stripped}


def parse_resource(resource: Mapping[str, Any]) -> list[ValidationIssue]:
    """Parse one resource with its R4B model; an empty list means it parsed."""
    rtype = resource.get("resourceType") if isinstance(resource, Mapping) else None
    rid = resource.get("id") if isinstance(resource, Mapping) else None
    rid = rid if isinstance(rid, str) else None
    if not isinstance(rtype, str):
        return [ValidationIssue("Unknown", rid, "Resource.resourceType", "error", "parse",
                                "not a FHIR resource: resourceType is missing")]
    cls = _model_class(rtype)
    if cls is None:
        return [ValidationIssue(rtype, rid, f"{rtype}.resourceType", "error", "parse",
                                f"unknown FHIR R4 resource type {rtype!r}")]
    data = _strip_entry_resources(resource) if rtype == "Bundle" else dict(resource)
    try:
        cls.model_validate(data)
    except ValidationError as exc:
        return [ValidationIssue(rtype, rid, loc_to_path(rtype, err["loc"]), "error", "parse",
                                _message(err)) for err in exc.errors()]
    except (ValueError, TypeError) as exc:  # fhir.resources raises a few of its own
        return [ValidationIssue(rtype, rid, rtype, "error", "parse", str(exc))]
    return []


def _message(err: Mapping[str, Any]) -> str:
    msg = str(err.get("msg", "invalid"))
    if err.get("type") == "extra_forbidden":
        return "unknown element (not in the FHIR R4 definition of this type)"
    inp = err.get("input")
    if isinstance(inp, str | int | float | bool) and len(repr(inp)) < 60:
        msg += f" (got {inp!r})"
    return msg

"""The curated code maps of the mCODE export, loaded from ``data/maps.yaml``.

Why a data file: each entry carries where it was verified (an mCODE STU4 value set, an official
example, or an outside reference), so a reviewer checks the maps without reading code, and the
import uses the same file backwards. Nothing is inferred here: a source code missing from a map is
carried with its own system and text and counted in the unmapped-codes report.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "EXT_OSIRIS",
    "MCODE",
    "coding",
    "concept",
    "ident_system",
    "load_maps",
    "osiris_system",
    "profile",
    "system",
]

#: Canonical base of the mCODE STU4 StructureDefinitions.
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
#: The oncorwd complex extension carrying OSIRIS RWD items that have no mCODE element.
EXT_OSIRIS = "https://oncorwd.org/fhir/StructureDefinition/osiris-source"


@cache
def load_maps() -> dict[str, Any]:
    """The maps as a dict (cached; treat as read-only)."""
    text = resources.files("oncorwd.convert.mcode").joinpath("data/maps.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def system(name: str) -> str:
    """The URI of a code system by its short name in ``maps.yaml``."""
    return str(load_maps()["systems"][name])


def osiris_system(value_set: str) -> str:
    """The oncorwd URI of an OSIRIS RWD closed list (``osiris-stage_value``…)."""
    return system("osiris") + value_set


def ident_system(site_id: str, table: str) -> str:
    """``identifier.system`` of resources made from rows of ``table`` at ``site_id``: the value
    is the OSIRIS record id, which is what the import reads back."""
    return f"https://oncorwd.org/fhir/sid/{site_id}/{table}"


def profile(name: str) -> str:
    return MCODE + "mcode-" + name


def coding(entry: dict[str, Any], default_system: str | None = None) -> dict[str, str]:
    """A FHIR Coding from a map entry (``system`` short name, ``code``, ``display``)."""
    out = {"system": system(entry.get("system", default_system or "")), "code": str(entry["code"])}
    if entry.get("display"):
        out["display"] = str(entry["display"])
    return out


def concept(entry: dict[str, Any], default_system: str | None = None) -> dict[str, Any]:
    """A CodeableConcept with the one coding of a map entry."""
    return {"coding": [coding(entry, default_system)]}

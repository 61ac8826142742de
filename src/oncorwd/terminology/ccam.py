"""CCAM, the French classification of medical procedures, oncology subset.

Only codes checked against official publications are shipped (radiotherapy sessions and major
cancer surgery, with their French labels; CCAM has no English labels). Load the full CCAM export
a site holds for everything else. ``group`` tells surgery, radiotherapy and other procedures apart.
"""

from __future__ import annotations

import re

from oncorwd.terminology._base import CodeSystem, squash

__all__ = ["CCAM_GROUPS", "Ccam", "ccam_group"]

#: Values of the ``group`` attribute of shipped CCAM codes.
CCAM_GROUPS = ("surgery", "radiotherapy", "interventional_imaging", "other")

_CCAM = re.compile(r"([A-Z]{4}\d{3})(?:-\d{2})?")


class Ccam(CodeSystem):
    """CCAM acts: four letters and three digits (``ZZNL050``); a ``-NN`` suffix is dropped."""

    name = "ccam"
    title = "CCAM (Classification commune des actes médicaux)"
    pattern = re.compile(r"[A-Z]{4}\d{3}")
    example = "ZZNL050"
    data_file = "ccam.csv"

    def normalize(self, code: str) -> str:
        text = squash(code)
        match = _CCAM.fullmatch(text)
        return text if match is None else match.group(1)


def ccam_group(code: str) -> str | None:
    """``surgery``, ``radiotherapy``, ``other``... of a shipped CCAM code, ``None`` if unknown."""
    from oncorwd.terminology.registry import get_code_system

    concept = get_code_system("ccam").concept(code)
    return None if concept is None else concept.attributes.get("group") or None

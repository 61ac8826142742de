"""ICD-O-3 topography and morphology, the two axes OSIRIS RWD uses to code a primary cancer.

Topography codes are ``Cnn.n`` sites; the three-character headings (``C50``) are shipped as abstract
grouping concepts, usable in ``is_a`` and ``children`` but not as values. Morphology codes are
``NNNN/B``: a histological type and a behaviour digit. The shipped list is the in situ and malignant
subset; any behaviour digit is accepted for a listed 4-digit type (``8140/0`` is well known even if
only ``8140/3`` is listed). The IARC multiple-primary groups live in :mod:`oncorwd.terminology.iarc`
and are reachable here through ``is_a(code, "group:…")``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from oncorwd.errors import TerminologyError
from oncorwd.terminology._base import CodeSystem, Concept, squash

__all__ = [
    "MALIGNANT_BEHAVIOURS",
    "IcdO3Morphology",
    "IcdO3Topography",
    "behaviour",
    "normalize_morphology",
    "normalize_topography",
    "recode_behaviour",
]

#: Behaviour digits that denote a malignant tumour (/3 primary, /6 metastatic, /9 uncertain which).
MALIGNANT_BEHAVIOURS = frozenset({3, 6, 9})

_TOPOGRAPHY = re.compile(r"C(\d{2})\.?(\d)?")
_MORPHOLOGY = re.compile(r"(?:M-?)?(\d{4})/?(\d)")


def normalize_topography(code: str) -> str:
    """``C504``, ``c50.4``, ``C 50.4`` → ``C50.4``; ``C50`` stays a heading; else text cleaned."""
    text = squash(code)
    match = _TOPOGRAPHY.fullmatch(text)
    if match is None:
        return text
    site, sub = match.groups()
    return f"C{site}" if sub is None else f"C{site}.{sub}"


def normalize_morphology(code: str) -> str:
    """``81403``, ``M8140/3`` and ``M-8140/3`` → ``8140/3``; other text is cleaned."""
    text = squash(code)
    match = _MORPHOLOGY.fullmatch(text)
    return text if match is None else f"{match.group(1)}/{match.group(2)}"


def behaviour(code: str) -> int:
    """The behaviour digit of a morphology code (``8500/3`` → 3)."""
    norm = normalize_morphology(code)
    if not IcdO3Morphology.pattern.fullmatch(norm):
        raise TerminologyError(
            f"{code!r} is not an ICD-O-3 morphology code",
            hint="expected NNNN/B, like 8140/3",
            system="icdo3_morphology",
            value=code,
        )
    return int(norm[-1])


def recode_behaviour(code: str) -> str:
    """Recode /6 (metastatic) and /9 (uncertain primary or metastatic) to /3, as registries do.

    The OSIRIS RWD guide (annex "CIMO-3 - axe morphologique") recommends recoding pathologists'
    /6 and /9 to /3 so that the morphology describes the primary tumour.
    """
    norm = normalize_morphology(code)
    return f"{norm[:4]}/3" if behaviour(norm) in (6, 9) else norm


class IcdO3Topography(CodeSystem):
    """ICD-O-3 topography: 330 sites C00.0-C80.9 under 70 abstract headings."""

    name = "icdo3_topography"
    title = "ICD-O-3 topography"
    pattern = re.compile(r"C\d{2}(\.\d)?")
    example = "C50.4"
    data_file = "icdo3_topography.csv"

    def normalize(self, code: str) -> str:
        return normalize_topography(code)

    def parent(self, code: str) -> str | None:
        return code[:3] if len(code) == 5 else None

    def _match_special(self, norm: str, pattern: str) -> bool | None:
        if not pattern.lower().startswith("group:"):
            return None
        from oncorwd.terminology.iarc import topography_group

        if self.pattern.fullmatch(norm) is None:
            return False
        return topography_group(norm).key == squash(pattern[len("group:") :])


class IcdO3Morphology(CodeSystem):
    """ICD-O-3 morphology ``NNNN/B``; valid when the 4-digit type is known, any behaviour."""

    name = "icdo3_morphology"
    title = "ICD-O-3 morphology"
    pattern = re.compile(r"\d{4}/[0-369]")
    example = "8140/3"
    data_file = "icdo3_morphology.csv"

    def __init__(self) -> None:
        super().__init__()
        self._types: frozenset[str] | None = None

    def normalize(self, code: str) -> str:
        return normalize_morphology(code)

    def parent(self, code: str) -> str | None:
        return code[:4] if len(code) == 6 else None

    def _compact(self, norm: str) -> str:
        return norm.replace("/", "")

    def _is_valid_normalized(self, norm: str) -> bool:
        return self.pattern.fullmatch(norm) is not None and norm[:4] in self.types()

    def types(self) -> frozenset[str]:
        """The known 4-digit histological types."""
        if self._types is None:
            self._types = frozenset(code[:4] for code in self.concepts)
        return self._types

    def add_concepts(self, concepts: Iterable[Concept], *, replace: bool = False) -> int:
        self._types = None
        return super().add_concepts(concepts, replace=replace)

    def _match_special(self, norm: str, pattern: str) -> bool | None:
        if not pattern.lower().startswith("group:"):
            return None
        from oncorwd.terminology.iarc import morphology_group

        if self.pattern.fullmatch(norm) is None:
            return False
        group = morphology_group(norm)
        return group is not None and str(group[0]) == pattern[len("group:") :].strip()

"""ICD-10 (CIM-10 in French PMSI): the neoplasm chapter, in situ and uncertain-behaviour codes, and
the comorbidities an oncology cohort is usually described with.

PMSI stays are coded in ICD-10, cancer registries and OSIRIS RWD in ICD-O-3:
:func:`icd10_to_icdo3_topography` bridges the two where the site is unambiguous (``C50.4`` →
``C50.4``, ``C61`` → ``C61.9``, a leukaemia → bone marrow ``C42.1``) and answers ``None`` elsewhere
(secondary sites, lymphomas), leaving those to a human or to the pathology report.
"""

from __future__ import annotations

import re
from functools import cache

from oncorwd.terminology._base import CodeSystem, squash
from oncorwd.terminology._files import read_package_csv

__all__ = ["Icd10", "icd10_to_icdo3_topography", "normalize_icd10"]

_ICD10 = re.compile(r"([A-Z])(\d{2})\.?([0-9A-Z]{1,2})?")


def normalize_icd10(code: str) -> str:
    """``c509`` and ``C50.9`` → ``C50.9``; PMSI extensions are kept (``C50.91``)."""
    text = squash(code).rstrip("+*")
    match = _ICD10.fullmatch(text)
    if match is None:
        return text
    letter, number, sub = match.groups()
    return f"{letter}{number}" if sub is None else f"{letter}{number}.{sub}"


class Icd10(CodeSystem):
    """ICD-10 subset; 3-character categories are valid codes, as in the WHO classification."""

    name = "icd10"
    title = "ICD-10 (WHO) / CIM-10"
    pattern = re.compile(r"[A-Z]\d{2}(\.[0-9A-Z]{1,2})?")
    example = "C50.9"
    data_file = "icd10.csv"

    def normalize(self, code: str) -> str:
        return normalize_icd10(code)

    def parent(self, code: str) -> str | None:
        if len(code) == 6:
            return code[:5]
        return code[:3] if len(code) == 5 else None

    def category(self, code: str) -> str | None:
        """``malignant``, ``secondary``, ``in_situ``, ``benign``, ``uncertain``, ``comorbidity`` or
        ``oncology_context`` (Z51.1 chemotherapy session...), looking up the code or its parents."""
        for candidate in (self.normalize(code), *self.ancestors(code)):
            concept = self.concepts.get(candidate)
            if concept is not None and "category" in concept.attributes:
                return concept.attributes["category"]
        return None


@cache
def _topography_map() -> dict[str, str]:
    return {
        row["icd10"]: row["icdo3_topography"]
        for row in read_package_csv("icd10_to_icdo3_topography.csv")
    }


def icd10_to_icdo3_topography(code: str) -> str | None:
    """The ICD-O-3 topography of an ICD-10 code when the site is well defined, else ``None``.

    A PMSI extension (``C50.91``) maps like its 4-character parent.
    """
    norm = normalize_icd10(code)
    mapping = _topography_map()
    if norm in mapping:
        return mapping[norm]
    return mapping.get(norm[:5]) if len(norm) == 6 else None

"""The few SNOMED CT concepts OSIRIS RWD names: tumour-size methods (item 8.13), radiotherapy
modalities and staging systems. A site licensed for SNOMED CT loads the full release as a file."""

from __future__ import annotations

import re

from oncorwd.terminology._base import CodeSystem, squash

__all__ = ["TUMOUR_SIZE_METHODS", "SnomedOncology", "snomed_codes_in"]

#: OSIRIS RWD item 8.13 (TumorSizeMethod), in the guide's order of precedence for imaging after
#: pathology: macroscopic pathology, then MRI, CT, ultrasound, plain radiography.
TUMOUR_SIZE_METHODS = ("787377000", "113091000", "77477000", "16310003", "363680008")


class SnomedOncology(CodeSystem):
    """SNOMED CT identifiers (6 to 18 digits) from the shipped oncology subset."""

    name = "snomed_oncology"
    title = "SNOMED CT (OSIRIS RWD subset)"
    pattern = re.compile(r"[1-9]\d{5,17}")
    example = "787377000"
    data_file = "snomed_oncology.csv"

    def normalize(self, code: str) -> str:
        text = squash(code)
        return text[4:] if text.startswith("SCT:") else text


def snomed_codes_in(category: str) -> list[str]:
    """Shipped SNOMED CT codes of a category (``tumour_size_method``, ``radiotherapy_modality``,
    ``staging_system``), in file order."""
    from oncorwd.terminology.registry import get_code_system

    system = get_code_system("snomed_oncology")
    return [c.code for c in system.concepts.values() if c.attributes.get("category") == category]

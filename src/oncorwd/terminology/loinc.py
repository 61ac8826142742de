"""LOINC codes of oncology biomarkers, the biomarker catalogue, and the local technique codes.

A biomarker result in OSIRIS RWD says *what* was measured (ER, HER2, EGFR...), *how* (IHC, FISH,
NGS...) and the value. :func:`biomarker_by_name` resolves the names and French abbreviations found
in reports (``RO`` → ER, ``HER-2`` → HER2); :func:`biomarker_of` tells which biomarker a LOINC code
measures. Gene-level molecular tests have no single LOINC code and are recorded with the generic
genomics codes 69548-6 (genetic variant assessment) and 48018-6 (gene studied), so their catalogue
entries list no LOINC code. Techniques use ``oncorwd_technique``, a local code system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from oncorwd.terminology._base import CodeSystem, Concept, squash
from oncorwd.terminology._files import read_package_csv

__all__ = [
    "BIOMARKER_KINDS",
    "Biomarker",
    "BiomarkerName",
    "Loinc",
    "OncorwdTechnique",
    "biomarker_by_name",
    "biomarker_of",
    "biomarkers",
]

#: Where a biomarker is measured: in the tumour, in the germline, in serum, in urine, or a generic
#: genomics observation.
BIOMARKER_KINDS = ("tumour", "germline", "serum", "urine", "genomic")


class Loinc(CodeSystem):
    """LOINC observation codes (``16112-5``) and answer/part codes (``LA6692-3``)."""

    name = "loinc"
    title = "LOINC"
    pattern = re.compile(r"(?:L[AP])?\d{1,8}-\d")
    example = "16112-5"
    data_file = "loinc.csv"

    def normalize(self, code: str) -> str:
        text = squash(code)
        return text[6:] if text.startswith("LOINC:") else text


class OncorwdTechnique(CodeSystem):
    """LOCAL oncorwd codes for laboratory techniques (IHC, FISH, NGS...); not a standard."""

    name = "oncorwd_technique"
    title = "oncorwd laboratory techniques (local)"
    pattern = re.compile(r"[A-Z][A-Z0-9-]{1,19}")
    example = "IHC"
    data_file = "oncorwd_technique.csv"
    local = True

    def normalize(self, code: str) -> str:
        return squash(code).replace("_", "-")


@dataclass(frozen=True, slots=True)
class Biomarker:
    """One biomarker of the catalogue; ``loinc`` lists the shipped LOINC codes that measure it."""

    name: str
    label_en: str
    label_fr: str
    kind: str
    genes: tuple[str, ...]
    aliases: tuple[str, ...]
    loinc: tuple[str, ...]


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


@cache
def _catalogue() -> dict[str, Biomarker]:
    by_biomarker: dict[str, list[str]] = {}
    for row in read_package_csv("loinc.csv"):
        if row["biomarker"]:
            by_biomarker.setdefault(row["biomarker"], []).append(row["code"])
    catalogue: dict[str, Biomarker] = {}
    for row in read_package_csv("biomarkers.csv"):
        name = row["name"]
        catalogue[name] = Biomarker(
            name=name,
            label_en=row["label_en"],
            label_fr=row["label_fr"],
            kind=row["kind"],
            genes=_split(row["gene"]),
            aliases=_split(row["aliases"]),
            loinc=tuple(by_biomarker.get(name, ())),
        )
    return catalogue


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().upper())


@cache
def _name_index() -> dict[str, Biomarker]:
    index: dict[str, Biomarker] = {}
    for biomarker in _catalogue().values():
        for name in (*biomarker.aliases, *biomarker.genes):
            index.setdefault(_key(name), biomarker)
    for biomarker in _catalogue().values():
        index[_key(biomarker.name)] = biomarker
    return index


def biomarkers(kind: str | None = None) -> list[Biomarker]:
    """The catalogue, in file order, optionally only one ``kind`` (see :data:`BIOMARKER_KINDS`)."""
    return [b for b in _catalogue().values() if kind is None or b.kind == kind]


def biomarker_by_name(name: str) -> Biomarker | None:
    """The biomarker called ``name`` (case-insensitive; aliases such as ``RO``, ``HER-2``, ``KI67``
    and gene symbols such as ``ERBB2`` are accepted), or ``None``."""
    return _name_index().get(_key(name))


def biomarker_of(loinc_code: str) -> Biomarker | None:
    """The biomarker a shipped LOINC code measures (``85319-2`` → HER2), or ``None``."""
    from oncorwd.terminology.registry import get_code_system

    concept = get_code_system("loinc").concept(loinc_code)
    if concept is None or not concept.attributes.get("biomarker"):
        return None
    return _catalogue().get(concept.attributes["biomarker"])


class BiomarkerName(CodeSystem):
    """LOCAL: the biomarker catalogue's names (``ER``, ``HER2``, ``EGFR``, ``CA 15-3``…) as codes.

    OSIRIS RWD item 17.2 names the biomarker; LOINC has codes for protein and serum markers but
    gene-level tests share the generic 69548-6, so the store keeps the catalogue name beside the
    LOINC code and cohort criteria filter on the name. ``normalize`` resolves aliases and gene
    symbols (``HER-2`` and ``ERBB2`` both give ``HER2``).
    """

    name = "biomarker"
    title = "oncorwd biomarker catalogue (local)"
    pattern = re.compile(r"\S(?:.{0,38}\S)?")
    example = "EGFR"
    local = True

    def _builtin_concepts(self) -> list[Concept]:
        return [
            Concept(code=b.name, label_en=b.label_en, label_fr=b.label_fr,
                    attributes={"kind": b.kind, "genes": "|".join(b.genes)})
            for b in biomarkers()
        ]

    def normalize(self, code: str) -> str:
        found = biomarker_by_name(str(code))
        return found.name if found else str(code).strip()

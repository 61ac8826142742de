"""The curated OMOP concept map: the standard concepts oncorwd uses directly, with provenance.

Each row of ``data/omop_concepts.csv`` says where its concept id was verified; ids are never
invented. What the map lacks gets a *local* concept (OMOP convention for site-specific concepts:
``concept_id`` > 2,000,000,000) whose id is a deterministic function of the source vocabulary and
code, so the same code gets the same id in every export::

    >>> curated()["gender:F"].concept_id
    8532
    >>> local_concept_id("ICDO3", "8140/3-C34.1") == local_concept_id("ICDO3", "8140/3-C34.1")
    True
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "LOCAL_BASE",
    "LOCAL_SPAN",
    "LOCAL_VOCABULARY",
    "OmopConcept",
    "curated",
    "local_concept_id",
]

#: Vocabulary of every local concept oncorwd writes.
LOCAL_VOCABULARY = "OncoRWD"
#: Local ids live in [LOCAL_BASE, LOCAL_BASE + LOCAL_SPAN): above 2e9 and below 2**31 (INTEGER).
LOCAL_BASE = 2_000_000_000
LOCAL_SPAN = 147_483_647


@dataclass(frozen=True, slots=True)
class OmopConcept:
    """One CONCEPT row (as far as oncorwd needs it) and where it was verified."""

    key: str
    concept_id: int
    concept_name: str
    domain_id: str
    vocabulary_id: str
    concept_class_id: str
    standard_concept: str | None
    concept_code: str
    verified_in: str


@cache
def curated() -> dict[str, OmopConcept]:
    """The curated map, by key (``gender:M``, ``type:registry``, ``field:measurement_id``…)."""
    text = resources.files("oncorwd.terminology").joinpath("data/omop_concepts.csv").read_text(
        encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    out: dict[str, OmopConcept] = {}
    for row in csv.DictReader(lines):
        out[row["key"]] = OmopConcept(
            key=row["key"], concept_id=int(row["concept_id"]), concept_name=row["concept_name"],
            domain_id=row["domain_id"], vocabulary_id=row["vocabulary_id"],
            concept_class_id=row["concept_class_id"],
            standard_concept=row["standard_concept"] or None, concept_code=row["concept_code"],
            verified_in=row["verified_in"])
    return out


def local_concept_id(vocabulary: str, code: str, salt: int = 0) -> int:
    """Deterministic local concept id for ``code`` of ``vocabulary`` (md5, stable everywhere).

    ``salt`` > 0 resolves the rare collision (the caller probes 1, 2, … in a fixed order)."""
    digest = hashlib.md5(f"{vocabulary}|{code}|{salt}".encode(), usedforsecurity=False)
    return LOCAL_BASE + int.from_bytes(digest.digest()[:8], "big") % LOCAL_SPAN

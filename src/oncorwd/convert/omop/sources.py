"""Source vocabularies: how each kind of OSIRIS code becomes an OMOP concept.

A builder declares its codes as :class:`CodeSource` (vocabulary key, OSIRIS table, SQL expression);
the export collects the distinct codes of every source in one pass over the store, resolves them
once (:mod:`.vocabulary`) and joins the result in the per-chunk SQL. The same expression serves
both, so the codes collected are exactly the codes joined. Differences between vocabularies are
data (:data:`VOCABULARIES`): target domain, local concept class, label, validity check, and the
Athena vocabularies to look the code up in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from oncorwd.terminology import get_code_system

__all__ = ["VOCABULARIES", "CodeSource", "SourceVocabulary"]


@dataclass(frozen=True, slots=True)
class CodeSource:
    """Codes of ``vocabulary`` found in ``table`` as the SQL expression ``expr`` (portable SQL:
    it runs on the store's engine to collect codes and in DuckDB to join them)."""

    vocabulary: str
    table: str
    expr: str


def _system_label(system: str) -> Callable[[str], str | None]:
    return lambda code: get_code_system(system).label(code, "en") or get_code_system(
        system).label(code, "fr")


def _system_valid(system: str) -> Callable[[str], bool]:
    return lambda code: bool(get_code_system(system).validate(code))


def _icdo3_label(code: str) -> str | None:
    morph, _, topo = code.partition("-")
    m = get_code_system("icdo3_morphology").label(morph, "en")
    t = get_code_system("icdo3_topography").label(topo, "en")
    return f"{m} of {t}" if m and t else None


def _icdo3_valid(code: str) -> bool:
    morph, sep, topo = code.partition("-")
    return bool(sep) and bool(get_code_system("icdo3_morphology").validate(morph)) and bool(
        get_code_system("icdo3_topography").validate(topo))


@dataclass(frozen=True, slots=True)
class SourceVocabulary:
    """How codes of one source vocabulary become concepts."""

    domain: str
    concept_class: str
    label: Callable[[str], str | None] = field(default=lambda code: code)
    valid: Callable[[str], bool] = field(default=lambda code: True)
    athena: tuple[str, ...] = ()


VOCABULARIES: dict[str, SourceVocabulary] = {
    "ICDO3": SourceVocabulary("Condition", "ICDO Condition", _icdo3_label, _icdo3_valid,
                              ("ICDO3",)),
    "ICDO3-T": SourceVocabulary("Spec Anatomic Site", "ICDO Topography",
                                _system_label("icdo3_topography"),
                                _system_valid("icdo3_topography"), ("ICDO3",)),
    "ICDO3-M": SourceVocabulary("Observation", "ICDO Histology",
                                _system_label("icdo3_morphology"),
                                _system_valid("icdo3_morphology"), ("ICDO3",)),
    "ICD10": SourceVocabulary("Condition", "ICD10 code", _system_label("icd10"),
                              _system_valid("icd10"), ("ICD10", "ICD10CM")),
    "ATC": SourceVocabulary("Drug", "ATC", _system_label("atc"), _system_valid("atc"),
                            ("ATC",)),
    "CCAM": SourceVocabulary("Procedure", "CCAM", _system_label("ccam"), _system_valid("ccam"),
                             ("CCAM",)),
    "DICOM": SourceVocabulary("Procedure", "DICOM Modality", _system_label("dicom_modality"),
                              _system_valid("dicom_modality")),
    "LOINC": SourceVocabulary("Measurement", "Lab Test", _system_label("loinc"),
                              _system_valid("loinc"), ("LOINC",)),
    "gender": SourceVocabulary("Gender", "Gender"),
    "Modifier": SourceVocabulary("Measurement", "Cancer Modifier"),
    "Biomarker": SourceVocabulary("Measurement", "Biomarker"),
    "Measure": SourceVocabulary("Measurement", "Clinical Observation"),
    "Value": SourceVocabulary("Meas Value", "Answer"),
    "Unit": SourceVocabulary("Unit", "Unit"),
    "RiskFactor": SourceVocabulary("Observation", "Risk Factor"),
    "Observation": SourceVocabulary("Observation", "Observation"),
    "Relationship": SourceVocabulary("Observation", "Relationship"),
    "Specimen": SourceVocabulary("Specimen", "Specimen"),
    "Episode": SourceVocabulary("Episode", "Episode"),
    "Regimen": SourceVocabulary("Regimen", "Regimen"),
    "CDM": SourceVocabulary("Metadata", "CDM"),
}

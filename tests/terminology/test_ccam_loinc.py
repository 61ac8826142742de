from __future__ import annotations

import pytest

from oncorwd.terminology import (
    biomarker_by_name,
    biomarker_of,
    biomarkers,
    ccam_group,
    get_code_system,
)
from oncorwd.terminology.loinc import BIOMARKER_KINDS


def test_ccam_radiotherapy_and_surgery():
    ccam = get_code_system("ccam")
    assert 60 <= len(ccam.codes()) <= 120
    assert ccam_group("ZZNL050") == "radiotherapy"
    assert ccam_group("QEFA019") == "surgery"
    assert ccam_group("ABCD123") is None
    assert ccam.normalize("zznl 061-00") == "ZZNL061"
    assert ccam.validate("ZZNL061-00")
    assert ccam.label("QEFA019") == "Mastectomie totale"  # English falls back to the French label
    assert ccam.is_a("ZZNL054", "ZZNL*")
    groups = {c.attributes["group"] for c in ccam.concepts.values()}
    assert groups <= {"surgery", "radiotherapy", "interventional_imaging", "other"}


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("16112-5", "ER"),
        ("16113-3", "PR"),
        ("18474-7", "HER2"),
        ("85319-2", "HER2"),
        ("2857-1", "PSA"),
        ("10334-1", "CA-125"),
        ("2039-6", "CEA"),
        ("6875-9", "CA 15-3"),
        ("24108-3", "CA 19-9"),
        ("81695-9", "MSI"),
        ("94076-7", "TMB"),
        ("1834-1", "AFP"),
        ("2532-0", "LDH"),
    ],
)
def test_biomarker_of_loinc(code, name):
    found = biomarker_of(code)
    assert found is not None and found.name == name
    assert code in found.loinc


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("HER2", "HER2"),
        ("her-2", "HER2"),
        ("ERBB2", "HER2"),
        ("RO", "ER"),
        ("RP", "PR"),
        ("ki67", "Ki-67"),
        ("PDL1", "PD-L1"),
        ("egfr", "EGFR"),
        ("BRCA1", "BRCA1"),
        ("ESR1", "ESR1"),
        ("MLH1", "MLH1"),
        ("CA125", "CA-125"),
        ("ACE", "CEA"),
    ],
)
def test_biomarker_by_name(alias, name):
    found = biomarker_by_name(alias)
    assert found is not None and found.name == name


def test_biomarker_catalogue_is_consistent():
    assert biomarker_by_name("no such marker") is None
    assert biomarker_of("0000-0") is None
    assert biomarker_of("69548-6") is None  # generic genomics code, no single biomarker
    assert biomarker_by_name("BRCA2").kind == "germline"
    assert biomarker_by_name("EGFR").loinc == ()
    assert {b.kind for b in biomarkers()} <= set(BIOMARKER_KINDS)
    loinc = get_code_system("loinc")
    names = {b.name for b in biomarkers()}
    for concept in loinc.concepts.values():
        assert concept.attributes["kind"] in BIOMARKER_KINDS
        assert not concept.attributes["biomarker"] or concept.attributes["biomarker"] in names
    technique = get_code_system("oncorwd_technique")
    assert technique.local
    for concept in loinc.concepts.values():
        assert not concept.attributes["technique"] or technique.validate(
            concept.attributes["technique"]
        )
    assert [b.name for b in biomarkers("serum")][:2] == ["PSA", "CA-125"]


def test_loinc_normalisation():
    loinc = get_code_system("loinc")
    assert loinc.normalize("LOINC:16112-5") == "16112-5"
    assert loinc.is_well_formed("LA6692-3")
    assert not loinc.validate("16112")

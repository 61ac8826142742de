from __future__ import annotations

import pytest

from oncorwd.errors import TerminologyError
from oncorwd.terminology import (
    TUMOUR_SIZE_METHODS,
    ecog_to_karnofsky_range,
    get_code_system,
    karnofsky_to_ecog,
    snomed_codes_in,
)


@pytest.mark.parametrize(
    ("karnofsky", "ecog"),
    [
        (100, 0),
        (90, 1),
        (80, 1),
        (70, 2),
        (60, 2),
        (50, 3),
        (40, 3),
        (30, 4),
        (20, 4),
        (10, 4),
        (0, 5),
        ("80%", 1),
    ],
)
def test_karnofsky_table_of_the_guide(karnofsky, ecog):
    assert karnofsky_to_ecog(karnofsky) == ecog


@pytest.mark.parametrize("value", [75, 110, -10, "high", "8O"])
def test_karnofsky_outside_the_table_raises(value):
    with pytest.raises(TerminologyError):
        karnofsky_to_ecog(value)


def test_ecog_to_karnofsky_range():
    assert ecog_to_karnofsky_range(1) == (80, 90)
    assert ecog_to_karnofsky_range(4) == (10, 30)
    with pytest.raises(TerminologyError):
        ecog_to_karnofsky_range(6)


def test_dicom_modalities():
    dicom = get_code_system("dicom_modality")
    for code in (
        "CT",
        "MR",
        "PT",
        "NM",
        "US",
        "MG",
        "CR",
        "DX",
        "XA",
        "RF",
        "OT",
        "SEG",
        "RTSTRUCT",
        "RTPLAN",
        "RTDOSE",
        "RTIMAGE",
    ):
        assert dicom.validate(code), code
    assert dicom.label("pt") == "Positron emission tomography (PET)"
    assert not dicom.validate("PET")


def test_snomed_codes_named_by_osiris():
    snomed = get_code_system("snomed_oncology")
    assert snomed_codes_in("tumour_size_method") == list(TUMOUR_SIZE_METHODS)
    assert snomed.label("113091000") == "Magnetic resonance imaging"
    assert snomed.normalize("SCT:77477000") == "77477000"
    assert snomed.validate(77477000)  # identifiers read as integers by spreadsheets


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("750000000", True),
        ("2A0000001", True),
        ("2b0000001", True),
        ("10000024", True),
        (10000024, True),
        ("7500000000", False),
        ("75000000A", False),
        ("2C0000001", False),
        ("", False),
    ],
)
def test_finess_format(code, valid):
    assert get_code_system("finess").validate(code) is valid


def test_finess_normalisation_pads_lost_leading_zero():
    finess = get_code_system("finess")
    assert finess.normalize("10000024") == "010000024"
    assert finess.label("750000000") is None

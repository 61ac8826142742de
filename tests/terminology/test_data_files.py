"""The shipped CSVs are well formed, documented, and hold nothing licensed (no MedDRA)."""

from __future__ import annotations

from importlib import resources

import pytest

from oncorwd.terminology import get_code_system
from oncorwd.terminology._files import read_package_csv

DATA = resources.files("oncorwd.terminology").joinpath("data")
CSV_FILES = sorted(p.name for p in DATA.iterdir() if p.name.endswith(".csv"))
SYSTEM_FILES = {
    "atc.csv": "atc",
    "ccam.csv": "ccam",
    "dicom_modality.csv": "dicom_modality",
    "icd10.csv": "icd10",
    "icdo3_morphology.csv": "icdo3_morphology",
    "icdo3_topography.csv": "icdo3_topography",
    "loinc.csv": "loinc",
    "oncorwd_technique.csv": "oncorwd_technique",
    "snomed_oncology.csv": "snomed_oncology",
}


@pytest.mark.parametrize("filename", CSV_FILES)
def test_every_file_has_a_source_comment_and_is_documented(filename):
    text = DATA.joinpath(filename).read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert filename in DATA.joinpath("README.md").read_text(encoding="utf-8")
    assert "meddra" not in text.lower() or filename == "README.md"


@pytest.mark.parametrize(("filename", "name"), sorted(SYSTEM_FILES.items()))
def test_codes_are_canonical_and_unique(filename, name):
    system = get_code_system(name)
    rows = read_package_csv(filename)
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert system.normalize(code) == code, code
        assert system.pattern.fullmatch(code), code
        assert system.label(code), code


def test_readme_says_no_meddra_is_shipped():
    assert "No MedDRA" in DATA.joinpath("README.md").read_text(encoding="utf-8")

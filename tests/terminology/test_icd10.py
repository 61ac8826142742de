from __future__ import annotations

import pytest

from oncorwd.terminology import get_code_system, icd10_to_icdo3_topography


@pytest.fixture
def icd10():
    return get_code_system("icd10")


def test_every_three_character_neoplasm_category_is_listed(icd10):
    expected = {f"C{n:02d}" for n in range(0, 98)} - {
        "C27",
        "C28",
        "C29",
        "C35",
        "C36",
        "C42",
        "C59",
        "C87",
        "C89",
    }
    expected |= {f"D{n:02d}" for n in range(0, 49)} - {"D08"}
    assert expected <= set(icd10.codes())
    assert not icd10.validate("C42")  # ICD-O-3 only


def test_labels_and_categories(icd10):
    assert icd10.label("C50") == "Malignant neoplasm of breast"
    assert icd10.label("C50", "fr") == "Tumeur maligne du sein"
    assert icd10.label("C34.1") == "Upper lobe, lung"
    assert icd10.category("C50.4") == "malignant"
    assert icd10.category("C78.7") == "secondary"
    assert icd10.category("D05.1") == "in_situ"
    assert icd10.category("D46") == "uncertain"
    assert icd10.category("E11") == "comorbidity"
    assert icd10.category("Z51.1") == "oncology_context"


@pytest.mark.parametrize(
    "code",
    [
        "E10",
        "E11",
        "E14",
        "I10",
        "I50",
        "J44",
        "N18",
        "I21",
        "I25",
        "I63",
        "I64",
        "I48",
        "I26",
        "I80",
        "E66",
        "B20",
        "B24",
        "B18.2",
        "K70",
        "K74",
        "F00",
        "F03",
        "F32",
        "F33",
    ],
)
def test_comorbidities(icd10, code):
    assert icd10.validate(code)


def test_normalisation_and_hierarchy(icd10):
    assert icd10.normalize("c509") == "C50.9"
    assert icd10.normalize("C50.9+") == "C50.9"
    assert icd10.validate("C509")
    assert icd10.is_a("C50.9", "C50")
    assert icd10.is_a("C92.0", "C81-C96")
    assert not icd10.is_a("C50.9", "C81-C96")
    assert "C50.4" in icd10.children("C50")


@pytest.mark.parametrize(
    ("code", "topography"),
    [
        ("C50.4", "C50.4"),
        ("C504", "C50.4"),
        ("C50", "C50.9"),
        ("C18.7", "C18.7"),
        ("C34.1", "C34.1"),
        ("C61", "C61.9"),
        ("C20", "C20.9"),
        ("C64", "C64.9"),
        ("C56", "C56.9"),
        ("C22.0", "C22.0"),
        ("C43.5", "C44.5"),
        ("C92.0", "C42.1"),
        ("C90.0", "C42.1"),
        ("D05.1", "C50.9"),
        ("C80.9", "C80.9"),
        ("C50.91", "C50.9"),
    ],
)
def test_map_to_icdo3_topography(code, topography):
    assert icd10_to_icdo3_topography(code) == topography


@pytest.mark.parametrize(
    "code", ["C78.0", "C77.2", "C79.5", "C83.3", "C92.3", "C45.0", "E11", "XYZ"]
)
def test_no_map_when_the_site_is_not_well_defined(code):
    assert icd10_to_icdo3_topography(code) is None


def test_every_mapped_topography_is_a_valid_site():
    from oncorwd.terminology.icd10 import _topography_map

    topo = get_code_system("icdo3_topography")
    icd10 = get_code_system("icd10")
    for source, target in _topography_map().items():
        assert icd10.validate(source), source
        assert topo.validate(target), target

from __future__ import annotations

import pytest

from oncorwd.errors import TerminologyError
from oncorwd.terminology import behaviour, get_code_system, recode_behaviour


@pytest.fixture
def topo():
    return get_code_system("icdo3_topography")


@pytest.fixture
def morpho():
    return get_code_system("icdo3_morphology")


def test_all_330_topography_sites_and_70_headings(topo):
    sites = topo.codes()
    assert len(sites) == 330
    assert sites[0] == "C00.0" and sites[-1] == "C80.9"
    assert len(topo.codes(include_abstract=True)) == 400
    assert {"C34.0", "C34.1", "C34.2", "C34.3", "C34.8", "C34.9"} <= set(sites)
    assert "C43.0" not in sites  # melanoma is a morphology, skin sites are C44


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C504", "C50.4"),
        ("c50.4", "C50.4"),
        (" C 50.4 ", "C50.4"),
        ("C61", "C61"),
        ("breast", "BREAST"),
    ],
)
def test_topography_normalisation(topo, raw, expected):
    assert topo.normalize(raw) == expected


def test_headings_are_labels_not_values(topo):
    assert topo.validate("C50.9")
    assert not topo.validate("C50")
    assert topo.label("C50") == "Breast"
    assert topo.label("C50.4") == "Upper-outer quadrant of breast"
    assert topo.label("C50.4", "fr") == "Quadrant supéro-externe du sein"
    assert topo.label("C00.3", "fr") == "Mucosa of upper lip"  # falls back to English
    assert topo.label("C99.9") is None
    assert not topo.validate("C50.7")  # no such site


def test_strict_validation_requires_canonical_spelling(topo):
    assert topo.validate("C504")
    assert not topo.validate("C504", strict=True)
    assert topo.validate("C50.4", strict=True)


def test_topography_hierarchy_and_patterns(topo):
    assert topo.children("C34") == ["C34.0", "C34.1", "C34.2", "C34.3", "C34.8", "C34.9"]
    assert topo.children("C34.1") == []
    assert topo.ancestors("C34.1") == ["C34"]
    assert topo.is_a("C34.1", "C34")
    assert topo.is_a("C341", "C34*")
    assert topo.is_a("C34.1", "C3*")
    assert not topo.is_a("C50.1", "C34*")
    assert topo.is_a("C14.0", "C00-C14")
    assert not topo.is_a("C15.0", "C00-C14")
    with pytest.raises(TerminologyError):
        topo.is_a("C14.0", "C00-C1")


def test_morphology_validation_accepts_any_behaviour_of_a_known_type(morpho):
    for code in (
        "8140/3",
        "8500/3",
        "8520/3",
        "8070/3",
        "8046/3",
        "8041/3",
        "8720/3",
        "8550/3",
        "9680/3",
        "9732/3",
        "9861/3",
        "9823/3",
        "9650/3",
        "9667/3",
        "9440/3",
        "8500/2",
    ):
        assert morpho.validate(code), code
    assert len(morpho.types()) > 250
    assert morpho.validate("8140/0")  # benign adenoma: type known, behaviour digit valid
    assert not morpho.validate("8140/4")  # no behaviour 4 in ICD-O-3
    assert not morpho.validate("9999/3")
    assert morpho.label("8140/3") == "Adenocarcinoma, NOS"
    assert morpho.label("8500/3", "fr") == "Carcinome canalaire infiltrant, SAI"


@pytest.mark.parametrize(
    ("raw", "expected"), [("81403", "8140/3"), ("M8140/3", "8140/3"), ("M-8140/3", "8140/3")]
)
def test_morphology_normalisation(morpho, raw, expected):
    assert morpho.normalize(raw) == expected


def test_behaviour_recode_as_the_guide_recommends():
    assert behaviour("8140/6") == 6
    assert recode_behaviour("8140/6") == "8140/3"
    assert recode_behaviour("8010/9") == "8010/3"
    assert recode_behaviour("8500/2") == "8500/2"
    assert recode_behaviour("81403") == "8140/3"
    with pytest.raises(TerminologyError):
        behaviour("adenocarcinoma")


def test_morphology_type_patterns(morpho):
    assert morpho.is_a("8140/3", "8140")
    assert morpho.is_a("8144/3", "814*")
    assert morpho.is_a("9663/3", "9650-9667")
    assert not morpho.is_a("9680/3", "9650-9667")
    assert morpho.children("8500") == ["8500/2", "8500/3"]

from __future__ import annotations

import pyarrow as pa
import pytest

from oncorwd.terminology import atc, get_code_system


@pytest.fixture
def system():
    return get_code_system("atc")


@pytest.mark.parametrize(
    ("old", "new", "inn"),
    [
        ("L01XC18", "L01FF02", "pembrolizumab"),
        ("L01XC17", "L01FF01", "nivolumab"),
        ("L01XC03", "L01FD01", "trastuzumab"),
        ("L01XC07", "L01FG01", "bevacizumab"),
        ("L01XE35", "L01EB04", "osimertinib"),
        ("L01XE01", "L01EA01", "imatinib"),
        ("L01XC02", "L01FA01", "rituximab"),
        ("L01XX19", "L01CE02", "irinotecan"),
        ("L01XX46", "L01XK01", "olaparib"),
        ("L01XX32", "L01XG01", "bortezomib"),
    ],
)
def test_2022_restructure(system, old, new, inn):
    assert atc.current(old) == new
    assert atc.current(old.lower()) == new
    assert system.label(old) == system.label(new) == inn
    assert system.validate(old) and system.validate(new)
    assert old in atc.previous_codes(new)


def test_is_a_works_across_the_restructure(system):
    assert system.is_a("L01XC18", "L01F*")
    assert system.is_a("L01XC18", "L01FF")
    assert system.is_a("L01FF02", "L01XC")  # an old class still finds the new code
    assert system.is_a("L01XE35", "L01E*")
    assert system.is_a("L01EB04", "L01")
    assert not system.is_a("L01XC18", "L01E*")
    assert system.is_a("L01XA01", "L01XA")


def test_current_codes_and_split_classes_are_returned_unchanged(system):
    assert atc.current("L01FF02") == "L01FF02"
    assert atc.current("L01XC") == "L01XC"  # split into L01F*, no single replacement
    assert atc.current("L01XE19") == "L01XE19"  # ridaforolimus: no current code
    assert atc.current("Z99ZZ99") == "Z99ZZ99"


def test_curated_list_size_and_hierarchy(system):
    current_l = [
        code
        for code in system.codes()
        if len(code) == 7
        and code.startswith("L")
        and system.concept(code).attributes["status"] == "current"
    ]
    assert len(current_l) >= 200
    for code in system.codes(include_abstract=True):
        for ancestor in system.ancestors(code):
            assert ancestor in system.concepts, (code, ancestor)
    assert system.ancestors("L01FF02") == ["L01FF", "L01F", "L01", "L"]
    assert "L01FF02" in system.children("L01FF")
    assert system.label("L01XA01", "fr") == "cisplatine"
    assert system.label("L01FF02", "fr") == "pembrolizumab"


def test_antineoplastic_flag():
    assert atc.is_antineoplastic("L01XC18")
    assert atc.is_antineoplastic("L02BA01")  # tamoxifen
    assert atc.is_antineoplastic("L04AX04")  # lenalidomide
    assert not atc.is_antineoplastic("A04AA01")  # ondansetron
    assert not atc.is_antineoplastic("L03AA13")  # pegfilgrastim
    assert not atc.is_antineoplastic("M05BA08")


def test_normalisation_and_malformed_codes(system):
    assert system.normalize("l01xc18") == "L01XC18"
    assert not system.validate("L01XC1")
    assert not system.validate("L01XC99")


def test_current_many_keeps_nulls():
    result = atc.current_many(["L01XC18", None, "L01XA01", "L01XC18"])
    assert result.to_pylist() == ["L01FF02", None, "L01XA01", "L01FF02"]
    assert isinstance(result, pa.Array)

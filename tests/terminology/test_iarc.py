from __future__ import annotations

import pytest

from oncorwd.errors import TerminologyError
from oncorwd.terminology import (
    get_code_system,
    morphology_group,
    same_histology_group,
    same_topography_group,
    topography_group,
)
from oncorwd.terminology.iarc import HISTOLOGY_GROUPS, TOPOGRAPHY_GROUPS, _histology_index


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("8500/3", 3),
        ("8520/3", 3),
        ("8140/3", 3),
        ("8550/3", 3),
        ("8941/3", 3),
        ("8070/3", 1),
        ("8120/3", 1),
        ("8131/3", 1),
        ("8090/3", 2),
        ("8041/3", 4),
        ("8046/3", 4),
        ("8010/3", 5),
        ("8050/3", 5),
        ("8800/3", 6),
        ("9120/3", 6),
        ("9050/3", 7),
        ("9861/3", 8),
        ("9680/3", 9),
        ("9732/3", 9),
        ("9823/3", 9),
        ("9702/3", 10),
        ("9650/3", 11),
        ("9667/3", 11),
        ("9740/3", 12),
        ("9750/3", 13),
        ("9590/3", 14),
        ("9989/3", 14),
        ("9140/3", 15),
        ("8720/3", 16),
        ("9440/3", 16),
        ("8000/3", 17),
    ],
)
def test_histology_groups_of_the_guide(code, group):
    found = morphology_group(code)
    assert found is not None and found[0] == group


def test_group_labels_and_codes_outside_groups():
    assert morphology_group("8500/3") == (3, "Adenocarcinomas")
    assert morphology_group("8500/3", "fr") == (3, "Adénocarcinomes")
    assert morphology_group("8006/3") is None  # between 8005 (group 17) and 8010 (group 5)
    with pytest.raises(TerminologyError):
        morphology_group("ductal")


def test_histology_ranges_are_exactly_the_guide_and_disjoint():
    assert [g.number for g in HISTOLOGY_GROUPS] == list(range(1, 18))
    assert HISTOLOGY_GROUPS[2].ranges == (
        (8140, 8149),
        (8160, 8162),
        (8190, 8221),
        (8260, 8337),
        (8350, 8551),
        (8570, 8576),
        (8940, 8941),
    )
    assert HISTOLOGY_GROUPS[13].ranges[-1] == (9989, 9989)
    _histology_index()  # raises if two groups share a code


def test_is_a_with_histology_group():
    morpho = get_code_system("icdo3_morphology")
    assert morpho.is_a("8500/3", "group:3")
    assert not morpho.is_a("8070/3", "group:3")


def test_topography_groups_of_the_guide():
    assert [g.key for g in TOPOGRAPHY_GROUPS] == [
        "C01+C02",
        "C00+C03+C04+C05+C06",
        "C09+C10+C12+C13+C14",
        "C19+C20",
        "C23+C24",
        "C33+C34",
        "C40+C41",
        "C65+C66+C67+C68",
    ]
    group = topography_group("C20.9")
    assert group.key == "C19+C20" and group.synchronous_code == "C20.9"
    assert topography_group("C019").synchronous_code == "C02.9"
    assert topography_group("C67.2").synchronous_code == "C68.9"
    assert same_topography_group("C33.9", "C34.1")
    assert not same_topography_group("C18.7", "C20.9")  # colon and rectum stay separate


def test_single_sites_are_their_own_group():
    group = topography_group("C50.4")
    assert group.key == "C50" and group.sites == ("C50",) and group.synchronous_code is None
    assert group.label_fr == "Sein"
    assert get_code_system("icdo3_topography").is_a("C02.1", "group:C01+C02")
    with pytest.raises(TerminologyError):
        topography_group("8140/3")


def test_same_histology_group():
    assert same_histology_group("8500/3", "8140/3")
    assert not same_histology_group("8500/3", "8070/3")

from __future__ import annotations

import pytest

from oncorwd.errors import TerminologyError
from oncorwd.terminology import (
    get_code_system,
    m_to_flag,
    parse_tnm,
    split_tnm,
    stage_group_to_osiris,
)


def test_value_lists():
    t, n, m = (get_code_system(name) for name in ("tnm_t", "tnm_n", "tnm_m"))
    for code in (
        "Tx",
        "T0",
        "Tis",
        "T1",
        "T1mi",
        "T1a",
        "T1b",
        "T1c",
        "T2",
        "T2a",
        "T3",
        "T4",
        "T4d",
    ):
        assert t.validate(code), code
    for code in ("Nx", "N0", "N1", "N1mi", "N1a", "N2c", "N3", "N3c"):
        assert n.validate(code), code
    for code in ("M0", "M1", "M1a", "M1b", "M1c", "Mx"):
        assert m.validate(code), code
    assert not t.validate("T5") and not n.validate("N4") and not m.validate("M2")
    assert t.label("Tis") == "Carcinoma in situ"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("pT2", "T2"),
        ("TX", "Tx"),
        ("T2A", "T2a"),
        ("ypT1MI", "T1mi"),
        ("tis", "Tis"),
        ("pN0(sn)", "N0"),
        ("cM1a", "M1a"),
        ("Tis (DCIS)", "Tis(DCIS)"),
    ],
)
def test_normalisation_drops_prefix_and_qualifier(raw, expected):
    system = get_code_system({"T": "tnm_t", "N": "tnm_n", "M": "tnm_m"}[expected[0]])
    assert system.normalize(raw) == expected
    assert system.validate(raw)


def test_split_and_hierarchy():
    value = split_tnm("pT2")
    assert value is not None and (value.prefix, value.category, value.suffix) == ("p", "T2", "")
    assert split_tnm("ypN1mi").prefix == "yp"
    assert split_tnm("pN0(sn)").suffix == "sn"
    assert split_tnm("tumour") is None
    t = get_code_system("tnm_t")
    assert t.is_a("T2a", "T2") and t.is_a("T1mi", "T1") and t.is_a("T1a1", "T1")
    assert t.children("T1") == ["T1a", "T1b", "T1c", "T1d", "T1mi"]


def test_parse_tnm():
    assert parse_tnm("cT1cN0M0") == {
        "t": "T1c",
        "n": "N0",
        "m": "M0",
        "t_prefix": "c",
        "n_prefix": "c",
        "m_prefix": "c",
        "n_suffix": None,
        "m_flag": 0,
    }
    parsed = parse_tnm("Tumeur classée pT2 N1a M1b, grade SBR II")
    assert (parsed["t"], parsed["n"], parsed["m"], parsed["n_prefix"], parsed["m_flag"]) == (
        "T2",
        "N1a",
        "M1b",
        "p",
        1,
    )
    parsed = parse_tnm("ypT0 ypN0(sn) cMx")
    assert (parsed["t_prefix"], parsed["n_suffix"], parsed["m_prefix"], parsed["m_flag"]) == (
        "yp",
        "sn",
        "c",
        None,
    )
    assert parse_tnm("T2")["n"] is None
    with pytest.raises(TerminologyError):
        parse_tnm("no staging here")
    with pytest.raises(TerminologyError):
        parse_tnm("pN4")


def test_m_flag_for_osiris_item_8_16():
    assert m_to_flag("M0") == 0
    assert m_to_flag("cM1") == 1
    assert m_to_flag("M1c") == 1
    assert m_to_flag("Mx") is None
    assert m_to_flag(None) is None
    with pytest.raises(TerminologyError):
        m_to_flag("N1")


@pytest.mark.parametrize(
    ("stage", "osiris"),
    [
        ("IIIB", "III"),
        ("Stage IVA", "IV"),
        ("stade 2", "II"),
        ("0is", "0"),
        ("0", "0"),
        ("IA2", "I"),
        ("IIIC1", "III"),
        ("IV", "IV"),
        ("UK", "UK"),
        ("", "UK"),
        (None, "UK"),
        ("inconnu", "UK"),
        ("3C", "III"),
    ],
)
def test_stage_group_to_osiris(stage, osiris):
    assert stage_group_to_osiris(stage) == osiris


def test_unreadable_stage_raises():
    with pytest.raises(TerminologyError):
        stage_group_to_osiris("V")

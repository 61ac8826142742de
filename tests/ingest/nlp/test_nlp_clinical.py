"""Performance status (Karnofsky conversion), progression dates and TNM."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from oncorwd.ingest.nlp import DocumentFacts, PerformanceStatusFact

PS = "performance_status"


@pytest.mark.parametrize(("text", "grade"), [
    ("OMS 1.", "1"), ("PS 2.", "2"), ("ECOG 0.", "0"), ("PS OMS : 3.", "3"),
    ("Performance status à 1.", "1"), ("PS 1-2.", "2"), ("OMS 2/3.", "3"),
    ("Karnofsky 70 %.", "2"), ("IK 80%.", "1"), ("Indice de Karnofsky à 100 %.", "0"),
    ("IK = 40 %.", "3"), ("KPS 20%.", "4"),
])
def test_performance_status(pairs: Callable[[str], set], text: str, grade: str) -> None:
    assert pairs(text) == {(PS, grade)}


@pytest.mark.parametrize("text", [
    "Classification OMS 2019 des tumeurs.", "Méningiome de grade OMS 2.", "PSA 2 ng/mL.",
    "PS non évalué.",
])
def test_not_a_performance_status(pairs: Callable[[str], set], text: str) -> None:
    assert {p for p in pairs(text) if p[0] == PS} == set()


def test_karnofsky_off_the_table_is_discarded(read_doc: Callable[..., DocumentFacts]) -> None:
    doc = read_doc("IK 75 %. Karnofsky 0 %.")
    assert doc.facts == ()
    assert [d.reason for d in doc.discarded] == ["karnofsky_off_table"] * 2


def test_karnofsky_keeps_what_was_written(read_doc: Callable[..., DocumentFacts]) -> None:
    (fact,) = read_doc("IK 60 %.").facts
    assert isinstance(fact, PerformanceStatusFact)
    assert (fact.ecog, fact.scale, fact.raw) == (2, "KARNOFSKY", 60)


@pytest.mark.parametrize(("text", "date"), [
    ("Progression hépatique le 12/03/2021.", "2021-03-12"),
    ("Scanner du 2 février 2021 : progression tumorale.", "2021-02-02"),
    ("Reprise évolutive en janvier 2021.", "2021-01-UN"),
    ("Au TEP-TDM du 01.03.2021, progression osseuse.", "2021-03-01"),
    ("Sous FOLFOX depuis le 03/05/2020, progression hépatique au scanner du 01/03/2021.",
     "2021-03-01"),
    ("Maladie en progression.", "2021-03-12"),
    ("Échappement thérapeutique. Progression hépatique.", "2021-03-12"),
])
def test_progression_date(pairs: Callable[[str], set], text: str, date: str) -> None:
    assert pairs(text) == {("progression", "Y"), ("progression_date", date)}


def test_progression_without_any_date(read_doc: Callable[..., DocumentFacts]) -> None:
    assert read_doc("Progression hépatique.", date=None).pairs() == {("progression", "Y")}


def test_progressions_at_two_written_dates(pairs: Callable[[str], set]) -> None:
    text = "Progression hépatique en mars 2020. Progression cérébrale le 02/01/2021."
    assert pairs(text) == {("progression", "Y"), ("progression_date", "2020-03-UN"),
                           ("progression_date", "2021-01-02")}


@pytest.mark.parametrize(("text", "expected"), [
    ("Conclusion : pT2N1M0.", {("tnm_t", "T2"), ("tnm_n", "N1"), ("tnm_m", "0"),
                               ("tnm_type", "p")}),
    ("Stade cT3 N2 M1a.", {("tnm_t", "T3"), ("tnm_n", "N2"), ("tnm_m", "1"),
                           ("tnm_type", "c")}),
    ("Tumeur classée ypT1c N0.", {("tnm_t", "T1c"), ("tnm_n", "N0"), ("tnm_type", "y")}),
    ("pT1miN1M1a.", {("tnm_t", "T1mi"), ("tnm_n", "N1"), ("tnm_m", "1"), ("tnm_type", "p")}),
    ("pT1c pN0(sn).", {("tnm_t", "T1c"), ("tnm_n", "N0"), ("tnm_type", "p")}),
    ("pTis N0 Mx.", {("tnm_t", "Tis"), ("tnm_n", "N0"), ("tnm_type", "p")}),
])
def test_tnm(pairs: Callable[[str], set], text: str, expected: set) -> None:
    assert pairs(text) == expected


def test_document_without_date_still_reads(read_doc: Callable[..., DocumentFacts]) -> None:
    doc = read_doc("OMS 1.", date=None)
    assert doc.date is None and doc.pairs() == {(PS, "1")}
    assert isinstance(dt.date.today(), dt.date)

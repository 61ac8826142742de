"""Negated, hypothetical, family and history mentions are not the patient's own result."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oncorwd.ingest.nlp import DocumentFacts

DROPPED = [
    ("Sa mère a eu une mutation BRCA1.", "family"),
    ("Sa mère, suivie pour un cancer de l'ovaire, porteuse d'une mutation BRCA2.", "family"),
    ("Antécédents familiaux : mutation BRCA2 chez sa sœur.", "family"),
    ("Antécédent de cancer du sein classé pT1cN0M0, RE positifs, HER2 négatif.", "history"),
    ("ATCD de carcinome pulmonaire EGFR muté en 2013.", "history"),
    ("Suspicion de mutation KRAS, à confirmer.", "hypothesis"),
    ("KRAS G12C muté, à confirmer.", "hypothesis"),
    ("Mutation EGFR probable, contrôle en cours.", "hypothesis"),
    ("Suspicion de progression hépatique.", "hypothesis"),
    ("Progression osseuse à confirmer.", "hypothesis"),
    ("En cas de progression, discussion d'une seconde ligne.", "hypothesis"),
    ("Possible progression ganglionnaire ?", "hypothesis"),
    ("Pas de progression.", "negated"),
    ("Absence de signe de progression.", "negated"),
    ("Survie sans progression de 8 mois.", "pseudo"),
]


@pytest.mark.parametrize(("text", "reason"), DROPPED)
def test_mention_dropped_with_reason(read_doc: Callable[..., DocumentFacts], text: str,
                                     reason: str) -> None:
    doc = read_doc(text)
    assert doc.facts == ()
    assert reason in {d.reason for d in doc.discarded}


def test_negation_that_is_the_result_is_kept(pairs: Callable[[str], set]) -> None:
    assert pairs("Absence de mutation EGFR.") == {("biomarker_status", "EGFR:NEGATIVE")}
    assert pairs("On ne retrouve pas de mutation EGFR.") == {
        ("biomarker_status", "EGFR:NEGATIVE")}


def test_family_sentence_does_not_hide_the_next_one(pairs: Callable[[str], set]) -> None:
    text = "Sa mère a eu une mutation BRCA1. Absence de variant pathogène BRCA1 chez la patiente."
    assert pairs(text) == {("biomarker_status", "BRCA1:NEGATIVE")}


def test_negated_then_affirmed_progression(pairs: Callable[[str], set]) -> None:
    text = "Pas de progression hépatique mais progression osseuse au scanner du 02/03/2021."
    assert pairs(text) == {("progression", "Y"), ("progression_date", "2021-03-02")}


def test_stable_disease_and_response_are_not_progression(pairs: Callable[[str], set]) -> None:
    assert pairs("Maladie stable. Réponse partielle selon RECIST 1.1.") == set()

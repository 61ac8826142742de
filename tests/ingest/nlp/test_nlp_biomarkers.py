"""Biomarker results on tricky sentences: negations, HER2 with ISH, PD-L1, MSI, lists."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from oncorwd.ingest.nlp.biomarker_rules import NAME_OVERRIDES, name_terms
from oncorwd.terminology import biomarker_by_name, biomarkers, get_code_system

S, D, V = "biomarker_status", "biomarker_detail", "biomarker_value"

CASES = [
    ("RO+ 90%.", {(S, "ER:POSITIVE"), (V, "ER:90 %")}),
    ("Récepteurs aux œstrogènes positifs (90 %).", {(S, "ER:POSITIVE"), (V, "ER:90 %")}),
    ("RE : 0 %, RP- .", {(S, "ER:NEGATIVE"), (V, "ER:0 %"), (S, "PR:NEGATIVE")}),
    ("HER2 score 3+.", {(S, "HER2:POSITIVE"), (D, "HER2:3+")}),
    ("HER2 : 2+, FISH négative.", {(S, "HER2:NEGATIVE"), (D, "HER2:2+")}),
    ("HER2 2+ avec amplification en FISH.", {(S, "HER2:POSITIVE"), (D, "HER2:2+")}),
    ("HER2 2+ (FISH en cours).", {(D, "HER2:2+")}),
    ("HER2 négatif (score 1+).", {(S, "HER2:NEGATIVE"), (D, "HER2:1+")}),
    ("Score HER2 : 2+ ; hybridation in situ : non amplifiée.",
     {(S, "HER2:NEGATIVE"), (D, "HER2:2+")}),
    ("PD-L1 TPS 60 %.", {(S, "PD-L1:POSITIVE"), (D, "PD-L1:TPS"), (V, "PD-L1:60 %")}),
    ("PD-L1 (22C3) exprimé dans 60% des cellules tumorales.",
     {(S, "PD-L1:POSITIVE"), (D, "PD-L1:TPS"), (V, "PD-L1:60 %")}),
    ("PD-L1 TPS < 1 %.", {(S, "PD-L1:NEGATIVE"), (D, "PD-L1:TPS <1 %")}),
    ("PD-L1 : CPS 5.", {(S, "PD-L1:POSITIVE"), (D, "PD-L1:CPS"), (V, "PD-L1:5")}),
    ("Mutation EGFR exon 19 (délétion) détectée.",
     {(S, "EGFR:POSITIVE"), (D, "EGFR:exon 19 deletion")}),
    ("Absence de mutation EGFR.", {(S, "EGFR:NEGATIVE")}),
    ("Pas de mutation EGFR retrouvée.", {(S, "EGFR:NEGATIVE")}),
    ("Pas de réarrangement ALK.", {(S, "ALK:NEGATIVE")}),
    ("Réarrangement ALK non retrouvé.", {(S, "ALK:NEGATIVE")}),
    ("Pas de réarrangement ALK ni ROS1.", {(S, "ALK:NEGATIVE"), (S, "ROS1:NEGATIVE")}),
    ("KRAS G12C muté.", {(S, "KRAS:POSITIVE"), (D, "KRAS:G12C")}),
    ("BRAF V600E.", {(S, "BRAF:POSITIVE"), (D, "BRAF:V600E")}),
    ("Mutation BRAF p.V600E (VAF 37 %) par NGS.", {(S, "BRAF:POSITIVE"), (D, "BRAF:V600E")}),
    ("Mutation L858R de l'EGFR.", {(S, "EGFR:POSITIVE"), (D, "EGFR:L858R")}),
    ("EGFR et KRAS non mutés.", {(S, "EGFR:NEGATIVE"), (S, "KRAS:NEGATIVE")}),
    ("Absence de mutation BRCA1 et BRCA2.", {(S, "BRCA1:NEGATIVE"), (S, "BRCA2:NEGATIVE")}),
    ("NRAS muté (G12D) et BRAF muté (V600E).",
     {(S, "NRAS:POSITIVE"), (D, "NRAS:G12D"), (S, "BRAF:POSITIVE"), (D, "BRAF:V600E")}),
    ("Statut MSI : instable.", {(S, "MSI:POSITIVE"), (D, "MSI:MSI-H")}),
    ("Tumeur MSI-H.", {(S, "MSI:POSITIVE"), (D, "MSI:MSI-H")}),
    ("Phénotype dMMR (perte d'expression de MLH1 et PMS2).",
     {(S, "MSI:POSITIVE"), (D, "MSI:dMMR")}),
    ("Statut microsatellitaire stable (MSS).", {(S, "MSI:NEGATIVE"), (D, "MSI:MSS")}),
    ("EGFR : non contributif.", {(S, "EGFR:NON_CONTRIBUTIVE")}),
    ("EGFR : en cours.", set()),
    ("KRAS non recherché.", set()),
    ("PSA à 12,5 ng/mL.", {(V, "PSA:12.5 ng/mL")}),
    ("Ki-67 : 20 %. Cellularité tumorale estimée à 40 %.", {(V, "Ki-67:20 %")}),
    ("Traitement par trastuzumab (anti-HER2), puis osimertinib (ITK de l'EGFR).", set()),
    ("Biologie moléculaire :\n- pas de mutation BRCA2\n- mutation PIK3CA H1047R détectée",
     {(S, "BRCA2:NEGATIVE"), (S, "PIK3CA:POSITIVE"), (D, "PIK3CA:H1047R")}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_biomarker_sentences(pairs: Callable[[str], set], text: str, expected: set) -> None:
    assert pairs(text) == expected


def test_every_name_term_targets_the_catalogue() -> None:
    system = get_code_system("biomarker")
    folded, raw = name_terms()
    assert all(system.validate(name) for name in (*folded.values(), *raw.values()))


def test_catalogue_aliases_resolve_as_the_code_system_does() -> None:
    _, raw = name_terms()
    for marker in biomarkers():
        for alias in marker.aliases:
            if alias in raw:
                expected = biomarker_by_name(alias)
                assert expected is not None
                assert raw[alias] == NAME_OVERRIDES.get(expected.name, expected.name)


def test_value_only_markers_take_no_shared_status(pairs: Callable[[str], set]) -> None:
    text = ("Absence d'expression des récepteurs à la progestérone, index de prolifération "
            "Ki-67 estimé à 35 %.")
    assert pairs(text) == {(S, "PR:NEGATIVE"), (V, "Ki-67:35 %")}


@pytest.mark.parametrize(("text", "expected"), [
    ("Le réarrangement d'ALK n'est pas retrouvé en FISH.", {(S, "ALK:NEGATIVE")}),
    ("La recherche de mutations de l'EGFR est revenue négative.", {(S, "EGFR:NEGATIVE")}),
    ("Absence de mutation des gènes KRAS, NRAS et BRAF.",
     {(S, "KRAS:NEGATIVE"), (S, "NRAS:NEGATIVE"), (S, "BRAF:NEGATIVE")}),
    ("Les récepteurs hormonaux sont positifs : RE 80 %, RP 20 %.",
     {(S, "ER:POSITIVE"), (V, "ER:80 %"), (S, "PR:POSITIVE"), (V, "PR:20 %")}),
    ("HER2 équivoque (2+), FISH non amplifiée.", {(S, "HER2:NEGATIVE"), (D, "HER2:2+")}),
])
def test_sentences_not_in_the_generator(pairs: Callable[[str], set], text: str,
                                        expected: set) -> None:
    assert pairs(text) == expected

"""How French reports write biomarker results: outcomes, spellings and templates, as data.

A marker belongs to a *family* (receptor, HER2, PD-L1, mutation, rearrangement, MSI, germline,
Ki-67, serum). A family lists outcomes (status, detail, value...) with weights, and each outcome
several templates. A template's ``fields`` say which facts its words state: ``s`` status,
``d`` detail (the template's own ``detail`` or the outcome's), ``v`` value, ``c`` a comparator
detail (``<1 %``). Placeholders: ``{name}`` a spelling of the marker, ``{short}`` its
abbreviation, ``{v}`` the value, ``{pct}`` `` %`` or ``%``, ``{var}`` a variant as written,
``{tech}`` a technique phrase.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAMILIES", "NAMES", "SHORT", "VARIANTS", "Outcome", "Tpl"]


@dataclass(frozen=True, slots=True)
class Tpl:
    """One way to write an outcome; ``fields`` are the facts its words state."""

    text: str
    fields: str
    detail: str | None = None
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """A result and its templates; ``value`` is a (low, high, step) range or None."""

    status: str | None
    templates: tuple[Tpl, ...]
    weight: float = 1.0
    detail: str | None = None
    value: tuple[float, float, float] | None = None
    unit: str | None = None
    comparator: str | None = None
    variant: bool = False


#: Spellings of each marker (catalogue name → as written in reports).
NAMES: dict[str, tuple[str, ...]] = {
    "ER": ("RE", "RO", "récepteurs aux œstrogènes", "récepteurs œstrogéniques",
           "récepteurs aux oestrogènes", "recepteurs aux oestrogenes", "récepteurs hormonaux RE"),
    "PR": ("RP", "récepteurs à la progestérone", "récepteurs progestéroniques"),
    "HER2": ("HER2", "HER2", "HER-2", "c-erbB2"),
    "PD-L1": ("PD-L1", "PD-L1", "PDL1"),
    "Ki-67": ("Ki-67", "Ki67", "index de prolifération Ki-67"),
    "MSI": ("MSI",),
    "PSA": ("PSA",),
    "CEA": ("ACE", "antigène carcino-embryonnaire"),
    "CA 15-3": ("CA 15-3",),
    "CA-125": ("CA 125", "CA-125"),
    "CA 19-9": ("CA 19-9",),
}
SHORT = {"ER": ("RE", "RO"), "PR": ("RP",)}

#: Variants as written → canonical detail.
VARIANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "EGFR": (("exon 19 (délétion)", "exon 19 deletion"), ("délétion de l'exon 19",
             "exon 19 deletion"), ("L858R", "L858R"), ("p.L858R", "L858R"),
             ("L858R (exon 21)", "L858R"), ("insertion dans l'exon 20", "exon 20 insertion"),
             ("T790M", "T790M"), ("G719X", "G719X")),
    "KRAS": (("G12C", "G12C"), ("p.G12C", "G12C"), ("G12D", "G12D"), ("G12V", "G12V"),
             ("G13D", "G13D"), ("Q61H", "Q61H")),
    "NRAS": (("Q61K", "Q61K"), ("Q61R", "Q61R"), ("G12D", "G12D")),
    "BRAF": (("V600E", "V600E"), ("V600E", "V600E"), ("p.V600E", "V600E"), ("V600K", "V600K")),
    "PIK3CA": (("H1047R", "H1047R"), ("E545K", "E545K")),
}

_PCT = (Tpl("{short}+ {v}{pct}", "sv"), Tpl("{short}+ ({v}{pct})", "sv"),
        Tpl("{name} positifs ({v}{pct})", "sv"), Tpl("{name} positifs à {v}{pct}", "sv"),
        Tpl("{name} : {v}{pct} de cellules marquées", "sv"),
        Tpl("{name} : {v}{pct}, intensité forte", "sv"), Tpl("{name} positifs", "s"),
        Tpl("{short}+", "s", weight=0.5), Tpl("{name} exprimés par {v}{pct} des cellules", "sv"),
        Tpl("{name}: positifs, {v}{pct}", "sv"), Tpl("{short} = {v}{pct}", "sv"),
        Tpl("expression des {name} dans {v}{pct} des noyaux", "sv"))
_RECEPTOR = (
    Outcome("POSITIVE", _PCT, 3.0, value=(10, 100, 5), unit="%"),
    Outcome("POSITIVE", _PCT[:6], 0.3, value=(1, 9, 1), unit="%"),
    Outcome("NEGATIVE", (Tpl("{name} négatifs", "s"), Tpl("{short}- (0{pct})", "sv"),
                         Tpl("{name} : 0{pct}", "sv"), Tpl("absence d'expression des {name}", "s")),
            1.2, value=(0, 0, 1), unit="%"),
    Outcome("NEGATIVE", (Tpl("{name} négatifs (< 1{pct})", "sc"),
                         Tpl("{name} : < 1{pct}", "sc")), 0.4, comparator="<1 %"),
)

_HER2 = (
    Outcome("POSITIVE", (Tpl("{name} score 3+", "sd"), Tpl("{name} : 3+", "sd"),
                         Tpl("{name} positif (score 3+)", "sd"),
                         Tpl("surexpression de {name} (score 3+)", "sd"),
                         Tpl("{name} 3+ en immunohistochimie", "sd"), Tpl("{name} (+++)", "sd"),
                         Tpl("score {name} : 3+", "sd"), Tpl("statut {name} : positif (3+)", "sd")),
            1.0, detail="3+"),
    Outcome("POSITIVE", (Tpl("{name} 2+ avec amplification en FISH", "sd"),
                         Tpl("{name} : score 2+, FISH positive", "sd"),
                         Tpl("{name} score 2+, amplifié en CISH", "sd")), 0.5, detail="2+"),
    Outcome("NEGATIVE", (Tpl("{name} : 2+, FISH négative", "sd"),
                         Tpl("{name} score 2+, HIS non amplifiée", "sd"),
                         Tpl("{name} 2+, absence d'amplification en FISH", "sd"),
                         Tpl("{name} négatif (score 2+, FISH non amplifiée)", "sd"),
                         Tpl("score {name} : 2+ ; hybridation in situ : non amplifiée", "sd")),
            0.8, detail="2+"),
    Outcome("NEGATIVE", (Tpl("{name} négatif (score 1+)", "sd", "1+"),
                         Tpl("{name} : 1+", "sd", "1+"), Tpl("{name} score 0", "sd", "0"),
                         Tpl("absence de surexpression de {name} (score 0)", "sd", "0"),
                         Tpl("{name} : 0", "sd", "0"), Tpl("{name} négatif", "s")), 2.0),
    Outcome(None, (Tpl("{name} 2+ (FISH en cours)", "d"),
                   Tpl("{name} score 2+, HIS demandée", "d")), 0.3, detail="2+"),
    Outcome("NON_CONTRIBUTIVE", (Tpl("{name} : non contributif", "s"),
                                 Tpl("{name} ininterprétable", "s")), 0.15),
)

_PDL1 = (
    Outcome("POSITIVE", (Tpl("{name} TPS {v}{pct}", "sdv", "TPS"),
                         Tpl("{name} (22C3) exprimé dans {v}{pct} des cellules tumorales", "sdv",
                             "TPS"),
                         Tpl("expression de {name} : {v}{pct} (clone SP263)", "sv"),
                         Tpl("{name} positif à {v}{pct}", "sv"),
                         Tpl("{name} : TPS = {v}{pct}", "sdv", "TPS"),
                         Tpl("expression de {name} dans {v}{pct} des cellules tumorales", "sdv",
                             "TPS"),
                         Tpl("{name} (clone 22C3) : {v}{pct} des cellules tumorales", "sdv",
                             "TPS")),
            2.0, value=(1, 95, 1), unit="%"),
    Outcome("NEGATIVE", (Tpl("{name} TPS < 1{pct}", "sc"), Tpl("{name} : TPS < 1{pct}", "sc")),
            0.8, comparator="TPS <1 %"),
    Outcome("NEGATIVE", (Tpl("{name} négatif (TPS 0{pct})", "sdv", "TPS"),
                         Tpl("{name} : 0{pct}", "sv")), 0.5, value=(0, 0, 1), unit="%"),
    Outcome("NEGATIVE", (Tpl("absence d'expression de {name} (< 1{pct})", "sc"),), 0.3,
            comparator="<1 %"),
    Outcome("POSITIVE", (Tpl("{name} : CPS {v}", "sdv", "CPS"),), 0.3, value=(1, 60, 1)),
    Outcome("NON_CONTRIBUTIVE", (Tpl("{name} : non interprétable", "s"),), 0.1),
)

_MUTATION = (
    Outcome("POSITIVE", (Tpl("mutation {name} {var} détectée", "sd"),
                         Tpl("{name} muté ({var})", "sd"), Tpl("{name} {var} muté", "sd"),
                         Tpl("présence d'une mutation {name} {var}", "sd"),
                         Tpl("{name} : mutation {var}", "sd"), Tpl("{name} {var}", "sd"),
                         Tpl("mutation {name} {var} (VAF {x}{pct}) par NGS", "sd"),
                         Tpl("mutation {var} du gène {name}", "sd"),
                         Tpl("statut {name} : muté ({var})", "sd"),
                         Tpl("{name}: mutation {var} identifiée", "sd")), 2.0, variant=True),
    Outcome("POSITIVE", (Tpl("{name} muté", "s"), Tpl("mutation {name} détectée", "s"),
                         Tpl("présence d'une mutation {name}", "s")), 0.4),
    Outcome("NEGATIVE", (Tpl("absence de mutation {name}", "s"),
                         Tpl("pas de mutation {name} détectée", "s"),
                         Tpl("{name} non muté", "s"), Tpl("{name} sauvage", "s"),
                         Tpl("{name} : statut sauvage", "s"),
                         Tpl("aucune mutation du gène {name} n'a été mise en évidence", "s"),
                         Tpl("mutation {name} non retrouvée", "s"),
                         Tpl("recherche de mutation {name} : négative", "s"),
                         Tpl("{name} wild-type", "s"), Tpl("statut {name} : sauvage", "s"),
                         Tpl("absence de mutation de l'{name}", "s"),
                         Tpl("{name}: non muté", "s")), 3.0),
    Outcome("NEGATIVE", (Tpl("absence de mutation {name} {var}", "sd"),), 0.2, variant=True),
    Outcome("NON_CONTRIBUTIVE", (Tpl("{name} : non contributif", "s"),
                                 Tpl("analyse {name} non contributive (matériel insuffisant)",
                                     "s"), Tpl("échec technique de l'analyse {name}", "s")), 0.2),
    Outcome(None, (Tpl("{name} : en cours", ""), Tpl("recherche de mutation {name} en cours", ""),
                   Tpl("{name} non recherché", "")), 0.2),
)

_REARRANGEMENT = (
    Outcome("POSITIVE", (Tpl("réarrangement {name} détecté", "s"),
                         Tpl("présence d'un réarrangement {name}", "s"),
                         Tpl("{name} réarrangé", "s"), Tpl("translocation {name} en FISH", "s"),
                         Tpl("fusion {name} identifiée par NGS", "s")), 1.0),
    Outcome("NEGATIVE", (Tpl("pas de réarrangement {name}", "s"),
                         Tpl("réarrangement {name} non retrouvé", "s"),
                         Tpl("absence de réarrangement {name}", "s"), Tpl("{name} négatif", "s"),
                         Tpl("{name} non réarrangé", "s"),
                         Tpl("absence de translocation {name}", "s"),
                         Tpl("recherche de réarrangement {name} (FISH) : négative", "s"),
                         Tpl("{name} (D5F3) : négatif", "s")), 3.0),
    Outcome("NON_CONTRIBUTIVE", (Tpl("{name} : ininterprétable", "s"),), 0.15),
)

_MSI = (
    Outcome("POSITIVE", (Tpl("statut MSI : instable", "sd"), Tpl("tumeur MSI-H", "sd"),
                         Tpl("instabilité microsatellitaire (MSI-H)", "sd"),
                         Tpl("statut MSI : instable (MSI-H)", "sd")), 1.0, detail="MSI-H"),
    Outcome("POSITIVE", (Tpl("phénotype dMMR (perte d'expression de MLH1 et PMS2)", "sd"),
                         Tpl("statut MMR : dMMR", "sd")), 0.6, detail="dMMR"),
    Outcome("NEGATIVE", (Tpl("statut MSI : stable (MSS)", "sd"), Tpl("tumeur MSS", "sd"),
                         Tpl("statut microsatellitaire stable", "sd")), 1.5, detail="MSS"),
    Outcome("NEGATIVE", (Tpl("pMMR (expression conservée des protéines MMR)", "sd"),), 0.5,
            detail="pMMR"),
    Outcome("NEGATIVE", (Tpl("absence d'instabilité microsatellitaire", "s"),), 0.5),
)

_GERMLINE = (
    Outcome("POSITIVE", (Tpl("mutation constitutionnelle {name} (variant pathogène de classe 5)",
                             "s"), Tpl("variant pathogène {name} identifié", "s"),
                         Tpl("mutation germinale {name} détectée", "s")), 1.0),
    Outcome("NEGATIVE", (Tpl("absence de variant pathogène {name}", "s"),
                         Tpl("{name} : pas de variant pathogène identifié", "s"),
                         Tpl("pas de mutation {name}", "s")), 2.0),
)

_KI67 = (Outcome(None, (Tpl("{name} : {v}{pct}", "v"), Tpl("{name} estimé à {v}{pct}", "v"),
                        Tpl("{name} à {v}{pct}", "v")), 1.0, value=(5, 80, 5), unit="%"),)

_SERUM_TPL = (Tpl("{name} à {v} {unit}", "v"), Tpl("{name} : {v} {unit}", "v"),
              Tpl("dosage sérique {name} : {v} {unit}", "v"))


def _serum(low: float, high: float, step: float, unit: str) -> tuple[Outcome, ...]:
    return (Outcome(None, _SERUM_TPL, 1.0, value=(low, high, step), unit=unit),)


#: Catalogue name → its family's outcomes.
FAMILIES: dict[str, tuple[Outcome, ...]] = {
    "ER": _RECEPTOR, "PR": _RECEPTOR, "HER2": _HER2, "PD-L1": _PDL1, "Ki-67": _KI67,
    "EGFR": _MUTATION, "KRAS": _MUTATION, "NRAS": _MUTATION, "BRAF": _MUTATION,
    "PIK3CA": _MUTATION, "ALK": _REARRANGEMENT, "ROS1": _REARRANGEMENT, "RET": _REARRANGEMENT,
    "MSI": _MSI, "BRCA1": _GERMLINE, "BRCA2": _GERMLINE,
    "PSA": _serum(0.1, 150, 0.1, "ng/mL"), "CEA": _serum(1, 200, 0.5, "ng/mL"),
    "CA 15-3": _serum(5, 300, 1, "U/mL"), "CA-125": _serum(5, 900, 1, "UI/mL"),
    "CA 19-9": _serum(2, 800, 1, "U/mL"),
}

"""How French reports write performance status, progression and TNM, and what they say besides.

Data only. Templates with a truth say which facts they state; *distractors* are sentences a
careless reader would extract but a perfect one would not (negations, hypotheses, family and
personal history, drug targets, statistics); *noise* is everything else a report says.
"""

from __future__ import annotations

__all__ = [
    "ADICAP",
    "CANCERS",
    "DRUGS",
    "DRUG_MENTIONS",
    "FAMILY",
    "HISTORY",
    "KARNOFSKY_BY_ECOG",
    "KARNOFSKY_TPL",
    "MARKER_HYPOTHESES",
    "NOISE",
    "NO_PROGRESSION",
    "PROGRESSION_DATED",
    "PROGRESSION_UNDATED",
    "PROGRESSION_WORDS",
    "PS_FRAMES",
    "PS_RANGE_TPL",
    "PS_TPL",
    "TNM_FORMATS",
    "TNM_FRAMES",
    "TNM_M",
    "TNM_N",
    "TNM_T",
]

#: Cancer types: histology as written, the markers their reports mention, sex.
CANCERS: dict[str, dict[str, object]] = {
    "breast": {"histology": ("carcinome canalaire infiltrant", "carcinome lobulaire infiltrant",
                             "carcinome infiltrant de type non spécifique"),
               "ihc": ("ER", "PR", "HER2", "Ki-67"), "molecular": ("BRCA1", "BRCA2", "PIK3CA"),
               "serum": ("CA 15-3",), "sex": "F", "weight": 3.0},
    "lung": {"histology": ("adénocarcinome pulmonaire", "carcinome épidermoïde pulmonaire",
                           "adénocarcinome bronchique"),
             "ihc": ("PD-L1", "ALK"), "molecular": ("EGFR", "KRAS", "BRAF", "ALK", "ROS1", "RET"),
             "serum": ("CEA",), "sex": None, "weight": 3.0},
    "colorectal": {"histology": ("adénocarcinome colique", "adénocarcinome rectal",
                                 "adénocarcinome lieberkühnien"),
                   "ihc": ("MSI",), "molecular": ("KRAS", "NRAS", "BRAF", "MSI"),
                   "serum": ("CEA", "CA 19-9"), "sex": None, "weight": 2.0},
    "melanoma": {"histology": ("mélanome à extension superficielle", "mélanome nodulaire"),
                 "ihc": ("PD-L1",), "molecular": ("BRAF", "NRAS"), "serum": (), "sex": None,
                 "weight": 1.0},
    "prostate": {"histology": ("adénocarcinome prostatique acinaire",),
                 "ihc": (), "molecular": ("BRCA2", "BRCA1"), "serum": ("PSA",), "sex": "M",
                 "weight": 1.5},
    "ovary": {"histology": ("carcinome séreux de haut grade de l'ovaire",),
              "ihc": (), "molecular": ("BRCA1", "BRCA2"), "serum": ("CA-125",), "sex": "F",
              "weight": 1.0},
    "endometrium": {"histology": ("adénocarcinome endométrioïde",), "ihc": ("MSI",),
                    "molecular": ("MSI",), "serum": (), "sex": "F", "weight": 0.8},
}

PS_TPL = ("OMS {g}", "PS {g}", "ECOG {g}", "PS OMS : {g}", "performance status à {g}",
          "ECOG PS {g}", "PS {g}", "PS à {g}", "OMS = {g}", "état général OMS {g}", "PS:{g}")
PS_RANGE_TPL = ("PS {lo}-{g}", "OMS {lo}-{g}", "PS {lo}/{g}")
KARNOFSKY_TPL = ("Karnofsky {k}{pct}", "IK {k}{pct}", "indice de Karnofsky à {k}{pct}",
                 "IK = {k}{pct}", "IK à {k}{pct}")
#: The guide's PS-IK table, as the Karnofsky values a physician may write for each grade.
KARNOFSKY_BY_ECOG = {0: (100,), 1: (80, 90), 2: (60, 70), 3: (40, 50), 4: (20, 30)}
#: Sentences around a performance status; ``good``/``poor`` frames only fit grades 0-1 / 2-4.
PS_FRAMES = (("{ps}.", "any"), ("État général : {ps}.", "any"),
             ("{pt} en bon état général, {ps}.", "good"),
             ("Altération de l'état général ({ps}).", "poor"),
             ("Examen clinique : {ps}, poids {w} kg.", "any"),
             ("Sur le plan général, {ps}.", "any"))

PROGRESSION_WORDS = ("progression tumorale", "progression hépatique", "progression osseuse",
                     "progression pulmonaire", "progression ganglionnaire", "progression cérébrale",
                     "progression métastatique", "progression de la maladie", "reprise évolutive",
                     "maladie en progression", "échappement thérapeutique",
                     "apparition de nouvelles lésions hépatiques",
                     "progression hépatique et osseuse",
                     "extension tumorale", "progression", "maladie progressive",
                     "progression de la maladie au niveau hépatique",
                     "majoration des lésions hépatiques")
#: Progressions with their date ({le}/{du}: prepositions of the date's precision).
PROGRESSION_DATED = ("Scanner {du} {d} : {w}.", "{W} {le} {d}.", "Au TEP-TDM {du} {d}, {w}.",
                     "TDM TAP {du} {d} : {w}.",
                     "Sous {drug} {since}, {w} au scanner {du} {d}.",
                     "Pas de progression hépatique mais {w} au scanner {du} {d}.",
                     "IRM {du} {d} en faveur d'une {w}.")
PROGRESSION_UNDATED = ("{W}.", "Conclusion : {w}.", "Bilan d'évaluation : {w}.",
                       "Évolution défavorable avec {w}.", "Au total, {w} sous {drug}.",
                       "Aspect compatible avec une {w}.", "{W} confirmée, arrêt du {drug}.")
#: Sentences that say something about progression without one (no truth).
NO_PROGRESSION = ("Maladie stable.", "Stabilité des lésions cibles.",
                  "Réponse partielle selon RECIST 1.1.", "Réponse métabolique complète.",
                  "Pas de progression.", "Absence de signe de progression.",
                  "Pas d'argument pour une progression.",
                  "Suspicion de progression hépatique, à confirmer par IRM.",
                  "Progression osseuse à confirmer.",
                  "En cas de progression, discussion d'une seconde ligne.",
                  "Survie sans progression de {n} mois sous {drug}.",
                  "Possible progression ganglionnaire ?",
                  "Absence de progression tumorale au scanner {du} {d}.",
                  "Lésions hépatiques stables, pas d'apparition de nouvelle lésion.",
                  "Pas de signe évident de progression sous {drug}.")

TNM_T = ("T1", "T1a", "T1b", "T1c", "T1mi", "T2", "T2", "T2a", "T2b", "T3", "T3", "T4", "T4a",
         "T4b", "Tis")
TNM_N = ("N0", "N0", "N1", "N1", "N1a", "N1mi", "N2", "N2a", "N3")
TNM_M = ("M0", "M0", "M0", "M1", "M1a", "M1b", "M1c", "Mx")
#: How a classification is written ({p} prefix, {t}/{n}/{m} categories).
TNM_FORMATS = ("{p}{t}{n}{m}", "{p}{t} {n} {m}", "{p}{t} {p}{n}", "{p}{t} {n}", "{p}{t}{n}")
TNM_FRAMES = ("Classification {tnm}.", "Stade {tnm}.", "Tumeur classée {tnm}.",
              "Stadification : {tnm} (8e édition UICC).", "{hist}, {tnm}.")

#: Family mentions (no truth): results that are a relative's, not the patient's.
FAMILY = ("Sa mère a eu une mutation BRCA1.",
          "Antécédents familiaux : sa sœur est porteuse d'une mutation BRCA2.",
          "Mutation BRCA1 identifiée chez sa tante maternelle.",
          "Son père a présenté un cancer de la prostate.",
          "Sa fille a bénéficié d'un test : mutation BRCA2 détectée.")
#: Personal history (no truth): an earlier cancer's results and stage.
HISTORY = ("Antécédent de cancer du sein classé pT1cN0M0, RE positifs, HER2 négatif, traité en "
           "{y}.",
           "ATCD de carcinome pulmonaire EGFR muté en {y}.",
           "Antécédent de mélanome BRAF V600E opéré en {y}.",
           "Antécédent de méningiome de grade OMS 1 opéré en {y}.",
           "Pas d'antécédent notable.")
#: Doubtful biomarker statements (no truth).
MARKER_HYPOTHESES = ("Suspicion de mutation KRAS, à confirmer.",
                     "Mutation EGFR probable, contrôle en cours.",
                     "Réarrangement ALK possible en IHC, à confirmer en FISH.")
#: Drugs named with their target (no truth).
DRUG_MENTIONS = ("Traitement par trastuzumab (anti-HER2).",
                 "Introduction d'osimertinib (ITK de l'EGFR) {le} {d}.",
                 "Pembrolizumab (anti-PD-1) en cours.", "Cétuximab (anti-EGFR) et FOLFIRI.",
                 "Discussion d'un inhibiteur de BRAF.")
#: Everything else ({age}, {w}, {h}, {c}, {s}, {y}, {drug}, {d}, {le}, {du} filled in).
NOISE = ("{pt} de {age} ans adressé{e} pour avis.", "Pas d'allergie connue.",
         "Bonne tolérance clinique.", "Poids : {w} kg, taille : {h} cm.",
         "Cellularité tumorale estimée à {c} %.", "Tumeur de {s} mm de grand axe.",
         "Prochain rendez-vous dans 3 mois.", "Traitement par {drug} débuté {le} {d}.",
         "Marges de résection saines (R0).", "Emboles vasculaires : absents.",
         "Engainements périnerveux présents.", "Grade histopronostique SBR II.",
         "Classification OMS 2019 des tumeurs.", "Ancien fumeur (30 PA).",
         "Pas de douleur rapportée.", "Dossier présenté par le Dr Martin.",
         "Bilan biologique sans particularité.", "Nodule de {s} mm du lobe inférieur droit.")
#: ADICAP codes as pathologists write them (not transcoded: no table is shipped).
ADICAP = ("BHGSA7F0", "BHTSA7F0", "OHTSA7F0")
#: Treatments named in each cancer's reports.
DRUGS: dict[str, tuple[str, ...]] = {
    "breast": ("letrozole", "paclitaxel", "trastuzumab", "palbociclib-letrozole"),
    "lung": ("carboplatine-pémétrexed", "pembrolizumab", "osimertinib", "docétaxel"),
    "colorectal": ("FOLFOX", "FOLFIRI-bévacizumab", "capécitabine"),
    "melanoma": ("nivolumab", "dabrafénib-tramétinib", "pembrolizumab"),
    "prostate": ("enzalutamide", "docétaxel", "acétate d'abiratérone"),
    "ovary": ("carboplatine-paclitaxel", "olaparib"),
    "endometrium": ("carboplatine-paclitaxel", "dostarlimab"),
}

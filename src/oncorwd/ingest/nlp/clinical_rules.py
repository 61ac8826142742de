"""Performance status, progression, TNM and qualifier rules as data (folded-text regexes).

The guide (OSIRIS RWD 2025-2, items 10.2 and 14.1) asks for: the ECOG/WHO performance status,
a Karnofsky index converted with its PS-IK table, the *most pejorative* value when a range is
written (``PS 1-2`` → 2); a progression with its date, found through the many words physicians use
for it (*reprise évolutive*, *échappement*, *extension tumorale*...).
"""

from __future__ import annotations

import re

from edsnlp.pipes.ner.tnm import patterns as tnm_patterns
from edsnlp.pipes.qualifiers.hypothesis import patterns as hypothesis_patterns

__all__ = [
    "DATE_START_CUES",
    "HISTORY_CUES",
    "HISTORY_TERMINATION",
    "HYPOTHESIS_FOLLOWING",
    "HYPOTHESIS_PRECEDING",
    "HYPOTHESIS_TAIL",
    "HYPOTHESIS_VERBS",
    "PROGRESSION",
    "PROGRESSION_PSEUDO",
    "PS_EXCLUDE_LEFT",
    "PS_PATTERNS",
    "SENTENCE_TERMINATION",
    "TNM_EXTENSION",
    "TNM_PATTERN",
    "TNM_TYPE",
]

_FILLER = r"\s*(?:[:=]|a|de|est (?:a|de)|evalue a|estime a|cote a|chiffre a)?\s*"

#: (scale, pattern): group ``v`` is the value, ``v2`` the upper bound of a range.
PS_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ECOG", re.compile(
        r"\b(?:performance status|indice de performance|statut de performance|ps|ecog|oms|who"
        r"|zubrod)\b(?:\s*\(?(?:oms|ecog|who)\)?)?" + _FILLER +
        r"(?P<v>[0-4])(?:\s*(?:-|/|a|ou)\s*(?P<v2>[0-4]))?(?![\d%]|[.,]\d|\s*%)")),
    ("KARNOFSKY", re.compile(
        r"\b(?:indice de karnofsky|karnofsky|ik|kps)\b" + _FILLER + r"(?P<v>\d{1,3})\s*%?(?!\d)")),
)
#: An ``OMS 2`` right after these words is a WHO grade or classification, not a PS.
PS_EXCLUDE_LEFT = re.compile(r"(?:grade|classification|criteres?|selon l'|de l')\s*$")

#: Words for a progression (guide 14.1 lists the synonyms to look for).
PROGRESSION = re.compile(
    r"\bprogression(?: (?:tumorale|metastatique|hepatique|osseuse|pulmonaire|cerebrale"
    r"|ganglionnaire|locale|loco-?regionale|peritoneale|pleurale|radiologique|clinique"
    r"|biologique|de la maladie|des lesions|(?:hepatique|osseuse|pulmonaire|cerebrale"
    r"|ganglionnaire) et (?:hepatique|osseuse|pulmonaire|cerebrale|ganglionnaire)))?\b"
    r"|\bmaladie (?:en progression|progressive)\b"
    r"|\breprise evolutive\b"
    r"|\bevolution (?:tumorale|defavorable|metastatique)\b"
    r"|\bechappement (?:tumoral|therapeutique)\b"
    r"|\b(?:extension|croissance) tumorale\b"
    r"|\bapparition de (?:nouvelles? (?:lesions?|localisations?|metastases?)"
    r"|lesions secondaires)(?: \w+)?\b"
    r"|\bmajoration (?:des|de la|du) (?:lesions?|masse|metastases?)(?: \w+)?\b"
    r"|\bdissemination (?:metastatique|tumorale)\b"
)
#: Words before a progression word that make it a statistic or a criterion, not an event.
PROGRESSION_PSEUDO = re.compile(
    r"(?:survie|delai|temps|intervalle)\s+(?:sans|jusqu'a|avant)\s+(?:la |une )?$"
    r"|criteres? (?:de |d')$"
)
#: A date introduced by these words starts a treatment; it is not the progression date.
DATE_START_CUES = re.compile(r"(?:depuis|debute|debut|initie|instaure|introduit|commence)\w*"
                             r"(?: le| en| au| la| du)?\s*$")

#: eds.tnm's pattern with M subcategories (``M1a``..``M1d``): edsnlp's stops at ``M1`` and,
#: needing a word boundary after it, drops the whole M (or, glued as in ``pT2N1M1a``, the TNM).
_M_WITH_SUBCATEGORY = (r"(\s{,2}\/?\s{,2}([cpPyraum]p?)?\s{,2}M\s?(?P<metastasis>([01o]|x))"
                       r"[a-d]?x?)")
TNM_PATTERN = tnm_patterns.tnm_pattern.replace(tnm_patterns.metastasis_pattern,
                                               _M_WITH_SUBCATEGORY)

#: TNM text eds.tnm leaves out: a node suffix (``(sn)``) and an M subcategory (``M1a``).
TNM_EXTENSION = re.compile(
    r"(?P<suffix>\((?:sn|i[+-]|mol[+-]|m|f|\d+)\))?"
    r"(?P<m>\s{0,2}/?\s{0,2}[cpy]{0,2}M(?:x|0|1[a-d]?)(?![\w]))?"
)
#: TNM prefix → OSIRIS item 8.17 (first matching letter wins: ``yp`` is y).
TNM_TYPE: tuple[tuple[str, str], ...] = (("y", "y"), ("p", "p"), ("c", "c"))

#: A hypothesis stated after a comma or a bracket (``KRAS G12C muté, à confirmer``).
HYPOTHESIS_TAIL = re.compile(
    r"[\s,(:-]*(?:a confirmer|a recontroler|a controler|a verifier|sous reserve"
    r"|non confirmee?s?|douteu\w*|\?)"
)

_NOT_HYPOTHESIS = {"recherche d'", "recherche de", "recherche des", "exploration", "discret",
                   "discrets", "discrète", "discrètes", "selon", "soit"}
#: edsnlp's hypothesis cues, without those that introduce a test rather than a doubt
#: (*recherche de mutation EGFR : négative* is a result), plus oncology doubt words.
HYPOTHESIS_PRECEDING = [
    *(c for c in hypothesis_patterns.preceding if c not in _NOT_HYPOTHESIS),
    "suspicion de", "suspect", "suspecte", "évocateur de", "évocatrice de", "douteux",
    "doute sur", "à confirmer", "pourrait correspondre à", "faisant craindre",
]
HYPOTHESIS_FOLLOWING = [
    *hypothesis_patterns.following, "à confirmer", "à contrôler", "à recontrôler", "à vérifier",
    "non confirmé", "non confirmée", "douteux", "douteuse", "suspecte", "suspect",
]
HYPOTHESIS_VERBS = [v for v in hypothesis_patterns.verbs_hyp if v not in {"rechercher", "explorer"}]

#: Family and history speak for the whole sentence: no split on commas or brackets
#: (*sa mère, suivie pour un cancer de l'ovaire, porteuse d'une mutation BRCA1*).
SENTENCE_TERMINATION = [".", ";", "mais", "cependant", "toutefois", "alors que", "en revanche"]
HISTORY_TERMINATION = [*SENTENCE_TERMINATION, "actuellement", "ce jour", "aujourd'hui"]
HISTORY_CUES = ["antécédent", "antécédents", "atcd", "atcds", "antécédent personnel",
                "antécédents personnels"]

"""Biomarker rules as data: names, result cues, details, values and techniques.

Every pattern is a regular expression over *folded* text (see :func:`oncorwd.ingest.nlp.text.fold`)
unless its table says *raw*. Tables are ordered where order matters: the first matching row wins.
The component (:mod:`oncorwd.ingest.nlp.biomarkers`) only walks these tables.
"""

from __future__ import annotations

import re
from functools import cache

from oncorwd.terminology import biomarkers

__all__ = [
    "AA3_TO_AA1",
    "CASE_SENSITIVE_MAX_LEN",
    "CLONES",
    "CONNECTOR",
    "CONTINUATION",
    "EXCLUDED_NAMES",
    "EXON_EVENTS",
    "FRENCH_NAMES",
    "HER2_SCORE",
    "INTRINSIC",
    "INTRINSIC_FOLDED",
    "ISH_CONTINUATION",
    "ISH_STATUS",
    "ISH_TECHNIQUE",
    "ISH_TOKEN",
    "LEFT_EXCLUDE",
    "NAME_CUES",
    "NAME_OVERRIDES",
    "PDL1_SCORES",
    "PERCENT_STATUS_MARKERS",
    "PROTEIN_CHANGE",
    "PROTEIN_CHANGE_3",
    "STATUSLESS",
    "STATUS_CUES",
    "SYMBOL_CUES",
    "TECHNIQUES",
    "UNITS",
    "VALUE",
    "VALUE_EXCLUDE",
    "VARIANT_GENES",
    "name_terms",
    "plus_score",
]

#: Catalogue names not matched on their own: MMR proteins are read as part of an MSI/MMR phrase.
EXCLUDED_NAMES = frozenset({"MLH1", "MSH2", "MSH6", "PMS2"})

#: MMR deficiency is recorded as the MSI biomarker (LOINC 81695-9) with detail dMMR/pMMR,
#: as the cohort variable ``msi_high_or_dmmr`` reads it.
NAME_OVERRIDES = {"MMR": "MSI"}

#: French spellings absent from the catalogue aliases (folded regex → catalogue name).
FRENCH_NAMES: dict[str, tuple[str, ...]] = {
    "ER": (r"recepteurs? (?:aux |des |a l')?(?:œ|oe)?strog(?:enes?|eniques?)",),
    "PR": (r"recepteurs? (?:a la |de la )?progesterone", r"recepteurs? progesteroniques?"),
    "Ki-67": (r"index de proliferation(?: cellulaire)?", r"ki-67"),
    "MSI": (r"instabilite (?:des )?microsatellit\w*", r"statut microsatellit\w*",
            r"phenotype mmr", r"proteines (?:du systeme )?mmr", r"systeme mmr"),
    "TMB": (r"charge mutationnelle(?: tumorale)?",),
    "CEA": (r"antigene carcino-?embryonnaire",),
    "PSA": (r"antigene prostatique specifique",),
    "CA 15-3": (r"ca ?15[-.]3",),
    "CA 19-9": (r"ca ?19[-.]9",),
    "CA-125": (r"ca ?125",),
}

#: Aliases that are short words are matched case-sensitively on the raw text (``RE``, ``MET``).
CASE_SENSITIVE_MAX_LEN = 4

#: Mentions that carry their own result (raw text, case-sensitive) → (status, detail).
INTRINSIC: dict[str, tuple[str, str]] = {
    "MSI-H": ("POSITIVE", "MSI-H"),
    "MSS": ("NEGATIVE", "MSS"),
    "dMMR": ("POSITIVE", "dMMR"),
    "pMMR": ("NEGATIVE", "pMMR"),
}

#: Folded names that say a result on their own (``tumeur avec instabilité microsatellitaire``).
INTRINSIC_FOLDED: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"instabilite (?:des )?microsatellit"), "POSITIVE"),
)

#: Result words specific to one biomarker (folded), tried before the generic cues:
#: (name, status, detail, pattern).
NAME_CUES: dict[str, tuple[tuple[str, str, re.Pattern[str]], ...]] = {
    "MSI": (
        ("POSITIVE", "MSI-H", re.compile(r"\binstable|\bmsi-?h\b|haut niveau")),
        ("NEGATIVE", "MSS", re.compile(r"\bstable\b|\bmss\b")),
        ("POSITIVE", "dMMR", re.compile(r"\bdeficient|\bdmmr\b|perte d'expression")),
        ("NEGATIVE", "pMMR", re.compile(r"conservee?s?\b|proficient|\bpmmr\b")),
    ),
}

#: A name right after these words is a drug target, not a result (``anti-HER2``, ``ITK de l'EGFR``).
LEFT_EXCLUDE = re.compile(r"(?:anti-?|inhibiteurs? (?:de |d')(?:l')?|itk (?:de |d')?(?:l')?"
                          r"|therapie ciblee (?:de |d')?(?:l')?)\s*$")

#: Only connectors between two names: they share a result (``absence de mutation BRCA1 et BRCA2``).
CONNECTOR = re.compile(r"^\s*(?:,|/|\bet\b|\bni\b|\bou\b|&)\s*$")

#: After a semicolon only an in situ hybridisation result goes on (``2+ ; HIS : non amplifiée``).
ISH_CONTINUATION = re.compile(r"^\s*(?:fish|cish|sish|his|ish|hybridation)\b")

#: After a comma the result goes on when the next words are one of these (``2+, FISH négative``).
CONTINUATION = re.compile(
    r"^\s*(?:fish|cish|sish|his|ish|hybridation|score|tps|cps|[<>≤≥]|\d|intensite|clone|\(|ihc"
    r"|non amplifi|amplifi|absence d'amplification|pas d'amplification|soit|vaf)"
)

_NC = (r"non contributi\w*|ininterpretable|non interpretable|echec\b|materiel insuffisant"
       r"|quantite insuffisante|non evaluable|inexploitable|non informati\w*")
_PENDING = (r"en cours|en attente|demandee?s?\b|a faire|a realiser|non realisee?s?"
            r"|non recherchee?s?|non faite?s?|non testee?s?|prevue?s?\b|sera realisee?")
_NEG = (r"non mutee?s?|sauvage|wild[- ]?type|\bwt\b|negati(?:f|ve)s?\b"
        r"|non (?:retrouv|detect|mise?s? en evidence|identifi|observ|amplifi|rearrange|exprim"
        r"|altere|surexprim)\w*"
        r"|absen(?:ce|te?s?)\b|\bpas (?:de|d')|\baucune?\b|\bsans\b|\bni\b|n'a pas ete"
        r"|\bne \w+ pas\b|\bn'\w+ pas\b|\bnon\b")
_POS = (r"\bmutee?s?\b|mutation|rearrange\w*|translocation|fusion|amplifi\w*|surexpri\w*"
        r"|surexpression|positi(?:f|ve)s?\b|exprime\w*|detecte\w*|retrouve\w*|mise? en evidence"
        r"|identifie\w*|presence|pathogene|altere\w*|alteration|deletion|insertion|classe [45]"
        r"|porteu(?:r|se)|instable|deficient|perte d'expression")

#: Result cues, tried in this order in the words around a name (first match wins).
STATUS_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("NON_CONTRIBUTIVE", re.compile(_NC)),
    ("PENDING", re.compile(_PENDING)),
    ("NEGATIVE", re.compile(_NEG)),
    ("POSITIVE", re.compile(_POS)),
)

#: A sign glued to the name: ``RO+``, ``RP-``, ``HER2 (+)``.
SYMBOL_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("POSITIVE", re.compile(r"^(?:\+(?!\d)|\s?\(\+\))")),
    ("NEGATIVE", re.compile(r"^(?:[-−](?![\w\d])|\s?\([-−]\))")),
)

#: Markers whose qualitative status follows from a percentage (≥ 1 % positive, ASCO/CAP).
PERCENT_STATUS_MARKERS = frozenset({"ER", "PR", "PD-L1"})

#: Markers reported as values only: no status is read for them.
STATUSLESS = frozenset({"Ki-67", "TMB"})

#: Genes whose variants (protein changes, exon events) are read as details.
VARIANT_GENES = frozenset({"EGFR", "KRAS", "NRAS", "BRAF", "PIK3CA", "MET", "ERBB2", "IDH1",
                           "IDH2", "ESR1", "TP53", "HER2", "ALK", "ROS1", "RET"})

#: Protein changes on the raw text: ``V600E``, ``p.L858R``, ``G719X``.
PROTEIN_CHANGE = re.compile(
    r"(?<![\w.])(?:p\.)?([ACDEFGHIKLMNPQRSTVWY]\d{2,4}(?:[ACDEFGHIKLMNPQRSTVWYX*]|fs|del)?)(?![\w])"
)
#: Three-letter protein changes on the raw text: ``p.Gly12Cys``.
PROTEIN_CHANGE_3 = re.compile(r"p\.([A-Z][a-z]{2})(\d{1,4})([A-Z][a-z]{2})")
AA3_TO_AA1 = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V",
}

#: Exon-level events (folded) → canonical detail.
EXON_EVENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"deletion (?:de |dans |sur )?(?:l'|l )?exon ?19|exon ?19\W{0,3}(?:deletion|del)"
                r"|\bdel(?:etion)? ?19\b|ex19 ?del"), "exon 19 deletion"),
    (re.compile(r"insertion (?:de |dans |sur )?(?:l'|l )?exon ?20|exon ?20\W{0,3}insertion"
                r"|ex20 ?ins"), "exon 20 insertion"),
    (re.compile(r"saut (?:de |d')?(?:l'|l )?exon ?14|exon ?14 skipping|ex14"), "exon 14 skipping"),
)

#: HER2 immunohistochemistry score (folded): group 1 is the digit.
_NOT_A_NUMBER_GOES_ON = r"(?!\s*[\d%]|[.,]\d)"
HER2_SCORE: tuple[re.Pattern[str], ...] = (
    re.compile(r"score\s*(?:ihc\s*)?(?:de\s*|:\s*|=\s*|a\s*)?([0-3])(?:\s*\+)?"
               + _NOT_A_NUMBER_GOES_ON),
    re.compile(r"(?<![\d.,])([1-3])\s?\+(?!\d)"),
    re.compile(r"^\s*(?::|=|\()?\s*(0)" + _NOT_A_NUMBER_GOES_ON),
)
_PLUS_SCORE = re.compile(r"\(?(\+{2,3})\)?")

ISH_TOKEN = re.compile(r"\b(fish|cish|sish|ddish|his|ish|hybridation in situ)\b")
ISH_TECHNIQUE = {"fish": "FISH", "cish": "CISH"}
ISH_STATUS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("PENDING", re.compile(_PENDING)),
    ("NEGATIVE", re.compile(r"non amplifi\w*|absence d'amplification|pas d'amplification"
                            r"|negati\w*|ratio[^,;]{0,20}< ?2\b")),
    ("POSITIVE", re.compile(r"amplifi\w*|positi\w*")),
)

#: A number with an optional comparator (folded); group ``cmp``, ``num``.
VALUE = re.compile(r"(?P<cmp><|>|≤|≥|<=|>=|inferieure? a|superieure? a)?\s*"
                   r"(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>%|ng/ml|µg/l|ug/l|u/ml|ui/ml|ku/l|ui/l"
                   r"|u/l|pg/ml|mg/l|g/l|mut(?:ations)?\s*/\s*mb)?")
UNITS = {"%": "%", "ng/ml": "ng/mL", "µg/l": "µg/L", "ug/l": "µg/L", "u/ml": "U/mL",
         "ui/ml": "UI/mL", "ku/l": "kU/L", "ui/l": "UI/L", "u/l": "U/L", "pg/ml": "pg/mL",
         "mg/l": "mg/L", "g/l": "g/L", "mut/mb": "mut/Mb"}
#: Numbers that are not the marker's value (allele fraction, cellularity, clone names).
VALUE_EXCLUDE = re.compile(r"(?:vaf|frequence allelique|cellularite|clone|exon|classe)\s*"
                           r"(?:de |:|=|a |estimee a )?\s*$")

#: PD-L1 score kinds (folded) → detail prefix.
PDL1_SCORES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bcps\b|score combine"), "CPS"),
    (re.compile(r"\btps\b|cellules tumorales"), "TPS"),
)
CLONES = re.compile(r"\b(22c3|sp263|sp142|28-8|e1l3n|qr1|d5f3)\b")

#: Techniques named near a result (folded) → biomarker_technique code.
TECHNIQUES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bihc\b|immunohistochimi\w*|immuno-histochimi\w*"), "IHC"),
    (re.compile(r"\bfish\b"), "FISH"),
    (re.compile(r"\bcish\b"), "CISH"),
    (re.compile(r"\bngs\b|sequencage (?:a )?(?:haut debit|de nouvelle generation)|\bpanel\b"),
     "NGS"),
    (re.compile(r"\b(?:rt-|dd)?pcr\b|pcr digitale"), "PCR"),
    (re.compile(r"\bsanger\b"), "SANGER"),
)


def _variant_forms(term: str) -> list[str]:
    """Folded regex forms of a catalogue alias (``HER-2`` also matches ``her 2``)."""
    escaped = re.escape(term.lower())
    return [escaped.replace(r"\-", "[- ]?").replace(r"\ ", "[- ]?")]


@cache
def name_terms() -> tuple[dict[str, str], dict[str, str]]:
    """(folded regex → name, raw case-sensitive term → name) for every catalogue biomarker."""
    folded: dict[str, str] = {}
    raw: dict[str, str] = {}
    markers = [m for m in biomarkers() if m.name not in EXCLUDED_NAMES]
    # catalogue names first: ``ESR1`` is a name of its own before being a gene of ER
    terms = [(m.name, m.name) for m in markers]
    terms += [(t, m.name) for m in markers for t in sorted({*m.aliases, *m.genes})]
    for term, name in terms:
        if term in EXCLUDED_NAMES or term in INTRINSIC:
            continue
        target = NAME_OVERRIDES.get(name, name)
        if term.isalpha() and len(term) <= CASE_SENSITIVE_MAX_LEN:
            raw.setdefault(term, target)
        else:
            for form in _variant_forms(term):
                folded.setdefault(form, target)
    for name, patterns in FRENCH_NAMES.items():
        for pattern in patterns:
            folded[pattern] = name
    for term in INTRINSIC:
        raw[term] = "MSI"
    return folded, raw


def plus_score(text: str) -> str | None:
    """``HER2 (+++)`` → ``3+``."""
    match = _PLUS_SCORE.match(text.strip())
    return f"{len(match.group(1))}+" if match else None

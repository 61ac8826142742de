"""Therapeutic classes of current ATC codes, as the treatment cohort variables define them.

The classes are declared as data (prefixes, codes and INNs) straight from the derivation texts of
``variables.yaml``; :func:`classify` is a pure function of a *current* ATC code (old codes are
normalised first by the terminology) and its INN label. INNs are used for the members of mixed
classes (L01XX, L01FX) because a substance keeps its INN across ATC revisions while its code may
move.
"""

from __future__ import annotations

__all__ = ["DRUG_CLASSES", "classify", "is_antineoplastic"]

#: Every class :func:`classify` can return, in the order of the lookup table's columns.
DRUG_CLASSES = (
    "systemic", "chemotherapy", "platinum", "targeted", "immunotherapy", "checkpoint",
    "hormone", "anti_her2", "anti_egfr_tki", "anti_egfr_antibody", "anti_vegf", "parp",
    "cdk46",
)

_CHEMO_PREFIXES = ("L01A", "L01B", "L01C", "L01D", "L01XA", "L01XB", "L01XX", "L01XY")
_TARGETED_PREFIXES = ("L01E", "L01F", "L01XF", "L01XG", "L01XH", "L01XJ", "L01XK", "L01XM")
#: L01XX/L01XY substances that are targeted agents, not cytotoxic chemotherapy.
_TARGETED_INN = frozenset({
    "sotorasib", "adagrasib", "venetoclax", "selinexor", "belzutifan", "ivosidenib",
    "enasidenib", "olutasidenib", "tazemetostat", "aflibercept", "tagraxofusp",
    "denileukin diftitox",
})
_CHECKPOINT_CODES = ("L01FX04", "L01FX20", "L01FY02")
_CHECKPOINT_INN = frozenset({"ipilimumab", "tremelimumab", "nivolumab and relatlimab"})
#: T-cell engagers and other immunotherapies outside L01FF/L01XL.
_IMMUNO_INN = _CHECKPOINT_INN | frozenset({
    "tebentafusp", "blinatumomab", "teclistamab", "mosunetuzumab", "glofitamab",
    "epcoritamab", "talquetamab", "elranatamab", "tarlatamab", "aldesleukin", "bcg vaccine",
})
_IMMUNO_PREFIXES = ("L01FF", "L01XL", "L03AB")
_IMMUNO_CODES = (*_CHECKPOINT_CODES, "L03AC01", "L03AX03")


#: Classes defined by code alone: class -> (code prefixes, INNs of members coded elsewhere).
_SIMPLE: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "platinum": (("L01XA",), frozenset()),
    "hormone": (("L02",), frozenset()),
    "anti_her2": (("L01FD", "L01EH", "L01FY01"), frozenset()),
    "anti_egfr_tki": (("L01EB",), frozenset()),
    "anti_egfr_antibody": (("L01FE",), frozenset({"amivantamab"})),
    "anti_vegf": (("L01FG", "L01EK", "L01XX44"), frozenset({"aflibercept"})),
    "parp": (("L01XK",), frozenset()),
    "cdk46": (("L01EF",), frozenset()),
}


def classify(code: str, inn: str | None = None) -> frozenset[str]:
    """Classes of a current ATC code (``L01FF02`` -> checkpoint, immunotherapy, systemic)."""
    name = (inn or "").strip().lower()
    out = {c for c, (prefixes, inns) in _SIMPLE.items()
           if code.startswith(prefixes) or name in inns}
    immuno = (code.startswith(_IMMUNO_PREFIXES) or code in _IMMUNO_CODES
              or name in _IMMUNO_INN)
    if immuno:
        out.add("immunotherapy")
    if code.startswith("L01FF") or code in _CHECKPOINT_CODES or name in _CHECKPOINT_INN:
        out.add("checkpoint")
    targeted_member = name in _TARGETED_INN
    if code.startswith(_CHEMO_PREFIXES) and not (targeted_member or immuno):
        out.add("chemotherapy")
    if (code.startswith(_TARGETED_PREFIXES) and not immuno) or targeted_member:
        out.add("targeted")
    if code.startswith(("L01", "L02")) or immuno:
        out.add("systemic")
    return frozenset(out)


def is_antineoplastic(code: str, flagged: bool | None) -> bool:
    """Whether a current code counts for lines of therapy: the terminology's flag when it knows
    the code (L01, L02, IMiDs, BCG...; not antiemetics, G-CSF, folinic acid), else L01/L02."""
    if flagged is not None:
        return flagged
    return code.startswith(("L01", "L02"))

"""Reading one biomarker result from the words around its name (pure functions on strings).

A name mention is read with its *left* context (from the clause start to the name) and its *right*
context (from the name to the next name or the clause end). Both come as raw text (for
case-sensitive variants such as ``V600E``) and folded text (for every other rule). The tables are
in :mod:`oncorwd.ingest.nlp.biomarker_rules`; this module only applies them:

- status: a non-contributive cue wins, then a pending cue on the right (no result yet), then any
  negative cue (``absence de mutation EGFR``, ``mutation EGFR non retrouvée``), then a sign glued to
  the name (``RO+``), then a positive cue, then what the name says itself (``MSS``), then, for
  ER/PR/PD-L1, the percentage (≥ 1 % positive);
- HER2: in situ hybridisation decides when it says amplified or not, else the IHC score
  (3+ positive, 0/1+ negative, 2+ equivocal so no status);
- details: protein changes and exon events of genes, the HER2 score, the PD-L1 score kind, MSI
  class; a value: a number with the unit the marker is measured in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from oncorwd.ingest.nlp import biomarker_rules as rules
from oncorwd.ingest.nlp.text import fold, format_number, parse_number
from oncorwd.terminology import biomarker_by_name

__all__ = ["Context", "Reading", "has_status", "read_result"]

SCORE_STATUS: dict[str, str | None] = {"0": "NEGATIVE", "1+": "NEGATIVE", "2+": None,
                                       "3+": "POSITIVE"}
_COMPARATORS = {"inferieur a": "<", "inferieure a": "<", "superieur a": ">",
                "superieure a": ">", "<=": "≤", ">=": "≥"}
_SERUM_KINDS = frozenset({"serum", "urine"})


@dataclass(frozen=True, slots=True)
class Context:
    """Words on one side of a name: raw and folded (same length)."""

    raw: str
    folded: str


@dataclass(frozen=True, slots=True)
class Reading:
    """What the words around a name say; ``status`` may be ``PENDING`` (not a result yet)."""

    status: str | None
    details: tuple[str, ...] = ()
    value: float | None = None
    unit: str | None = None
    technique: str | None = None
    clone: str | None = None
    ish_technique: str | None = None
    ish_status: str | None = None

    @property
    def empty(self) -> bool:
        return self.status in (None, "PENDING") and not self.details and self.value is None


@cache
def _kind(name: str) -> str:
    found = biomarker_by_name(name)
    return found.kind if found else "tumour"


def has_status(name: str) -> bool:
    """Whether a qualitative status is read for ``name`` (not for Ki-67, TMB, serum markers)."""
    return name not in rules.STATUSLESS and _kind(name) not in _SERUM_KINDS


def _category(folded: str, table: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    return next((status for status, pattern in table if pattern.search(folded)), None)


def _symbol(right: Context) -> str | None:
    return next((s for s, pattern in rules.SYMBOL_CUES if pattern.match(right.raw)), None)


def _intrinsic(name_text: str, intrinsic: str | None) -> str | None:
    if intrinsic:
        return intrinsic
    folded = fold(name_text)
    return next((s for p, s in rules.INTRINSIC_FOLDED if p.search(folded)), None)


def _generic_status(left: Context, right: Context, intrinsic: str | None) -> str | None:
    on_right = _category(right.folded, rules.STATUS_CUES)
    on_left = _category(left.folded, rules.STATUS_CUES)
    found = {on_right, on_left}
    if "NON_CONTRIBUTIVE" in found:
        return "NON_CONTRIBUTIVE"
    if on_right == "PENDING" or (on_left == "PENDING" and on_right is None):
        return "PENDING"
    if "NEGATIVE" in found:
        return "NEGATIVE"
    return _symbol(right) or ("POSITIVE" if "POSITIVE" in found else intrinsic)


def _variants(left: Context, right: Context) -> list[str]:
    found: list[str] = []
    for side in (left, right):
        found += [detail for pattern, detail in rules.EXON_EVENTS if pattern.search(side.folded)]
        found += [m.group(1).removeprefix("p.") for m in rules.PROTEIN_CHANGE.finditer(side.raw)]
        found += [f"{rules.AA3_TO_AA1.get(a, a)}{pos}{rules.AA3_TO_AA1.get(b, b)}"
                  for a, pos, b in rules.PROTEIN_CHANGE_3.findall(side.raw)]
    return list(dict.fromkeys(found))


def _her2_score(right: Context) -> str | None:
    for pattern in rules.HER2_SCORE:
        match = pattern.search(right.folded)
        if match:
            return "0" if match.group(1) == "0" else f"{match.group(1)}+"
    return rules.plus_score(right.folded)


def _ish(text: str) -> tuple[str | None, str | None]:
    """(technique, status) of the in situ hybridisation part of a HER2 result."""
    for part in re.split(r"[,;]|\bavec\b|\bet\b|\bmais\b", text):
        token = rules.ISH_TOKEN.search(part)
        if token:
            technique = rules.ISH_TECHNIQUE.get(token.group(1), "OTHER")
            return technique, _category(part, rules.ISH_STATUS)
    return None, None


def _value(name: str, right: Context) -> tuple[float | None, str | None, str | None]:
    """(value, unit, comparator detail) of the first number in the marker's unit."""
    wanted = _wanted_units(name)
    for match in rules.VALUE.finditer(right.folded):
        unit_text = re.sub(r"\s|ations", "", match.group("unit") or "")
        unit = rules.UNITS.get(unit_text) if unit_text else None
        if rules.VALUE_EXCLUDE.search(right.folded[: match.start("num")]):
            continue
        if unit not in wanted and not (unit is None and _bare_cps(name, right, match)):
            continue
        number = parse_number(match.group("num"))
        cmp = match.group("cmp")
        if cmp:
            sign = _COMPARATORS.get(cmp, cmp)
            text = f"{sign}{format_number(number)}" + (f" {unit}" if unit else "")
            return None, unit, text
        return number, unit, None
    return None, None, None


def _wanted_units(name: str) -> frozenset[str | None]:
    if name == "TMB":
        return frozenset({"mut/Mb"})
    if _kind(name) in _SERUM_KINDS:
        return frozenset(set(rules.UNITS.values()) - {"%", "mut/Mb"})
    if name in rules.PERCENT_STATUS_MARKERS or name == "Ki-67":
        return frozenset({"%"})
    return frozenset()


def _bare_cps(name: str, right: Context, match: re.Match[str]) -> bool:
    before = right.folded[: match.start()]
    return name == "PD-L1" and re.search(r"\bcps\s*(?::|=|de|a)?\s*$", before) is not None


def _value_status(value: float | None, cmp_detail: str | None) -> str | None:
    if cmp_detail:
        sign, number = cmp_detail[0], parse_number(re.sub(r"[^\d.,]", "", cmp_detail))
        if sign in "<≤" and number <= 1:
            return "NEGATIVE"
        return "POSITIVE" if sign in ">≥" and number >= 1 else None
    if value is None:
        return None
    return "POSITIVE" if value >= 1 else "NEGATIVE"


def _first(table: tuple[tuple[re.Pattern[str], str], ...], folded: str) -> str | None:
    return next((value for pattern, value in table if pattern.search(folded)), None)


def _name_details(name: str, name_text: str, status: str | None, left: Context, right: Context,
                  intrinsic: str | None) -> tuple[str | None, list[str]]:
    """Variants of genes, and the result words proper to one name (MSI's *instable*...)."""
    details = _variants(left, right) if name in rules.VARIANT_GENES else []
    if status is None and details:
        status = "POSITIVE"  # a variant named without a negation is a positive result
    for cue_status, detail, pattern in rules.NAME_CUES.get(name, ()):
        if pattern.search(right.folded):
            details.append(detail)
            status = status if status == "NON_CONTRIBUTIVE" else cue_status
            break
    if intrinsic and name_text in rules.INTRINSIC:
        details.insert(0, rules.INTRINSIC[name_text][1])
    return status, details


def _score_detail(name: str, both: str, cmp_detail: str | None) -> list[str]:
    """PD-L1 score kind (``TPS``/``CPS``), with a comparator value (``TPS <1 %``)."""
    if name != "PD-L1":
        return [cmp_detail] if cmp_detail else []
    kind = _first(rules.PDL1_SCORES, both)
    return [" ".join(filter(None, (kind, cmp_detail)))] if (kind or cmp_detail) else []


def read_result(name: str, name_text: str, left: Context, right: Context,
                intrinsic: str | None = None) -> Reading:
    """What the words around ``name`` (written ``name_text``) say about its result."""
    status = _generic_status(left, right, _intrinsic(name_text, intrinsic))
    both = f"{left.folded} {right.folded}"
    status, details = _name_details(name, name_text, status, left, right, intrinsic)
    value, unit, cmp_detail = _value(name, right)
    technique = _first(rules.TECHNIQUES, both)
    ish_technique = ish_status = None
    if name == "HER2":
        status, score, ish_technique, ish_status = _her2(status, right, both)
        details = ([score] if score else []) + details
        technique = "IHC" if score else (ish_technique or technique)
    elif name in rules.PERCENT_STATUS_MARKERS and status not in ("NEGATIVE", "POSITIVE",
                                                                "NON_CONTRIBUTIVE"):
        status = _value_status(value, cmp_detail) or status
    details += _score_detail(name, both, cmp_detail)
    if not has_status(name):
        status = status if status == "NON_CONTRIBUTIVE" else None
    clone = rules.CLONES.search(both)
    return Reading(status, tuple(dict.fromkeys(details)), value, unit, technique,
                   clone.group(1).upper() if clone else None, ish_technique, ish_status)


def _her2(status: str | None, right: Context,
          both: str) -> tuple[str | None, str | None, str | None, str | None]:
    score = _her2_score(right)
    ish_technique, ish_status = _ish(both)
    if status == "NON_CONTRIBUTIVE":
        return status, score, ish_technique, ish_status
    if ish_status in ("POSITIVE", "NEGATIVE"):
        return ish_status, score, ish_technique, ish_status
    if score is not None:
        return SCORE_STATUS[score], score, ish_technique, ish_status
    return status, score, ish_technique, ish_status

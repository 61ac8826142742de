"""What the report generator returns: reports and the facts a perfect reader would extract.

Facts use the ``(field, value)`` vocabulary of :mod:`oncorwd.ingest.nlp.facts` (documented there):
``biomarker_status`` ``EGFR:NEGATIVE``, ``biomarker_detail`` ``HER2:2+``, ``biomarker_value``
``PD-L1:60 %``, ``performance_status`` ``2``, ``progression`` ``Y``, ``progression_date``
``2021-03-UN``, ``tnm_t`` ``T1c``, ``tnm_n`` ``N0``, ``tnm_m`` ``1``, ``tnm_type`` ``y``.
Negated results that *are* results (``absence de mutation EGFR``) are facts; hypotheses, family
and history mentions are not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["REPORT_KINDS", "Fact", "SyntheticReport"]

#: Report kinds: anatomopathology, tumour board (RCP), consultation letter, imaging.
REPORT_KINDS = ("anapath", "rcp", "consultation", "imaging")


class Fact(NamedTuple):
    """One expected fact; equal to the ``(field, value)`` tuple the extractor yields."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class SyntheticReport:
    """A French report with its ground truth (a list of distinct facts, in text order)."""

    document_id: str
    patient_id: str
    kind: str
    date: dt.date
    text: str
    truth: list[Fact] = field(default_factory=list)

    def truth_pairs(self) -> set[tuple[str, str]]:
        return {tuple(f) for f in self.truth}  # type: ignore[misc]

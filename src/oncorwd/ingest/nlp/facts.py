"""Typed facts read from a report, and the (field, value) vocabulary they are scored in.

Every fact keeps the character span it was read from, so a reviewer can see why it is there.
:meth:`pairs` flattens a fact into ``(field, value)`` pairs, the vocabulary shared with the
synthetic report generator's ground truth (``oncorwd.synth.reports``):

==================  =============================================  =========================
field               value                                          example
==================  =============================================  =========================
biomarker_status    ``<catalogue name>:<status>``                  ``EGFR:NEGATIVE``
biomarker_detail    ``<catalogue name>:<detail>``                  ``HER2:2+``, ``BRAF:V600E``
biomarker_value     ``<catalogue name>:<number>[ <unit>]``         ``PD-L1:60 %``
performance_status  ECOG/WHO grade 0-4 (Karnofsky converted)       ``2``
progression         ``Y``                                          ``Y``
progression_date    ``YYYY-MM-DD`` with ``UN`` parts               ``2021-03-UN``
tnm_t / tnm_n       UICC category                                  ``T1c``, ``N0``
tnm_m               OSIRIS flag 1/0 (M1 any subcategory / M0)      ``1``
tnm_type            OSIRIS prefix c / p / y                        ``y``
==================  =============================================  =========================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from oncorwd.ingest.nlp.text import format_number

__all__ = [
    "BiomarkerFact",
    "Discarded",
    "DocumentFacts",
    "Fact",
    "PartialDate",
    "PerformanceStatusFact",
    "ProgressionFact",
    "TextSpan",
    "TnmFact",
]

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class TextSpan:
    """Where a fact was read: character offsets in the document text, and that text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """An OSIRIS partial date: unknown month or day are ``"UN"``."""

    year: int
    month: str = "UN"
    day: str = "UN"

    @classmethod
    def of(cls, date: dt.date) -> PartialDate:
        return cls(date.year, f"{date.month:02d}", f"{date.day:02d}")

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month}-{self.day}"


@dataclass(frozen=True, slots=True)
class BiomarkerFact:
    """One biomarker result. ``name`` is a ``biomarker`` code-system code (catalogue name).

    For HER2, ``details`` holds the IHC score and ``ish_status`` the in situ hybridisation result
    that decided ``status`` (ASCO/CAP: 2+ is settled by ISH).
    """

    span: TextSpan
    name: str
    status: str | None
    details: tuple[str, ...] = ()
    value: float | None = None
    unit: str | None = None
    technique: str | None = None
    clone: str | None = None
    ish_technique: str | None = None
    ish_status: str | None = None
    kind: Literal["biomarker"] = "biomarker"

    def pairs(self) -> list[Pair]:
        out = []
        if self.status:
            out.append(("biomarker_status", f"{self.name}:{self.status}"))
        out += [("biomarker_detail", f"{self.name}:{d}") for d in self.details]
        if self.value is not None:
            unit = f" {self.unit}" if self.unit else ""
            out.append(("biomarker_value", f"{self.name}:{format_number(self.value)}{unit}"))
        return out


@dataclass(frozen=True, slots=True)
class PerformanceStatusFact:
    """A performance status on the ECOG/WHO scale; ``scale``/``raw`` say what was written."""

    span: TextSpan
    ecog: int
    scale: Literal["ECOG", "KARNOFSKY"]
    raw: int
    kind: Literal["performance_status"] = "performance_status"

    def pairs(self) -> list[Pair]:
        return [("performance_status", str(self.ecog))]


@dataclass(frozen=True, slots=True)
class ProgressionFact:
    """A progression; ``date`` is the date written near it, or the document date."""

    span: TextSpan
    date: PartialDate | None
    explicit_date: bool = False
    kind: Literal["progression"] = "progression"

    def pairs(self) -> list[Pair]:
        out = [("progression", "Y")]
        if self.date is not None:
            out.append(("progression_date", self.date.iso()))
        return out


@dataclass(frozen=True, slots=True)
class TnmFact:
    """A TNM classification; ``m_flag`` is OSIRIS item 8.16, ``tnm_type`` item 8.17."""

    span: TextSpan
    t: str | None
    n: str | None
    m: str | None
    m_flag: int | None
    tnm_type: str | None
    kind: Literal["tnm"] = "tnm"

    def pairs(self) -> list[Pair]:
        values = {"tnm_t": self.t, "tnm_n": self.n, "tnm_type": self.tnm_type,
                  "tnm_m": None if self.m_flag is None else str(self.m_flag)}
        return [(key, value) for key, value in values.items() if value is not None]


Fact = BiomarkerFact | PerformanceStatusFact | ProgressionFact | TnmFact


@dataclass(frozen=True, slots=True)
class Discarded:
    """A mention that was read but not kept, and why (negated, hypothesis, family, history...)."""

    kind: str
    span: TextSpan
    reason: str


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What was read in one document, and the provenance its rows will carry."""

    document_id: str
    patient_id: str
    date: dt.date | None
    source_type: str
    source_document: str
    facts: tuple[Fact, ...] = ()
    discarded: tuple[Discarded, ...] = field(default=())

    def pairs(self) -> set[Pair]:
        """The document's facts as a set of ``(field, value)`` pairs (see the module table)."""
        return {pair for fact in self.facts for pair in fact.pairs()}

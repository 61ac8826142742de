"""``extract``: run the pipeline over documents and keep the facts that are the patient's own.

Contract:

- documents go through ``nlp.pipe`` in batches, in order; each gives one
  :class:`~oncorwd.ingest.nlp.facts.DocumentFacts`;
- a mention qualified as family, history or hypothesis (edsnlp qualifiers, plus a doubt stated
  after a comma: *…, à confirmer*) is discarded, with its reason; a negated mention is discarded
  too, except a biomarker, whose negation *is* its result (a negated positive becomes negative);
- dates: a biomarker result and a performance status take the document date (guide 17.8: for
  NLP-derived results the report date is preferred); a progression takes the date written in
  its clause, else the nearest one of its sentence that does not start a treatment, else the
  document date. One progression is kept per distinct date written; without any, one progression
  at the document date;
- identical facts of one document are kept once; nothing is dropped without a
  :class:`~oncorwd.ingest.nlp.facts.Discarded` entry.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

import edsnlp
from edsnlp.pipes.misc.dates.models import AbsoluteDate
from spacy.tokens import Doc, Span

from oncorwd.errors import DataError
from oncorwd.ingest.nlp import clinical_rules as rules
from oncorwd.ingest.nlp.base import DISCARDED, SPAN_GROUP
from oncorwd.ingest.nlp.facts import (
    BiomarkerFact,
    Discarded,
    DocumentFacts,
    Fact,
    PartialDate,
    ProgressionFact,
    TextSpan,
)
from oncorwd.ingest.nlp.pipeline import default_pipeline
from oncorwd.ingest.nlp.tables import NlpTables, to_tables
from oncorwd.ingest.nlp.text import fold, split_clauses

__all__ = ["SOURCE_TYPES", "Document", "DocumentLike", "ExtractionResult", "extract"]

#: OSIRIS ``source_type`` codes of NLP-derived values.
SOURCE_TYPES = {"4": "NLP of an internal document", "5": "NLP of an external document"}


class DocumentLike(Protocol):
    """What ``extract`` needs of a document (``SyntheticReport`` qualifies)."""

    @property
    def document_id(self) -> str: ...
    @property
    def patient_id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def date(self) -> dt.date | None: ...


@dataclass(frozen=True, slots=True)
class Document:
    """A report to read. ``source_type`` is '4' (internal document) or '5' (external);
    ``link`` is stored as ``source_document`` (the document id when not given)."""

    document_id: str
    patient_id: str
    text: str
    date: dt.date | None = None
    source_type: str = "4"
    link: str | None = None


@dataclass
class ExtractionResult:
    """Facts per document, in input order, and how long reading took."""

    documents: list[DocumentFacts]
    seconds: float
    batch_size: int = 0
    pipeline: list[str] = field(default_factory=list)

    @property
    def docs_per_second(self) -> float:
        return len(self.documents) / self.seconds if self.seconds > 0 else float("inf")

    def pairs(self) -> dict[str, set[tuple[str, str]]]:
        """Document id → its facts as ``(field, value)`` pairs (see :mod:`.facts`)."""
        return {d.document_id: d.pairs() for d in self.documents}

    def tables(self) -> NlpTables:
        """OSIRIS RWD rows and the facts that could not become rows (see :mod:`.tables`)."""
        return to_tables(self.documents)


def extract(documents: Iterable[DocumentLike], *, batch_size: int = 64,
            nlp: edsnlp.Pipeline | None = None) -> ExtractionResult:
    """Read every document with ``nlp`` (default: :func:`.pipeline.default_pipeline`)."""
    docs = list(documents)
    for document in docs:
        source_type = getattr(document, "source_type", "4")
        if source_type not in SOURCE_TYPES:
            raise DataError(f"source_type {source_type!r} is not an NLP source type",
                            hint="use '4' (internal document) or '5' (external document)",
                            document_id=document.document_id, value=source_type)
    pipeline = nlp or default_pipeline()
    start = time.perf_counter()
    parsed = pipeline.pipe([d.text for d in docs], batch_size=batch_size)
    out = [read_document(d, doc) for d, doc in zip(docs, parsed, strict=True)]
    return ExtractionResult(out, time.perf_counter() - start, batch_size, pipeline.pipe_names)


def read_document(document: DocumentLike, doc: Doc) -> DocumentFacts:
    """The kept facts and the discarded mentions of one processed document."""
    folded = fold(doc.text)
    discarded = [_discarded(span, span._.oncorwd_reason) for span in _group(doc, DISCARDED)]
    facts: list[Fact] = []
    for span in _group(doc, SPAN_GROUP):
        fact, reason = _qualify(span, span._.oncorwd_fact, folded)
        if fact is None:
            discarded.append(_discarded(span, reason or "unknown"))
            continue
        if isinstance(fact, ProgressionFact):
            written = _progression_date(span, doc, folded)
            fact = replace(fact, date=written, explicit_date=written is not None)
        facts.append(fact)
    facts = _progressions(_unique(facts), document.date)
    return DocumentFacts(
        document_id=document.document_id, patient_id=document.patient_id, date=document.date,
        source_type=getattr(document, "source_type", "4"),
        source_document=getattr(document, "link", None) or document.document_id,
        facts=tuple(facts), discarded=tuple(discarded))


def _group(doc: Doc, name: str) -> list[Span]:
    return list(doc.spans[name]) if name in doc.spans else []


def _discarded(span: Span, reason: str) -> Discarded:
    return Discarded(span.label_, TextSpan(span.start_char, span.end_char, span.text), reason)


def _qualify(span: Span, fact: Fact, folded: str) -> tuple[Fact | None, str | None]:
    """The fact as the patient's own result, or ``None`` and the reason it is not."""
    if span._.family:
        return None, "family"
    if span._.history:
        return None, "history"
    tail = folded[span.end_char:span.sent.end_char]
    if span._.hypothesis or rules.HYPOTHESIS_TAIL.match(tail):
        return None, "hypothesis"
    if not span._.negation:
        return fact, None
    if isinstance(fact, BiomarkerFact) and fact.status in ("POSITIVE", "NEGATIVE"):
        return replace(fact, status="NEGATIVE"), None
    return None, "negated"


def _progression_date(span: Span, doc: Doc, folded: str) -> PartialDate | None:
    sent = span.sent
    candidates = []
    for date_span in _group(doc, "dates"):
        value = date_span._.date
        if not (sent.start_char <= date_span.start_char < sent.end_char):
            continue
        if not isinstance(value, AbsoluteDate) or not value.year:
            continue
        before = folded[max(sent.start_char, date_span.start_char - 30):date_span.start_char]
        if not rules.DATE_START_CUES.search(before):
            candidates.append((date_span, value))
    if not candidates:
        return None
    clauses = split_clauses(doc.text[sent.start_char:sent.end_char], sent.start_char)
    clause = next((c for c in clauses if c[0] <= span.start_char <= c[1]), (0, 0))
    same = [c for c in candidates if clause[0] <= c[0].start_char <= clause[1]]
    pool = same or candidates
    _, best = min(pool, key=lambda c: abs(c[0].start_char - span.start_char))
    return PartialDate(int(best.year), f"{best.month:02d}" if best.month else "UN",
                       f"{best.day:02d}" if best.day and best.month else "UN")


def _key(fact: Fact) -> tuple[object, ...]:
    return (fact.kind, *(p for p in fact.pairs()), getattr(fact, "ish_status", None))


def _unique(facts: list[Fact]) -> list[Fact]:
    seen: dict[tuple[object, ...], Fact] = {}
    for fact in facts:
        seen.setdefault(_key(fact), fact)
    return list(seen.values())


def _progressions(facts: list[Fact], document_date: dt.date | None) -> list[Fact]:
    """One progression per date written; without any, one at the document date."""
    progressions = [f for f in facts if isinstance(f, ProgressionFact)]
    others: list[Fact] = [f for f in facts if not isinstance(f, ProgressionFact)]
    written = [p for p in progressions if p.explicit_date]
    if written:
        by_date: dict[PartialDate | None, ProgressionFact] = {}
        for p in written:
            by_date.setdefault(p.date, p)
        return others + list(by_date.values())
    if not progressions:
        return others
    fallback = PartialDate.of(document_date) if document_date else None
    return [*others, replace(progressions[0], date=fallback)]

"""The ``oncorwd.performance_status``, ``oncorwd.progression`` and ``oncorwd.tnm`` components.

Each writes spans to ``doc.spans["oncorwd"]`` with its fact in ``span._.oncorwd_fact`` (see
:mod:`oncorwd.ingest.nlp.facts`); mentions it cannot turn into a valid value go to
``doc.spans["oncorwd_discarded"]`` with the reason. Dates are resolved later, with the document
(:mod:`oncorwd.ingest.nlp.extract`), because they need eds.dates and the document date.

- performance status: ECOG/WHO grades as written, the worst of a range (``PS 1-2`` → 2), a
  Karnofsky index converted with the guide's table
  (:func:`oncorwd.terminology.karnofsky_to_ecog`; values off the table, and 0 which is death,
  are discarded);
- TNM: eds.tnm finds the classification; its span is extended over what its pattern leaves out
  (``M1a``, ``pN0(sn)``) and parsed with :func:`oncorwd.terminology.parse_tnm`.
"""


from edsnlp.core import registry
from spacy.tokens import Doc, Span

from oncorwd.errors import TerminologyError
from oncorwd.ingest.nlp import clinical_rules as rules
from oncorwd.ingest.nlp.base import OncorwdComponent
from oncorwd.ingest.nlp.facts import (
    PerformanceStatusFact,
    ProgressionFact,
    TextSpan,
    TnmFact,
)
from oncorwd.ingest.nlp.text import fold
from oncorwd.terminology import karnofsky_to_ecog, parse_tnm

__all__ = ["PerformanceStatusMatcher", "ProgressionMatcher", "TnmReader"]


def _span(doc: Doc, start: int, end: int, label: str) -> Span | None:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


class PerformanceStatusMatcher(OncorwdComponent):
    """ECOG/WHO performance status and Karnofsky index (converted to ECOG)."""

    def __init__(self, nlp: object = None, name: str = "oncorwd_performance_status") -> None:
        super().__init__(nlp=nlp, name=name)

    def __call__(self, doc: Doc) -> Doc:
        folded = fold(doc.text)
        kept, lost = [], []
        for scale, pattern in rules.PS_PATTERNS:
            for match in pattern.finditer(folded):
                span = _span(doc, match.start(), match.end(), "performance_status")
                if span is None or rules.PS_EXCLUDE_LEFT.search(folded, max(0, match.start() - 30),
                                                                   match.start()):
                    continue
                raw = max(int(v) for v in match.group("v", "v2") if v) if scale == "ECOG" \
                    else int(match.group("v"))
                ecog = _ecog(scale, raw)
                if ecog is None:
                    span._.oncorwd_reason = "karnofsky_off_table"
                    lost.append(span)
                    continue
                text = TextSpan(match.start(), match.end(), doc.text[match.start():match.end()])
                span._.oncorwd_fact = PerformanceStatusFact(text, ecog, scale, raw)  # type: ignore[arg-type]
                kept.append(span)
        return self.publish(doc, kept, lost)


def _ecog(scale: str, raw: int) -> int | None:
    if scale == "ECOG":
        return raw
    try:
        grade = karnofsky_to_ecog(raw)
    except TerminologyError:
        return None
    return grade if grade <= 4 else None


class ProgressionMatcher(OncorwdComponent):
    """Progression mentions (date resolved later, from eds.dates and the document date)."""

    def __init__(self, nlp: object = None, name: str = "oncorwd_progression") -> None:
        super().__init__(nlp=nlp, name=name)

    def __call__(self, doc: Doc) -> Doc:
        folded = fold(doc.text)
        kept, lost = [], []
        for match in rules.PROGRESSION.finditer(folded):
            span = _span(doc, match.start(), match.end(), "progression")
            if span is None:
                continue
            if rules.PROGRESSION_PSEUDO.search(folded[max(0, match.start() - 40):match.start()]):
                span._.oncorwd_reason = "pseudo"
                lost.append(span)
                continue
            text = TextSpan(match.start(), match.end(), doc.text[match.start():match.end()])
            span._.oncorwd_fact = ProgressionFact(text, None)
            kept.append(span)
        return self.publish(doc, kept, lost)


class TnmReader(OncorwdComponent):
    """Turns eds.tnm spans (``doc.spans["tnm"]``) into OSIRIS TNM facts."""

    def __init__(self, nlp: object = None, name: str = "oncorwd_tnm") -> None:
        super().__init__(nlp=nlp, name=name)

    def __call__(self, doc: Doc) -> Doc:
        kept, lost = [], []
        for found in doc.spans.get("tnm", []):
            start, end = found.start_char, found.end_char
            extension = rules.TNM_EXTENSION.match(doc.text, end)
            end = extension.end() if extension else end
            span = _span(doc, start, end, "tnm")
            if span is None:
                continue
            fact = _tnm_fact(TextSpan(start, end, doc.text[start:end]))
            if fact is None:
                span._.oncorwd_reason = "invalid_tnm"
                lost.append(span)
            else:
                span._.oncorwd_fact = fact
                kept.append(span)
        return self.publish(doc, kept, lost)


def _tnm_fact(text: TextSpan) -> TnmFact | None:
    try:
        parsed = parse_tnm(text.text)
    except TerminologyError:
        return None
    prefix = str(parsed["t_prefix"] or parsed["n_prefix"] or "")
    tnm_type = next((code for letter, code in rules.TNM_TYPE if letter in prefix), None)
    m_flag = parsed["m_flag"]
    return TnmFact(text, _str(parsed["t"]), _str(parsed["n"]), _str(parsed["m"]),
                   m_flag if isinstance(m_flag, int) else None, tnm_type)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


create_performance_status = registry.factory.register(
    "oncorwd.performance_status", assigns=["doc.spans"])(PerformanceStatusMatcher)
create_progression = registry.factory.register(
    "oncorwd.progression", assigns=["doc.spans"])(ProgressionMatcher)
create_tnm = registry.factory.register("oncorwd.tnm", assigns=["doc.spans"])(TnmReader)

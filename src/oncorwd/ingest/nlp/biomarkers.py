"""The ``oncorwd.biomarkers`` edsnlp component: biomarker results, one span per result.

Names are found with the ``biomarker`` code system's catalogue (names, aliases, gene symbols; short
ones such as ``RE`` or ``MET`` case-sensitively) plus the French spellings of
:data:`~oncorwd.ingest.nlp.biomarker_rules.FRENCH_NAMES`. Each mention is read with its clause
(:func:`~oncorwd.ingest.nlp.biomarker_parse.read_result`); names joined only by *et*, *ni*, ``,``
or ``/`` share a result (``absence de mutation BRCA1 et BRCA2``). A kept result becomes a span in
``doc.spans["oncorwd"]`` covering the name and the words that gave the result, with the
:class:`~oncorwd.ingest.nlp.facts.BiomarkerFact` in ``span._.oncorwd_fact``; the qualifiers
(negation, hypothesis, family, history) then judge that span. Mentions without a result go to
``doc.spans["oncorwd_discarded"]`` with ``span._.oncorwd_reason``.
"""


import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from edsnlp.core import registry
from spacy.tokens import Doc, Span

from oncorwd.ingest.nlp import biomarker_rules as rules
from oncorwd.ingest.nlp.base import OncorwdComponent
from oncorwd.ingest.nlp.biomarker_parse import Context, Reading, has_status, read_result
from oncorwd.ingest.nlp.facts import BiomarkerFact, TextSpan
from oncorwd.ingest.nlp.text import fold

__all__ = ["BiomarkerMatcher"]

_STOP = re.compile(r"[,;\n]|\bet\b|\bmais\b")
_LEFT_CUT = re.compile(r"[;:,(\n]|\bet\b|\bmais\b")


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    name: str
    intrinsic: str | None


def _alternation(terms: list[str]) -> str:
    return "|".join(sorted(terms, key=len, reverse=True))


class BiomarkerMatcher(OncorwdComponent):
    """Finds biomarker results; see the module docstring for the contract."""

    def __init__(self, nlp: object = None, name: str = "oncorwd_biomarkers") -> None:
        super().__init__(nlp=nlp, name=name)
        folded, raw = rules.name_terms()
        self._folded_terms = [(re.compile(term), target) for term, target in folded.items()]
        self._folded = re.compile(rf"(?<![\w-])(?:{_alternation(list(folded))})(?![\w])")
        escaped = [re.escape(term) for term in raw]
        self._raw = re.compile(rf"(?<![\w-])(?:{_alternation(escaped)})(?![A-Za-z0-9_])")
        self._raw_terms = raw

    def _mentions(self, text: str, folded: str) -> list[_Mention]:
        found = [
            _Mention(m.start(), m.end(), self._raw_terms[m.group()],
                     rules.INTRINSIC[m.group()][0] if m.group() in rules.INTRINSIC else None)
            for m in self._raw.finditer(text)
        ]
        for m in self._folded.finditer(folded):
            target = next(t for p, t in self._folded_terms if p.fullmatch(m.group()))
            found.append(_Mention(m.start(), m.end(), target, None))
        found.sort(key=lambda m: (m.start, -m.end))
        kept: list[_Mention] = []
        for mention in found:
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        folded = fold(text)
        mentions = self._mentions(text, folded)
        starts = [m.start for m in mentions]
        spans: list[Span] = []
        dropped: list[Span] = []
        for sent in doc.sents:
            lo = bisect_left(starts, sent.start_char)
            hi = bisect_left(starts, sent.end_char)
            if lo < hi:
                kept, lost = self._read_sentence(doc, folded, mentions[lo:hi], sent)
                spans += kept
                dropped += lost
        return self.publish(doc, spans, dropped)

    def _read_sentence(self, doc: Doc, folded: str, mentions: list[_Mention],
                       sent: Span) -> tuple[list[Span], list[Span]]:
        text = doc.text
        bounds: list[tuple[int, int]] = []
        readings: list[Reading | None] = []
        for i, mention in enumerate(mentions):
            floor = max(sent.start_char, mentions[i - 1].end if i else 0)
            ceiling = min(sent.end_char, mentions[i + 1].start if i + 1 < len(mentions)
                          else sent.end_char)
            left_start = _left_start(folded, floor, mention.start)
            right_end = _right_end(folded, mention.end, ceiling)
            if rules.LEFT_EXCLUDE.search(folded[floor:mention.start]):
                readings.append(None)
            else:
                left = Context(text[left_start:mention.start], folded[left_start:mention.start])
                right = Context(text[mention.end:right_end], folded[mention.end:right_end])
                readings.append(read_result(mention.name, text[mention.start:mention.end],
                                            left, right, mention.intrinsic))
            bounds.append((left_start, right_end))
        _share_results(folded, mentions, readings)
        return self._spans(doc, mentions, readings, bounds)

    def _spans(self, doc: Doc, mentions: list[_Mention], readings: list[Reading | None],
               bounds: list[tuple[int, int]]) -> tuple[list[Span], list[Span]]:
        kept, lost = [], []
        for mention, reading, (start, end) in zip(mentions, readings, bounds, strict=True):
            start, end = _strip(doc.text, min(start, mention.start), max(end, mention.end))
            span = doc.char_span(start, end, label="biomarker", alignment_mode="expand")
            if span is None:
                continue
            if reading is None or reading.empty:
                span._.oncorwd_reason = _reason(reading)
                lost.append(span)
                continue
            span._.oncorwd_fact = _fact(mention, reading, TextSpan(start, end, doc.text[start:end]))
            kept.append(span)
        return kept, lost


def _reason(reading: Reading | None) -> str:
    if reading is None:
        return "drug_target"
    return "pending" if reading.status == "PENDING" else "no_result"


def _fact(mention: _Mention, reading: Reading, span: TextSpan) -> BiomarkerFact:
    status = None if reading.status == "PENDING" else reading.status
    return BiomarkerFact(span=span, name=mention.name, status=status, details=reading.details,
                         value=reading.value, unit=reading.unit, technique=reading.technique,
                         clone=reading.clone, ish_technique=reading.ish_technique,
                         ish_status=reading.ish_status)


def _left_start(folded: str, floor: int, start: int) -> int:
    """Start of the clause before a name; a bracket closed before the name does not cut."""
    cut = floor
    for match in _LEFT_CUT.finditer(folded, floor, start):
        if match.group() != "(" or folded.find(")", match.end(), start) < 0:
            cut = match.end()
    return cut


def _right_end(folded: str, end: int, ceiling: int) -> int:
    position = end
    while True:
        stop = _STOP.search(folded, position, ceiling)
        if stop is None:
            return ceiling
        after = folded[stop.end():ceiling]
        if (stop.group() in (",", "et") and rules.CONTINUATION.match(after)) or (
                stop.group() == ";" and rules.ISH_CONTINUATION.match(after)):
            position = stop.end()
            continue
        return stop.start()


_TRAILING = re.compile(r"(?:[\s.:(,/&]|\bet|\bni|\bou)+$")


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n:":
        start += 1
    trailing = _TRAILING.search(text, start, end)
    return start, trailing.start() if trailing else end


def _share_results(folded: str, mentions: list[_Mention],
                   readings: list[Reading | None]) -> None:
    """Names joined only by a connector share the status of their neighbour (both ways);
    markers reported as values only (Ki-67, serum markers) never take one."""
    order = list(range(1, len(mentions)))
    for step, indices in ((-1, order), (1, order[::-1])):
        for i in indices:
            j, k = (i, i - 1) if step == -1 else (i - 1, i)
            target, source = readings[j], readings[k]
            if target is None or source is None or not target.empty:
                continue
            if not has_status(mentions[j].name):
                continue
            if target.status == "PENDING" or source.status in (None, "PENDING"):
                continue
            between = folded[mentions[min(j, k)].end:mentions[max(j, k)].start]
            if rules.CONNECTOR.match(between):
                readings[j] = replace(target, status=source.status)


create_component = registry.factory.register(
    "oncorwd.biomarkers", assigns=["doc.spans"]
)(BiomarkerMatcher)

"""Synthetic French oncology reports with their ground truth, to test and benchmark the NLP.

Public API::

    from oncorwd.synth.reports import generate_reports

    reports = generate_reports(10_000, seed=42)
    reports[0].text, reports[0].truth      # [Fact("biomarker_status", "EGFR:NEGATIVE"), ...]

Kinds: anatomopathology reports, tumour-board (RCP) summaries, consultation letters and imaging
reports. Wording varies a lot (several templates per fact, synonyms, abbreviations, dates in
several formats) and reports carry what a reader must *not* extract: hypotheses, family and
personal history, drug targets, statistics, non-progressions. The facts use the vocabulary of
:mod:`oncorwd.ingest.nlp.facts`. All phrasing is data (:mod:`.biomarker_phrases`,
:mod:`.clinical_phrases`).
"""

from oncorwd.synth.reports.generate import DRAWS_PER_REPORT, KIND_WEIGHTS, generate_reports
from oncorwd.synth.reports.model import REPORT_KINDS, Fact, SyntheticReport

__all__ = [
    "DRAWS_PER_REPORT",
    "KIND_WEIGHTS",
    "REPORT_KINDS",
    "Fact",
    "SyntheticReport",
    "generate_reports",
]

"""The edsnlp pipeline that reads French oncology reports.

Order matters: eds components first (normaliser; sentences, where a bullet starts one; eds.tnm,
its pattern widened to M subcategories such as ``M1a``; eds.dates), then the oncorwd rule
components that write ``doc.spans["oncorwd"]``, then the qualifiers that judge those spans:
eds.negation (per clause), eds.hypothesis (per clause, cues inside the span count: a *suspicion
de mutation KRAS* is a doubt), eds.family and eds.history (per sentence: *sa mère, suivie pour un
cancer de l'ovaire, porteuse d'une mutation BRCA1*). The qualifiers' cue lists are edsnlp's,
adjusted in :mod:`oncorwd.ingest.nlp.clinical_rules`.
"""

from __future__ import annotations

from functools import cache

import edsnlp
import edsnlp.pipes as eds

from oncorwd.ingest.nlp import clinical_rules as rules
from oncorwd.ingest.nlp.base import SPAN_GROUP
from oncorwd.ingest.nlp.biomarkers import BiomarkerMatcher
from oncorwd.ingest.nlp.clinical import PerformanceStatusMatcher, ProgressionMatcher, TnmReader
from oncorwd.ingest.nlp.segmentation import ProteinNotationSentenceFix

__all__ = ["build_pipeline", "default_pipeline"]


def build_pipeline() -> edsnlp.Pipeline:
    """A new pipeline (rule-based only: nothing is downloaded)."""
    nlp = edsnlp.blank("eds")
    nlp.add_pipe(eds.normalizer())
    nlp.add_pipe(eds.sentences(use_bullet_start=True))
    nlp.add_pipe(ProteinNotationSentenceFix(nlp))
    nlp.add_pipe(eds.tnm(pattern=rules.TNM_PATTERN))
    nlp.add_pipe(eds.dates())
    nlp.add_pipe(TnmReader(nlp, name="oncorwd_tnm"))
    nlp.add_pipe(BiomarkerMatcher(nlp, name="oncorwd_biomarkers"))
    nlp.add_pipe(PerformanceStatusMatcher(nlp, name="oncorwd_performance_status"))
    nlp.add_pipe(ProgressionMatcher(nlp, name="oncorwd_progression"))
    getter = {SPAN_GROUP: True}
    nlp.add_pipe(eds.negation(span_getter=getter))
    nlp.add_pipe(eds.hypothesis(
        span_getter=getter, within_ents=True, preceding=rules.HYPOTHESIS_PRECEDING,
        following=rules.HYPOTHESIS_FOLLOWING, verbs_hyp=rules.HYPOTHESIS_VERBS))
    nlp.add_pipe(eds.family(span_getter=getter, termination=rules.SENTENCE_TERMINATION,
                            use_sections=False))
    nlp.add_pipe(eds.history(span_getter=getter, termination=rules.HISTORY_TERMINATION,
                             history=rules.HISTORY_CUES))
    return nlp


@cache
def default_pipeline() -> edsnlp.Pipeline:
    """The shared pipeline :func:`oncorwd.ingest.nlp.extract` uses when given none."""
    return build_pipeline()

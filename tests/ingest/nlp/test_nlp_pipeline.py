"""The pipeline: edsnlp components in order, oncorwd components registered by name."""

from __future__ import annotations

import edsnlp

from oncorwd.ingest.nlp import build_pipeline, default_pipeline, extract
from oncorwd.synth.reports import generate_reports


def test_pipeline_order() -> None:
    names = build_pipeline().pipe_names
    assert names[:3] == ["normalizer", "sentences", "oncorwd_sentence_fix"]
    assert names.index("tnm") < names.index("oncorwd_tnm") < names.index("negation")
    assert names[-4:] == ["negation", "hypothesis", "family", "history"]
    assert default_pipeline() is default_pipeline()


def test_components_registered_the_edsnlp_way() -> None:
    nlp = edsnlp.blank("eds")
    for factory in ("eds.sentences", "oncorwd.sentence_fix", "eds.tnm", "oncorwd.tnm",
                    "oncorwd.biomarkers", "oncorwd.performance_status", "oncorwd.progression"):
        nlp.add_pipe(factory)
    doc = nlp("KRAS G12C muté. PS 1. Progression hépatique. pT2N0.")
    kinds = [span._.oncorwd_fact.kind for span in doc.spans["oncorwd"]]
    assert kinds == ["biomarker", "performance_status", "progression", "tnm"]


def test_batches_do_not_change_results() -> None:
    reports = generate_reports(60, seed=8)
    assert extract(reports, batch_size=7).pairs() == extract(reports, batch_size=64).pairs()


def test_spans_point_into_the_text() -> None:
    for report, doc in zip(generate_reports(40, seed=9), extract(generate_reports(40, seed=9))
                           .documents, strict=True):
        for fact in doc.facts:
            assert report.text[fact.span.start:fact.span.end] == fact.span.text

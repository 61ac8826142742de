"""Precision and recall per field on 500 synthetic reports, against their ground truth."""

from __future__ import annotations

import pytest

from oncorwd.ingest.nlp import extract, score
from oncorwd.synth.reports import generate_reports

TARGET = 0.95


@pytest.fixture(scope="module")
def scores() -> dict:
    reports = generate_reports(500, seed=2024)
    result = extract(reports, batch_size=64)
    truth = {r.document_id: r.truth_pairs() for r in reports}
    assert result.docs_per_second > 10
    return score(result.pairs(), truth)


def test_every_field_is_scored(scores: dict) -> None:
    assert {"biomarker_status", "biomarker_detail", "biomarker_value", "performance_status",
            "progression", "progression_date", "tnm_t", "tnm_n", "tnm_m", "tnm_type",
            "all"} <= set(scores)


@pytest.mark.parametrize("field", ["biomarker_status", "biomarker_detail", "biomarker_value",
                                   "performance_status", "progression", "progression_date",
                                   "tnm_t", "tnm_n", "tnm_m", "tnm_type"])
def test_precision_and_recall(scores: dict, field: str) -> None:
    s = scores[field]
    assert s.tp + s.fn > 20, f"too few {field} facts to score"
    assert s.precision >= TARGET, s
    assert s.recall >= TARGET, s


def test_score_counts() -> None:
    got = {"a": {("f", "1"), ("f", "2")}, "b": {("g", "x")}}
    want = {"a": {("f", "1"), ("f", "3")}, "c": {("g", "y")}}
    s = score(got, want)
    assert (s["f"].tp, s["f"].fp, s["f"].fn) == (1, 1, 1)
    assert (s["g"].tp, s["g"].fp, s["g"].fn) == (0, 1, 1)
    assert s["all"].precision == pytest.approx(1 / 3) and s["g"].f1 == 0.0

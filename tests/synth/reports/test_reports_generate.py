"""The synthetic report generator: determinism, variety, speed and a well-formed ground truth."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from oncorwd.synth.reports import REPORT_KINDS, Fact, SyntheticReport, generate_reports
from oncorwd.synth.reports.clinical_phrases import FAMILY
from oncorwd.terminology import get_code_system

FIELDS = {"biomarker_status", "biomarker_detail", "biomarker_value", "performance_status",
          "progression", "progression_date", "tnm_t", "tnm_n", "tnm_m", "tnm_type"}


@pytest.fixture(scope="module")
def reports() -> list[SyntheticReport]:
    return generate_reports(2000, seed=11)


def test_same_seed_same_reports() -> None:
    assert generate_reports(300, seed=5) == generate_reports(300, seed=5)


def test_other_seed_other_reports() -> None:
    a, b = generate_reports(50, seed=5), generate_reports(50, seed=6)
    assert [r.text for r in a] != [r.text for r in b]


def test_zero_and_negative() -> None:
    assert generate_reports(0, seed=1) == []
    with pytest.raises(ValueError):
        generate_reports(-1, seed=1)


def test_ids_kinds_and_patients(reports: list[SyntheticReport]) -> None:
    assert len({r.document_id for r in reports}) == len(reports)
    assert {r.kind for r in reports} == set(REPORT_KINDS)
    per_patient = Counter(r.patient_id for r in reports)
    assert max(per_patient.values()) > 1  # several reports for some patients
    assert all(r.text.strip() for r in reports)


def test_truth_is_distinct_and_in_vocabulary(reports: list[SyntheticReport]) -> None:
    for report in reports:
        assert len(report.truth) == len(set(report.truth))
        assert all(isinstance(f, Fact) and f.field in FIELDS for f in report.truth)
    fields = Counter(f.field for r in reports for f in r.truth)
    assert set(fields) == FIELDS


def test_truth_codes_are_valid(reports: list[SyntheticReport]) -> None:
    names = get_code_system("biomarker")
    systems = {"tnm_t": get_code_system("tnm_t"), "tnm_n": get_code_system("tnm_n")}
    for fact in (f for r in reports for f in r.truth):
        if fact.field.startswith("biomarker_"):
            assert names.validate(fact.value.split(":")[0]), fact
        elif fact.field in systems:
            assert systems[fact.field].validate(fact.value), fact
        elif fact.field == "tnm_m":
            assert fact.value in ("0", "1")
        elif fact.field == "tnm_type":
            assert fact.value in ("c", "p", "y")
        elif fact.field == "performance_status":
            assert fact.value in ("0", "1", "2", "3", "4")


def test_wording_varies(reports: list[SyntheticReport]) -> None:
    lines = Counter(line for r in reports for line in r.text.splitlines())
    assert len(lines) > 3000
    texts = " ".join(r.text for r in reports)
    for phrase in ("absence de mutation", "Karnofsky", "IK ", "OMS ", "HER2 score 3+",
                   "FISH négative", "TPS", "mars ", "Sa mère", "Antécédent", "Suspicion",
                   "Maladie stable", "ypT", "M1a", "/", "sauvage", "réarrangement"):
        assert phrase in texts, phrase


def test_family_mentions_have_no_truth() -> None:
    family = set(FAMILY)
    seen = 0
    for report in generate_reports(600, seed=2):
        own = " ".join(line for line in report.text.splitlines() if line not in family)
        for gene in ("BRCA1", "BRCA2"):
            if gene not in own:
                assert not any(f.value.startswith(f"{gene}:") for f in report.truth)
                seen += gene in report.text
    assert seen > 10


def test_ten_thousand_reports_in_a_few_seconds() -> None:
    start = time.perf_counter()
    reports = generate_reports(10_000, seed=1)
    assert len(reports) == 10_000
    assert time.perf_counter() - start < 10.0

"""What changed between two data versions."""

from __future__ import annotations

from typing import Any

import pytest

from oncorwd.ingest.quality import QualityReport, build_report
from oncorwd.ingest.quality.changes import distribution_shifts


@pytest.fixture(scope="module")
def report(two_versions: str) -> QualityReport:
    return build_report(two_versions)


def test_first_version_has_nothing_to_compare(two_versions: str) -> None:
    first = build_report(two_versions, version=1)
    assert first.data["changes"] == {"previous_version": None}
    assert first.data["summary"]["flagged_shifts"] is None
    assert "first data version" in first.to_html()


def test_patients_and_rows(report: QualityReport) -> None:
    ch = report.data["changes"]
    assert ch["previous_version"] == 1
    assert {k: ch["patients"][k] for k in ("previous", "current", "new", "removed", "kept")} == {
        "previous": 6, "current": 6, "new": 1, "removed": 1, "kept": 5}
    assert (ch["patients"]["new_examples"], ch["patients"]["removed_examples"]) == (["P7"],
                                                                                    ["P6"])
    rows = {r["table"]: r for r in ch["row_counts"]}
    assert (rows["patient"]["delta"], rows["cancer"]["delta"]) == (0, 1)
    assert rows["cancer"]["percent"] == pytest.approx(16.67)
    assert rows["imaging"]["percent"] is None


def test_completeness_deltas(report: QualityReport) -> None:
    deltas = {(d["table"], d["field"]): d for d in report.data["changes"]["completeness"]}
    tnm_m = deltas[("cancer", "tnm_m")]
    assert (tnm_m["previous"], tnm_m["current"], tnm_m["delta"], tnm_m["flag"]) == (
        33.33, 28.57, -4.76, True)
    assert deltas[("non_opposition", "information_date")]["delta"] == 0.0
    assert not deltas[("non_opposition", "information_date")]["flag"]


def test_distribution_shift_flagged(report: QualityReport) -> None:
    shifts = {d["key"]: d for d in report.data["changes"]["distributions"]}
    stage = {r["category"]: r for r in shifts["stage"]["shares"]}
    assert (stage["IV"]["previous"], stage["IV"]["current"], stage["IV"]["flag"]) == (
        16.67, 28.57, True)
    assert shifts["stage"]["flagged"] == 5  # I, II, III, IV, UK all move by > 2 points
    assert shifts["sex"]["flagged"] == 0 and shifts["sex"]["max_shift"] == 0.0
    assert report.data["summary"]["flagged_shifts"] == sum(
        d["flagged"] for d in shifts.values())


def test_check_deltas(report: QualityReport) -> None:
    changed = {c["id"]: c for c in report.data["changes"]["checks"]}
    coverage = changed["coverage:cancer.patient_id"]
    assert (coverage["previous_status"], coverage["status"], coverage["delta"]) == (
        "fail", "pass", -1)
    assert changed["guide_mandatory:cancer.tnm_m"]["delta"] == 1
    assert "duplicate_record:drug_administration" not in changed


def _dist(counts: dict[str, int]) -> dict[str, Any]:
    return {"key": "k", "title": "K", "chart": "bar", "categories": list(counts),
            "labels": list(counts), "counts": list(counts.values()),
            "total": sum(counts.values())}


def test_shift_arithmetic() -> None:
    (out,) = distribution_shifts([_dist({"a": 51, "b": 49})], [_dist({"a": 50, "b": 48,
                                                                          "c": 2})])
    shares = {r["category"]: r for r in out["shares"]}
    assert shares["a"]["delta"] == 1.0 and not shares["a"]["flag"]
    assert (shares["c"]["previous"], shares["c"]["current"], shares["c"]["flag"]) == (
        2.0, 0.0, False)
    (moved,) = distribution_shifts([_dist({"a": 60, "b": 40})], [_dist({"a": 50, "b": 50})])
    assert moved["flagged"] == 2 and moved["max_shift"] == 10.0

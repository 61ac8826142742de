"""The report's figures on the hand-made site: known completeness, the planted problems found
with the right counts and examples, nothing else failing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from oncorwd.ingest.quality import QualityReport, build_report
from oncorwd.ingest.quality.kahn import CATEGORIES


@pytest.fixture(scope="module")
def report(one_version: str) -> QualityReport:
    return build_report(one_version, site="hand-made")


def _results(report: QualityReport) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in report.data["checks"]["results"]}


def _field(report: QualityReport, table: str, field: str) -> dict[str, Any]:
    t = next(t for t in report.data["completeness"]["tables"] if t["table"] == table)
    return next(f for f in t["fields"] if f["field"] == field)


PLANTED = [
    # id, checked, failed, example record, status
    ("coverage:cancer.patient_id", 6, 1, "P6", "fail"),
    ("conditional:vital_status.death_date", 2, 1, "P5", "fail"),
    ("visit_after_death:vital_status.last_visit_date", 1, 1, "P4", "fail"),
    ("guide_mandatory:cancer.tnm_m", 6, 4, None, "fail"),
    ("tumor_size:cancer.tumor_size_mm", 2, 1, "C3", "fail"),
    ("stage_metastatic:cancer.stage", 2, 1, "C3", "fail"),
    ("sex_site:cancer.topography", 6, 1, "C5", "fail"),
    ("duplicate_record:drug_administration", 6, 1, "D1", "fail"),
    ("treatment_before_diagnosis:drug_administration.administration_date", 6, 1, "D3", "fail"),
    ("treatment_line:drug_administration.treatment_line", 4, 1, "P4 / C4", "fail"),
    ("bmi:general_status.value", 3, 1, "G1", "fail"),
    ("performance_status:general_status.value", 2, 1, "G6", "fail"),
    ("after_cutoff:general_status.measure_date", 7, 1, "G7", "fail"),
    ("after_last_news:general_status.measure_date", 7, 1, "G7", "fail"),
    ("conditional:cancer.stage", 6, 1, "C5", "pass"),  # 16.7 % unknown, under 20 %
]


@pytest.mark.parametrize(("check_id", "checked", "failed", "record", "status"), PLANTED)
def test_planted_problem_is_found(report: QualityReport, check_id: str, checked: int,
                                  failed: int, record: str | None, status: str) -> None:
    r = _results(report)[check_id]
    assert (r["checked"], r["failed"], r["status"]) == (checked, failed, status)
    assert r["rate"] == pytest.approx(100 * failed / checked, abs=0.001)
    if record is not None:
        assert r["examples"][0]["record"] == record


def test_nothing_else_has_failing_rows(report: QualityReport) -> None:
    failing = {i for i, r in _results(report).items() if r["failed"]}
    assert failing == {p[0] for p in PLANTED}


def test_examples_name_value(report: QualityReport) -> None:
    results = _results(report)
    assert results["bmi:general_status.value"]["examples"][0]["value"] == "70.0 kg/m²"
    before = results["treatment_before_diagnosis:drug_administration.administration_date"]
    assert before["examples"] == [{"record": "D3", "value": "2018-07-24 / 2019-02-10"}]
    duplicate = results["duplicate_record:drug_administration"]["examples"][0]["value"]
    assert duplicate == "2 rows: P1 | C1 | L01CD01 | 2015-05-01"


def test_empty_tables_are_not_applicable(report: QualityReport) -> None:
    results = _results(report)
    assert results["reference:biomarker.patient_id"]["status"] == "n/a"
    assert results["duplicate_key:imaging.imaging_id"]["status"] == "n/a"
    assert results["reference:cancer.patient_id"]["status"] == "pass"


def test_every_kahn_subcategory_has_checks(report: QualityReport) -> None:
    summary = report.data["checks"]["categories"]
    assert [(c["category"], c["subcategory"]) for c in summary] == list(CATEGORIES)
    assert all(c["checks"] > 0 for c in summary)
    assert sum(c["fail"] for c in summary) == sum(1 for p in PLANTED if p[4] == "fail")


def test_known_completeness(report: QualityReport) -> None:
    info = _field(report, "non_opposition", "information_date")
    assert (info["filled"], info["completeness"], info["level"]) == (3, 50.0, "optional")
    tnm_m = _field(report, "cancer", "tnm_m")
    assert (tnm_m["completeness"], tnm_m["target"], tnm_m["below_target"]) == (33.33, 95.0, True)
    assert _field(report, "patient", "sex")["completeness"] == 100.0
    size = _field(report, "cancer", "tumor_size_mm")
    assert (size["filled"], size["missing"]) == (2, 4)
    below = report.data["completeness"]["required_below_100"]
    assert [(b["table"], b["field"]) for b in below] == [("cancer", "tnm_m")]


def test_partial_date_precision(report: QualityReport) -> None:
    birth = _field(report, "patient", "birth_date")["precision"]
    assert birth["counts"] == {"D": 4, "M": 1, "Y": 1}
    assert birth["percent"] == {"D": 66.67, "M": 16.67, "Y": 16.67}
    diagnosis = _field(report, "cancer", "diagnosis_date")["precision"]
    assert diagnosis["counts"] == {"D": 5, "M": 0, "Y": 1}
    listed = {(d["table"], d["field"]) for d in report.data["completeness"]["date_precision"]}
    assert ("patient", "birth_date") in listed and ("imaging", "exam_date") not in listed


def test_header(report: QualityReport) -> None:
    h = report.data["header"]
    assert (h["site"], h["finess"], h["version"], h["versions"]) == (
        "hand-made", "750000001", 1, [1])
    assert h["cutoff"] == "2024-06-30" and "4.3" in h["cutoff_source"]
    rows = {r["table"]: r["rows"] for r in h["row_counts"]}
    assert (rows["patient"], rows["cancer"], rows["drug_administration"]) == (6, 6, 6)
    assert len(h["fingerprint"]) >= 32


def _distribution(report: QualityReport, key: str) -> dict[str, Any]:
    return next(d for d in report.data["distributions"] if d["key"] == key)


def test_distributions(report: QualityReport) -> None:
    sex = _distribution(report, "sex")
    assert dict(zip(sex["categories"], sex["counts"], strict=True)) == {"M": 2, "F": 4}
    stage = _distribution(report, "stage")
    assert stage["categories"] == ["0", "I", "II", "III", "IV", "UK"]
    assert stage["counts"] == [0, 1, 2, 1, 1, 1]
    sites = _distribution(report, "primary_sites")
    assert sites["categories"][:2] == ["C18", "C61"] and sites["counts"][:2] == [2, 2]
    assert sites["labels"][0] == "C18 Colon"
    lines = _distribution(report, "lines_of_therapy")
    assert (lines["categories"], lines["counts"]) == (["1", "2", "3"], [3, 0, 1])
    atc = _distribution(report, "atc_level_3")
    assert dict(zip(atc["categories"], atc["counts"], strict=True)) == {
        "L01B": 2, "L01C": 1, "L01F": 1}
    age = _distribution(report, "age_at_diagnosis")
    assert age["total"] == 6 and age["stats"]["n"] == 6
    assert _distribution(report, "biomarker_status")["total"] == 0


def test_json_holds_the_report(report: QualityReport) -> None:
    data = orjson.loads(report.to_json())
    assert data["format"] == "oncorwd.quality/1"
    assert data["checks"]["results"] == report.data["checks"]["results"]
    assert data["summary"]["failing_checks"] == [
        r["id"] for r in report.data["checks"]["results"] if r["status"] == "fail"]


def test_html_shows_the_figures(report: QualityReport) -> None:
    page = report.to_html()
    for check_id in report.data["summary"]["failing_checks"]:
        assert check_id in page
    assert "33.3\u202f%" in page  # cancer.tnm_m completeness, one decimal
    assert "<script src=" not in page and "<link" not in page  # nothing fetched
    from plotly.offline import get_plotlyjs

    assert page.count(get_plotlyjs()[:500]) == 1  # plotly.js inline, once


def test_docs_list_every_rule(report: QualityReport) -> None:
    docs = (Path(__file__).parents[3] / "docs" / "quality.md").read_text(encoding="utf-8")
    rules = {r["rule"] for r in report.data["checks"]["results"]}
    assert {r for r in rules if f"`{r}`" not in docs} == set()

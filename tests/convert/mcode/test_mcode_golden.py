"""Golden resources for the hand-written tiny site: one file per exported resource, compared
whole. Regenerate after a deliberate change with ``ONCORWD_UPDATE_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from oncorwd.convert.mcode import ExportResult

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ONCORWD_UPDATE_GOLDEN") == "1"


def _resources(result: ExportResult) -> dict[str, dict[str, object]]:
    out = {}
    for path in sorted(result.out_dir.glob("*.ndjson")):
        for line in path.read_bytes().splitlines():
            res = orjson.loads(line)
            out[f"{res['resourceType']}-{res['id']}.json"] = res
    return out


def test_every_resource_matches_its_golden_file(tiny_ndjson: ExportResult) -> None:
    found = _resources(tiny_ndjson)
    if UPDATE:
        for old in GOLDEN.glob("*.json"):
            old.unlink()
        for name, res in found.items():
            (GOLDEN / name).write_bytes(orjson.dumps(res, option=orjson.OPT_INDENT_2) + b"\n")
    expected = {p.name: orjson.loads(p.read_bytes()) for p in GOLDEN.glob("*.json")}
    assert sorted(found) == sorted(expected)
    for name, res in found.items():
        assert res == expected[name], name


@pytest.mark.parametrize("profile, count", [
    ("mcode-cancer-patient", 1), ("mcode-primary-cancer-condition", 1),
    ("mcode-secondary-cancer-condition", 1), ("mcode-tnm-primary-tumor-category", 1),
    ("mcode-tnm-regional-nodes-category", 1), ("mcode-tnm-distant-metastases-category", 1),
    ("mcode-tnm-stage-group", 1), ("mcode-tumor-size", 1), ("mcode-tumor", 1),
    ("mcode-tumor-marker-test", 2), ("mcode-genomic-variant", 1),
    ("mcode-ecog-performance-status", 1), ("mcode-cancer-related-medication-administration", 2),
    ("mcode-cancer-related-surgical-procedure", 1), ("mcode-radiotherapy-course-summary", 1),
    ("mcode-cancer-disease-status", 2), ("mcode-human-specimen", 1), ("mcode-comorbidities", 1),
])
def test_each_profile_is_produced(tiny_ndjson: ExportResult, profile: str, count: int) -> None:
    url = "http://hl7.org/fhir/us/mcode/StructureDefinition/" + profile
    found = [r for r in _resources(tiny_ndjson).values()
             if url in r.get("meta", {}).get("profile", [])]  # type: ignore[operator, union-attr]
    assert len(found) == count


def test_patient_keeps_partial_dates_and_masks_the_name(tiny_ndjson: ExportResult) -> None:
    patient = _resources(tiny_ndjson)["Patient-T-P001.json"]
    assert patient["birthDate"] == "1960-03"
    assert patient["deceasedDateTime"] == "2023-06"
    assert patient["gender"] == "female"
    assert patient["name"] == [{"extension": [{
        "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
        "valueCode": "masked"}]}]


def test_codes_follow_the_curated_maps(tiny_ndjson: ExportResult) -> None:
    res = _resources(tiny_ndjson)
    cancer = res["Condition-T-C001.json"]
    site = cancer["bodySite"][0]  # type: ignore[index]
    assert site["coding"][0]["code"] == "C50.4"
    assert site["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "7771000"
    assert cancer["code"]["coding"][0]["code"] == "363346000"  # type: ignore[index]
    t = res["Observation-T-C001-tnm-t.json"]
    assert t["code"]["coding"][0]["code"] == "384625004"  # type: ignore[index]  # pT
    assert t["method"]["coding"][0]["code"] == "C188404"  # type: ignore[index]  # UICC
    drug = res["MedicationAdministration-T-DA1.json"]["medicationCodeableConcept"]
    assert [c["code"] for c in drug["coding"]] == ["56946", "L01CD01"]  # type: ignore[index]
    rt = res["Procedure-T-RT1.json"]["extension"][0]["extension"]  # type: ignore[index]
    assert [e["valueCodeableConcept"]["coding"][0]["code"] for e in rt] == [
        "1156506007", "441799006"]  # photons, IMRT

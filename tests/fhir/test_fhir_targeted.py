"""Targeted cases for each layer: the path, layer and message a user will see."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from oncorwd.errors import FhirPackageError
from oncorwd.fhir import Coverage, FhirPackage, Validator, load_package, validate_resources
from oncorwd.fhir.invariants import native_issues
from oncorwd.fhir.parse import loc_to_path

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


def _example(pkg: FhirPackage, stem: str) -> dict[str, Any]:
    return json.loads((pkg.example_dir / f"{stem}.json").read_bytes())


def _errors(validator: Validator, resource: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(i.layer, i.path, i.message) for i in validator.validate([resource]) if i.is_error]


def _has(errors: list[tuple[str, str, str]], layer: str, path: str, fragment: str) -> bool:
    return any(e[0] == layer and e[1] == path and fragment in e[2] for e in errors)


def test_missing_package_says_how_to_fetch_it(tmp_path: Path) -> None:
    with pytest.raises(FhirPackageError) as info:
        load_package(cache_dir=tmp_path)
    assert "make install" in (info.value.hint or "")


def test_parse_layer_reports_fhirpath(validator: Validator, mcode_package: FhirPackage) -> None:
    obs = _example(mcode_package, "Observation-tumor-size-jenny-m")
    obs["effectiveDateTime"] = "2020-13-45"
    obs["component"][0]["code"]["coding"] = {"code": "x"}
    errors = _errors(validator, obs)
    assert _has(errors, "parse", "Observation.effectiveDateTime", "DateTime")
    assert _has(errors, "parse", "Observation.component[0].code.coding", "valid list")
    assert loc_to_path("Observation", ("component", 0, "code")) == "Observation.component[0].code"


def test_unknown_resource_type_and_not_json() -> None:
    issues = validate_resources([{"resourceType": "Nonsense", "id": "a"}])
    assert [(i.layer, i.path) for i in issues] == [("parse", "Nonsense.resourceType")]


def test_tumor_size_without_longest_dimension(validator: Validator,
                                              mcode_package: FhirPackage) -> None:
    obs = _example(mcode_package, "Observation-tumor-size-jenny-m")
    obs["component"] = [c for c in obs["component"]
                        if c["code"]["coding"][0]["code"] != "33728-7"]
    errors = _errors(validator, obs)
    assert any(e[0] == "profile" and "tumorLongestDimension" in e[1] for e in errors), errors


def test_tumor_size_unit_outside_required_value_set(validator: Validator,
                                                    mcode_package: FhirPackage) -> None:
    obs = _example(mcode_package, "Observation-tumor-size-jenny-m")
    obs["component"][0]["valueQuantity"]["code"] = "kg"
    errors = _errors(validator, obs)
    assert _has(errors, "profile", "Observation.component[0].valueQuantity",
                "mcode-tumor-size-units-vs"), errors


def test_choice_type_not_allowed(validator: Validator, mcode_package: FhirPackage) -> None:
    obs = _example(mcode_package, "Observation-ecog-performance-status-jenny-m")
    for key in [k for k in obs if k.startswith("value")]:
        del obs[key]
    obs["valueBoolean"] = True
    assert _has(_errors(validator, obs), "profile", "Observation.valueBoolean", "not allowed")


def test_nested_extension_value_type(validator: Validator, mcode_package: FhirPackage) -> None:
    proc = _example(mcode_package, "Procedure-radiotherapy-treatment-summary-chest-wall-jenny-m")
    ext = next(e for e in proc["extension"] if e["url"].endswith("modality-and-technique"))
    inner = next(e for e in ext["extension"] if e["url"].endswith("radiotherapy-modality"))
    inner["valueString"] = inner.pop("valueCodeableConcept")["coding"][0]["code"]
    errors = _errors(validator, proc)
    assert any(e[0] == "profile" and e[1].endswith(".valueString") and "not allowed" in e[2]
               for e in errors), errors


def test_reference_to_wrong_resource_type(validator: Validator,
                                          mcode_package: FhirPackage) -> None:
    cond = _example(mcode_package, "Condition-primary-cancer-condition-jenny-m")
    cond["subject"] = {"reference": "Observation/123"}
    assert _has(_errors(validator, cond), "profile", "Condition.subject", "Observation")


def test_unknown_profile_is_a_warning() -> None:
    issues = validate_resources([{"resourceType": "Basic", "id": "b", "code": {"text": "x"},
                                  "meta": {"profile": ["http://example.org/nope"]}}])
    assert [(i.severity, i.layer) for i in issues] == [("warning", "profile")]


def test_invariants_obs7_and_native(validator: Validator, mcode_package: FhirPackage) -> None:
    obs = _example(mcode_package, "Observation-tumor-size-jenny-m")
    obs["valueQuantity"] = {"value": 1}
    obs["component"][0]["code"] = copy.deepcopy(obs["code"])
    obs["note"] = [{"text": ""}]
    errors = _errors(validator, obs)
    assert _has(errors, "invariant", "Observation", "obs-7"), errors
    assert _has(errors, "invariant", "Observation.note[0].text", "ele-1")


def test_native_ext1() -> None:
    bad = {"resourceType": "Patient", "extension": [{"url": "u"}]}
    assert native_issues(bad, "Patient") == [
        ("Patient.extension[0]", "ext-1", native_issues(bad, "Patient")[0][2])]


def test_layers_are_independent(mcode_package: FhirPackage) -> None:
    obs = _example(mcode_package, "Observation-ecog-performance-status-jenny-m")
    obs["effectiveDateTime"] = "not a date"
    obs["dataAbsentReason"] = {"text": "unknown"}
    del obs["subject"]
    layers = {i.layer for i in validate_resources([obs]) if i.is_error}
    assert layers == {"parse", "profile", "invariant"}
    only = {i.layer for i in validate_resources([obs], parse=False, invariants=False)
            if i.is_error}
    assert only == {"profile"}


def test_bundle_entries_and_slices(validator: Validator, mcode_package: FhirPackage) -> None:
    bundle = _example(mcode_package, "Bundle-mcode-patient-bundle-jenny-m")
    patient = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    twin = copy.deepcopy(patient)
    twin["fullUrl"] += "-twin"
    twin["resource"]["id"] += "-twin"
    twin["resource"].pop("meta", None)
    twin["resource"].pop("gender", None)
    bundle["entry"].append(twin)
    bundle["type"] = "batch"
    issues = [i for i in validator.validate([bundle]) if i.is_error]
    assert any(i.path == "Bundle.entry:cancerPatient" and "maximum" in i.message for i in issues)
    assert any(i.path == "Bundle.type" and "pattern" in i.message for i in issues)
    # the twin claims no profile, but the Bundle slice imposes CancerPatient on it
    assert any(i.resource_id == twin["resource"]["id"] and i.path == "Patient.gender"
               and i.profile == MCODE + "mcode-cancer-patient" for i in issues), issues


def test_coverage_counts_what_is_not_checkable(mcode_package: FhirPackage) -> None:
    coverage = Coverage()
    validate_resources([ex for _, ex in mcode_package.iter_examples()], coverage=coverage)
    data = coverage.to_dict()
    assert data["bindings_checked"] > 100
    assert "http://loinc.org/vs/LL1971-2" in data["unexpandable_value_sets"]
    assert any(k.startswith("DiagnosticReport.result:") for k in data["uncheckable_slicings"])


def test_has_value_invariant_bdl10(validator: Validator, mcode_package: FhirPackage) -> None:
    """bdl-10 needs FHIRPath hasValue(), which oncorwd adds to fhirpathpy."""
    bundle = _example(mcode_package, "Bundle-mcode-patient-bundle-jenny-m")
    bundle["type"] = "document"
    bundle.pop("timestamp", None)
    assert _has(_errors(validator, bundle), "invariant", "Bundle", "bdl-10")
    bundle["timestamp"] = "2024-01-01T00:00:00Z"
    assert not _has(_errors(validator, bundle), "invariant", "Bundle", "bdl-10")

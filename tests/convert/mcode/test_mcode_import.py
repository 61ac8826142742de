"""The import: into a real store with source_type/source_document set, and precise errors
(resource id + FHIRPath) for invalid FHIR, collected or fail-fast."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from mcode_factory import P1, SITE

from oncorwd.convert.mcode import ExportResult, import_mcode, read_mcode
from oncorwd.errors import DataError, FhirImportError
from oncorwd.store import open_store


def _resources(out: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for p in sorted(out.glob("*.ndjson"))
            for line in p.read_bytes().splitlines()]


def _write(path: Path, resources: list[Any], raw: list[bytes] = ()) -> Path:  # type: ignore[assignment]
    path.write_bytes(b"\n".join([orjson.dumps(r) for r in resources] + list(raw)) + b"\n")
    return path


def _issues(paths: list[Path], **kw: Any) -> list[dict[str, Any]]:
    with pytest.raises(FhirImportError) as err:
        read_mcode(paths, site_id=SITE, **kw)
    return list(err.value.context["issues"])


def test_import_loads_a_version_with_source_fields(tiny_ndjson: ExportResult, home: Path,
                                                   tmp_path: Path) -> None:
    url = f"duckdb://{tmp_path / 'new.duckdb'}"
    result = import_mcode(url, [tiny_ndjson.out_dir], site="new", site_id=SITE)
    assert result.version.version == 1 and result.quarantine.num_rows == 0
    with open_store(url) as store:
        cancer = store.read("cancer").to_pylist()
        assert [c["cancer_id"] for c in cancer] == ["T-C001"]
        assert cancer[0]["source_type"] == "3"
        assert cancer[0]["source_document"] == "Condition.ndjson:1#Condition/T-C001"
        assert cancer[0]["diagnosis_date_precision"] == "D"
        assert store.row_counts()["drug_administration"] == 2


def test_bundles_import_like_ndjson(tiny_ndjson: ExportResult, tiny_bundles: ExportResult
                                    ) -> None:
    a = read_mcode([tiny_ndjson.out_dir], site_id=SITE)
    b = read_mcode([tiny_bundles.out_dir / f"{P1}.json"], site_id=SITE)
    assert a.rows == b.rows
    for name, table in a.tables.items():
        drop = ["source_document"]
        assert table.drop(drop).equals(b.tables[name].drop(drop)), name


def test_dry_run_loads_nothing(tiny_ndjson: ExportResult, home: Path, tmp_path: Path) -> None:
    url = f"duckdb://{tmp_path / 'dry.duckdb'}"
    result = import_mcode(url, [tiny_ndjson.out_dir], site="dry", site_id=SITE, dry_run=True)
    accounts = {a.table: a for a in result.accounting}
    assert result.version is None and accounts["patient"].loaded == 1
    with open_store(url) as store:
        assert store.versions() == []


def test_bad_json_and_wrong_resource_type(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.ndjson", [{"resourceType": "Encounter", "id": "e1"},
                                            {"id": "x"}], [b'{"resourceType": "Patient",'])
    issues = _issues([path])
    assert [(i["resource_type"], i["resource_id"], i["path"]) for i in issues] == [
        ("Encounter", "e1", "resourceType"), (None, "x", "resourceType"), (None, None, "$")]
    assert issues[2]["source"] == "bad.ndjson:3"
    assert "not valid JSON" in issues[2]["message"]


def test_missing_required_elements_name_their_path(tiny_ndjson: ExportResult,
                                                   tmp_path: Path) -> None:
    res = _resources(tiny_ndjson.out_dir)
    patient = next(r for r in res if r["resourceType"] == "Patient")
    obs = next(r for r in res if r["id"] == "T-BM1")
    broken_patient = {k: v for k, v in patient.items() if k != "gender"}
    broken_obs = {k: v for k, v in obs.items() if k != "code"}
    no_subject = {k: v for k, v in next(r for r in res if r["id"] == "T-DA1").items()
                  if k != "subject"}
    others = [r for r in res if r["id"] not in ("T-P001", "T-BM1", "T-DA1")]
    path = _write(tmp_path / "in.ndjson", [broken_patient, broken_obs, no_subject, *others])
    got = {(i["resource_type"], i["resource_id"], i["path"]) for i in _issues([path])}
    assert ("Patient", "T-P001", "Patient.gender") in got
    assert ("Observation", "T-BM1", "Observation.code") in got
    assert ("MedicationAdministration", "T-DA1", "MedicationAdministration.subject") in got


def test_unknown_codes_are_reported_with_the_element(tiny_ndjson: ExportResult,
                                                     tmp_path: Path) -> None:
    res = copy.deepcopy(_resources(tiny_ndjson.out_dir))
    cancer = next(r for r in res if r["id"] == "T-C001")
    cancer["bodySite"][0]["coding"][0]["code"] = "C99.9"
    drug = next(r for r in res if r["id"] == "T-DA1")
    drug["medicationCodeableConcept"]["coding"][1]["code"] = "Z99ZZ99"
    status = next(r for r in res if r["id"] == "T-PG1")
    status["valueCodeableConcept"]["coding"][0]["code"] = "268910001"   # improved
    issues = _issues([_write(tmp_path / "codes.ndjson", res)])
    got = {(i["resource_id"], i["path"]) for i in issues}
    assert ("T-C001", "Condition.bodySite[0].coding") in got
    assert ("T-DA1", "MedicationAdministration.medicationCodeableConcept.coding") in got
    assert ("T-PG1", "Observation.valueCodeableConcept") in got
    assert any("C99.9" in i["message"] for i in issues)


def test_fail_fast_stops_at_the_first_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "two.ndjson", [{"resourceType": "Encounter", "id": "a"},
                                            {"resourceType": "Encounter", "id": "b"}])
    assert len(_issues([path])) == 2
    assert [i["resource_id"] for i in _issues([path], on_error="raise")] == ["a"]


def _with_broken_drug(out: Path, tmp_path: Path) -> tuple[Path, int]:
    """The tiny export with the code of drug administration T-DA1 removed (its line)."""
    res = copy.deepcopy(_resources(out))
    drug = next(r for r in res if r["id"] == "T-DA1")
    del drug["medicationCodeableConcept"]
    return _write(tmp_path / "broken.ndjson", res), res.index(drug) + 1


def test_one_broken_resource_is_quarantined_the_rest_loaded(tiny_ndjson: ExportResult,
                                                           home: Path, tmp_path: Path) -> None:
    path, line = _with_broken_drug(tiny_ndjson.out_dir, tmp_path)
    url = f"duckdb://{tmp_path / 'partial.duckdb'}"
    result = import_mcode(url, [path], site="partial", site_id=SITE)
    records = result.quarantine.to_pylist()
    assert [(r["file"], r["row"], r["value"], r["rule"]) for r in records] == [
        ("broken.ndjson", line, "MedicationAdministration/T-DA1", "fhir_structure")]
    assert records[0]["message"].startswith("MedicationAdministration/T-DA1 at "
                                            "MedicationAdministration")
    assert result.version is not None
    with open_store(url) as store:
        assert [r["drug_administration_id"] for r in store.read("drug_administration")
                .to_pylist()] == ["T-DA2"]
        assert store.row_counts()["cancer"] == 1
    csv = (result.run_dir / "quarantine.csv").read_text("utf-8")
    assert "MedicationAdministration/T-DA1" in csv


def test_accounting_balances_and_cohort_variables_are_derived(
        tiny_ndjson: ExportResult, home: Path, tmp_path: Path) -> None:
    res = copy.deepcopy(_resources(tiny_ndjson.out_dir))
    cancer = next(r for r in res if r["id"] == "T-C001")
    cancer["bodySite"][0]["coding"][0]["code"] = "C99.9"   # a row rule: the cancer quarantined
    url = f"duckdb://{tmp_path / 'acc.duckdb'}"
    result = import_mcode(url, [_write(tmp_path / "acc.ndjson", res)], site="acc",
                          site_id=SITE)
    for a in result.accounting:
        assert a.input == a.loaded + a.quarantined + a.merged, a
    bad = [r for r in result.quarantine.to_pylist() if r["table"] == "cancer"]
    assert bad and bad[0]["value"] == "C99.9" and "Condition.bodySite[0].coding" in bad[0][
        "message"]
    document = orjson.loads((result.run_dir / "accounting.json").read_bytes())
    assert document["quarantined_records"] == result.quarantine.num_rows
    clean = import_mcode(f"duckdb://{tmp_path / 'cv.duckdb'}", [tiny_ndjson.out_dir],
                         site="cv", site_id=SITE)
    assert clean.derived.get("cohort_variables", 0) > 0
    with open_store(f"duckdb://{tmp_path / 'cv.duckdb'}") as store:
        assert store.row_counts()["cohort_variables"] > 0


def test_fail_fast_import_refuses_and_loads_nothing(tiny_ndjson: ExportResult, home: Path,
                                                    tmp_path: Path) -> None:
    path, _ = _with_broken_drug(tiny_ndjson.out_dir, tmp_path)
    url = f"duckdb://{tmp_path / 'ff.duckdb'}"
    with pytest.raises(DataError, match="T-DA1"):
        import_mcode(url, [path], site="ff", site_id=SITE, on_error="fail_fast")
    with open_store(url) as store:
        assert store.versions() == []

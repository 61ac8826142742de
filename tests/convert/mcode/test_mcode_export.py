"""The export: Bulk Data layout, patient bundles, objecting patients, the report, streaming,
and conformance (fhir.resources R4B parse + the mCODE validator: zero errors)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from mcode_factory import P1, P2

from oncorwd.convert.mcode import REPORT_NAME, ExportResult, export_mcode
from oncorwd.convert.mcode.common import Context
from oncorwd.convert.mcode.export import iter_built
from oncorwd.errors import ConversionError
from oncorwd.store import Store


def _lines(path: Path) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _all(out: Path) -> list[dict[str, object]]:
    return [r for p in sorted(out.glob("*.ndjson")) for r in _lines(p)]


def test_ndjson_has_one_resource_type_per_file(tiny_ndjson: ExportResult) -> None:
    files = sorted(p.name for p in tiny_ndjson.out_dir.glob("*.ndjson"))
    assert files == ["BodyStructure.ndjson", "Condition.ndjson", "MedicationAdministration.ndjson",
                     "Observation.ndjson", "Organization.ndjson", "Patient.ndjson",
                     "Procedure.ndjson", "Specimen.ndjson"]
    for path in tiny_ndjson.out_dir.glob("*.ndjson"):
        types = {r["resourceType"] for r in _lines(path)}
        assert types == {path.stem}
        assert tiny_ndjson.resources[path.stem] == len(_lines(path))


def test_every_resource_parses_with_fhir_resources(tiny_ndjson: ExportResult) -> None:
    for res in _all(tiny_ndjson.out_dir):
        model = get_fhir_model_class(str(res["resourceType"])).model_validate(res)
        assert model.model_dump(mode="json", exclude_none=True)["id"] == res["id"]


def test_objecting_patients_are_excluded_and_counted(tiny_ndjson: ExportResult) -> None:
    text = b"".join(p.read_bytes() for p in tiny_ndjson.out_dir.glob("*.ndjson"))
    assert P1.encode() in text
    assert P2.encode() not in text and b"T-C201" not in text
    report = orjson.loads(tiny_ndjson.report_path.read_bytes())
    assert tiny_ndjson.excluded_objecting == report["excluded_objecting_patients"] == 1
    assert tiny_ndjson.patients == report["patients"] == 1


def test_report_lists_unmapped_codes_and_unrepresented_rows(tiny_ndjson: ExportResult) -> None:
    report = orjson.loads((tiny_ndjson.out_dir / REPORT_NAME).read_bytes())
    unmapped = report["unmapped"]
    assert unmapped["CancerRelatedSurgicalProcedure.code (CCAM, no SNOMED CT)"] == {"QEFA020": 1}
    assert unmapped["MedicationAdministration.medication (ATC without verified RxNorm)"] == {
        "L01FD01": 1}   # paclitaxel (L01CD01) has its RxNorm code
    assert unmapped["Comorbid Condition.code (WHO ICD-10, no SNOMED CT / ICD-10-CM)"] == {
        "I10": 1, "E11": 1}
    lost = {(u["table"], tuple(u["record_ids"])) for u in report["unrepresented"]}
    assert lost == {("biomarker", ("T-BM4",)), ("general_status", ("T-GS3",))}
    assert tiny_ndjson.unrepresented == 2


def test_bundles_are_valid_patient_bundles(tiny_bundles: ExportResult) -> None:
    files = sorted(p for p in tiny_bundles.out_dir.glob("*.json") if p.name != REPORT_NAME)
    assert [f.name for f in files] == [f"{P1}.json"] and tiny_bundles.bundles == 1
    bundle = orjson.loads(files[0].read_bytes())
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    assert bundle["meta"]["profile"] == [
        "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-patient-bundle"]
    entries = bundle["entry"]
    urls = [e["fullUrl"] for e in entries]
    assert len(urls) == len(set(urls))
    assert sum(e["resource"]["resourceType"] == "Patient" for e in entries) == 1
    targets = {"/".join(u.split("/")[-2:]) for u in urls}
    for ref in _references(entries):
        assert ref in targets, ref


def _references(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [str(node["reference"])] if "reference" in node else []
        return found + [r for v in node.values() for r in _references(v)]
    if isinstance(node, list):
        return [r for v in node for r in _references(v)]
    return []


def test_bundles_hold_the_same_resources_as_ndjson(tiny_ndjson: ExportResult,
                                                   tiny_bundles: ExportResult) -> None:
    bundle = orjson.loads((tiny_bundles.out_dir / f"{P1}.json").read_bytes())
    in_bundle = sorted(orjson.dumps(e["resource"]) for e in bundle["entry"])
    assert in_bundle == sorted(orjson.dumps(r) for r in _all(tiny_ndjson.out_dir))


def test_chunks_partition_the_patients(synth_store: Store) -> None:
    ctx = Context(synth_store.version_info().site_id)
    chunks = list(iter_built(synth_store, ctx, version=1, chunk_patients=17))
    patients = [pid for batch in chunks for pid in batch[0].patient_id.to_pylist()]
    assert len(chunks) == -(-len(patients) // 17) > 5
    assert patients == sorted(patients) and len(set(patients)) == len(patients)


def test_chunked_export_equals_single_chunk(synth_store: Store, tmp_path: Path) -> None:
    one = export_mcode(synth_store, tmp_path / "one", chunk_patients=1_000_000)
    many = export_mcode(synth_store, tmp_path / "many", chunk_patients=17)
    for path in sorted(one.out_dir.glob("*.ndjson")):   # same resources, byte for byte
        other = (many.out_dir / path.name).read_bytes()
        assert sorted(path.read_bytes().splitlines()) == sorted(other.splitlines()), path.name
    assert one.resources == many.resources


def test_unknown_format_is_refused(tiny_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="unknown mCODE export format"):
        export_mcode(tiny_store, tmp_path, format="xml")  # type: ignore[arg-type]


@pytest.mark.slow
def test_synthetic_site_passes_the_three_validation_layers(synth_store: Store,
                                                           tmp_path: Path) -> None:
    validator = pytest.importorskip("oncorwd.fhir")
    result = export_mcode(synth_store, tmp_path / "out")
    resources = _all(result.out_dir)
    assert len(resources) == sum(result.resources.values()) > 1000
    issues = validator.validate_resources(resources)
    errors = [str(i) for i in issues if i.severity == "error"]
    assert errors == []
    bundles = export_mcode(synth_store, tmp_path / "bundles", format="bundles")
    docs = [orjson.loads(p.read_bytes()) for p in sorted(bundles.out_dir.glob("S*.json"))[:25]]
    assert [str(i) for i in validator.validate_resources(docs) if i.severity == "error"] == []

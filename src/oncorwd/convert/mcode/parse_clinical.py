"""mCODE observations, treatments and specimens -> OSIRIS RWD rows (see :mod:`.parse`).

Staging and tumour-size observations do not make rows of their own: they fill the cancer row
they focus on (``("cancer", row)`` pairs the importer merges by ``cancer_id``).
"""

from __future__ import annotations

from typing import Any

from oncorwd.convert.mcode.maps import MCODE, load_maps, osiris_system, system
from oncorwd.convert.mcode.parse import (
    PARSERS,
    Ids,
    Missing,
    Row,
    _base,
    _reverse,
    code_in,
    effective,
    ext_value,
    ident_table,
    kind_of,
    osiris,
    put_date,
    record_id,
)

__all__ = ["observation_rows", "procedure_rows"]

_TNM = {"tnm-primary-tumor-category": "tnm_t", "tnm-regional-nodes-category": "tnm_n",
        "tnm-distant-metastases-category": "tnm_m"}


def _focus_cancer(res: dict[str, Any], ids: Ids) -> str | None:
    for focus in res.get("focus") or []:
        if str(focus.get("reference", "")).startswith("Condition/"):
            return ids.resolve(focus)
    return record_id(res) if ident_table(res) == "cancer" else None


def _cancer_part(res: dict[str, Any], ids: Ids, kind: str) -> list[tuple[str, Row]]:
    cancer = _focus_cancer(res, ids)
    if cancer is None:
        raise Missing("Observation.focus", "staging/size observation without its Condition")
    row: Row = {"cancer_id": cancer, "_paths": {}}
    if kind in _TNM:
        code = code_in(res.get("valueCodeableConcept"), system("tnm"))
        if code is None:
            raise Missing("Observation.valueCodeableConcept", "no UICC TNM category code")
        row[_TNM[kind]] = code.removeprefix("M") if kind.startswith("tnm-distant") else code
        row["_paths"][_TNM[kind]] = "Observation.valueCodeableConcept"
    elif kind == "tumor-size":
        for comp in res.get("component") or []:
            if code_in(comp.get("code"), system("loinc")) == "33728-7":
                q = comp.get("valueQuantity") or {}
                factor = 10 if q.get("code") == "cm" else 1
                row["tumor_size_mm"] = float(q["value"]) * factor
        row["tumor_size_method"] = code_in(res.get("method"), system("snomed"))
        put_date(row, "tumor_size_date", res.get("effectiveDateTime"))
    return [("cancer", row)]


def _status(res: dict[str, Any], mapping: str) -> str | None:
    value = res.get("valueCodeableConcept")
    return (code_in(value, osiris_system("biomarker_status"))
            or _reverse(mapping).get(code_in(value, system("snomed" if mapping == "marker_value"
                                                          else "loinc")) or ""))


def _biomarker(res: dict[str, Any], ids: Ids, genomic: bool) -> list[tuple[str, Row]]:
    row = _base(res, ids, "biomarker_id")
    q = res.get("valueQuantity") or {}
    row.update(sample_id=ids.resolve(res.get("specimen")),
               technique=code_in(res.get("method"), system("technique")),
               status=row.get("status") or _status(res, "variant_value" if genomic
                                                     else "marker_value"))
    put_date(row, "result_date", effective(res))
    if genomic:
        _genomic(res, row)
    else:
        row.update(cancer_id=ids.resolve(ext_value(res, MCODE + "mcode-related-condition")),
                   biomarker_code=code_in(res.get("code"), system("loinc")),
                   biomarker_name=code_in(res.get("code"), system("biomarker"))
                   or (res.get("code") or {}).get("text"),
                   value_numeric=q.get("value"), unit=q.get("unit"),
                   result_detail=((res.get("note") or [{}])[0].get("text")
                                  or res.get("valueString")))
    row["_paths"] = {"biomarker_code": "Observation.code.coding",
                     "result_date_year": "Observation.effective"}
    return [("biomarker", row)]


def _genomic(res: dict[str, Any], row: Row) -> None:
    sources = _reverse("genomic_source")
    row["biomarker_code"] = "69548-6"
    for comp in res.get("component") or []:
        code = ((comp.get("code") or {}).get("coding") or [{}])[0].get("code")
        if code == "48018-6":
            row["biomarker_name"] = (comp.get("valueCodeableConcept") or {}).get("text")
        elif code == "48002-0":
            row["biomarker_type"] = sources.get(code_in(comp.get("valueCodeableConcept"),
                                                        system("loinc")) or "")
        elif code == "conclusion-string":
            row["result_detail"] = comp.get("valueString")
    if row.get("value_numeric") is not None:
        row["value_numeric"] = float(row["value_numeric"])


def _general(res: dict[str, Any], ids: Ids, kind: str) -> list[tuple[str, Row]]:
    row = _base(res, ids, "general_status_id")
    if kind == "ecog-performance-status":
        row.update(measure_type="PS", value=res.get("valueInteger"))
    else:
        code = code_in(res.get("code"), system("loinc"))
        row.update(measure_type={"29463-7": "WEIGHT", "8302-2": "HEIGHT"}.get(code or ""),
                   value=(res.get("valueQuantity") or {}).get("value"))
    put_date(row, "measure_date", effective(res))
    row["_paths"] = {"value": "Observation.value", "measure_type": "Observation.code"}
    return [("general_status", row)]


def _disease_status(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    cancer = ids.resolve((res.get("focus") or [{}])[0]) if res.get("focus") else None
    if ident_table(res) == "tumor_event":
        row = _base(res, ids, "tumor_event_id")
        row["cancer_id"] = cancer
        put_date(row, "mention_date", res.get("effectiveDateTime"))
        for stem in ("diagnosis_date", "metastasis_date"):
            put_date(row, stem, row.pop(stem, None))
        return [("tumor_event", row)]
    trend = {v["code"]: k for k, v in load_maps()["disease_status"].items()}
    value = trend.get(code_in(res.get("valueCodeableConcept"), system("snomed")) or "")
    if value not in ("worsened", "stable"):
        raise Missing("Observation.valueCodeableConcept",
                      "disease status is neither worsened nor stable: no OSIRIS progression")
    row = _base(res, ids, "progression_id")
    row.update(cancer_id=cancer, progression="Y" if value == "worsened" else "N")
    put_date(row, "progression_date", res.get("effectiveDateTime"))
    return [("progression", row)]


def observation_rows(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    kind = kind_of(res)
    if kind in _TNM or kind == "tumor-size":
        return _cancer_part(res, ids, kind)
    if kind in ("tumor-marker-test", "genomic-variant"):
        return _biomarker(res, ids, kind == "genomic-variant")
    if kind in ("ecog-performance-status", "vital-signs"):
        return _general(res, ids, kind)
    if kind == "cancer-disease-status":
        return _disease_status(res, ids)
    return []   # stage group (held by the Condition), comorbidities (from the Conditions)


def _in_facility(res: dict[str, Any], ids: Ids, row: Row) -> None:
    if row.get("in_facility") is None:
        actors = [p.get("actor") for p in res.get("performer") or []]
        org = f"Organization/finess-{ids.site_id}"
        row["in_facility"] = "IN" if any((a or {}).get("reference") == org for a in actors) \
            else None


def procedure_rows(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    cancer = ids.resolve((res.get("reasonReference") or [{}])[0]) \
        if res.get("reasonReference") else None
    if kind_of(res) == "radiotherapy-course-summary":
        row = _base(res, ids, "radiotherapy_id")
        row.update(cancer_id=cancer, irradiated_topography=code_in(
            (res.get("bodySite") or [{}])[0], system("icdo3")))
        put_date(row, "start_date", (res.get("performedPeriod") or {}).get("start"))
        _in_facility(res, ids, row)
        row["_paths"] = {"technique_code": "Procedure.extension(osiris-source)",
                         "start_date_year": "Procedure.performedPeriod.start"}
        return [("radiotherapy", row)]
    row = _base(res, ids, "surgery_id")
    row.update(cancer_id=cancer, procedure_code=code_in(res.get("code"), system("ccam")))
    put_date(row, "procedure_date", effective(res, "performed"))
    row.setdefault("procedure_group", (res.get("code") or {}).get("text"))
    _in_facility(res, ids, row)
    row["_paths"] = {"procedure_code": "Procedure.code.coding",
                     "procedure_date_year": "Procedure.performed"}
    return [("surgery", row)]


def medication_rows(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    row = _base(res, ids, "drug_administration_id")
    med = res.get("medicationCodeableConcept") or {}
    row.update(atc_code=code_in(med, system("atc")), drug_name=med.get("text"),
               cancer_id=ids.resolve((res.get("reasonReference") or [{}])[0])
               if res.get("reasonReference") else None)
    put_date(row, "administration_date", effective(res))
    row["_paths"] = {"atc_code": "MedicationAdministration.medicationCodeableConcept.coding",
                     "administration_date_year": "MedicationAdministration.effective"}
    return [("drug_administration", row)]


def specimen_rows(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    row = _base(res, ids, "sample_id")
    collection = res.get("collection") or {}
    row["sample_type"] = code_in(res.get("type"), osiris_system("sample_type"))
    if row.get("sample_nature") is None:
        v2 = code_in(res.get("type"), system("v2_0487"))
        row["sample_nature"] = {"TUMOR": "TUMOR", "TISS": "HEALTHY"}.get(v2 or "")
    row["sample_topography"] = code_in(collection.get("bodySite"), system("icdo3"))
    put_date(row, "sampling_date", collection.get("collectedDateTime"))
    row["_paths"] = {"sample_topography": "Specimen.collection.bodySite.coding"}
    return [("sample", row)]


PARSERS.update({"Observation": observation_rows, "Procedure": procedure_rows,
                "MedicationAdministration": medication_rows, "Specimen": specimen_rows,
                "Organization": lambda r, i: [], "BodyStructure": lambda r, i: []})
_ = osiris  # re-exported helper used by the importer's callers

"""The cancer-level steps: IARC groups, multiple-primary merges, cancer order, attribution of
rows to cancers, metastatic status at diagnosis."""

from __future__ import annotations

from typing import Any

from derive_factory import REFERENCE, tables

from oncorwd.ingest.derive import DeriveParams, DeriveResult, derive_tables


def cancer(cid: str, pid: str, topo: str, morph: str, lat: str, dx: str,
           order: int | None = None, **extra: Any) -> dict[str, Any]:
    return {"cancer_id": cid, "patient_id": pid, "topography": topo, "morphology": morph,
            "laterality": lat, "diagnosis_date": dx, "cancer_order": order, **extra}


def run(cancers: list[dict[str, Any]], validate: bool = True,
        params: DeriveParams | None = None, **others: list[dict[str, Any]]) -> DeriveResult:
    patients = sorted({c["patient_id"] for c in cancers})
    data = tables(validate=validate, patient=[{"patient_id": p} for p in patients],
                  cancer=cancers, **others)
    return derive_tables(data, reference_date=REFERENCE, params=params or DeriveParams())


def by_id(table: Any, key: str = "cancer_id") -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in table.to_pylist()}


def test_iarc_groups_are_filled_and_recorded_ones_kept() -> None:
    out = by_id(run([
        cancer("A", "P1", "C34.1", "8140/3", "R", "2018-01-01", 1),
        cancer("B", "P2", "C19.9", "8070/3", "NA", "2018-01-01", 1),
        cancer("C", "P3", "C50.4", "9680/3", "L", "2018-01-01", 1, topography_group="C50",
               morphology_group="3"),
    ]).cancer)
    assert (out["A"]["topography_group"], out["A"]["morphology_group"]) == ("C34.9", "3")
    assert (out["B"]["topography_group"], out["B"]["morphology_group"]) == ("C20.9", "1")
    assert (out["C"]["topography_group"], out["C"]["morphology_group"]) == ("C50", "3")


MULTIPLE = [
    cancer("P1a", "P1", "C50.4", "8500/3", "L", "2015-03-01", 1),
    cancer("P1b", "P1", "C50.2", "8520/3", "L", "2019-05-01", 2),  # same breast, group 3
    cancer("P1c", "P1", "C50.9", "8500/3", "R", "2020-01-01", 3),  # other breast
    cancer("P2a", "P2", "C34.1", "8140/3", "R", "2018-01-01", 1),
    cancer("P2b", "P2", "C34.3", "8070/3", "R", "2019-01-01", 2),  # squamous: group 1
    cancer("P3a", "P3", "C56.9", "8441/3", "R", "2017-01-01", 1),
    cancer("P3b", "P3", "C56.9", "8441/3", "L", "2017-02-01", 2),  # ovary: bilateral = one
    cancer("P4a", "P4", "C50.1", "8500/3", "R", "2016-01-01", 1),
    cancer("P4b", "P4", "C50.2", "8500/3", "L", "2016-02-01", 2),
    cancer("P4c", "P4", "C50.3", "8500/3", "UN", "2016-03-01", 3),
]


def test_same_group_same_side_is_one_cancer_and_is_noted() -> None:
    drugs = [{"patient_id": "P1", "cancer_id": "P1b", "atc_code": "L02BA01",
              "administration_date": "2019-06-01"}]
    result = run(MULTIPLE, drug_administration=drugs)
    kept = set(result.cancer.column("cancer_id").to_pylist())
    assert kept == {"P1a", "P1c", "P2a", "P2b", "P3a", "P4a", "P4b", "P4c"}
    notes = [(n["rule"], n["cancer_id"], n["related_cancer_id"])
             for n in result.notes.to_pylist() if n["step"] == "multiple_primaries"]
    assert sorted(notes) == [("ambiguous_laterality", "P4c", None),
                             ("same_primary", "P1a", "P1b"), ("same_primary", "P3a", "P3b")]
    assert result.drug_administration.column("cancer_id").to_pylist() == ["P1a"]
    orders = {r["cancer_id"]: r["cancer_order"] for r in result.cancer.to_pylist()}
    assert (orders["P1a"], orders["P1c"]) == (1, 2)  # re-ranked after the merge


def test_merges_can_be_only_reported() -> None:
    result = run(MULTIPLE, params=DeriveParams(merge_multiple_primaries=False))
    assert result.cancer.num_rows == len(MULTIPLE)
    rules = {n["rule"] for n in result.notes.to_pylist()}
    assert "possible_same_primary" in rules and "same_primary" not in rules


def test_cancer_order_kept_when_consistent_recomputed_otherwise() -> None:
    result = run([
        cancer("A1", "PA", "C50.4", "8500/3", "L", "2010-01-01", 1),
        cancer("A2", "PA", "C18.7", "8140/3", "NA", "2015-01-01", 2),
        cancer("B1", "PB", "C50.4", "8500/3", "L", "2012-01-01", 1),
        cancer("B2", "PB", "C18.7", "8140/3", "NA", "2011-01-01", 2),  # contradicts the dates
        cancer("C1", "PC", "C50.4", "8500/3", "L", "2014-01-01", None),  # missing
        cancer("C2", "PC", "C18.7", "8140/3", "NA", "2013-06-01", None),
        cancer("D1", "PD", "C50.4", "8500/3", "L", "2010-03", 1),  # month known
        cancer("D2", "PD", "C18.7", "8140/3", "NA", "2010", 2),  # year only: compatible
    ], validate=False)
    orders = {r["cancer_id"]: r["cancer_order"] for r in result.cancer.to_pylist()}
    assert orders == {"A1": 1, "A2": 2, "B1": 2, "B2": 1, "C1": 2, "C2": 1, "D1": 1, "D2": 2}
    recomputed = {n["cancer_id"] for n in result.notes.to_pylist()
                  if n["rule"] == "cancer_order_recomputed"}
    assert recomputed == {"B1", "B2", "C1", "C2"}


def test_rows_without_cancer_id_go_to_the_latest_cancer_diagnosed_before_them() -> None:
    cancers = [cancer("X1", "P", "C50.4", "8500/3", "L", "2012-01-01", 1),
               cancer("X2", "P", "C18.7", "8140/3", "NA", "2018-01-01", 2)]
    drugs = [{"drug_administration_id": f"D{i}", "patient_id": "P", "atc_code": "L01BC02",
              "administration_date": d} for i, d in enumerate(
                  ("2011-06-01", "2012-01-01", "2017-12-31", "2018-01-01", "2020-05-05"))]
    drugs.append({"drug_administration_id": "D9", "patient_id": "P", "cancer_id": "X1",
                  "atc_code": "L01BC02", "administration_date": "2020-05-05"})
    result = run(cancers, drug_administration=drugs)
    got = {r["drug_administration_id"]: r["cancer_id"]
           for r in result.drug_administration.to_pylist()}
    assert got == {"D0": "X1", "D1": "X1", "D2": "X1", "D3": "X2", "D4": "X2", "D9": "X1"}


def test_metastatic_at_diagnosis_rules() -> None:
    cancers = [
        cancer("M1", "P1", "C18.7", "8140/3", "NA", "2020-01-01", 1),
        cancer("M2", "P2", "C18.7", "8140/3", "NA", "2020-01-01", 1, tnm_m="0"),
        cancer("M3", "P3", "C77.0", "9680/3", "NA", "2020-01-01", 1, stage="IV",
               stage_type="ANN_ARBOR"),
        cancer("M4", "P4", "C18.7", "8140/3", "NA", "2020-01-01", 1, stage="IV"),
        cancer("M5", "P5", "C18.7", "8140/3", "NA", "2020-01-01", 1, stage="III",
               stage_type="TNM"),
    ]
    events = [
        {"patient_id": "P1", "cancer_id": "M1", "event_type": "2", "mention_date": "2020-03-31",
         "metastasis_topography": "C22.0"},  # day 90: synchronous
        {"patient_id": "P2", "cancer_id": "M2", "event_type": "2", "mention_date": "2020-04-01",
         "metastasis_topography": "C34.1"},  # day 91: metachronous
    ]
    rows = by_id(run(cancers, tumor_event=events).cohort_variables)
    assert rows["M1"]["metastatic_at_diagnosis"] is True
    assert rows["M1"]["metastasis_at_dx_liver"] is True
    assert rows["M2"]["metastatic_at_diagnosis"] is False
    assert rows["M2"]["metastasis_after_diagnosis_date"].isoformat() == "2020-04-01"
    assert rows["M2"]["metastatic_disease_date"].isoformat() == "2020-04-01"
    assert rows["M3"]["metastatic_at_diagnosis"] is None  # Ann Arbor stage IV
    assert rows["M4"]["metastatic_at_diagnosis"] is True  # stage IV, system not stated
    assert rows["M5"]["metastatic_at_diagnosis"] is False
    assert rows["M5"]["metastatic_ever"] is False and rows["M3"]["metastatic_ever"] is None

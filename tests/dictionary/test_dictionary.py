"""The dictionary holds every OSIRIS RWD 2025-2 MDS item, as the reference lists them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.generate import export

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "osiris-rwd"
ITEMS_CSV = REFERENCE / "OSIRIS_RWD_2025-2_items.csv"


def _reference_items() -> list[dict[str, str]]:
    if not ITEMS_CSV.exists():
        pytest.skip("../shared/reference not present")
    with ITEMS_CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _expand(item: str) -> list[str]:
    if "–" in item:  # "18.1–18.6"
        first, last = item.split("–")
        section, start = first.split(".")
        return [f"{section}.{i}" for i in range(int(start), int(last.split(".")[1]) + 1)]
    return [item]


def _declared_fields() -> dict[str, list]:
    out: dict[str, list] = {}
    for e in load_dictionary().entities:
        for f in e.fields:
            if f.item:
                out.setdefault(f.item, []).append(f)
    return out


def test_every_mds_item_is_declared() -> None:
    declared = _declared_fields()
    expected = [i for row in _reference_items() for i in _expand(row["item"])
                if i not in ("6", "—")]
    missing = [i for i in expected if i not in declared]
    assert not missing
    assert len(expected) == 103
    assert set(declared) == set(expected)


def test_statuses_follow_the_mds() -> None:
    declared = _declared_fields()
    for row in _reference_items():
        if "–" in row["item"]:
            continue  # 18.x/19.x: statuses are per item in the MDS text (18.5, 18.6 optional)
        for item in _expand(row["item"]):
            if item not in declared:
                continue
            mds_status = row["status"][0]
            if mds_status not in "MO":
                continue
            for f in declared[item]:
                assert f.status == mds_status, (item, f.name)
                if "(guide: M)" in row["status"]:
                    assert f.guide_status == "M", (item, f.name)


def test_guide_variable_names_are_kept() -> None:
    declared = _declared_fields()
    for row in _reference_items():
        names = [n.strip() for n in row["variable_name_in_guide"].split(";") if n.strip()]
        names = [n.split("{")[0] for n in names if n not in ("?", "(not named)")]
        if not names:
            continue
        got = {f.guide_name for f in declared[row["item"]]}
        assert set(names) <= got, (row["item"], names, got)


def test_thirteen_risk_factors() -> None:
    rf = load_dictionary().entity("risk_factor")
    assert len([f for f in rf.fields if f.item == "3.1"]) == 13


@pytest.mark.parametrize(
    ("value_set", "codes"),
    [
        ("encr_basis", {"1", "2", "4", "5", "7", "8", "9"}),
        ("laterality", {"R", "L", "NA", "UN"}),
        ("tumor_event_type", {"1", "2", "3", "4"}),
        ("source_type", {"1", "2", "3", "4", "5"}),
        ("in_out", {"IN", "OUT"}),
        ("sample_type", {"SURGICAL", "BIOPSY", "CYTOLOGY", "FLUID", "UNKNOWN"}),
        ("sample_nature", {"TUMOR", "HEALTHY"}),
        ("biomarker_status", {"POSITIVE", "NEGATIVE", "NON_CONTRIBUTIVE", "MISSING"}),
        ("vital_status_source", {"INSEE", "FACILITY", "MEDICAL_RECORD"}),
        ("stage_value", {"0", "I", "II", "III", "IV", "UK"}),
        ("relationship", {"MOTHER", "FATHER", "SON", "DAUGHTER", "GRANDFATHER", "GRANDMOTHER",
                          "GRANDSON", "GRANDDAUGHTER", "BROTHER", "SISTER"}),
    ],
)
def test_closed_lists_are_spelled_out(value_set: str, codes: set[str]) -> None:
    vs = load_dictionary().value_set(value_set)
    assert set(vs.codes) == codes
    assert all(v.label_fr and v.label_en for v in vs.values)


def test_every_table_has_the_technical_fields() -> None:
    for e in load_dictionary().entities:
        if e.derived:
            assert {"site_id", "data_version"} <= {f.name for f in e.fields}
            continue
        names = {f.name for f in e.fields}
        assert {"site_id", "data_version", "source_system", "source_type",
                "source_document"} <= names, e.name


def test_source_items_ride_on_source_type() -> None:
    d = load_dictionary()
    for table, item in [("surgery", "11.5"), ("drug_administration", "12.4"),
                        ("radiotherapy", "13.5"), ("imaging", "15.5"), ("observation", "18.6"),
                        ("measure", "19.6")]:
        assert d.entity(table).field("source_type").item == item


def test_export_has_entities_fields_items_and_variables() -> None:
    data = export()
    assert {"entities", "variables", "value_sets"} <= set(data)
    fields = [f for e in data["entities"] for f in e["fields"]]
    assert all("item" in f for f in fields)
    assert {f["item"] for f in fields if f["item"]} == set(load_dictionary().items)


def test_cohort_variables_table_is_generated_from_the_variables() -> None:
    d = load_dictionary()
    table = d.entity("cohort_variables")
    assert table.derived and table.key == "cancer_id"
    names = [f.name for f in table.fields]
    assert names[:2] == ["cancer_id", "patient_id"]
    assert [v.name for v in d.variables] == names[2:-2]
    assert table.field("diagnosis_date").type == "full_date"

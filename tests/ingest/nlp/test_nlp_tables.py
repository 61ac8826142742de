"""Facts → OSIRIS RWD rows that the dictionary's validators accept."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from oncorwd.dictionary import Entity, arrow_schema, load_dictionary
from oncorwd.dictionary.validate import prepare_batch
from oncorwd.errors import DataError
from oncorwd.ingest.nlp import Document, extract, loinc_for
from oncorwd.synth.reports import generate_reports

SITE = "750000001"
TEXT = """Compte rendu du 12/03/2021
HER2 : 2+, FISH négative. RE positifs à 90 %. PD-L1 (22C3) TPS 60 %. Absence de mutation EGFR.
KRAS G12C muté. RH+. PSA à 4,2 ng/mL. Mutation germinale BRCA2 détectée.
OMS 1. Progression hépatique au scanner du 02/03/2021. cT3 N2 M1a."""


@pytest.fixture(scope="module")
def tables() -> dict[str, pa.Table]:
    docs = [Document("DOC-1", "P1", TEXT, dt.date(2021, 3, 12), "5", "ehr://doc/1")]
    docs += generate_reports(300, seed=4)
    result = extract(docs).tables()
    assert result.problems == []
    return result.tables


@pytest.mark.parametrize("name", ["biomarker", "general_status", "progression"])
def test_tables_validate(tables: dict[str, pa.Table], name: str) -> None:
    table = tables[name]
    assert table.num_rows > 0
    assert set(table.schema.names) <= set(arrow_schema(load_dictionary().entity(name)).names)
    prepared = prepare_batch(name, table, site_id=SITE)
    assert prepared.num_rows == table.num_rows
    assert set(table.column("source_type").to_pylist()) <= {"4", "5"}


def test_provenance_of_an_external_document(tables: dict[str, pa.Table]) -> None:
    rows = [r for r in tables["biomarker"].to_pylist() if r["patient_id"] == "P1"]
    assert {r["source_type"] for r in rows} == {"5"}
    assert {r["source_document"] for r in rows} == {"ehr://doc/1"}


def test_her2_settled_by_ish_gives_two_rows(tables: dict[str, pa.Table]) -> None:
    rows = [r for r in tables["biomarker"].to_pylist()
            if r["patient_id"] == "P1" and r["biomarker_name"] == "HER2"]
    by_technique = {r["technique"]: r for r in rows}
    assert by_technique["IHC"]["result_detail"] == "2+"
    assert by_technique["IHC"]["status"] == by_technique["FISH"]["status"] == "NEGATIVE"
    assert by_technique["FISH"]["biomarker_code"] == "31150-6"


def test_codes_and_values(tables: dict[str, pa.Table]) -> None:
    rows = {r["biomarker_name"]: r for r in tables["biomarker"].to_pylist()
            if r["patient_id"] == "P1"}
    assert rows["PD-L1"]["biomarker_code"] == "83052-1"  # clone 22C3
    assert (rows["PD-L1"]["value_numeric"], rows["PD-L1"]["unit"]) == (60.0, "%")
    assert rows["EGFR"]["biomarker_code"] == "69548-6"
    assert rows["KRAS"]["result_detail"] == "G12C"
    assert rows["BRCA2"]["biomarker_type"] == "GERMLINE"
    assert rows["PSA"]["biomarker_type"] == "SERUM"
    assert rows["HR"]["biomarker_code"] is None  # no shipped LOINC: the name is enough
    assert rows["ER"]["result_date_year"] == 2021 and rows["ER"]["result_date_day"] == "12"


def test_other_tables(tables: dict[str, pa.Table]) -> None:
    ps = [r for r in tables["general_status"].to_pylist() if r["patient_id"] == "P1"]
    assert [(r["measure_type"], r["value"]) for r in ps] == [("PS", 1.0)]
    prog = [r for r in tables["progression"].to_pylist() if r["patient_id"] == "P1"]
    assert [(r["progression_date_month"], r["progression_date_day"]) for r in prog] == [
        ("03", "02")]


def test_tnm_updates_fit_the_cancer_table(tables: dict[str, pa.Table]) -> None:
    updates = tables["cancer_tnm"]
    assert updates.column("patient_id").to_pylist() == sorted(
        set(updates.column("patient_id").to_pylist()))
    n = updates.num_rows
    filler = {"cancer_id": [f"C{i}" for i in range(n)], "cancer_order": [1] * n,
              "care_in_facility": ["Y"] * n, "diagnosis_date_year": [2020] * n,
              "diagnosis_date_month": ["01"] * n, "diagnosis_date_day": ["UN"] * n,
              "diagnosis_method": ["7"] * n, "topography": ["C50.9"] * n,
              "morphology": ["8500/3"] * n, "laterality": ["L"] * n}
    full = updates
    for name, values in filler.items():
        full = full.append_column(name, pa.array(values))
    prepare_batch("cancer", full, site_id=SITE)
    row = next(r for r in updates.to_pylist() if r["patient_id"] == "P1")
    assert (row["tnm_t"], row["tnm_n"], row["tnm_m"], row["tnm_type"]) == ("T3", "N2", "1", "c")


def test_pathological_tnm_preferred_for_a_patient() -> None:
    docs = [Document("A", "P9", "Stade cT3 N1 M0.", dt.date(2020, 1, 1)),
            Document("B", "P9", "Conclusion : pT2N1M0.", dt.date(2020, 3, 1)),
            Document("C", "P9", "Après chimiothérapie : ypT1c N0.", dt.date(2020, 9, 1))]
    (row,) = extract(docs).tables().tables["cancer_tnm"].to_pylist()
    assert (row["tnm_type"], row["tnm_t"], row["source_document"]) == ("p", "T2", "B")


def test_loinc_fallbacks() -> None:
    assert loinc_for("ER", "IHC", None) == "16112-5"
    assert loinc_for("HER2", "IHC", None) == "18474-7"
    assert loinc_for("ALK", None, None) == "69548-6"
    assert loinc_for("CA 15-3", None, None) == "6875-9"
    assert loinc_for("NTRK", None, None) == "69548-6"


def test_source_type_must_be_nlp() -> None:
    with pytest.raises(DataError):
        extract([Document("X", "P", "OMS 1.", None, source_type="1")])


def test_without_a_biomarker_name_column(monkeypatch: pytest.MonkeyPatch) -> None:
    """Older dictionaries: the catalogue name leads result_detail; no LOINC code, no row."""
    import oncorwd.ingest.nlp.tables as module

    def schema_without_name(entity: Entity) -> pa.Schema:
        schema = arrow_schema(entity)
        if entity.name != "biomarker":
            return schema
        return schema.remove(schema.get_field_index("biomarker_name"))

    monkeypatch.setattr(module, "arrow_schema", schema_without_name)
    doc = Document("D", "P", "KRAS G12C muté. RH+.", dt.date(2021, 3, 12))
    out = extract([doc]).tables()
    (row,) = out.tables["biomarker"].to_pylist()
    assert "biomarker_name" not in row
    assert (row["biomarker_code"], row["result_detail"]) == ("69548-6", "KRAS G12C")
    assert [p.field for p in out.problems] == ["biomarker_code"]


def test_no_documents() -> None:
    result = extract([])
    assert result.documents == [] and result.pairs() == {}
    assert all(t.num_rows == 0 for t in result.tables().tables.values())

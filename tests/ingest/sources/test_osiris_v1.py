"""OSIRIS v1.1.05 pivot files -> OSIRIS RWD: the reference toy patient, a richer synthetic export
(``fixtures_osiris_v1/``) checked value by value, the accounting invariant, and the data tables."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.validate import prepare_batch
from oncorwd.errors import ConfigError
from oncorwd.ingest.sources.osiris_v1 import (
    OUTPUT_TABLES,
    PIVOT_FILES,
    SOURCE_SYSTEM,
    OsirisV1Migration,
    read_osiris_v1,
)
from oncorwd.ingest.sources.osiris_v1_io import DATA_DIR, load_declarations, read_pivot_folder
from oncorwd.ingest.sources.osiris_v1_ledger import Ledger
from oncorwd.terminology import biomarker_by_name

SITE = "750010423"
TODAY = dt.date(2024, 1, 1)
FIXTURES = Path(__file__).parent / "fixtures_osiris_v1"
REFERENCE = Path("/work/shared/reference/osiris-v1/pivot")
TECHNICAL = ("site_id", "data_version", "source_system", "source_type", "source_document")


def _rows(m: OsirisV1Migration, table: str, key: str) -> dict[str, dict[str, Any]]:
    return {r[key]: r for r in m.tables[table].to_pylist()}


def _date(row: dict[str, Any], field: str) -> tuple[Any, Any, Any]:
    return (row[f"{field}_year"], row[f"{field}_month"], row[f"{field}_day"])


def _subset(row: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in fields}


def _dropped(m: OsirisV1Migration) -> set[tuple[str, int | None, str]]:
    return {(r.file, r.row, r.rule) for r in m.quarantine if r.row_dropped}


def _notes(m: OsirisV1Migration) -> set[tuple[str, int | None, str | None, str]]:
    return {(r.file, r.row, r.column, r.rule) for r in m.quarantine if not r.row_dropped}


def _check_contract(m: OsirisV1Migration) -> None:
    """Schema, validation, constants, references and the accounting invariant."""
    d = load_dictionary()
    assert set(OUTPUT_TABLES) <= set(m.tables)
    for name, table in m.tables.items():
        assert table.schema == arrow_schema(d.entity(name)), name
        prepare_batch(name, table, site_id=SITE)
        if table.num_rows:
            assert set(table.column("source_system").to_pylist()) == {SOURCE_SYSTEM}
            assert set(table.column("source_type").to_pylist()) == {"2"}
            assert set(table.column("site_id").to_pylist()) == {SITE}
    keys = {n: set(m.tables[n].column(d.entity(n).key).to_pylist())
            for n in ("patient", "cancer", "sample")}
    for name, table in m.tables.items():
        for f in d.entity(name).fields:
            if f.references:
                target = f.references.split(".")[0]
                values = {v for v in table.column(f.name).to_pylist() if v is not None}
                assert values <= keys[target], (name, f.name, values - keys[target])
    assert list(m.accounting) == list(PIVOT_FILES)
    for account in m.accounting.values():
        assert account.balanced, account
        assert account.rows_read == (account.migrated + account.quarantined
                                     + account.out_of_scope)


# -- the reference toy patient --------------------------------------------------------------------


@pytest.fixture(scope="module")
def toy() -> OsirisV1Migration:
    if not REFERENCE.is_dir():
        pytest.skip("reference OSIRIS v1 pivot files not available")
    return read_osiris_v1(REFERENCE, site_id=SITE)


def test_toy_patient_migrates_and_validates(toy: OsirisV1Migration) -> None:
    _check_contract(toy)
    counts = {k: v for k, v in toy.row_counts().items() if v}
    assert counts == {
        "patient": 1, "vital_status": 1, "non_opposition": 1, "cancer": 1, "tumor_event": 1,
        "general_status": 1, "measure": 2, "surgery": 1, "drug_administration": 2,
        "sample": 2, "biomarker": 1, "family_history": 1, "observation": 9}


def test_toy_patient_values(toy: OsirisV1Migration) -> None:
    cancer = _rows(toy, "cancer", "cancer_id")["L304-C1"]
    assert _subset(cancer, {"topography": 0, "morphology": 0, "laterality": 0, "tnm_t": 0,
                            "tnm_n": 0, "tnm_m": 0, "tnm_type": 0, "cancer_order": 0}) == {
        "topography": "C00.8", "morphology": "8002/3", "laterality": "UN", "tnm_t": "T0",
        "tnm_n": "N1mi", "tnm_m": "1", "tnm_type": "c", "cancer_order": 1}
    assert _date(cancer, "diagnosis_date") == (2005, "11", "17")
    drugs = _rows(toy, "drug_administration", "drug_administration_id")
    assert {k: v["atc_code"] for k, v in drugs.items()} == {"L304-DRUG1": "L01XA01",
                                                             "L304-DRUG2": "L01EA01"}
    vital = toy.tables["vital_status"].to_pylist()[0]
    assert vital["vital_status"] == "1" and _date(vital, "death_date") == (2017, "11", "29")
    event = toy.tables["tumor_event"].to_pylist()[0]
    assert (event["event_type"], event["cancer_id"], event["morphology"]) == ("1", "L304-C1",
                                                                              None)
    assert ("Patient", 2, "no_content") in _dropped(toy)  # L036: an id and nothing else
    assert ("TumorPathologyEvent", 2, "TumorPathologyEvent_MorphologyCode",
            "unknown_code") in _notes(toy)  # '8000-1'
    assert toy.accounting["CopyNumber"].blank_rows == 4


# -- the synthetic export ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def mig() -> OsirisV1Migration:
    return read_osiris_v1(FIXTURES, site_id=SITE, today=TODAY)


def test_contract(mig: OsirisV1Migration) -> None:
    _check_contract(mig)


def test_accounting_per_file(mig: OsirisV1Migration) -> None:
    got = {a.file: (a.rows_read, a.migrated, a.quarantined, a.out_of_scope)
           for a in mig.accounting.values()}
    assert got == {
        "Patient": (9, 4, 5, 0), "Consent": (4, 3, 1, 0), "TumorPathologyEvent": (16, 9, 7, 0),
        "TNM": (7, 2, 2, 3), "Treatment": (10, 6, 3, 1), "Drug": (8, 5, 3, 0),
        "BiologicalSample": (5, 3, 2, 0), "Analysis": (6, 5, 0, 1), "Biomarker": (8, 5, 2, 1),
        "Variant": (3, 2, 0, 1), "Fusion": (1, 1, 0, 0), "CopyNumber": (3, 1, 1, 1),
        "Expression": (0, 0, 0, 0), "FamilyCancerHistory": (3, 2, 1, 0),
        "RelatedPathology": (4, 1, 3, 0), "AdverseEvent": (2, 1, 0, 1),
        "ResponseEvaluation": (4, 1, 2, 1), "Annotation": (8, 7, 1, 0)}
    patient = mig.accounting["Patient"]
    assert patient.blank_rows == 1
    assert patient.tables == {"observation": 1, "patient": 4, "vital_status": 3}
    assert mig.accounting["Expression"].path is None
    assert "Patient_Ethnicity" in patient.columns_not_migrated
    assert mig.unread_files == ("OSIRIS_pivot_Technology.csv",)


def test_rows_quarantined_with_their_rule(mig: OsirisV1Migration) -> None:
    expected = {
        ("Patient", 3, "required"), ("Patient", 4, "future_date"), ("Patient", 5, "duplicate"),
        ("Patient", 6, "malformed_row"), ("Patient", 10, "malformed_row"),
        ("Consent", 4, "unknown_patient"),
        ("TumorPathologyEvent", 6, "unknown_patient"), ("TumorPathologyEvent", 10, "no_cancer"),
        ("TumorPathologyEvent", 11, "unknown_code"), ("TumorPathologyEvent", 12, "unknown_code"),
        ("TumorPathologyEvent", 13, "no_cancer"), ("TumorPathologyEvent", 15, "malformed_row"),
        ("TumorPathologyEvent", 16, "required"),
        ("TNM", 1, "out_of_scope"), ("TNM", 3, "out_of_scope"), ("TNM", 4, "out_of_scope"),
        ("TNM", 5, "unknown_reference"), ("TNM", 6, "no_tnm"),
        ("Treatment", 3, "no_drug"), ("Treatment", 5, "out_of_scope"),
        ("Treatment", 6, "required"), ("Treatment", 8, "no_drug"),
        ("Drug", 3, "required"), ("Drug", 6, "unknown_code"), ("Drug", 7, "unknown_reference"),
        ("BiologicalSample", 3, "duplicate"), ("BiologicalSample", 5, "required"),
        ("Analysis", 5, "out_of_scope"),
        ("Biomarker", 5, "out_of_scope"), ("Biomarker", 6, "unknown_code"),
        ("Biomarker", 8, "required"), ("Variant", 2, "out_of_scope"),
        ("CopyNumber", 2, "out_of_scope"), ("CopyNumber", 3, "unknown_code"),
        ("FamilyCancerHistory", 3, "required"), ("RelatedPathology", 2, "cancer_code"),
        ("RelatedPathology", 3, "date"), ("RelatedPathology", 4, "unknown_code"),
        ("AdverseEvent", 2, "out_of_scope"), ("ResponseEvaluation", 1, "out_of_scope"),
        ("ResponseEvaluation", 3, "required"), ("ResponseEvaluation", 4, "unknown_code"),
        ("Annotation", 8, "unknown_reference"),
    }
    assert expected <= _dropped(mig)
    dropped_rows = {(f, r) for f, r, _ in _dropped(mig)}
    not_migrated = {(a.file, a.quarantined + a.out_of_scope) for a in mig.accounting.values()}
    for file, count in not_migrated:
        assert len({r for f, r in dropped_rows if f == file}) == count, file


def test_values_kept_out_of_migrated_rows(mig: OsirisV1Migration) -> None:
    expected = {
        ("Patient", 2, "Patient_LastNewsDate", "recoded"),      # death date as last news
        ("Patient", 9, "Patient_LastNewsDate", "date"),         # 2021-13-01
        ("Consent", 3, "Consent_Date", "date"),                 # 2019-13-45
        ("TumorPathologyEvent", 8, "TumorPathologyEvent_TopographyCode", "out_of_scope"),
        ("TumorPathologyEvent", 14, "TumorPathologyEvent_HistologicalGradeType", "recoded"),
        ("Treatment", 10, "TumorPathologyEvent_Ref", "unknown_reference"),
        ("Drug", 5, "Drug_Code", "recoded"),                    # found from Drug_Name
        ("FamilyCancerHistory", 2, "FamilyCancerHistory_Parentage", "no_equivalent"),
        ("Drug", None, "Drug_Dose", "unknown_column"),
    }
    assert expected <= _notes(mig)
    assert not {n for n in _notes(mig) if n[1] is not None
                and mig.accounting[n[0]].rows_read == 0}


def test_patients_and_vital_status(mig: OsirisV1Migration) -> None:
    patients = _rows(mig, "patient", "patient_id")
    assert {k: (v["sex"], v["facility_finess"], _date(v, "birth_date"))
            for k, v in patients.items()} == {
        "P001": ("F", "920000650", (1958, "03", "12")),
        "P002": ("M", SITE, (1949, "UN", "UN")),
        "P006": ("M", SITE, (1965, "07", "20")),
        "P007": ("F", SITE, (1980, "02", "29"))}
    vital = _rows(mig, "vital_status", "patient_id")
    assert {k: (v["vital_status"], _date(v, "last_visit_date"), _date(v, "death_date"))
            for k, v in vital.items()} == {
        "P001": ("0", (2023, "06", "01"), (None, None, None)),
        "P002": ("1", (2021, "02", "15"), (2021, "02", "15")),
        "P006": ("0", (2022, "01", "15"), (None, None, None))}
    consent = _rows(mig, "non_opposition", "patient_id")
    assert _date(consent["P001"], "information_date") == (2014, "12", "01")
    assert _date(consent["P002"], "information_date") == (None, None, None)
    assert {v["non_opposition"] for v in consent.values()} == {"Y"}
    observations = _rows(mig, "observation", "observation_id")
    assert _subset(observations["P002-DEATHCAUSE"], {"value": 0, "nomenclature": 0}) == {
        "value": "C0027651", "nomenclature": "UMLS"}


def test_cancers(mig: OsirisV1Migration) -> None:
    fields = dict.fromkeys(("cancer_order", "diagnosis_method", "topography", "morphology",
                            "laterality", "tnm_t", "tnm_n", "tnm_m", "tnm_type", "stage_type",
                            "stage", "grade_type", "grade"))
    got = {k: (_subset(v, fields), _date(v, "diagnosis_date"))
           for k, v in _rows(mig, "cancer", "cancer_id").items()}
    assert got == {
        "P001-C1": ({"cancer_order": 1, "diagnosis_method": "7", "topography": "C50.4",
                     "morphology": "8500/3", "laterality": "L", "tnm_t": "T1c", "tnm_n": "N1a",
                     "tnm_m": "0", "tnm_type": "p", "stage_type": "UK", "stage": "II",
                     "grade_type": "SBR", "grade": "2"}, (2015, "03", "10")),
        "P002-C1": ({"cancer_order": 1, "diagnosis_method": "8", "topography": "C34.1",
                     "morphology": "8140/3", "laterality": "R", "tnm_t": "T3", "tnm_n": "N2",
                     "tnm_m": "1", "tnm_type": "c", "stage_type": None, "stage": None,
                     "grade_type": None, "grade": None}, (2020, "01", "15")),
        "P006-C1": ({"cancer_order": 2, "diagnosis_method": "7", "topography": "C42.1",
                     "morphology": "9680/3", "laterality": "NA", "tnm_t": None, "tnm_n": None,
                     "tnm_m": None, "tnm_type": None, "stage_type": "ANN_ARBOR",
                     "stage": "III", "grade_type": None, "grade": None}, (2018, "04", "02")),
        "P006-C3": ({"cancer_order": 3, "diagnosis_method": "9", "topography": "C61.9",
                     "morphology": "8140/3", "laterality": "NA", "tnm_t": None, "tnm_n": None,
                     "tnm_m": None, "tnm_type": None, "stage_type": "TNM", "stage": "IV",
                     "grade_type": "GLEASON", "grade": "GLEASON_7A"}, (2021, "03", "UN")),
        "P006-C8": ({"cancer_order": 1, "diagnosis_method": "9", "topography": "C18.7",
                     "morphology": "8140/3", "laterality": "R", "tnm_t": "T3", "tnm_n": "N0",
                     "tnm_m": None, "tnm_type": None, "stage_type": None, "stage": None,
                     "grade_type": "UN", "grade": "2"}, (2016, "09", "16")),
    }
    # the neoplasm row and its primary-tumour row of P002 are one cancer
    assert mig.accounting["TumorPathologyEvent"].tables["cancer"] == 6


def test_tumour_events_and_general_status(mig: OsirisV1Migration) -> None:
    events = _rows(mig, "tumor_event", "tumor_event_id")
    got = {k: (v["cancer_id"], v["event_type"], v["morphology"], v["metastasis_topography"],
               _date(v, "metastasis_date"), v["diagnosis_method"]) for k, v in events.items()}
    assert got == {
        "P001-E2": ("P001-C1", "2", "8500/6", "C22.0", (2019, "05", "UN"), "9"),
        "P002-E3": ("P002-C1", "2", "8140/6", "C71.9", (2020, "11", "UN"), "2"),
        "P006-E2": ("P006-C1", "3", "9680/3", None, (None, None, None), "9")}
    ps = _rows(mig, "general_status", "general_status_id")
    assert {k: (v["value"], _date(v, "measure_date")) for k, v in ps.items()} == {
        "P001-PS1": (0.0, (2015, "03", "10")), "P002-PS2": (1.0, (2020, "01", "15"))}
    measures = _rows(mig, "measure", "measure_id")
    assert {k: (v["measure_type"], v["value"], v["unit"]) for k, v in measures.items()} == {
        "P002-G82": ("G8", 14.0, "{score}"), "P001-LAB4": ("HEMOGLOBIN", 12.5, "g/dL")}


def test_treatments(mig: OsirisV1Migration) -> None:
    drugs = _rows(mig, "drug_administration", "drug_administration_id")
    assert {k: (v["atc_code"], v["drug_name"], v["cancer_id"], v["clinical_trial"],
                _date(v, "administration_date")) for k, v in drugs.items()} == {
        "P001-DRUG1": ("L01CD01", "paclitaxel", "P001-C1", "N", (2015, "05", "01")),
        "P001-DRUG2": ("L01FD01", "trastuzumab", "P001-C1", "N", (2015, "05", "01")),
        "P002-DRUG1": ("L01XA01", "cisplatin", "P002-C1", "Y", (2020, "02", "01")),
        "P002-DRUG2": ("L01BA04", "pemetrexed", "P002-C1", "Y", (2020, "02", "01")),
        "P006-DRUG1": ("L01FA01", "rituximab", "P006-C1", None, (2018, "05", "01"))}
    assert {v["in_facility"] for v in drugs.values()} == {"IN"}
    surgery = _rows(mig, "surgery", "surgery_id")
    assert {k: (v["procedure_code"], v["cancer_id"], _date(v, "procedure_date"))
            for k, v in surgery.items()} == {
        "P001-S1": ("QEFA003", "P001-C1", (2015, "03", "25")),
        "P006-S2": (None, None, (2018, "06", "01"))}
    radiotherapy = mig.tables["radiotherapy"].to_pylist()
    assert [(r["radiotherapy_id"], r["technique_code"]) for r in radiotherapy] == [
        ("P001-RT4", "ZZNL050")]
    resection = _rows(mig, "observation", "observation_id")["P001-RESECTION1"]
    assert (resection["value"], resection["attached_table"]) == ("R0", "surgery")
    progression = mig.tables["progression"].to_pylist()
    assert [(p["progression_id"], p["cancer_id"], _date(p, "progression_date"))
            for p in progression] == [("P001-PROG2", "P001-C1", (2019, "05", "20"))]


def test_samples_and_biomarkers(mig: OsirisV1Migration) -> None:
    samples = _rows(mig, "sample", "sample_id")
    assert {k: (v["sample_type"], v["sample_nature"], v["sample_topography"], v["cancer_id"])
            for k, v in samples.items()} == {
        "HS-15-001": ("UNKNOWN", "TUMOR", "C50.4", "P001-C1"),
        "HS-20-002": ("UNKNOWN", "TUMOR", "C34.9", "P002-C1"),
        "HS-20-003": ("FLUID", "HEALTHY", None, "P002-C1")}
    markers = _rows(mig, "biomarker", "biomarker_id")
    got = {k: (v["biomarker_name"], v["biomarker_type"], v["status"], v["result_detail"],
               v["value_numeric"], v["unit"], v["technique"], v["sample_id"])
           for k, v in markers.items()}
    assert got == {
        "P001-BM1": ("ER", "TUMOR", "POSITIVE", "positif", None, None, None, "HS-15-001"),
        "P001-BM2": ("HER2", "TUMOR", None, "2+", None, None, None, "HS-15-001"),
        "P001-BM3": ("Ki-67", "TUMOR", None, None, 30.0, "%", None, "HS-15-001"),
        "P001-BM7": ("PR", "TUMOR", "NEGATIVE", "négatif", None, None, None, "HS-15-001"),
        "P002-VAR1": ("EGFR", "TUMOR", "POSITIVE", "p.L858R", None, None, "NGS", "HS-20-002"),
        "P002-VAR3": ("BRCA2", "GERMLINE", "POSITIVE", "p.S1982fs", None, None, "NGS",
                      "HS-20-002"),
        "P002-FUS1": ("ALK", "TUMOR", "POSITIVE", "EML4-ALK fusion", None, None, "NGS",
                      "HS-20-002"),
        "P002-CNV1": ("MET", "TUMOR", "POSITIVE", "amplification (8 copies)", None, None,
                      "NGS", "HS-20-002")}
    assert markers["P002-VAR1"]["biomarker_code"] == "69548-6"
    assert _date(markers["P001-BM1"], "result_date") == (2015, "03", "05")
    annotations = [o for o in mig.tables["observation"].to_pylist()
                   if o["observation_type"] == "OSIRIS_V1_ANNOTATION"]
    assert len(annotations) == 7
    assert "GenomeEntity_Symbol=EGFR" in annotations[0]["value"]


def test_family_history_and_comorbidities(mig: OsirisV1Migration) -> None:
    family = _rows(mig, "family_history", "family_history_id")
    assert {k: (v["topography"], v["relationship"]) for k, v in family.items()} == {
        "P001-FH1": ("C50.9", "MOTHER"), "P001-FH2": ("C18.9", None)}
    comorbidities = _rows(mig, "comorbidity", "comorbidity_id")
    assert {k: (v["code"], _date(v, "onset_date")) for k, v in comorbidities.items()} == {
        "P001-RP1": ("E11", (2010, "01", "01")), "P001-AE1": ("I10", (2015, "06", "01"))}


def test_anonymised_dates_read_day_15_as_unknown() -> None:
    m = read_osiris_v1(FIXTURES, site_id=SITE, today=TODAY, anonymised_dates=True)
    vital = _rows(m, "vital_status", "patient_id")
    assert _date(vital["P006"], "last_visit_date") == (2022, "01", "UN")
    assert _date(vital["P002"], "death_date") == (2021, "02", "UN")


# -- edge cases on small folders --------------------------------------------------------------


def _write(folder: Path, name: str, text: str) -> None:
    (folder / f"OSIRIS_pivot_{name}.csv").write_text(text, encoding="utf-8")


_PATIENT = ("Patient_Id,Instance_Id,Patient_Gender,Patient_Ethnicity,Patient_BirthDate,"
            "Patient_DeathDate,Patient_ProviderCenterId,Patient_OriginCenterId,"
            "Patient_CauseOfDeath,Patient_LastNewsDate,Patient_LastNewsStatus\n"
            "X1,1,HL7:F,,1970-01-01,,,,,2020-01-01,UMLS:C2584946\n")
_EVENT_HEADER = ("Patient_Id,Instance_Id,TumorPathologyEvent_ParentRef,TumorPathologyEvent_Type,"
                 "TumorPathologyEvent_StartDate,TumorPathologyEvent_DiagnosisDate,"
                 "TumorPathologyEvent_TopographyCode,TumorPathologyEvent_MorphologyCode\n")


def test_event_trees_cycles_second_primaries_and_orphans(tmp_path: Path) -> None:
    _write(tmp_path, "Patient", _PATIENT)
    _write(tmp_path, "TumorPathologyEvent", _EVENT_HEADER + (
        "X1,1,,UMLS:C1882062,2019-01-01,2019-01-05,C50.9,8500/3\n"   # neoplasm (top)
        "X1,2,1,UMLS:C0677930,2019-01-02,2019-01-06,C50.2,8500/3\n"  # its primary tumour
        "X1,3,1,UMLS:C0677930,2019-02-01,2019-02-01,C50.3,8500/3\n"  # a second primary under it
        "X1,4,5,UMLS:C0521158,2020-01-01,2020-01-01,C50.9,8500/3\n"  # 4 <-> 5: a cycle
        "X1,5,4,UMLS:C0521158,2020-01-01,2020-01-01,C50.9,8500/3\n"
        "X1,6,,UMLS:C0521158,2021-01-01,2021-01-01,C50.9,8500/3\n"   # orphan: the only cancer
        "X1,7,2,UMLS:C0439673,2021-01-01,2021-01-01,C50.9,8500/3\n"))  # unknown type under it
    m = read_osiris_v1(tmp_path, site_id=SITE)
    _check_contract(m)
    cancer = m.tables["cancer"].to_pylist()
    assert [(c["cancer_id"], c["topography"], c["laterality"]) for c in cancer] == [
        ("X1-C1", "C50.2", "UN")]
    assert [e["tumor_event_id"] for e in m.tables["tumor_event"].to_pylist()] == ["X1-E6"]
    assert {("TumorPathologyEvent", 3, "duplicate_primary"),
            ("TumorPathologyEvent", 4, "parent_cycle"),
            ("TumorPathologyEvent", 5, "parent_cycle"),
            ("TumorPathologyEvent", 7, "unknown_event_type")} <= _dropped(m)
    assert ("TumorPathologyEvent", 6, "TumorPathologyEvent_ParentRef", "recoded") in _notes(m)


def test_safety_net_quarantines_rows_the_validator_refuses(tmp_path: Path) -> None:
    _write(tmp_path, "Patient", _PATIENT)
    files, _ = read_pivot_folder(tmp_path, load_declarations())
    ledger = Ledger(files, SITE, {"site_id": SITE}, {})
    row = files["Patient"].rows[0]
    ledger.emit("patient", {"patient_id": "X1", "facility_finess": SITE, "sex": "?"}, row)
    tables, records, accounts = ledger.finish(["patient"])
    assert tables["patient"].num_rows == 0
    assert {r.rule for r in records if r.row == 1} >= {"value_set"}
    assert (accounts["Patient"].quarantined, accounts["Patient"].balanced) == (1, True)


def test_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="FINESS"):
        read_osiris_v1(FIXTURES, site_id="not-a-finess")
    with pytest.raises(ConfigError, match="not found"):
        read_osiris_v1(tmp_path / "absent", site_id=SITE)
    with pytest.raises(ConfigError, match="no OSIRIS v1 pivot file"):
        read_osiris_v1(tmp_path, site_id=SITE)


# -- the declarations ----------------------------------------------------------------------------

_VALUE_SETS = {
    "sex": "sex", "last_news_status": "vital_status", "laterality": "laterality",
    "tnm_type": "tnm_type", "relationship": "relationship", "boolean": "yes_no",
    "sample_type": "sample_type", "sample_nature": "sample_nature",
    "diagnosis_basis": "encr_basis", "technique": "biomarker_technique",
    "progression": "yes_no", "variant_status": "biomarker_status",
    "cnv_status": "biomarker_status", "biomarker_value": "biomarker_status",
    "biomarker_type": "biomarker_type", "catalogue_kind": "biomarker_type",
    "grade_type": "grade_type", "grade": "grade_value", "stage_type": "stage_type",
}


def _data_rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in (DATA_DIR / name).read_text("utf-8").splitlines()
             if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_value_maps_target_osiris_rwd_value_sets() -> None:
    d = load_dictionary()
    for row in _data_rows("value_maps.csv"):
        value_set = _VALUE_SETS.get(row["domain"].split(":")[0])
        if value_set and row["rwd"]:
            assert row["rwd"] in d.value_set(value_set).codes, row
        assert row["rule"] in ("", "recoded", "no_equivalent", "out_of_scope"), row
    assert load_declarations().maps.conflicts == []


def test_biomarker_codes_name_catalogue_biomarkers() -> None:
    for row in _data_rows("biomarker_codes.csv"):
        if row["target"] == "biomarker":
            marker = biomarker_by_name(row["name"])
            assert marker is not None and marker.name == row["name"], row
        assert row["target"] in ("biomarker", "measure", "out_of_scope"), row
        assert row["target"] != "out_of_scope" or row["note"], row


def test_no_meddra_term_is_shipped() -> None:
    text = "\n".join(p.read_text("utf-8") for p in DATA_DIR.iterdir())
    assert "MedDRA:" not in text and not re.search(r"\b100\d{5}\b", text)


def test_declared_files_match_the_reference_headers() -> None:
    decl = load_declarations()
    assert tuple(decl.files) == PIVOT_FILES
    if not REFERENCE.is_dir():
        pytest.skip("reference OSIRIS v1 pivot files not available")
    for name, spec in decl.files.items():
        header = (REFERENCE / f"OSIRIS_pivot_{name}.csv").read_text("utf-8").splitlines()[0]
        columns = [c.strip() for c in header.split(",")]
        assert [c for c in spec.columns if c not in spec.optional] == columns, name
        assert set(spec.not_migrated) <= set(spec.columns), name


def test_tables_are_arrow_tables(mig: OsirisV1Migration) -> None:
    assert all(isinstance(t, pa.Table) for t in mig.tables.values())
    assert all((p.file or "").startswith("OSIRIS_pivot_") for p in mig.problems())

"""A small hand-built site where every cohort variable has a value for at least one cancer.

- P1: breast cancer C1 (2020, HR+ HER2-low, adjuvant then metastatic; germline BRCA1) and a
  second primary, lung adenocarcinoma C2 (2023, EGFR ex19del then T790M, BRAF V600E, KRAS G12C,
  MET ex14, PD-L1 60 %, MSI-H), treated by chemo-immunotherapy then docetaxel-bevacizumab;
  P1 died in 2025.
- P2: metastatic prostate cancer C3 (2019, PSA 15.2) on leuprorelin + abiraterone.
- P3: objects to the reuse of their data (non_opposition = N): no cohort row.

The biomarker table is not validated: its HRD row is named 'HRD', which the closed biomarker
catalogue does not list yet (hrd_status could not be derived from store-valid rows otherwise).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from derive_factory import day, tables


def _people() -> dict[str, list[dict[str, Any]]]:
    return {
        "patient": [{"patient_id": "P1", "birth_date": "1961-05-20", "source_type": "1"},
                    {"patient_id": "P2", "sex": "M", "birth_date": "1950-02"},
                    {"patient_id": "P3", "birth_date": "1970"}],
        "non_opposition": [{"patient_id": "P1", "information_date": "2020-01-20"},
                           {"patient_id": "P2", "information": "N"},
                           {"patient_id": "P3", "non_opposition": "N"}],
        "vital_status": [{"patient_id": "P1", "vital_status": "1", "death_date": "2025-03-10",
                          "last_visit_date": "2025-02-01", "vital_status_source": "INSEE"},
                         {"patient_id": "P2", "last_contact_date": "2024-11-30"}],
        "risk_factor": [{"patient_id": "P1", "smoking": "Y", "alcohol": "N", "overweight": "UN",
                         "occupational_exposure": "N", "infectious_disease": "N",
                         "hormone": "Y"}],
        "family_history": [{"patient_id": "P1", "topography": "C50.9",
                            "relationship": "MOTHER"}],
        "comorbidity": [{"patient_id": "P1", "code": c, "onset_date": d} for c, d in (
            ("E11", "2015-01"), ("I10", "2012"), ("I50", "2019-06-01"), ("J44", "2018"),
            ("N18", "2020-02-10"), ("K70.3", "2016"), ("K74", "2017"), ("I21", "2010"),
            ("Z85", "2019"), ("B20", "2024-01-01"))],
        "general_status": [
            {"patient_id": "P1", "measure_type": t, "value": v, "measure_date": d}
            for t, v, d in (("PS", 1, "2020-01-10"), ("PS", 2, "2021-10-01"),
                            ("WEIGHT", 70, "2019-09-01"), ("WEIGHT", 64, "2020-01-20"),
                            ("HEIGHT", 165, "2018-05-01"), ("PS", 1, "2023-04-01"))],
    }


def _cancers() -> list[dict[str, Any]]:
    return [
        {"cancer_id": "C1", "patient_id": "P1", "cancer_order": 1, "diagnosis_date": "2020-01-15",
         "diagnosis_in_facility": "IN", "tnm_t": "T2", "tnm_n": "N1", "tnm_m": "0",
         "tnm_type": "p", "stage_type": "TNM", "stage": "II", "grade_type": "SBR", "grade": "2",
         "tumor_size_mm": 22.0},
        {"cancer_id": "C2", "patient_id": "P1", "cancer_order": 2, "diagnosis_date": "2023-03-20",
         "topography": "C34.1", "morphology": "8140/3", "laterality": "R", "stage": "IV",
         "source_type": "4"},
        {"cancer_id": "C3", "patient_id": "P2", "cancer_order": 1, "diagnosis_date": "2019-05",
         "topography": "C61.9", "morphology": "8140/3", "laterality": "NA", "tnm_m": "1",
         "diagnosis_in_facility": "OUT", "care_in_facility": "N"},
        {"cancer_id": "C4", "patient_id": "P3", "cancer_order": 1},
    ]


def _events() -> list[dict[str, Any]]:
    rows = [{"cancer_id": "C2", "event_type": "2", "metastasis_topography": t,
             "metastasis_date": "2023-03-25"}
            for t in ("C22.0", "C34.9", "C41.2", "C71.9", "C77.1", "C48.2")]
    rows += [{"cancer_id": "C1", "event_type": "1", "mention_date": "2021-05-02"},
             {"cancer_id": "C1", "event_type": "2", "metastasis_topography": "C41.2",
              "metastasis_date": "2021-09-15"},
             {"cancer_id": "C1", "event_type": "3", "diagnosis_date": "2022-01-10"},
             {"cancer_id": "C1", "event_type": "4", "mention_date": "2022-06-01",
              "morphology": "8500/3"}]
    return [{"patient_id": "P1", **r} for r in rows]


def _drugs() -> list[dict[str, Any]]:
    def course(cancer: str, start: str, codes: tuple[str, ...], n: int, every: int,
               **extra: Any) -> list[dict[str, Any]]:
        return [{"cancer_id": cancer, "atc_code": c, "administration_date": day(start, k * every),
                 **extra} for k in range(n) for c in codes]
    rows = (course("C1", "2020-02-10", ("L02BG04",), 12, 30)
            + course("C1", "2021-10-05", ("L02BG04", "L01EF01"), 6, 28, clinical_trial="Y")
            + course("C1", "2022-07-01", ("L01XK01",), 4, 30, early_access="Y")
            + course("C1", "2022-12-01", ("L01FD01",), 2, 21, in_facility="OUT")
            + course("C2", "2023-04-03", ("L01XA02", "L01BA04", "L01FF02", "A04AA01"), 4, 21)
            + course("C2", "2023-09-04", ("L01CD02", "L01FG01"), 4, 21)
            + course("C2", "2024-03-04", ("L01EB04",), 3, 30)
            + course("C2", "2024-06-03", ("L01FE01",), 2, 14)
            + [{"cancer_id": None, "atc_code": "L01BA04", "administration_date": "2023-04-24",
                "source_type": "4"}])
    rows += [{"patient_id": "P2", "cancer_id": "C3", "atc_code": c,
              "administration_date": day("2019-06-03", k * 30)}
             for k in range(6) for c in ("L02AE02", "L02BX03")]
    return [{"drug_administration_id": f"DA{i:04d}", "patient_id": "P1", **r}
            for i, r in enumerate(rows)]


def _biomarkers() -> list[dict[str, Any]]:
    c1 = [("85337-4", "IHC", "POSITIVE", "RE positifs 90 %", 90.0, "%", "2020-01-12", None),
          ("85339-0", "IHC", None, None, 0.0, "%", "2020-01-12", None),
          ("85319-2", "IHC", None, "score 2+", None, None, "2020-01-12", None),
          ("85318-4", "FISH", "NEGATIVE", "non amplifié", None, None, "2020-01-30", None),
          ("29593-1", "IHC", None, None, 25.0, "%", "2020-01-12", None),
          ("69548-6", "NGS", "POSITIVE", "BRCA1 pathogenic variant", None, None, "2020-03-01",
           "GERMLINE"),
          ("69548-6", "NGS", "NEGATIVE", "BRCA2 no pathogenic variant", None, None,
           "2020-03-01", "GERMLINE"),
          ("69548-6", "NGS", "POSITIVE", "GIS 52", 52.0, None, "2021-10-01", None),
          ("69548-6", "NGS", "POSITIVE", "PIK3CA H1047R", None, None, "2021-10-01", None)]
    c2 = [("69548-6", "NGS", "POSITIVE", "EGFR exon 19 deletion", None, None, "2023-03-22", None),
          ("69548-6", "NGS", "POSITIVE", "EGFR T790M", None, None, "2024-02-20", None),
          ("47303-3", "IHC", "NEGATIVE", "ALK negative", None, None, "2023-03-22", None),
          ("69548-6", "FISH", "NEGATIVE", "ROS1 no rearrangement", None, None, "2023-03-22", None),
          ("69548-6", "NGS", "POSITIVE", "BRAF V600E", None, None, "2023-03-22", None),
          ("69548-6", "NGS", "POSITIVE", "KRAS G12C", None, None, "2023-03-22", None),
          ("69548-6", "NGS", "NEGATIVE", "NRAS wild-type", None, None, "2023-03-22", None),
          ("69548-6", "NGS", "NEGATIVE", "NTRK1 no fusion", None, None, "2023-03-22", None),
          ("69548-6", "NGS", "POSITIVE", "MET exon 14 skipping", None, None, "2023-03-22", None),
          ("69548-6", "NGS", "NEGATIVE", "RET no fusion", None, None, "2023-03-22", None),
          ("83052-1", "IHC", "POSITIVE", "TPS 60 %", 60.0, "%", "2023-03-22", None),
          ("81695-9", "PCR", "POSITIVE", "MSI-H", None, None, "2023-03-22", None)]
    rows = [{"cancer_id": "C1", "patient_id": "P1", "x": x} for x in c1]
    rows += [{"cancer_id": "C2", "patient_id": "P1", "x": x} for x in c2]
    rows.append({"cancer_id": "C3", "patient_id": "P2",
                 "x": ("2857-1", "IMMUNOASSAY", "POSITIVE", None, 15.2, "ng/mL", "2019-04-20",
                       "SERUM")})
    keys = ("biomarker_code", "technique", "status", "result_detail", "value_numeric", "unit",
            "result_date", "biomarker_type")
    out = [{"cancer_id": r["cancer_id"], "patient_id": r["patient_id"],
            **dict(zip(keys, r["x"], strict=True))} for r in rows]
    for row in out:
        if str(row["result_detail"]).startswith("GIS"):
            row["biomarker_name"] = "HRD"  # not in the closed catalogue (yet): see module doc
    return out


def _care() -> dict[str, list[dict[str, Any]]]:
    p1 = {"patient_id": "P1", "cancer_id": "C1"}
    return {
        "surgery": [{**p1, "procedure_date": "2020-02-01", "procedure_code": "QEFA003"},
                    {"patient_id": "P1", "cancer_id": "C2", "procedure_date": "2023-03-30",
                     "procedure_code": "GFFA017", "procedure_group": "Lobectomie"}],
        "radiotherapy": [{**p1, "start_date": "2020-03-02", "technique_code": "ZZNL045",
                          "irradiated_topography": "C50.9", "rt_dataset_link": "rt://1"}],
        "progression": [{**p1, "progression_date": "2021-09-20"},
                        {"patient_id": "P1", "cancer_id": "C2", "progression_date": "2023-08-20"}],
        "imaging": [{**p1, "exam_date": "2020-01-05 10:30", "modality": "PT",
                     "dicom_study_link": "dicom://1"},
                    {**p1, "exam_date": "2021-09-15 08:00"}],
        "sample": [{**p1, "sample_id": "S1", "sampling_date": "2020-01-08",
                    "sample_nature": "TUMOR", "sample_topography": "C50.4",
                    "sample_type": "BIOPSY"},
                   {**p1, "sample_id": "S2", "sampling_date": "2020-02-01",
                    "sample_nature": "HEALTHY", "sample_type": "SURGICAL"},
                   {**p1, "sample_id": "S3", "sampling_date": "2021-10-01",
                    "sample_type": "FLUID"}],
    }


def rich_tables() -> dict[str, pa.Table]:
    """Every OSIRIS RWD table of the rich site, validated."""
    return tables(**_people(), cancer=_cancers(), tumor_event=_events(),
                  drug_administration=_drugs(), biomarker=_biomarkers(), **_care(),
                  unvalidated=("biomarker",))

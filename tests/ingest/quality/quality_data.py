"""A small hand-made site whose quality figures are known, with problems the store accepts.

Every value passes the store's validation (value sets, codes, references, nothing before birth
or certainly after death); the planted problems are the report's to find:

- patient P6 has no cancer (coverage); patient P5 is deceased without a death date
  (conditional completeness); P4's last visit is after his death;
- non_opposition.information_date is filled for 3 of 6 patients (50 %); cancer.tnm_m, mandatory
  in the guide, for 2 of 6 cancers (33.33 %); birth dates are known to the day for 4 patients,
  to the month for 1, to the year for 1;
- cancer C3 measures 350 mm and is metastatic (M1) with stage III; C5 is a prostate cancer of a
  woman;
- administrations D1 and D2 are the same record; D3 is given 201 days before its cancer's
  diagnosis; cancer C4 has lines 1 and 3 but no line 2;
- P1 weighs 70 kg for 100 cm (BMI 70); P4 has performance status 5; P3 is weighed after the
  data cut-off (2024-06-30, the latest vital-status update) and after his last news.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["ACCOUNTING", "QUARANTINE", "SITE", "load_versions", "site_tables", "table",
           "version_two", "write_run"]

SITE = "750000001"


def _parts(name: str, value: str | None) -> dict[str, Any]:
    if value is None:
        return {f"{name}_year": None, f"{name}_month": None, f"{name}_day": None}
    year, month, day = value.split("-")
    return {f"{name}_year": int(year), f"{name}_month": month, f"{name}_day": day}


def table(rows: list[dict[str, Any]], dates: tuple[str, ...] = ()) -> pa.Table:
    """Rows as an Arrow table; ``dates`` fields given as ``YYYY-MM-DD`` (``UN`` parts allowed)
    become their year/month/day columns."""
    expanded = []
    for row in rows:
        out = {k: v for k, v in row.items() if k not in dates}
        for d in dates:
            out.update(_parts(d, row.get(d)))
        expanded.append(out)
    columns = {k: [r.get(k) for r in expanded] for r in expanded for k in r}
    typed = {k: pa.array(v, pa.int16() if k.endswith("_year") else
                         pa.string() if k.endswith(("_month", "_day")) else None)
             for k, v in columns.items()}
    return pa.table(typed)


_PATIENTS = [("P1", "1950-03-10", "F"), ("P2", "1960-UN-UN", "M"), ("P3", "1970-05-UN", "F"),
             ("P4", "1945-01-01", "M"), ("P5", "1980-07-07", "F"), ("P6", "1955-02-02", "F"),
             ("P7", "1962-11-20", "F")]


def _patients(ids: list[str]) -> dict[str, pa.Table]:
    chosen = [p for p in _PATIENTS if p[0] in ids]
    info = {"P1": "2015-04-01", "P2": "2018-06-01", "P3": "2019-02-10"}
    dead = {"P4": "2020-06-01", "P5": None}
    return {
        "patient": table([{"patient_id": p, "facility_finess": SITE, "birth_date": b, "sex": s}
                          for p, b, s in chosen], ("birth_date",)),
        "non_opposition": table(
            [{"patient_id": p, "information": "Y", "non_opposition": "Y",
              "information_date": info.get(p)} for p, _, _ in chosen], ("information_date",)),
        "vital_status": table(
            [{"patient_id": p, "vital_status": "1" if p in dead else "0",
              "vital_status_source": "FACILITY", "update_date": "2024-06-30",
              "last_visit_date": "2021-01-01" if p == "P4" else "2023-01-15",
              "death_date": dead.get(p)} for p, _, _ in chosen],
            ("update_date", "last_visit_date", "death_date")),
    }


def _cancer(cid: str, pid: str, date: str, topo: str, morpho: str, stage: str,
            order: int = 1, **extra: Any) -> dict[str, Any]:
    return {"cancer_id": cid, "patient_id": pid, "cancer_order": order,
            "care_in_facility": "Y", "diagnosis_date": date, "diagnosis_method": "7",
            "topography": topo, "morphology": morpho, "laterality": "NA", "stage": stage,
            **extra}


_CANCERS = [
    _cancer("C1", "P1", "2015-04-01", "C50.9", "8500/3", "II", tumor_size_mm=25.0),
    _cancer("C2", "P2", "2018-UN-UN", "C61.9", "8140/3", "IV", tnm_m="1"),
    _cancer("C3", "P3", "2019-02-10", "C34.1", "8140/3", "III", tnm_m="1",
            tumor_size_mm=350.0),
    _cancer("C4", "P4", "2019-06-01", "C18.2", "8140/3", "I"),
    _cancer("C5", "P5", "2020-01-15", "C61.9", "8140/3", "UK"),
    _cancer("C6", "P1", "2021-03-03", "C18.2", "8140/3", "II", order=2),
    _cancer("C7", "P7", "2022-09-09", "C50.9", "8500/3", "IV"),
]


def _drug(did: str, pid: str, cid: str, atc: str, name: str, date: str,
          line: int = 1) -> dict[str, Any]:
    return {"drug_administration_id": did, "patient_id": pid, "cancer_id": cid,
            "atc_code": atc, "drug_name": name, "in_facility": "IN",
            "administration_date": date, "treatment_line": line}


_DRUGS = [
    _drug("D1", "P1", "C1", "L01CD01", "paclitaxel", "2015-05-01"),
    _drug("D2", "P1", "C1", "L01CD01", "paclitaxel", "2015-05-01"),
    _drug("D3", "P3", "C3", "L01FD01", "trastuzumab", "2018-07-24"),
    _drug("D4", "P4", "C4", "L01BC06", "capecitabine", "2019-07-01"),
    _drug("D5", "P1", "C6", "L01BC06", "capecitabine", "2021-04-01"),
    _drug("D6", "P4", "C4", "L01BC06", "capecitabine", "2019-08-01", line=3),
]

_MEASURES = [
    ("G1", "P1", "WEIGHT", 70.0, "2015-04-01"), ("G2", "P1", "HEIGHT", 100.0, "2015-04-01"),
    ("G3", "P3", "PS", 2.0, "2019-02-10"), ("G4", "P3", "WEIGHT", 60.0, "2019-02-10"),
    ("G5", "P3", "HEIGHT", 165.0, "2019-02-10"), ("G6", "P4", "PS", 5.0, "2019-06-01"),
    ("G7", "P3", "WEIGHT", 61.0, "2025-01-10"),
]


def site_tables(patients: tuple[str, ...] = ("P1", "P2", "P3", "P4", "P5", "P6")
                ) -> dict[str, pa.Table]:
    """Version 1 of the site (by default), or the site restricted to ``patients``."""
    ids = list(patients)
    tables = _patients(ids)
    tables["cancer"] = table([c for c in _CANCERS if c["patient_id"] in ids],
                             ("diagnosis_date",))
    tables["drug_administration"] = table([d for d in _DRUGS if d["patient_id"] in ids],
                                          ("administration_date",))
    tables["general_status"] = table(
        [{"general_status_id": g, "patient_id": p, "measure_type": t, "value": v,
          "measure_date": d} for g, p, t, v, d in _MEASURES if p in ids], ("measure_date",))
    return tables


def load_versions(url: str, *versions: dict[str, pa.Table]) -> str:
    """Load each table set as the next data version of the store at ``url``."""
    from oncorwd.store import open_store

    with open_store(url) as store:
        for tables in versions:
            store.load(tables, site_id=SITE)
    return url


def version_two() -> dict[str, pa.Table]:
    """Version 2: P6 (without cancer) leaves, P7 arrives with a stage IV breast cancer."""
    return site_tables(("P1", "P2", "P3", "P4", "P5", "P7"))


# --- an ingest run folder: accounting.json and quarantine.parquet with known content --------

ACCOUNTING: dict[str, Any] = {
    "site": {"site_id": "750000001", "name": "hand-made"},
    "version": {"version": 1}, "dry_run": False,
    "tables": [
        {"table": "patient", "input": 9, "loaded": 6, "quarantined": 3, "merged": 0},
        {"table": "cancer", "input": 8, "loaded": 6, "quarantined": 1, "merged": 0},
        {"table": "tumor_event", "input": 3, "loaded": 0, "quarantined": 1, "merged": 2},
    ],
    "sources": [{"source": "patients", "format": "csv", "files": ["patients.csv"],
                 "rows": 9, "malformed": 1, "details": {}}],
    "notes": ["sex: 1 value mapped by default"],
}

QUARANTINE = pa.table({
    "table": ["patient", "patient", "patient", "cancer", None],
    "source": ["patients"] * 3 + ["cancers", "patients"],
    "file": ["patients.csv"] * 3 + ["cancers.csv", "patients.csv"],
    "row": pa.array([3, 5, 7, 2, 9], pa.int64()),
    "column": ["SEXE", "SEXE", "DATE_NAISS", "TOPO", None],
    "field": ["sex", "sex", "birth_date", "topography", None],
    "value": ["X", "X", "31/02/1950", "C99.9", "a;b;c"],
    "rule": ["value_map", "value_map", "date_parts", "code", "malformed"],
    "message": ["no mapping for 'X'"] * 2 + ["not a date", "unknown code", "3 fields"],
    "step": ["map"] * 3 + ["code", "read"],
})


def write_run(folder: Path, document: dict[str, Any] | None = ACCOUNTING,
              quarantine: pa.Table | None = QUARANTINE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if document is not None:
        (folder / "accounting.json").write_bytes(orjson.dumps(document))
    if quarantine is not None:
        pq.write_table(quarantine, folder / "quarantine.parquet")
    return folder

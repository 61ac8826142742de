"""Small, valid OSIRIS RWD tables for the store tests, built with numpy (fast at 100k rows).

Every value passes ``prepare_batch`` and the cross-table rules: real codes (ICD-O-3, ATC, DICOM,
LOINC), references to existing patients and cancers, partial dates with ``UN`` parts, dates in
order (birth < diagnosis < treatment < death, none in the future). ``variant`` changes values
(not keys) so two loads differ.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["SITE", "site_tables", "write_parquet"]

SITE = "750000001"

_TOPO = np.array(["C50.9", "C34.1", "C18.2"])
_MORPHO = np.array(["8500/3", "8140/3", "8140/3"])
_ATC = np.array(["L01BC06", "L01CD01", "L01FD01"])
_DRUG = np.array(["capecitabine", "paclitaxel", "trastuzumab"])


def _ids(prefix: str, n: int, start: int = 0) -> pa.Array:
    return pa.array(np.char.add(prefix, np.arange(start, start + n).astype(str)))


def _choice(rng: np.random.Generator, values: list[str] | np.ndarray, n: int) -> pa.Array:
    return pa.array(np.asarray(values)[rng.integers(0, len(values), n)])


def _parts(rng: np.random.Generator, years: np.ndarray, unknown_day: float = 0.3,
           unknown_month: float = 0.1) -> dict[str, pa.Array]:
    """Partial date parts: month ``UN`` (then day ``UN``) or day ``UN`` at the given rates."""
    n = len(years)
    month = np.char.zfill(rng.integers(1, 13, n).astype(str), 2)
    day = np.char.zfill(rng.integers(1, 29, n).astype(str), 2)
    no_month = rng.random(n) < unknown_month
    no_day = no_month | (rng.random(n) < unknown_day)
    return {"year": pa.array(years.astype(np.int16)),
            "month": pa.array(np.where(no_month, "UN", month)),
            "day": pa.array(np.where(no_day, "UN", day))}


def _date(name: str, parts: dict[str, pa.Array]) -> dict[str, pa.Array]:
    return {f"{name}_{k}": v for k, v in parts.items()}


def _patients(rng: np.random.Generator, n: int) -> dict[str, pa.Table]:
    pid = _ids("P", n)
    births = _parts(rng, rng.integers(1930, 1975, n), unknown_day=0.5, unknown_month=0.2)
    alive = rng.random(n) < 0.7
    dead = pa.array(~alive)
    death = {k: pc.if_else(dead, v, pa.scalar(None, v.type))
             for k, v in _parts(rng, np.full(n, 2024)).items()}
    return {
        "patient": pa.table({"patient_id": pid, "facility_finess": pa.array([SITE] * n),
                             **_date("birth_date", births), "sex": _choice(rng, ["F", "M"], n)}),
        "non_opposition": pa.table({"patient_id": pid, "information": pa.array(["Y"] * n),
                                    "non_opposition": _choice(rng, ["Y", "Y", "N"], n)}),
        "risk_factor": pa.table({"patient_id": pid,
                                 "smoking": _choice(rng, ["Y", "N", "UN"], n),
                                 "alcohol": _choice(rng, ["Y", "N", "UN"], n)}),
        "vital_status": pa.table({
            "patient_id": pid, "vital_status": pa.array(np.where(alive, "0", "1")),
            "vital_status_source": _choice(rng, ["INSEE", "FACILITY"], n),
            **_date("last_visit_date", _parts(rng, np.full(n, 2023))),
            **_date("death_date", death)}),
    }


def _cancers(rng: np.random.Generator, n: int) -> pa.Table:
    kind = rng.integers(0, len(_TOPO), n)
    size = np.round(rng.uniform(2, 80, n), 1)
    return pa.table({
        "cancer_id": _ids("C", n), "patient_id": _ids("P", n),
        "cancer_order": pa.array(np.ones(n, dtype=np.int32)),
        "care_in_facility": pa.array(["Y"] * n),
        **_date("diagnosis_date", _parts(rng, rng.integers(2015, 2021, n))),
        "diagnosis_method": pa.array(["7"] * n),
        "topography": pa.array(_TOPO[kind]), "morphology": pa.array(_MORPHO[kind]),
        "laterality": _choice(rng, ["L", "R", "NA"], n),
        "tumor_size_mm": pa.array(np.where(rng.random(n) < 0.2, np.nan, size),
                                  from_pandas=True),
        "tnm_m": _choice(rng, ["0", "1"], n),
    })


def _drugs(rng: np.random.Generator, n_patients: int, per_patient: int) -> pa.Table:
    n = n_patients * per_patient
    owner = np.repeat(np.arange(n_patients), per_patient)
    kind = rng.integers(0, len(_ATC), n)
    return pa.table({
        "drug_administration_id": _ids("D", n),
        "patient_id": pa.array(np.char.add("P", owner.astype(str))),
        "cancer_id": pa.array(np.char.add("C", owner.astype(str))),
        "atc_code": pa.array(_ATC[kind]), "drug_name": pa.array(_DRUG[kind]),
        "in_facility": pa.array(["IN"] * n),
        **_date("administration_date", _parts(rng, np.full(n, 2022), unknown_day=0.4)),
        "treatment_line": pa.array(rng.integers(1, 4, n).astype(np.int32)),
        "source_type": pa.array(["1"] * n),
    })


def _imaging(rng: np.random.Generator, n: int) -> pa.Table:
    hours = np.char.zfill(rng.integers(7, 19, n).astype(str), 2)
    return pa.table({
        "imaging_id": _ids("I", n), "patient_id": _ids("P", n),
        **_date("exam_date", _parts(rng, np.full(n, 2021), unknown_day=0.0, unknown_month=0.0)),
        "exam_date_time": pa.array(np.char.add(hours, ":30")),
        "modality": _choice(rng, ["CT", "MR"], n), "source_type": pa.array(["1"] * n),
    })


def _biomarkers(rng: np.random.Generator, n: int) -> pa.Table:
    return pa.table({
        "biomarker_id": _ids("B", n), "patient_id": _ids("P", n), "cancer_id": _ids("C", n),
        "biomarker_name": pa.array(["ER"] * n), "biomarker_code": pa.array(["16112-5"] * n),
        "status": _choice(rng, ["POSITIVE", "NEGATIVE"], n),
        "value_numeric": pa.array([[0.1, 12.345, None, 1e-7][i % 4] for i in range(n)]),
    })


def site_tables(n_patients: int = 20, *, variant: int = 0,
                drugs_per_patient: int = 3) -> dict[str, pa.Table]:
    """A consistent site: ``n_patients`` patients, one cancer each, drugs, imaging, markers."""
    rng = np.random.default_rng(1000 + variant)
    tables = _patients(rng, n_patients)
    tables["cancer"] = _cancers(rng, n_patients)
    tables["drug_administration"] = _drugs(rng, n_patients, drugs_per_patient)
    few = min(n_patients, 50)
    tables["imaging"] = _imaging(rng, few)
    tables["biomarker"] = _biomarkers(rng, few)
    return tables


def write_parquet(tables: dict[str, pa.Table], folder: Path, row_group: int = 10_000
                  ) -> dict[str, Path]:
    """Each table as ``<folder>/<name>.parquet``; returns the paths ``Store.load`` accepts."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, table in tables.items():
        out[name] = folder / f"{name}.parquet"
        pq.write_table(table, out[name], row_group_size=row_group)
    return out

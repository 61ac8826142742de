"""A small random population (numpy, seeded) for comparing derive with independent code.

Patients with partial birth dates, one or two cancers of different sites (no multiple-primary
merge), stages in several systems, metastases around diagnosis, ER results, treatment courses
(switches, drops, additions inside and after the regimen window, pauses, cisplatin/carboplatin
swaps, supportive drugs, pre-2022 ATC codes, rows without cancer_id), progressions and deaths.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
from derive_factory import tables

_SITES = [("C50.4", "8500/3", "L"), ("C18.7", "8140/3", "NA"), ("C34.1", "8070/3", "R"),
          ("C61.9", "8140/3", "NA"), ("C64.9", "8310/3", "L")]
_DRUGS = ["L01XA01", "L01XA02", "L01BC02", "L01CE02", "L01CD02", "L01FF02", "L01XC18",
          "L01BA04", "L02BG04", "L01EF01", "L01FD01", "V03AF03", "A04AA01"]
_STAGES = [None, "0", "I", "II", "III", "IV", "UK"]
_STAGE_TYPES = [None, "TNM", "UK", "FIGO", "ANN_ARBOR"]


def _text(d: dt.date, precision: str = "D") -> str:
    return {"D": d.isoformat(), "M": d.isoformat()[:7], "Y": str(d.year)}[precision]


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (
            "patient", "vital_status", "cancer", "tumor_event", "biomarker",
            "drug_administration", "progression")}

    def pick(self, values: list[Any]) -> Any:
        return values[int(self.rng.integers(len(values)))]

    def day(self, start: dt.date, low: int, high: int) -> dt.date:
        return start + dt.timedelta(days=int(self.rng.integers(low, high)))

    def patient(self, i: int) -> None:
        pid = f"P{i:05d}"
        birth = self.day(dt.date(1930, 1, 1), 0, 60 * 365)
        self.rows["patient"].append({"patient_id": pid, "birth_date": _text(
            birth, self.pick(["D", "D", "D", "M", "Y"]))})
        first = self.day(dt.date(2012, 1, 1), 0, 8 * 365)
        sites = self.rng.permutation(len(_SITES))[: self.pick([1, 1, 1, 2])]
        last = first
        for k, s in enumerate(sites):
            dx = first if k == 0 else self.day(first, -3000, 1500)
            dx = min(dx, dt.date(2023, 6, 1))
            last = max(last, self.cancer(pid, f"{pid}-C{k}", _SITES[s], dx))
        self.vital(pid, last)

    def cancer(self, pid: str, cid: str, site: tuple[str, str, str], dx: dt.date) -> dt.date:
        topo, morph, lat = site
        self.rows["cancer"].append({
            "cancer_id": cid, "patient_id": pid, "topography": topo, "morphology": morph,
            "laterality": lat, "diagnosis_date": _text(dx, self.pick(["D"] * 6 + ["M", "Y"])),
            "cancer_order": None, "stage": self.pick(_STAGES),
            "stage_type": self.pick(_STAGE_TYPES), "tnm_m": self.pick([None, None, "0", "1"])})
        self.events(pid, cid, dx)
        self.er(pid, cid, dx)
        return self.treatment(pid, cid, dx)

    def events(self, pid: str, cid: str, dx: dt.date) -> None:
        for _ in range(self.pick([0, 0, 1, 2])):
            field = self.pick(["mention_date", "metastasis_date", "diagnosis_date"])
            self.rows["tumor_event"].append({
                "patient_id": pid, "cancer_id": cid, "event_type": self.pick(["2", "2", "1"]),
                field: self.day(dx, -30, 400).isoformat(),
                "metastasis_topography": self.pick([None, "C22.0", "C34.1", "C41.2"])})

    def er(self, pid: str, cid: str, dx: dt.date) -> None:
        for _ in range(self.pick([0, 0, 1, 2, 3])):
            value = self.pick([None, 0.0, 0.5, 5.0, 80.0])
            self.rows["biomarker"].append({
                "patient_id": pid, "cancer_id": cid, "biomarker_code": "85337-4",
                "status": self.pick([None, None, "POSITIVE", "NEGATIVE", "NON_CONTRIBUTIVE",
                                     "MISSING"]),
                "value_numeric": value, "unit": "%",
                "result_date": self.pick([None, self.day(dx, -60, 60).isoformat()])})

    def treatment(self, pid: str, cid: str, dx: dt.date) -> dt.date:
        start, last = self.day(dx, 5, 60), dx
        for _ in range(self.pick([0, 1, 1, 2, 3])):
            regimen = list(self.rng.choice(_DRUGS, size=self.pick([1, 2, 3]), replace=False))
            added = self.pick([None, 14, 35])
            extra = self.pick(_DRUGS)
            for c in range(self.pick([2, 4, 6, 10])):
                when = start + dt.timedelta(days=21 * c)
                codes = regimen[: 1 if c > 3 and self.rng.random() < 0.3 else None]
                if added is not None and 21 * c >= added:
                    codes = [*codes, extra]
                for code in codes:
                    code = "L01XA02" if code == "L01XA01" and c > 2 else code
                    self.drug(pid, cid, when, code)
                last = max(last, when)
            if self.rng.random() < 0.3:
                p = self.day(last, -30, 40)
                self.rows["progression"].append({"patient_id": pid, "cancer_id": cid,
                                                 "progression_date": p.isoformat()})
            start = self.day(last, 10, 260)
        return last

    def drug(self, pid: str, cid: str, when: dt.date, code: str) -> None:
        self.rows["drug_administration"].append({
            "patient_id": pid, "cancer_id": None if self.rng.random() < 0.1 else cid,
            "atc_code": code, "administration_date": when.isoformat()})

    def vital(self, pid: str, last: dt.date) -> None:
        seen = self.day(last, 0, 400)
        dead = self.rng.random() < 0.35
        row = {"patient_id": pid, "vital_status": "1" if dead else "0",
               "last_visit_date": seen.isoformat(),
               "last_contact_date": self.pick([None, self.day(seen, -100, 100).isoformat()])}
        if dead:
            row["death_date"] = self.pick([None, self.day(seen, 0, 200).isoformat()])
        self.rows["vital_status"].append(row)


def population(n: int, seed: int = 7) -> dict[str, pa.Table]:
    """``n`` random patients as validated OSIRIS RWD tables (cancer_order left to derive)."""
    b = _Builder(seed)
    for i in range(n):
        b.patient(i)
    for i, r in enumerate(b.rows["drug_administration"]):
        r["drug_administration_id"] = f"DA{i:07d}"
    cancer = b.rows.pop("cancer")
    out = tables(**b.rows)
    out.update(tables(validate=False, cancer=cancer))
    return out

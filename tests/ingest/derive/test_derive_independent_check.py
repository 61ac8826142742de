"""Independent check: a few variables recomputed with plain pandas/Python from the same input
tables, by a direct reading of their derivation texts (lines of therapy by forward simulation of
the rules, administration by administration), compared with derive's SQL on a few hundred random
patients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from derive_factory import REFERENCE
from derive_population import population

from oncorwd.ingest.derive import DeriveParams, DeriveResult, derive_tables
from oncorwd.terminology import atc_current, is_antineoplastic


@pytest.fixture(scope="module")
def inputs() -> dict[str, pd.DataFrame]:
    return {k: v.to_pandas() for k, v in population(400, seed=11).items()}


@pytest.fixture(scope="module")
def result(inputs: dict[str, pd.DataFrame]) -> DeriveResult:
    import pyarrow as pa
    return derive_tables({k: pa.Table.from_pandas(v, preserve_index=False)
                          for k, v in inputs.items()}, reference_date=REFERENCE)


@pytest.fixture(scope="module")
def derived(result: DeriveResult) -> pd.DataFrame:
    return result.cohort_variables.to_pandas().set_index("cancer_id")


def _date(v: Any) -> dt.date | None:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).date()


def _cancers(inputs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    c = inputs["cancer"].copy()
    c["dx"] = c["diagnosis_date"].map(_date)
    c["order"] = (c.assign(k=c["dx"].map(lambda d: d or dt.date.max))
                  .sort_values(["patient_id", "k", "cancer_id"])
                  .groupby("patient_id").cumcount() + 1)
    return c.set_index("cancer_id")


def _attribute(row: Any, cancers: pd.DataFrame, day: dt.date | None) -> str:
    if row.cancer_id is not None and not pd.isna(row.cancer_id):
        return str(row.cancer_id)
    own = cancers[cancers.patient_id == row.patient_id].sort_values("order")
    before = own[own.dx.map(lambda d: d is not None and day is not None and d <= day)]
    if len(before):
        latest = max(before.dx)
        return str(before[before.dx == latest].index[0])
    return str(own.index[0])


def _age(birth: dt.date | None, dx: dt.date | None) -> int | None:
    if birth is None or dx is None:
        return None
    age = dx.year - birth.year - ((dx.month, dx.day) < (birth.month, birth.day))
    return age if age >= 0 else None


def test_age_at_diagnosis_and_stage(inputs: dict[str, pd.DataFrame],
                                    derived: pd.DataFrame) -> None:
    cancers = _cancers(inputs)
    births = inputs["patient"].set_index("patient_id")["birth_date"].map(_date)
    for cid, c in cancers.iterrows():
        expected_age = _age(births[c.patient_id], c.dx)
        got = derived.loc[cid, "age_at_diagnosis"]
        assert (None if pd.isna(got) else int(got)) == expected_age, cid
        stage = derived.loc[cid, "stage_group"]
        assert (None if pd.isna(stage) else stage) == (None if pd.isna(c.stage) else c.stage)


def _metastatic(c: Any, events: pd.DataFrame) -> bool | None:
    staged = c.stage_type is None or pd.isna(c.stage_type) or c.stage_type in ("TNM", "FIGO",
                                                                                "UK")
    mine = events[(events.cancer_id == c.name) & (events.event_type == "2")]
    early = any(d is not None and c.dx is not None and d <= c.dx + dt.timedelta(days=90)
                for d in mine.day)
    if c.tnm_m == "1" or (c.stage == "IV" and staged) or early:
        return True
    if c.tnm_m == "0" or (c.stage in ("0", "I", "II", "III") and staged):
        return False
    return None


def test_metastatic_at_diagnosis(inputs: dict[str, pd.DataFrame], derived: pd.DataFrame) -> None:
    cancers = _cancers(inputs)
    ev = inputs["tumor_event"].copy()
    ev["day"] = [min((d for d in map(_date, r) if d is not None), default=None)
                 for r in ev[["mention_date", "diagnosis_date", "metastasis_date"]].itertuples(
                     index=False)]
    for cid, c in cancers.iterrows():
        got = derived.loc[cid, "metastatic_at_diagnosis"]
        assert (None if pd.isna(got) else bool(got)) == _metastatic(c, ev), cid


def _er_row(r: Any) -> str:
    if r.status == "POSITIVE" or (pd.isna(r.status) and r.value_numeric >= 1):
        return "POSITIVE"
    if r.status == "NEGATIVE" or (pd.isna(r.status) and r.value_numeric < 1):
        return "NEGATIVE"
    return "MISSING" if pd.isna(r.status) else str(r.status)


def _er(rows: pd.DataFrame, dx: dt.date | None) -> str | None:
    if rows.empty:
        return None
    statuses = [(_er_row(r), _date(r.result_date)) for r in rows.itertuples()]
    good = [(abs((d - dx).days) if d and dx else 10**9, s != "POSITIVE", s)
            for s, d in statuses if s in ("POSITIVE", "NEGATIVE")]
    if good:
        return min(good)[2]
    return "NON_CONTRIBUTIVE" if any(s == "NON_CONTRIBUTIVE" for s, _ in statuses) else "MISSING"


def test_er_status(inputs: dict[str, pd.DataFrame], derived: pd.DataFrame) -> None:
    cancers = _cancers(inputs)
    er = inputs["biomarker"]
    for cid, c in cancers.iterrows():
        got = derived.loc[cid, "er_status"]
        assert (None if pd.isna(got) else got) == _er(er[er.cancer_id == cid], c.dx), cid


def _lines(days: list[tuple[dt.date, frozenset[str]]], progressions: list[dt.date],
           p: DeriveParams) -> int:
    """Forward simulation of the documented line rules; returns the number of lines."""
    line, start, regimen, prev = 0, None, set(), None
    for day, classes in days:
        restart = prev is not None and (
            (p.new_line_after_gap and (day - prev).days > p.gap_days)
            or (p.new_line_after_progression and (day - prev).days > p.progression_restart_days
                and any(prev <= q <= day for q in progressions)))
        late = start is not None and (day - start).days > p.window_days
        if start is None or restart or (late and classes - regimen):
            line, start, regimen = line + 1, day, set(classes)
        elif not late:
            regimen |= classes
        prev = day
    return line


def test_number_of_lines(inputs: dict[str, pd.DataFrame], derived: pd.DataFrame) -> None:
    p = DeriveParams()
    equivalent = {c: g[0] for g in p.equivalent_drugs for c in g}
    cancers = _cancers(inputs)
    drugs = inputs["drug_administration"].copy()
    drugs["day"] = drugs.administration_date.map(_date)
    drugs["cancer"] = [_attribute(r, cancers, r.day) for r in drugs.itertuples()]
    drugs["cls"] = drugs.atc_code.map(lambda c: equivalent.get(atc_current(c), atc_current(c)))
    drugs = drugs[drugs.atc_code.map(is_antineoplastic)]
    prog = inputs["progression"]
    for cid in cancers.index:
        mine = drugs[drugs.cancer == cid]
        days = [(d, frozenset(g.cls)) for d, g in mine.groupby("day")]
        q = [_date(x) for x in prog[(prog.cancer_id == cid) & (prog.progression == "Y")]
             .progression_date]
        assert derived.loc[cid, "n_lines"] == _lines(sorted(days), q, p), cid


def test_overall_survival(inputs: dict[str, pd.DataFrame], derived: pd.DataFrame) -> None:
    cancers = _cancers(inputs)
    vs = inputs["vital_status"].set_index("patient_id")
    seen: dict[str, list[dt.date]] = {}
    sources = [("drug_administration", ["administration_date"]),
               ("biomarker", ["result_date"]), ("progression", ["progression_date"]),
               ("tumor_event", ["mention_date", "diagnosis_date", "metastasis_date"]),
               ("vital_status", ["last_visit_date", "last_contact_date"])]
    for table, cols in sources:
        for r in inputs[table].itertuples():
            seen.setdefault(r.patient_id, []).extend(
                d for d in (_date(getattr(r, c)) for c in cols) if d)
    for cid, c in cancers.iterrows():
        v = vs.loc[c.patient_id]
        death = _date(v.death_date) if v.vital_status == "1" else None
        alive = min(d for d in (max(seen[c.patient_id]), death, REFERENCE) if d)
        end = death if v.vital_status == "1" else alive
        days = (end - c.dx).days if end and c.dx else None
        days = days if days is not None and days >= 0 else None
        event = None if days is None else bool(v.vital_status == "1" and death is not None)
        got_days, got_event = derived.loc[cid, "os_days"], derived.loc[cid, "os_event"]
        assert (None if pd.isna(got_days) else int(got_days)) == days, cid
        assert (None if pd.isna(got_event) else bool(got_event)) == event, cid

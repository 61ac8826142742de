"""Treatment tables: surgery, drug_administration and radiotherapy."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.synth.arrow import codes, numbers
from oncorwd.synth.draw import uniform_days
from oncorwd.synth.state import Block
from oncorwd.synth.therapy import drug_rows, schedules

__all__ = ["drug_administration", "radiotherapy", "surgery"]


def _second_surgeries(b: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Surgery of second primaries treated in the facility (patient, slot, day)."""
    s, rng, cat = b.second, b.rng("second"), b.cat
    p_surg = cat.surgery_p[s.cancer, s.stage] * (s.diag > b.pop.diag[s.patient])
    day = s.diag + uniform_days(rng, 10, 50, s.n)
    keep = (rng.random(s.n) < p_surg) & (day < b.end[s.patient]) & ~cat.surgery.empty[s.cancer]
    return s.patient[keep], s.cancer[keep], day[keep]


def surgery(b: Block) -> pa.Table:
    """Index-cancer surgery (curative pathway) and surgery of later second primaries. A
    procedure whose CCAM code is not in the shipped subset is recorded from the operative
    report (NLP, source type 4) with its group only; outside procedures mostly lack the code."""
    cat, e, rng, tl = b.cat, b.emit, b.rng("therapy"), b.tl
    idx = np.flatnonzero(tl.surgery >= 0)
    sp, sc, sday = _second_surgeries(b)
    p = np.r_[idx, sp]
    cancer_type = np.r_[b.pop.cancer[idx], sc]
    day = np.r_[tl.surgery[idx], sday]
    slot = np.r_[np.ones(len(idx), np.int64), np.full(len(sp), 2)]
    order = np.lexsort((day, p))
    p, cancer_type, day, slot = p[order], cancer_type[order], day[order], slot[order]
    n = len(p)
    option = cat.surgery.draw(rng, cancer_type)
    code = cat.surgery_code[option]
    inside = rng.random(n) < 0.88
    no_code = (code < 0) | (~inside & (rng.random(n) < 0.6))
    source = np.where(inside, np.where(code < 0, 3, np.where(rng.random(n) < 0.93, 0, 1)),
                      np.where(rng.random(n) < 0.4, 2, 4))
    cols = {"surgery_id": e.ids("SU", p), "patient_id": e.patient(p),
            "cancer_id": e.cancer(p, slot),
            "procedure_group": codes(cat.labels.array, cat.surgery_group[option]),
            "procedure_code": codes(cat.ccam.array, np.maximum(code, 0), no_code),
            "in_facility": e.in_out(inside),
            "source_type": codes(pa.array(["1", "2", "3", "4", "5"]), source)}
    cols |= e.dates("procedure_date", day, "structured")
    if (~inside).any():
        outside = e.dates("procedure_date", day, "outside")
        for k, v in outside.items():
            cols[k] = pc.if_else(pa.array(inside), cols[k], v)
    b.saw(p[inside], day[inside])
    return e.table("surgery", cols, n)


def drug_administration(b: Block) -> pa.Table:
    """One row per administration (oral drugs: one per 28-day prescription)."""
    e, rng = b.emit, b.rng("therapy")
    rows = drug_rows(rng, b.tl.courses)
    s = schedules()
    n, p = len(rows.patient), rows.patient
    oral = s.oral[rows.drug]
    inside = rng.random(n) < np.where(oral, 0.35, 0.96)
    drug_name = s.drugs.array
    atc_of_drug = s.atc.indices([code for code, _ in b.cat.params.regimens.drugs.values()])
    cols = {"drug_administration_id": e.ids("DA", p, 4), "patient_id": e.patient(p),
            "cancer_id": e.cancer(p), "atc_code": codes(s.atc.array, atc_of_drug[rows.drug]),
            "drug_name": codes(drug_name, rows.drug), "in_facility": e.in_out(inside),
            "clinical_trial": e.yes(rows.trial, e.missing(n, 0.5)),
            "early_access": e.yes(rows.early, e.missing(n, 0.5)),
            "treatment_line": numbers(rows.line.astype(np.int32), pa.int32()),
            "source_type": e.source([90, 5, 2, 3, 0], n)}
    cols |= e.dates("administration_date", rows.day, "structured")
    b.saw(p[inside], rows.day[inside])
    return e.table("drug_administration", cols, n)


def _palliative(b: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Palliative courses at the start of advanced lines (solid cancers), aimed at a
    metastatic site; consolidation of early lymphomas after first-line treatment."""
    tl, rng, cat = b.tl, b.rng("therapy"), b.cat
    lp = tl.line_patient
    solid = ~cat.haem[b.pop.cancer[lp]]
    day = tl.line_start + uniform_days(rng, 0, 60, len(lp))
    p_rt = np.where(solid, 0.22, cat.rt_p[b.pop.cancer[lp], b.pop.stage[lp]]) * (tl.line_k == 1)
    p_rt = np.where(solid, 0.22 / tl.line_k, p_rt)
    day = np.where(solid, day, tl.line_start + uniform_days(rng, 120, 180, len(lp)))
    keep = (rng.random(len(lp)) < p_rt) & (day < b.end[lp])
    target = np.where(solid, cat.metastasis.draw(rng, b.pop.cancer[lp]), b.index.topo[lp])
    return lp[keep], day[keep], target[keep]


def radiotherapy(b: Block) -> pa.Table:
    cat, e, rng, tl = b.cat, b.emit, b.rng("therapy"), b.tl
    cur = np.flatnonzero(tl.rt_day >= 0)
    pal_p, pal_day, pal_topo = _palliative(b)
    p = np.r_[cur, pal_p]
    day = np.r_[tl.rt_day[cur], pal_day]
    topo = np.r_[b.index.topo[cur], pal_topo]
    order = np.lexsort((day, p))
    p, day, topo = p[order], day[order], topo[order]
    n = len(p)
    technique = cat.radiotherapy.draw(rng, b.pop.cancer[p])
    brain = topo == cat.topo.index("C71.9")
    technique = np.where(brain & (rng.random(n) < 0.6), cat.ccam.index("ZZNL049"), technique)
    inside = rng.random(n) < 0.8
    ids = e.ids("RT", p)
    link = pc.binary_join_element_wise("RTPLAN:", ids, "")
    cols = {"radiotherapy_id": ids, "patient_id": e.patient(p), "cancer_id": e.cancer(p),
            "technique_code": codes(cat.ccam.array, technique),
            "irradiated_topography": codes(cat.topo.array, topo, e.missing(n)),
            "in_facility": e.in_out(inside, e.missing(n, 0.5)),
            "rt_dataset_link": pc.if_else(pa.array(inside & (rng.random(n) < 0.6)), link,
                                          pa.scalar(None, pa.string())),
            "source_type": e.source([88, 5, 3, 4, 0], n)}
    cols |= e.dates("start_date", day, "structured")
    b.saw(p[inside], day[inside])
    return e.table("radiotherapy", cols, n)

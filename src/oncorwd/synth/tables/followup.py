"""Follow-up tables: general_status (PS, weight, height over time) and imaging."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.synth.arrow import codes, numbers, vocabulary
from oncorwd.synth.draw import expand, uniform_days
from oncorwd.synth.state import Block

__all__ = ["general_status", "imaging"]

MEASURES = vocabulary(["PS", "WEIGHT", "HEIGHT"])
TIMES = vocabulary([f"{h:02d}:{m:02d}" for h in range(7, 20) for m in range(0, 60, 5)])


def _moments(b: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(patient, day, step): diagnosis (step 0), recurrence, and each advanced line start."""
    tl, pop = b.tl, b.pop
    rec = np.flatnonzero(tl.recurrence >= 0)
    p = np.r_[np.arange(b.n), rec, tl.line_patient]
    day = np.r_[pop.diag + uniform_days(b.rng("events"), 0, 14, b.n), tl.recurrence[rec],
                tl.line_start]
    step = np.r_[np.zeros(b.n, np.int64), np.ones(len(rec), np.int64), tl.line_k]
    day = np.minimum(day, b.end[p])
    order = np.lexsort((day, p))
    return p[order], day[order], step[order]


def general_status(b: Block) -> pa.Table:
    """PS at diagnosis worsening with each line; weight falling with each line; height once."""
    rng, e, cat = b.rng("events"), b.emit, b.cat
    anthro = cat.params.background["anthropometry"]
    p, day, step = _moments(b)
    m = len(p)
    sex = np.where(b.pop.male, "M", "F")
    w_mean = np.where(sex == "M", anthro["M"]["weight"][0], anthro["F"]["weight"][0])
    w_sd = np.where(sex == "M", anthro["M"]["weight"][1], anthro["F"]["weight"][1])
    h_mean = np.where(sex == "M", anthro["M"]["height"][0], anthro["F"]["height"][0])
    h_sd = np.where(sex == "M", anthro["M"]["height"][1], anthro["F"]["height"][1])
    weight0 = np.clip(w_mean + w_sd * rng.standard_normal(b.n), 38, 180)
    height = np.clip(np.round(h_mean + h_sd * rng.standard_normal(b.n)), 140, 205)
    ps = np.minimum(b.pop.ps[p] + np.floor(step * 0.5 + rng.random(m) * 0.8), 4)
    weight = weight0[p] * (1 - anthro["weight_loss_per_line"] * step
                           + 0.015 * rng.standard_normal(m))
    has_ps, has_w = rng.random(m) < 0.85, rng.random(m) < 0.9
    has_h = (step == 0) & (rng.random(m) < 0.8)
    kinds = [(has_ps, 0, ps), (has_w, 1, np.round(weight, 1)), (has_h, 2, height[p])]
    pp = np.concatenate([p[mask] for mask, _, _ in kinds])
    dd = np.concatenate([day[mask] for mask, _, _ in kinds])
    kk = np.concatenate([np.full(int(mask.sum()), k) for mask, k, _ in kinds])
    vv = np.concatenate([v[mask] for mask, _, v in kinds])
    order = np.lexsort((kk, dd, pp))
    pp, dd, kk, vv = pp[order], dd[order], kk[order], vv[order]
    n = len(pp)
    cols = {"general_status_id": e.ids("GS", pp), "patient_id": e.patient(pp),
            "measure_type": codes(MEASURES, kk),
            "value": numbers(vv.astype(np.float64), pa.float64()),
            "source_type": e.source([75, 10, 0, 15, 0], n)}
    cols |= e.dates("measure_date", dd)
    b.saw(pp, dd)
    return e.table("general_status", cols, n)


def _exam_rows(b: Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(patient, day, modality) of work-up, surveillance and advanced-disease follow-up."""
    rng, cat, pop, tl, n = b.rng("imaging"), b.cat, b.pop, b.tl, b.n
    end = b.end
    wp, wk = np.nonzero(cat.workup[pop.cancer] >= 0)
    keep = rng.random(len(wp)) < 0.85
    wp, wk = wp[keep], wk[keep]
    w_day = np.minimum(pop.diag[wp] + uniform_days(rng, 0, 21, len(wp)), end[wp])
    w_mod = cat.workup[pop.cancer[wp], wk]
    stop = np.where(tl.recurrence >= 0, tl.recurrence, end)
    s_first = tl.active_end + uniform_days(rng, 90, 180, n)
    s_count = np.where(tl.adv_start < 0, np.clip((stop - s_first) // 182 + 1, 0, 6), 0)
    s_count = np.where(s_first < stop, s_count, 0)
    sp, sk = expand(s_count)
    s_day = s_first[sp] + sk * 182 + uniform_days(rng, -10, 10, len(sp))
    adv = np.where(tl.adv_start >= 0, tl.adv_start + 60, end)
    a_count = np.where(adv < end, np.clip((end - adv) // 80 + 1, 0, 20), 0)
    ap, ak = expand(a_count)
    a_day = adv[ap] + ak * 80 + uniform_days(rng, -7, 7, len(ap))
    p = np.r_[wp, sp, ap]
    day = np.minimum(np.r_[w_day, s_day, a_day], end[p])
    mod = np.r_[w_mod, cat.followup[pop.cancer[sp]], cat.advanced_imaging[pop.cancer[ap]]]
    order = np.lexsort((day, p))
    return p[order], day[order], mod[order]


def _regions(b: Block) -> tuple[pa.Array, np.ndarray]:
    """Examined-sites label per (cancer type, modality)."""
    cat = b.cat
    decl = cat.params.background["imaging_sites"]
    labels = sorted({*decl["default"].values(),
                     *(v for d in decl["by_cancer"].values() for v in d.values())})
    region = np.array([[labels.index(decl["by_cancer"].get(k, {}).get(m, decl["default"][m]))
                        for m in cat.modalities.values] for k in cat.keys])
    return vocabulary(labels), region


def imaging(b: Block) -> pa.Table:
    rng, e, cat = b.rng("imaging"), b.emit, b.cat
    p, day, mod = _exam_rows(b)
    n = len(p)
    inside = rng.random(n) < 0.85
    ids = e.ids("IM", p)
    sites, region = _regions(b)
    cols = {"imaging_id": ids, "patient_id": e.patient(p), "cancer_id": e.cancer(p),
            "modality": codes(cat.modalities.array, mod),
            "examined_sites": codes(sites, region[b.pop.cancer[p], mod], e.missing(n)),
            "in_facility": e.in_out(inside),
            "dicom_study_link": pc.if_else(pa.array(inside), pc.binary_join_element_wise(
                "PACS:", ids, ""), pa.scalar(None, pa.string())),
            "exam_date_time": codes(TIMES, rng.integers(0, len(TIMES), n),
                                    ~inside & (rng.random(n) < 0.7)),
            "source_type": codes(vocabulary(["1", "3", "5"]),
                                 np.where(inside, 0, np.where(rng.random(n) < 0.3, 1, 2)))}
    cols |= e.dates("exam_date", day, "structured")
    if (~inside).any():
        outside = e.dates("exam_date", day, "outside")
        for k, v in outside.items():
            cols[k] = pc.if_else(pa.array(inside), cols[k], v)
    b.saw(p[inside], day[inside])
    return e.table("imaging", cols, n)

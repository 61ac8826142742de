"""Tumour tables: cancer (index and second primaries), tumor_event and progression."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oncorwd.synth.arrow import codes, numbers, vocabulary
from oncorwd.synth.catalog import LATERALITY
from oncorwd.synth.draw import expand, uniform_days
from oncorwd.synth.params import STAGES
from oncorwd.synth.state import Block
from oncorwd.synth.tumour import Tumours

__all__ = ["cancer", "progression", "tumor_event"]

TNM_TYPES = vocabulary(["c", "p", "y"])
SIZE_METHODS = vocabulary(["787377000", "113091000", "77477000", "16310003", "363680008"])
EVENT_TYPES = vocabulary(["1", "2", "3", "4"])
#: Size method (SIZE_METHODS index) of a clinical measurement by the first work-up modality
#: (catalogue modalities CT, MR, PT, MG, US, NM, CR): CT, MRI, CT, radiography, US, CT, radiography.
_SIZE_METHOD_OF_MODALITY = np.array([2, 1, 2, 4, 3, 2, 4])


def _order(t: Tumours) -> np.ndarray:
    """Rank of each cancer of a patient by diagnosis date (1 = first)."""
    key = np.lexsort((t.slot, t.diag, t.patient))
    order = np.empty(t.n, dtype=np.int64)
    p = t.patient[key]
    first = np.r_[True, p[1:] != p[:-1]]
    starts = np.flatnonzero(first)
    order[key] = np.arange(t.n) - np.repeat(starts, np.diff(np.r_[starts, t.n])) + 1
    return order


def _staging(b: Block, t: Tumours, surgery_day: np.ndarray, neo: np.ndarray,
             ) -> dict[str, pa.Array]:
    cat, e, rng, n = b.cat, b.emit, b.rng("tumour"), t.n
    staged = t.combo >= 0
    combo = np.maximum(t.combo, 0)
    tnm_type = np.where(neo, 2, np.where(surgery_day >= 0, 1, 0))
    unknown = rng.random(n) < b.spec.missingness.stage_unknown
    stage = np.where(unknown, STAGES.index("UK"), t.stage)
    solid = ~cat.haem[t.cancer]
    return {
        "tnm_t": codes(cat.t_codes.array, cat.combo_t[combo], ~staged | unknown),
        "tnm_n": codes(cat.n_codes.array, cat.combo_n[combo], ~staged | unknown),
        "tnm_m": codes(vocabulary(["0", "1"]), t.m1.astype(np.int8), ~solid | e.missing(n, 0.3)),
        "tnm_type": codes(TNM_TYPES, tnm_type, ~staged | unknown),
        "stage_type": codes(cat.stage_types.array, np.maximum(t.stage_type, 0), t.stage_type < 0),
        "stage": codes(vocabulary(STAGES), stage),
        "grade_type": codes(cat.grade_types.array, np.maximum(cat.grade_type[t.cancer], 0),
                            (t.grade < 0) | e.missing(n)),
        "grade": codes(cat.grade_values.array, np.maximum(t.grade, 0),
                       (t.grade < 0) | e.missing(n)),
    }


def _size(b: Block, t: Tumours, surgery_day: np.ndarray) -> dict[str, pa.Array]:
    e, rng, n = b.emit, b.rng("tumour"), t.n
    null = np.isnan(t.size) | e.missing(n, 2.5)
    operated = surgery_day >= 0
    day = np.where(operated, surgery_day, t.diag + uniform_days(rng, 0, 14, n))
    day = np.minimum(day, np.maximum(b.end[t.patient], t.diag))
    imaging = _SIZE_METHOD_OF_MODALITY[np.maximum(b.cat.workup[t.cancer, 0], 0)]
    cols = {"tumor_size_mm": numbers(np.nan_to_num(t.size), pa.float64(), null),
            "tumor_size_method": codes(SIZE_METHODS, np.where(operated, 0, imaging), null)}
    return cols | e.dates("tumor_size_date", day, null=null)


def cancer(b: Block) -> pa.Table:
    """Index cancers (slot 1) then second primaries (slot 2)."""
    cat, e, rng = b.cat, b.emit, b.rng("tumour")
    idx, sec = b.index, b.second
    t = Tumours(**{f: np.concatenate([getattr(idx, f), getattr(sec, f)])
                   for f in Tumours.__dataclass_fields__})
    n, n_index = t.n, idx.n
    surgery = np.r_[b.tl.surgery, np.full(sec.n, -1)]
    neo = np.r_[b.tl.phase_regimen["neoadjuvant"] >= 0, np.zeros(sec.n, dtype=bool)]
    care = np.where(np.arange(n) < n_index, rng.random(n) < 0.97,
                    rng.random(n) < np.where(t.diag > b.pop.diag[t.patient], 0.75, 0.3))
    inside = rng.random(n) < 0.7
    cols = {"cancer_id": e.cancer(t.patient, t.slot), "patient_id": e.patient(t.patient),
            "cancer_order": numbers(_order(t).astype(np.int32), pa.int32()),
            "care_in_facility": e.yes(care), "diagnosis_method": codes(cat.methods.array,
                                                                       t.method),
            "diagnosis_in_facility": e.in_out(inside, e.missing(n)),
            "topography": codes(cat.topo.array, t.topo),
            "topography_group": codes(cat.topo_groups.array, cat.topo_group[t.topo],
                                      e.missing(n, 1.5)),
            "morphology": codes(cat.morph.array, t.morph),
            "morphology_group": codes(cat.morph_groups.array, cat.morph_group[t.morph],
                                      e.missing(n, 1.5)),
            "laterality": codes(vocabulary(LATERALITY), t.side),
            "source_type": e.source([80, 5, 3, 10, 2], n)}
    cols |= e.dates("diagnosis_date", t.diag, "diagnosis_date")
    cols |= _staging(b, t, surgery, neo) | _size(b, t, surgery)
    return e.table("cancer", cols, n)


def _metastases(b: Block, patient: np.ndarray, day: np.ndarray, etype: np.ndarray,
                sites: np.ndarray) -> dict[str, np.ndarray]:
    """Rows of events: one per metastatic site for type 2 (``sites`` per event), else one."""
    rng, cat = b.rng("events"), b.cat
    count = np.where(etype == 2, sites, 1)
    ev, _ = expand(count)
    p, d, k = patient[ev], day[ev], etype[ev]
    topo = np.where(k == 2, cat.metastasis.draw(rng, b.pop.cancer[p]), -1)
    return {"patient": p, "day": d, "type": k, "topo": topo}


def _full(mask: np.ndarray, value: int) -> np.ndarray:
    return np.full(int(mask.sum()), value)


def _event_rows(b: Block) -> dict[str, np.ndarray]:
    pop, tl, rng, n = b.pop, b.tl, b.rng("events"), b.n
    sites = 1 + np.searchsorted([0.6, 0.88], rng.random(n))
    solid = ~b.cat.haem[pop.cancer]
    m1 = np.flatnonzero(pop.m1)
    rec = np.flatnonzero(tl.recurrence >= 0)
    lp, prog = tl.line_patient, tl.line_prog
    new_meta = (prog >= 0) & solid[lp] & (rng.random(len(lp)) < 0.35)
    relapse = (prog >= 0) & ~solid[lp]
    first = np.flatnonzero(tl.transformed)
    parts = [
        (m1, pop.diag[m1], np.full(len(m1), 2), sites[m1]),
        (rec, tl.recurrence[rec], tl.recurrence_type[rec], sites[rec]),
        (lp[new_meta], prog[new_meta], _full(new_meta, 2), _full(new_meta, 1)),
        (lp[relapse], prog[relapse], _full(relapse, 3), _full(relapse, 1)),
        (first, tl.first_progression[first], np.full(len(first), 4), np.ones(len(first), int)),
    ]
    rows = [_metastases(b, *part) for part in parts]
    out = {k: np.concatenate([r[k] for r in rows]) for k in rows[0]}
    order = np.argsort(out["patient"], kind="stable")
    return {k: v[order] for k, v in out.items()}


def tumor_event(b: Block) -> pa.Table:
    """Metastases at diagnosis, recurrences, new metastases at progression, haematological
    relapses and transformations."""
    rows, cat, e, rng = _event_rows(b), b.cat, b.emit, b.rng("events")
    p, day, kind = rows["patient"], rows["day"], rows["type"]
    n, end = len(p), b.end[p]
    biopsy = (rng.random(n) < np.where(kind >= 3, 0.6, 0.35)) & (day + 20 < end)
    confirmed = np.minimum(day + uniform_days(rng, 5, 20, n), end)
    meta_day = np.minimum(day + uniform_days(rng, 0, 14, n), end)
    transformed = (kind == 4) & np.isin(b.pop.cancer[p], [cat.keys.index("follicular"),
                                                        cat.keys.index("cll")])
    morph = np.where(transformed, cat.morph.index("9680/3"), b.index.morph[p])
    haem = cat.haem[b.pop.cancer[p]]
    method = np.where(biopsy, np.where(haem, cat.methods.index("5"), cat.methods.index("7")),
                      cat.methods.index("2"))
    cols = {"tumor_event_id": e.ids("TE", p), "patient_id": e.patient(p),
            "cancer_id": e.cancer(p), "event_type": codes(EVENT_TYPES, kind - 1),
            "morphology": codes(cat.morph.array, morph, ~biopsy),
            "metastasis_topography": codes(cat.topo.array, np.maximum(rows["topo"], 0),
                                           rows["topo"] < 0),
            "diagnosis_method": codes(cat.methods.array, method),
            "source_type": e.source([60, 5, 5, 25, 5], n)}
    cols |= e.dates("mention_date", day)
    cols |= e.dates("diagnosis_date", confirmed, null=~biopsy)
    cols |= e.dates("metastasis_date", meta_day, null=rows["topo"] < 0)
    b.saw(p, np.where(biopsy, confirmed, day))
    return e.table("tumor_event", cols, n)


def progression(b: Block) -> pa.Table:
    """One row per observed progression under treatment (each followed by a new line when
    the patient goes on), plus first progressions of watch-and-wait haematological cancers."""
    tl, e = b.tl, b.emit
    seen = tl.line_prog >= 0
    wait = np.flatnonzero(tl.first_progression >= 0)
    p = np.r_[tl.line_patient[seen], wait]
    day = np.r_[tl.line_prog[seen], tl.first_progression[wait]]
    order = np.lexsort((day, p))
    p, day = p[order], day[order]
    n = len(p)
    cols = {"progression_id": e.ids("PG", p), "patient_id": e.patient(p),
            "cancer_id": e.cancer(p), "progression": e.yes(np.ones(n, dtype=bool)),
            "source_type": e.source([55, 10, 5, 25, 5], n)}
    cols |= e.dates("progression_date", day)
    return e.table("progression", cols, n)

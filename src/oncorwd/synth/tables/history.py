"""History and complementary tables: comorbidity, family_history, observation, measure."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.synth.arrow import codes, numbers, vocabulary
from oncorwd.synth.draw import Choice, expand, uniform_days
from oncorwd.synth.state import Block

__all__ = ["comorbidity", "family_history", "measure", "observation"]

YEAR = 365.25


def _onset(b: Block, idx: np.ndarray, after: bool) -> tuple[np.ndarray, np.ndarray]:
    """Onset days: during the cancer course (``after``) or in the 20 years before diagnosis
    (from age 18)."""
    rng, pop = b.rng("background"), b.pop
    if after:
        span = b.end[idx] - pop.diag[idx]
        idx, span = idx[span > 7], span[span > 7]
        return idx, pop.diag[idx] + np.floor(rng.random(len(idx)) * span).astype(np.int64)
    earliest = np.maximum(pop.birth[idx] + round(18 * YEAR), pop.diag[idx] - 20 * YEAR)
    earliest = np.minimum(earliest, pop.diag[idx])
    return idx, (earliest + np.floor(rng.random(len(idx)) * (pop.diag[idx] - earliest))
                 ).astype(np.int64)


def comorbidity(b: Block) -> pa.Table:
    """Conditions with age-, smoking- and cancer-dependent prevalence; history before the
    diagnosis (partial dates common), thromboembolic events after it."""
    rng, e, pop, cat = b.rng("background"), b.emit, b.pop, b.cat
    decl = cat.params.background["comorbidities"]
    icd = vocabulary([c["code"] for c in decl])
    parts = []
    for j, c in enumerate(decl):
        p = c["p70"] * c["age_rr"] ** ((pop.age - 70) / 10)
        p = p * np.where(pop.smoker, c.get("smoker", 1.0), 1.0)
        p = p * np.array([c.get("cancers", {}).get(k, 1.0) for k in cat.keys])[pop.cancer]
        idx = np.flatnonzero(rng.random(b.n) < np.minimum(p, 0.95))
        idx, onset = _onset(b, idx, bool(c.get("after_diagnosis")))
        parts.append((idx, onset, np.full(len(idx), j),
                      np.full(len(idx), bool(c.get("after_diagnosis")))))
    p, day, code, after = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.lexsort((code, day, p))
    p, day, code, after = p[order], day[order], code[order], after[order]
    n = len(p)
    cols = {"comorbidity_id": e.ids("CM", p), "patient_id": e.patient(p),
            "code": codes(icd, code), "source_type": e.source([70, 20, 0, 10, 0], n)}
    history = e.dates("onset_date", day, "history")
    recent = e.dates("onset_date", day)
    mask = pa.array(after)
    cols |= {k: pc.if_else(mask, recent[k], history[k]) for k in history}
    return e.table("comorbidity", cols, n)


def family_history(b: Block) -> pa.Table:
    rng, e, pop, cat = b.rng("background"), b.emit, b.pop, b.cat
    decl = cat.params.background["family_history"]
    p_any = np.array([decl["by_cancer"].get(k, decl["p_any"]) for k in cat.keys])[pop.cancer]
    count = np.where(rng.random(b.n) < p_any,
                     1 + np.searchsorted(np.cumsum(decl["count_weights"]) / sum(
                         decl["count_weights"]), rng.random(b.n)), 0)
    p, _ = expand(count)
    n = len(p)
    sites = decl["sites"]
    site = Choice([[(i, w) for i, (_, w, _) in enumerate(sites)]]).draw(rng, np.zeros(n, int))
    same = (rng.random(n) < decl["p_same_site"]) & (~cat.haem[pop.cancer[p]])
    topo = np.where(same, b.index.topo[p], cat.topo.indices([s for s, _, _ in sites])[site])
    sex_of = np.array([{"F": 0, "M": 1}.get(s, 2) for _, _, s in sites])[site]
    sex_of = np.where(same, np.where(pop.male[p], 1, 0), sex_of)
    sex_of = np.where(sex_of == 2, (rng.random(n) < 0.5).astype(int), sex_of)
    rel = decl["relationships"]
    labels = vocabulary([r for r, _ in rel["F"]] + [r for r, _ in rel["M"]])
    choice = Choice([[(i, w) for i, (_, w) in enumerate(rel["F"])],
                     [(len(rel["F"]) + i, w) for i, (_, w) in enumerate(rel["M"])]])
    relation = choice.draw(rng, sex_of)
    cols = {"family_history_id": e.ids("FH", p), "patient_id": e.patient(p),
            "topography": codes(cat.topo.array, topo),
            "relationship": codes(labels, relation, e.missing(n)),
            "source_type": e.source([50, 10, 0, 40, 0], n)}
    return e.table("family_history", cols, n)


def _applies(b: Block, spec: dict) -> np.ndarray:
    pop, cat = b.pop, b.cat
    ok = np.ones(b.n, dtype=bool)
    if "cancers" in spec:
        ok &= np.isin(pop.cancer, [cat.keys.index(k) for k in spec["cancers"]])
    if "min_age" in spec:
        ok &= pop.age >= spec["min_age"]
    if spec.get("smokers_only"):
        ok &= pop.smoker
    return ok


def _groups(b: Block, by: str | None) -> tuple[np.ndarray, list[str]]:
    """Group of each patient for an observation drawn ``by`` a patient attribute."""
    pop, tl = b.pop, b.tl
    if by == "smoker":
        return np.where(pop.smoker, 0, 1), ["true", "false"]
    if by == "menopause":
        return np.where(~pop.male & (pop.age >= 51), 0, 1), ["true", "false"]
    if by == "first_treatment":
        systemic = np.zeros(b.n, dtype=bool)
        systemic[tl.courses.patient] = True
        group = np.where(tl.surgery >= 0, 0, np.where(systemic, 1, np.where(tl.rt_day >= 0, 2, 3)))
        return group, ["surgery", "systemic", "radiotherapy", "none"]
    return np.zeros(b.n, dtype=np.int64), ["all"]


def observation(b: Block) -> pa.Table:
    """Facility-defined qualitative observations (local codes) around diagnosis."""
    rng, e, pop = b.rng("background"), b.emit, b.pop
    decl = b.cat.params.background["observations"]
    keys = [k for k in decl if b.spec.observations is None or k in b.spec.observations]
    values = vocabulary(sorted({v for k in keys for vs in decl[k]["values"].values()
                                for v, _ in vs}))
    names = values.to_pylist()
    parts = []
    for j, key in enumerate(keys):
        spec = decl[key]
        group, labels = _groups(b, spec.get("by"))
        pick = Choice([[(names.index(v), w) for v, w in spec["values"][g]] for g in labels])
        idx = np.flatnonzero(_applies(b, spec) & (rng.random(b.n) < spec["p"]))
        parts.append((idx, np.full(len(idx), j), pick.draw(rng, group[idx])))
    p, key, value = (np.concatenate(x) for x in zip(*parts, strict=True))
    order = np.lexsort((key, p))
    p, key, value = p[order], key[order], value[order]
    n = len(p)
    day = np.minimum(pop.diag[p] + uniform_days(rng, 0, 30, n), b.end[p])
    attached = [decl[k]["attached"] for k in keys]
    cols = {"observation_id": e.ids("OB", p), "patient_id": e.patient(p),
            "observation_type": codes(vocabulary(keys), key),
            "nomenclature": codes(vocabulary([decl[k]["nomenclature"] for k in keys]), key),
            "value": codes(values, value),
            "attached_table": codes(vocabulary(attached), key, e.missing(n)),
            "source_type": e.source([60, 20, 0, 20, 0], n)}
    cols |= e.dates("observation_date", day, "structured")
    return e.table("observation", cols, n)


def measure(b: Block) -> pa.Table:
    """Facility-defined numeric measures at diagnosis (and at each line when repeated)."""
    rng, e, pop, tl = b.rng("background"), b.emit, b.pop, b.tl
    decl = b.cat.params.background["measures"]
    keys = [k for k in decl if b.spec.measures is None or k in b.spec.measures]
    parts = []
    for j, key in enumerate(keys):
        spec = decl[key]
        idx = np.flatnonzero(_applies(b, spec) & (rng.random(b.n) < spec["p"]))
        day = pop.diag[idx] + uniform_days(rng, 0, 21, len(idx))
        if spec.get("repeat"):
            on = np.isin(tl.line_patient, idx)
            idx, day = np.r_[idx, tl.line_patient[on]], np.r_[day, tl.line_start[on]]
        value = np.clip(spec["mean"] + spec["sd"] * rng.standard_normal(len(idx)),
                        spec["min"], spec["max"])
        value = np.round(value, 0 if spec.get("integer") else 1)
        parts.append((idx, day, np.full(len(idx), j), value))
    p, day, key, value = (np.concatenate(x) for x in zip(*parts, strict=True))
    day = np.minimum(day, b.end[p])
    order = np.lexsort((key, day, p))
    p, day, key, value = p[order], day[order], key[order], value[order]
    n = len(p)
    cols = {"measure_id": e.ids("ME", p), "patient_id": e.patient(p),
            "measure_type": codes(vocabulary(keys), key),
            "unit": codes(vocabulary([decl[k]["unit"] for k in keys]), key),
            "value": numbers(value, pa.float64()),
            "attached_table": codes(vocabulary([decl[k]["attached"] for k in keys]), key,
                                    e.missing(n)),
            "source_type": e.source([85, 10, 0, 5, 0], n)}
    cols |= e.dates("measure_date", day, "structured")
    return e.table("measure", cols, n)

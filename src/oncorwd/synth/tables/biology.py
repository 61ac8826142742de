"""Biology tables: sample (pathology lab / biobank) and biomarker."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.synth.arrow import codes, identifiers, numbers, vocabulary
from oncorwd.synth.draw import uniform_days
from oncorwd.synth.emit import PATIENT_DIGITS, ranks
from oncorwd.synth.markers import STATUSES, TECHNIQUES, MarkerResult, texts
from oncorwd.synth.state import Block
from oncorwd.terminology import get_code_system

__all__ = ["biomarker", "sample"]

SAMPLE_TYPES = vocabulary(["SURGICAL", "BIOPSY", "CYTOLOGY", "FLUID", "UNKNOWN"])
NATURES = vocabulary(["TUMOR", "HEALTHY"])
SURGICAL, BIOPSY, CYTOLOGY, FLUID = range(4)
TISSUE, BLOOD, META = 0, 1, 2


@dataclass
class _Samples:
    patient: np.ndarray
    day: np.ndarray
    type: np.ndarray
    nature: np.ndarray
    topo: np.ndarray
    role: np.ndarray


def _sample_rows(b: Block) -> _Samples:
    rng, cat, pop, tl, n = b.rng("samples"), b.cat, b.pop, b.tl, b.n
    has = rng.random(n) < b.spec.missingness.sample_rate
    haem, u = cat.haem[pop.cancer], rng.random((6, n))
    marrow = np.isin(pop.cancer, [cat.keys.index(k) for k in ("myeloma", "aml", "cll")])
    meta_day = np.maximum(tl.adv_start - uniform_days(rng, 0, 10, n), pop.diag)
    parts = [  # (mask, day, type, nature, topography, role)
        (has & (u[0] < 0.75), pop.diag, np.where(haem & marrow, CYTOLOGY, BIOPSY), 0,
         np.where(haem & marrow, cat.topo.index("C42.1"), b.index.topo), TISSUE),
        (has & (tl.surgery >= 0) & (u[1] < 0.85), tl.surgery, SURGICAL, 0, b.index.topo, TISSUE),
        (has & (tl.surgery >= 0) & (u[2] < 0.3), tl.surgery, SURGICAL, 1, b.index.topo, -1),
        (has & (u[3] < 0.3), pop.diag + uniform_days(rng, 0, 14, n), FLUID, 1,
         cat.topo.index("C42.0"), BLOOD),
        (has & (tl.adv_start >= 0) & (meta_day < b.end) & ~haem & (u[4] < 0.4), meta_day, BIOPSY,
         0, cat.metastasis.draw(rng, pop.cancer), META),
    ]
    cols: list[list[np.ndarray]] = [[], [], [], [], [], []]
    for part in parts:
        idx = np.flatnonzero(part[0])
        cols[0].append(idx)
        for j, v in enumerate(part[1:], start=1):
            cols[j].append(np.broadcast_to(np.asarray(v), (n,))[idx])
    out = [np.concatenate(c) for c in cols]
    out[1] = np.minimum(out[1], b.end[out[0]])
    order = np.lexsort((out[5], out[1], out[0]))
    return _Samples(*(a[order] for a in out))


def sample(b: Block) -> tuple[pa.Table, dict[int, np.ndarray]]:
    """The sample table and, per role (tissue, blood, metastasis), each patient's sample rank."""
    s, e, rng = _sample_rows(b), b.emit, b.rng("samples")
    n = len(s.patient)
    kind = np.where(rng.random(n) < 0.02, 4, s.type)
    cols = {"sample_id": e.ids("SA", s.patient), "patient_id": e.patient(s.patient),
            "cancer_id": e.cancer(s.patient, 1) if n else pa.array([], pa.string()),
            "storage_location": e.in_out(rng.random(n) < 0.85, e.missing(n)),
            "sample_type": codes(SAMPLE_TYPES, kind),
            "sample_nature": codes(NATURES, s.nature, e.missing(n, 0.5)),
            "sample_topography": codes(b.cat.topo.array, s.topo, e.missing(n, 0.5)),
            "source_type": e.source([80, 15, 0, 5, 0], n)}
    cols |= e.dates("sampling_date", s.day)
    rank = ranks(s.patient)
    links = {}
    for role in (TISSUE, BLOOD, META):
        r = np.full(b.n, -1, dtype=np.int64)
        pick = np.flatnonzero(s.role == role)[::-1]
        r[s.patient[pick]] = rank[pick]
        links[role] = r
    b.saw(s.patient, s.day)
    return e.table("sample", cols, n), links


def _result_rows(b: Block, r: MarkerResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position in ``r``, patient, day) of the results recorded for one panel entry."""
    rng, pop, tl = b.rng("markers"), b.pop, b.tl
    e = r.entry
    kind = b.cat.params.biomarkers.markers[e.marker].type
    p = r.rows
    advanced_seen = (tl.adv_start[p] >= 0) & (tl.adv_start[p] < b.end[p])
    keep = r.tested & (~np.full(len(p), e.advanced) | pop.m1[p] | advanced_seen)
    at_adv = e.advanced & ~pop.m1[p]
    day = np.where(at_adv, tl.adv_start[p] - uniform_days(rng, 0, 10, len(p)),
                   pop.diag[p] + uniform_days(rng, 7, 21, len(p)))
    if kind == "GERMLINE":
        day = day + uniform_days(rng, 21, 100, len(p))
    elif kind == "SERUM":
        day = pop.diag[p] + uniform_days(rng, 0, 10, len(p))
    pos = np.flatnonzero(keep)
    return pos, p[pos], np.clip(day[pos], pop.diag[p[pos]], b.end[p[pos]])


def _serum_repeats(b: Block, r: MarkerResult) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Serum markers measured again at each advanced line start: (patient, day, value)."""
    tl, rng = b.tl, b.rng("markers")
    assert r.entry.serum is not None
    tested = np.zeros(b.n, dtype=bool)
    tested[r.rows[r.tested]] = True
    lines = np.flatnonzero(tested[tl.line_patient])
    p = tl.line_patient[lines]
    day = np.maximum(tl.line_start[lines] - uniform_days(rng, 0, 7, len(p)), b.pop.diag[p])
    value = r.entry.serum.median_advanced * np.exp(r.entry.serum.sigma *
                                                   rng.standard_normal(len(p)))
    return p, day, np.round(value, 2)


def _columns(b: Block, r: MarkerResult, links: dict[int, np.ndarray]) -> dict[str, np.ndarray]:
    pos, p, day = _result_rows(b, r)
    e = r.entry
    mdef = b.cat.params.biomarkers.markers[e.marker]
    status, detail = r.status[pos], r.detail[pos]
    value = np.where(status >= 2, np.nan, r.value[pos])
    role = {"GERMLINE": BLOOD, "SERUM": -1}.get(mdef.type, META if e.advanced else TISSUE)
    link = links[role][p] if role >= 0 else np.full(len(p), -1)
    if role == META:
        link = np.where(link >= 0, link, links[TISSUE][p])
    tech = r.technique[pos]
    if e.serum is not None:
        rp, rd, rv = _serum_repeats(b, r)
        p, day, value = np.r_[p, rp], np.r_[day, rd], np.r_[value, rv]
        status = np.r_[status, np.where(rv > e.serum.normal_max, 0, 1)]
        detail, link = np.r_[detail, np.full(len(rp), -1)], np.r_[link, np.full(len(rp), -1)]
        tech = np.r_[tech, np.full(len(rp), tech[0] if len(tech) else 0)]
    return {"patient": p, "day": day, "status": status, "detail": detail, "value": value,
            "link": link, "tech": tech, "marker": np.full(len(p), _marker_index(b, e.marker))}


def _marker_index(b: Block, name: str) -> int:
    return list(b.cat.params.biomarkers.markers).index(name)


def biomarker(b: Block, links: dict[int, np.ndarray]) -> pa.Table:
    e, cat = b.emit, b.cat
    parts = [_columns(b, r, links) for r in b.markers.results]
    rows = {k: np.concatenate([x[k] for x in parts]) for k in parts[0]} if parts else {}
    order = np.lexsort((rows["marker"], rows["day"], rows["patient"]))
    rows = {k: v[order] for k, v in rows.items()}
    p, n = rows["patient"], len(rows["patient"])
    defs = list(cat.params.biomarkers.markers.values())
    catalogue = get_code_system("biomarker")
    names = [catalogue.normalize(d.name or key)
             for key, d in cat.params.biomarkers.markers.items()]
    kind = vocabulary(["TUMOR", "GERMLINE", "SERUM"])
    k_of = np.array([kind.to_pylist().index(d.type) for d in defs])[rows["marker"]]
    link = rows["link"]
    sample_ids = identifiers(f"{b.spec.code}-SA", b.emit.numbers[p] * 1000 + np.maximum(link, 0),
                             PATIENT_DIGITS + 3)
    value = rows["value"]
    units = vocabulary(sorted({d.unit for d in defs if d.unit}))
    unit_of = np.array([units.to_pylist().index(d.unit) if d.unit else -1 for d in defs])
    u = unit_of[rows["marker"]]
    specimen = np.where(k_of == 2, 0, np.where(k_of == 1, 1, -1))
    cols = {"biomarker_id": e.ids("BM", p), "patient_id": e.patient(p), "cancer_id": e.cancer(p),
            "sample_id": pc.if_else(pa.array(link >= 0), sample_ids,
                                    pa.scalar(None, pa.string())),
            "biomarker_type": codes(kind, k_of),
            "biomarker_name": codes(vocabulary(names), rows["marker"]),
            "biomarker_code": codes(vocabulary([d.loinc for d in defs]), rows["marker"]),
            "technique": codes(vocabulary(TECHNIQUES), rows["tech"]),
            "status": codes(vocabulary(STATUSES), rows["status"]),
            "result_detail": codes(texts().array, np.maximum(rows["detail"], 0),
                                   rows["detail"] < 0),
            "value_numeric": numbers(np.nan_to_num(value), pa.float64(), np.isnan(value)),
            "unit": codes(units, np.maximum(u, 0), (u < 0) | np.isnan(value)),
            "specimen_nature": codes(vocabulary(["SERUM", "BLOOD"]), np.maximum(specimen, 0),
                                     specimen < 0),
            "source_type": e.source([85, 10, 3, 2, 0], n)}
    cols |= e.dates("result_date", rows["day"])
    b.saw(p, rows["day"])
    return e.table("biomarker", cols, n)

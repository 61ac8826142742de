"""Ground truth: the generating parameters (JSON) and the per-patient truth (Arrow/Parquet).

The per-patient table holds what an analysis of the OSIRIS tables should recover: true event
times before censoring, censoring, arms of the planted treatment effects, exposure to planted
biomarker effects, and the linear predictors. Dates are ``date32``; durations are in days.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from oncorwd.synth.arrow import codes, constant, numbers, vocabulary
from oncorwd.synth.catalog import Catalog
from oncorwd.synth.params import STAGES
from oncorwd.synth.spec import SiteSpec
from oncorwd.synth.state import Block
from oncorwd.synth.survival import MONTH, weibull_scale
from oncorwd.synth.therapy import schedules

__all__ = ["ground_truth", "truth_schema", "truth_table"]

_BASE_FIELDS = [
    ("site_id", pa.string()), ("patient_id", pa.string()), ("cancer_id", pa.string()),
    ("cancer_type", pa.string()), ("sex", pa.string()), ("age_at_diagnosis", pa.float64()),
    ("diagnosis_date", pa.date32()), ("stage", pa.string()),
    ("metastatic_at_diagnosis", pa.bool_()), ("ps_at_diagnosis", pa.int8()),
    ("smoker", pa.bool_()), ("objector", pa.bool_()), ("lp_covariates", pa.float64()),
    ("lp_os", pa.float64()), ("lp_pfs", pa.float64()), ("os_true_days", pa.float64()),
    ("death_date_true", pa.date32()), ("censor_date", pa.date32()),
    ("lost_to_follow_up", pa.bool_()), ("os_days", pa.int32()), ("os_event", pa.bool_()),
    ("recurrence_date", pa.date32()), ("advanced_start", pa.date32()),
    ("line1_regimen", pa.string()), ("line1_start", pa.date32()),
    ("pfs1_true_days", pa.float64()), ("pfs1_days", pa.int32()), ("pfs1_event", pa.bool_()),
    ("lines", pa.int8()),
]


def truth_schema(cat: Catalog) -> pa.Schema:
    effects = [(f"effect_{e.name}", pa.int8()) for e in cat.params.effects.effects]
    return pa.schema(_BASE_FIELDS + effects)


def _dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int64).astype(np.int32), type=pa.date32(),
                    mask=null)


def _line1(b: Block) -> dict[str, pa.Array]:
    tl, s, n = b.tl, b.surv, b.n
    first = tl.line_k == 1
    p = tl.line_patient[first]
    reg = np.full(n, -1)
    start = np.full(n, -1)
    prog = np.full(n, -1)
    reg[p], start[p], prog[p] = tl.line_regimen[first], tl.line_start[first], tl.line_prog[first]
    has = reg >= 0
    stop = np.where(prog >= 0, prog, s.end)
    lines = np.bincount(tl.line_patient, minlength=n).astype(np.int8)
    return {
        "line1_regimen": codes(schedules().names.array, np.maximum(reg, 0), ~has),
        "line1_start": _dates(start, ~has),
        "pfs1_true_days": numbers(s.pfs_days, pa.float64(), ~has),
        "pfs1_days": numbers((stop - start).astype(np.int32), pa.int32(), ~has),
        "pfs1_event": pa.array(has & ((prog >= 0) | s.died), mask=~has),
        "lines": numbers(lines, pa.int8()),
    }


def truth_table(b: Block, objectors: np.ndarray) -> pa.Table:
    pop, s, cat, tl = b.pop, b.surv, b.cat, b.tl
    n = b.n
    cols: dict[str, pa.Array] = {
        "site_id": constant(b.spec.site_id, n), "patient_id": b.emit.patient_ids,
        "cancer_id": b.emit.cancer(np.arange(n)),
        "cancer_type": codes(vocabulary(cat.keys), pop.cancer),
        "sex": codes(vocabulary(["M", "F"]), np.where(pop.male, 0, 1)),
        "age_at_diagnosis": numbers(np.round(pop.age, 3), pa.float64()),
        "diagnosis_date": _dates(pop.diag), "stage": codes(vocabulary(STAGES), pop.stage),
        "metastatic_at_diagnosis": pa.array(pop.m1), "ps_at_diagnosis": pa.array(pop.ps),
        "smoker": pa.array(pop.smoker), "objector": pa.array(objectors),
        "lp_covariates": pa.array(s.lp_cov), "lp_os": pa.array(s.lp_os),
        "lp_pfs": pa.array(s.lp_pfs), "os_true_days": pa.array(s.os_days),
        "death_date_true": _dates(s.death), "censor_date": _dates(s.censor),
        "lost_to_follow_up": pa.array(s.lost),
        "os_days": numbers((s.end - pop.diag).astype(np.int32), pa.int32()),
        "os_event": pa.array(s.died),
        "recurrence_date": _dates(tl.recurrence, tl.recurrence < 0),
        "advanced_start": _dates(tl.adv_start, tl.adv_start < 0),
    }
    cols |= _line1(b)
    for name, exp in s.exposure.items():
        cols[f"effect_{name}"] = pa.array(exp, type=pa.int8(), mask=exp < 0)
    schema = truth_schema(cat)
    return pa.Table.from_arrays([cols[f.name] for f in schema], schema=schema)


def _baseline(cat: Catalog) -> dict[str, Any]:
    out = {}
    for k, key in enumerate(cat.keys):
        c = cat.params.cancers[k]
        shape = float(cat.os_shape[k])
        stages = {s: {"median_months": float(cat.os_median[k, i]),
                      "scale_days": float(weibull_scale(cat.os_median[k, i],
                                                        cat.os_shape[k]))}
                  for i, s in enumerate(STAGES) if s in c.survival.os}
        out[key] = {"os_shape": shape, "os_by_stage": stages,
                    "pfs1_median_months": float(cat.pfs_median[k]),
                    "pfs_shape": float(cat.pfs_shape[k]),
                    "pfs1_scale_days": float(weibull_scale(cat.pfs_median[k],
                                                           cat.pfs_shape[k]))}
    return out


def ground_truth(spec: SiteSpec, seed: int, cat: Catalog, weights: np.ndarray,
                 summary: dict[str, Any]) -> dict[str, Any]:
    """The generating parameters of one site, for checking analyses later."""
    eff = cat.params.effects
    return {
        "generator": "oncorwd.synth", "seed": seed,
        "site": spec.model_dump(mode="json"),
        "cutoff_date": spec.cutoff.isoformat(),
        "time_unit": "days", "days_per_month": MONTH,
        "survival_model": ("OS from diagnosis: Weibull PH, S(t|x) = exp(-(t/scale)^shape * "
                           "exp(lp)); lp = sum log(HR) * x; scale per cancer type and true "
                           "stage; PFS on line 1 from its start: Weibull PH with its own "
                           "scale and the pfs hazard ratios; Clayton copula between OS and PFS "
                           "uniforms (theta below)."),
        "covariates": {k: {"hr": v["hr"], **({"center": v["center"]} if "center" in v else {})}
                       for k, v in eff.covariates.items()},
        "copula_theta": eff.copula_theta,
        "later_line_pfs_factor": eff.later_line_pfs_factor,
        "effects": [e.model_dump(mode="json", exclude_defaults=True) for e in eff.effects],
        "baseline": _baseline(cat),
        "case_mix": {k: float(w) for k, w in zip(cat.keys, weights, strict=True)},
        "censoring": {"administrative": spec.cutoff.isoformat(),
                      "lost_to_follow_up_rate": spec.missingness.lost_to_follow_up},
        "objection_rate": spec.objection_rate,
        "biomarkers": cat.params.biomarkers.model_dump(mode="json", include={"panels"}),
        "summary": summary,
    }

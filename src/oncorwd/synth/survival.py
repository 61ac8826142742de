"""Planted survival model: treatment arms, linear predictors, true event times and censoring.

Overall survival from diagnosis is Weibull with proportional hazards (``effects.yaml``):
covariate hazard ratios (age per 10 years, PS >= 2, smoking) and the planted treatment and
biomarker effects. The latent progression time on the first advanced line shares the covariates
and has its own effect sizes; the two uniforms come from a Clayton copula. Censoring is
administrative at the site's cut-off, or earlier for patients lost to follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oncorwd.synth.catalog import Catalog
from oncorwd.synth.conditions import Context, holds
from oncorwd.synth.draw import clayton, weibull_times
from oncorwd.synth.params import Effect
from oncorwd.synth.population import Population

__all__ = ["MONTH", "Survival", "draw_survival", "weibull_scale"]

MONTH = 30.4375


def weibull_scale(median_months: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Scale (days) of a Weibull whose median is ``median_months`` at lp = 0."""
    return median_months * MONTH / np.log(2.0) ** (1.0 / shape)


@dataclass
class Survival:
    exposure: dict[str, np.ndarray]
    lp_cov: np.ndarray
    lp_os: np.ndarray
    lp_pfs: np.ndarray
    os_days: np.ndarray
    pfs_days: np.ndarray
    death: np.ndarray
    lost: np.ndarray
    censor: np.ndarray

    @property
    def died(self) -> np.ndarray:
        return self.death <= self.censor

    @property
    def end(self) -> np.ndarray:
        """Last day the patient is observed: death or censoring."""
        return np.minimum(self.death, self.censor)


def _exposure(rng: np.random.Generator, cat: Catalog, e: Effect, ctx: Context) -> np.ndarray:
    """-1 outside the effect's cancer type / eligibility, else 0 (reference) or 1 (exposed)."""
    of_type = ctx.cancer == cat.keys.index(e.cancer)
    match = np.zeros(ctx.n, dtype=bool)
    rows = np.flatnonzero(of_type)
    match[rows] = holds(e.when, ctx, rows)
    u = rng.random(ctx.n)
    if e.kind == "biomarker":
        return np.where(of_type, match.astype(np.int8), -1).astype(np.int8)
    assert e.adoption is not None
    p = np.where(ctx.year >= e.adoption.year, e.adoption.after, e.adoption.before)
    return np.where(match, (u < p).astype(np.int8), -1).astype(np.int8)


def _covariates(cat: Catalog, pop: Population) -> np.ndarray:
    cov = cat.params.effects.covariates
    age = cov["age_per_10y"]
    return (np.log(age["hr"]) * (pop.age - age["center"]) / 10
            + np.log(cov["ps_ge_2"]["hr"]) * (pop.ps >= 2)
            + np.log(cov["smoking"]["hr"]) * pop.smoker)


def draw_survival(rng: np.random.Generator, cat: Catalog, pop: Population, ctx: Context,
                  cutoff: int, lost_rate: float) -> Survival:
    """``ctx`` must carry the markers known at diagnosis and the latent statuses."""
    effects = cat.params.effects
    exposure = {e.name: _exposure(rng, cat, e, ctx) for e in effects.effects}
    lp_cov = _covariates(cat, pop)
    lp_os, lp_pfs = lp_cov.copy(), lp_cov.copy()
    for e in effects.effects:
        on = exposure[e.name] == 1
        lp_os += np.log(e.os_hr) * on
        lp_pfs += np.log(e.pfs_hr) * on
    u_os, u_pfs = clayton(rng, pop.n, effects.copula_theta)
    c = pop.cancer
    os_days = weibull_times(-np.log(u_os), weibull_scale(cat.os_median[c, pop.stage],
                                                         cat.os_shape[c]), cat.os_shape[c], lp_os)
    pfs_days = weibull_times(-np.log(u_pfs), weibull_scale(cat.pfs_median[c], cat.pfs_shape[c]),
                             cat.pfs_shape[c], lp_pfs)
    death = pop.diag + np.maximum(np.ceil(np.minimum(os_days, 60_000)), 1).astype(np.int64)
    lost = rng.random(pop.n) < lost_rate
    lost_day = pop.diag + np.floor((cutoff - pop.diag) * rng.random(pop.n)).astype(np.int64)
    censor = np.where(lost, lost_day, cutoff).astype(np.int64)
    return Survival(exposure, lp_cov, lp_os, lp_pfs, os_days, pfs_days, death, lost, censor)

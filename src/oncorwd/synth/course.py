"""Disease course of each index cancer, from diagnosis to death or censoring.

Non-metastatic solid cancers get a curative sequence (definitive chemoradiation, or neoadjuvant
treatment, surgery, adjuvant treatment, radiotherapy, maintenance); some recur (local recurrence
or metastasis) before death. Metastatic cancers, recurrences and treated haematological cancers
enter the advanced pathway: lines of therapy, each stopped by a progression (latent progression
time, copula-tied to survival), death or censoring; a new line follows a progression. Every
event is strictly before the end of observation (death or censoring).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oncorwd.synth.catalog import Catalog
from oncorwd.synth.conditions import Context
from oncorwd.synth.draw import uniform_days, weibull_times
from oncorwd.synth.population import Population
from oncorwd.synth.survival import Survival, weibull_scale
from oncorwd.synth.therapy import Courses, choose, schedules

__all__ = ["LINES", "Timeline", "draw_course"]

LINES = 4
CURATIVE = ("definitive", "neoadjuvant", "adjuvant", "maintenance")
_NONE = -1


@dataclass
class Timeline:
    """Per patient (arrays of the block's size, -1 = none) plus per-line and per-course rows."""

    phase_regimen: dict[str, np.ndarray]
    phase_start: dict[str, np.ndarray]
    surgery: np.ndarray
    rt_day: np.ndarray
    active_end: np.ndarray
    recurrence: np.ndarray
    recurrence_type: np.ndarray
    first_progression: np.ndarray
    transformed: np.ndarray
    adv_start: np.ndarray
    line_patient: np.ndarray
    line_k: np.ndarray
    line_start: np.ndarray
    line_prog: np.ndarray
    line_regimen: np.ndarray
    courses: Courses


def _by_cancer(rng: np.random.Generator, cat: Catalog, phase: str, ctx: Context,
               pop: Population, mask: np.ndarray, line: int | None = None,
               ) -> tuple[np.ndarray, np.ndarray]:
    reg = np.full(pop.n, _NONE)
    rt = np.zeros(pop.n, dtype=bool)
    for k, key in enumerate(cat.keys):
        rows = np.flatnonzero(mask & (pop.cancer == k))
        if len(rows):
            reg[rows], rt[rows] = choose(rng, key, phase, ctx, rows, pop.stage[rows], line)
    return reg, rt


def _curative(rng: np.random.Generator, cat: Catalog, pop: Population, ctx: Context,
              cur: np.ndarray,
              ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], np.ndarray, np.ndarray]:
    span, n, diag = schedules().span, pop.n, pop.diag
    reg: dict[str, np.ndarray] = {}
    rt_with: dict[str, np.ndarray] = {}
    reg["definitive"], rt_with["definitive"] = _by_cancer(rng, cat, "definitive", ctx, pop, cur)
    open_ = cur & (reg["definitive"] < 0)
    reg["neoadjuvant"], rt_with["neoadjuvant"] = _by_cancer(rng, cat, "neoadjuvant", ctx, pop,
                                                            open_)
    reg["adjuvant"], rt_with["adjuvant"] = _by_cancer(rng, cat, "adjuvant", ctx, pop, open_)
    start = {"definitive": diag + uniform_days(rng, 21, 45, n),
             "neoadjuvant": diag + uniform_days(rng, 14, 35, n)}
    neo_end = start["neoadjuvant"] + span[np.maximum(reg["neoadjuvant"], 0)]
    u = rng.random(n)
    surg_p = np.where(reg["neoadjuvant"] >= 0, 0.92, cat.surgery_p[pop.cancer, pop.stage])
    surgery = np.where(open_ & (u < surg_p), np.where(
        reg["neoadjuvant"] >= 0, neo_end + uniform_days(rng, 21, 42, n),
        diag + uniform_days(rng, 10, 50, n)), _NONE)
    start["adjuvant"] = np.where(surgery >= 0, surgery + uniform_days(rng, 28, 56, n),
                                 diag + uniform_days(rng, 21, 42, n))
    rt_day = _radiotherapy(rng, cat, pop, reg, rt_with, start, surgery, open_)
    return reg, start, surgery, rt_day


def _radiotherapy(rng: np.random.Generator, cat: Catalog, pop: Population,
                  reg: dict[str, np.ndarray], rt_with: dict[str, np.ndarray],
                  start: dict[str, np.ndarray], surgery: np.ndarray, open_: np.ndarray,
                  ) -> np.ndarray:
    n, span = pop.n, schedules().span
    day = np.full(n, _NONE)
    planned = open_ & (rng.random(n) < cat.rt_p[pop.cancer, pop.stage])
    adj_end = start["adjuvant"] + span[np.maximum(reg["adjuvant"], 0)]
    after = np.where(reg["adjuvant"] >= 0, adj_end + uniform_days(rng, 21, 42, n),
                     np.where(surgery >= 0, surgery + uniform_days(rng, 35, 70, n),
                              pop.diag + uniform_days(rng, 21, 60, n)))
    day = np.where(planned, after, day)
    for phase in ("adjuvant", "neoadjuvant", "definitive"):
        concurrent = (reg[phase] >= 0) & rt_with[phase]
        day = np.where(concurrent, start[phase], day)
    return day


def _active_end(pop: Population, reg: dict[str, np.ndarray], start: dict[str, np.ndarray],
                surgery: np.ndarray, rt_day: np.ndarray) -> np.ndarray:
    span = schedules().span
    end = pop.diag.copy()
    for phase, r in reg.items():
        if phase in start:
            end = np.where(r >= 0, np.maximum(end, start[phase] + span[np.maximum(r, 0)]), end)
    end = np.maximum(end, surgery)
    return np.where(rt_day >= 0, np.maximum(end, rt_day + 45), end)


def _recurrence(rng: np.random.Generator, cat: Catalog, pop: Population, surv: Survival,
                cur: np.ndarray, active_end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observed recurrence day (-1 if none) and type (1 local, 2 metastasis)."""
    n = pop.n
    frac = 0.3 + 0.55 * rng.random(n)
    day = pop.diag + np.floor(frac * (surv.death - pop.diag)).astype(np.int64)
    day = np.maximum(day, np.maximum(active_end + 60, pop.diag + 150))
    has = cur & (rng.random(n) < cat.recurrence[pop.cancer, pop.stage]) & (day < surv.death - 30)
    seen = has & (day < surv.censor)
    kind = np.where(rng.random(n) < cat.local_share[pop.cancer], 1, 2)
    return np.where(seen, day, _NONE), np.where(seen, kind, 0)


def _haem_start(rng: np.random.Generator, cat: Catalog, pop: Population, surv: Survival,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advanced start of haematological cancers; watch-and-wait patients start at their first
    progression (returned, with a transformation flag for indolent lymphoid cancers)."""
    n, c = pop.n, pop.cancer
    haem = cat.haem[c]
    median = np.where(np.isnan(cat.first_progression[c]), 36.0, cat.first_progression[c])
    wait = weibull_times(rng.exponential(1.0, n), weibull_scale(median, np.ones(n)), np.ones(n),
                         surv.lp_cov)
    first = np.where(haem & ~pop.advanced_dx,
                     pop.diag + np.ceil(wait).astype(np.int64), _NONE)
    first = np.where((first >= 0) & (first < surv.end), first, _NONE)
    transformed = (first >= 0) & (rng.random(n) < cat.transformation[c] * 3)
    start = np.where(haem & pop.advanced_dx, pop.diag + uniform_days(rng, 3, 30, n),
                     np.where(first >= 0, first + uniform_days(rng, 14, 42, n), _NONE))
    return start, first, transformed


def _line_pfs(rng: np.random.Generator, cat: Catalog, pop: Population, surv: Survival,
              rows: np.ndarray, k: int) -> np.ndarray:
    if k == 1:
        return surv.pfs_days[rows]
    c = pop.cancer[rows]
    factor = cat.params.effects.later_line_pfs_factor ** (k - 1)
    scale = weibull_scale(cat.pfs_median[c] * factor, cat.pfs_shape[c])
    return weibull_times(rng.exponential(1.0, len(rows)), scale, cat.pfs_shape[c],
                         surv.lp_cov[rows])


def _lines(rng: np.random.Generator, cat: Catalog, pop: Population, surv: Survival,
           ctx: Context, adv_start: np.ndarray) -> dict[str, np.ndarray]:
    end, n = surv.end, pop.n
    advanced = [cat.params.regimens.treatment.get(k) for k in cat.keys]
    treat_p = np.array([t.advanced.treat if t and t.advanced else 0.0 for t in advanced])
    nxt = np.array([t.advanced.next if t and t.advanced else (0, 0, 0) for t in advanced])
    frail = np.where(pop.ps >= 3, 0.5, 1.0) * np.where(pop.age >= 85, 0.6, 1.0)
    start = np.where((adv_start >= 0) & (adv_start < end - 14)
                     & (rng.random(n) < treat_p[pop.cancer] * frail), adv_start, _NONE)
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("patient", "k", "start", "prog", "reg")}
    for k in range(1, LINES + 1):
        reg, _ = _by_cancer(rng, cat, "advanced", ctx, pop, start >= 0, line=k)
        rows = np.flatnonzero((start >= 0) & (reg >= 0))
        prog = start[rows] + np.maximum(np.round(_line_pfs(rng, cat, pop, surv, rows, k)), 1)
        seen = prog < end[rows]
        for key, val in (("patient", rows), ("k", np.full(len(rows), k)), ("start", start[rows]),
                         ("prog", np.where(seen, prog, _NONE)), ("reg", reg[rows])):
            out[key].append(val.astype(np.int64))
        start = np.full(n, _NONE)
        go = seen & (rng.random(len(rows)) < (nxt[pop.cancer[rows], k - 1] if k < LINES else 0))
        nxt_start = prog[go] + uniform_days(rng, 14, 35, int(go.sum()))
        ok = nxt_start < end[rows[go]] - 7
        start[rows[go][ok]] = nxt_start[ok]
    return {k: np.concatenate(v) for k, v in out.items()}


def _courses(rng: np.random.Generator, pop: Population, surv: Survival,
             reg: dict[str, np.ndarray], start: dict[str, np.ndarray], limit: np.ndarray,
             lines: dict[str, np.ndarray]) -> Courses:
    """Curative phase courses (line 1) and advanced lines as regimen instances."""
    curative = np.zeros(pop.n, dtype=bool)
    parts = []
    for phase in CURATIVE:
        rows = np.flatnonzero((reg[phase] >= 0) & (start[phase] < limit))
        curative[rows] = True
        parts.append((rows, reg[phase][rows], start[phase][rows], limit[rows],
                      np.ones(len(rows), np.int64)))
    stop = np.where(lines["prog"] >= 0, lines["prog"], surv.end[lines["patient"]])
    parts.append((lines["patient"], lines["reg"], lines["start"], stop,
                  lines["k"] + curative[lines["patient"]]))
    out = []
    for rows, r, s, e, line in parts:
        u = rng.random(len(rows))
        out.append(Courses(rows, r, s, e, line, u < 0.05, (u > 0.05) & (u < 0.07)))
    return Courses.concat(out)


def draw_course(rng: np.random.Generator, cat: Catalog, pop: Population, surv: Survival,
                ctx_dx: Context, ctx_adv: Context) -> Timeline:
    n, solid = pop.n, ~cat.haem[pop.cancer]
    cur = solid & ~pop.advanced_dx
    reg, start, surgery, rt_day = _curative(rng, cat, pop, ctx_dx, cur)
    ctx_dx.phases = {p: r >= 0 for p, r in reg.items()}
    active_end = _active_end(pop, reg, start, surgery, rt_day)
    reg["maintenance"], _ = _by_cancer(rng, cat, "maintenance", ctx_dx, pop, cur)
    start["maintenance"] = active_end + uniform_days(rng, 14, 35, n)
    rec, rec_type = _recurrence(rng, cat, pop, surv, cur, active_end)
    haem_start, first, transformed = _haem_start(rng, cat, pop, surv)
    adv = np.where(solid & pop.advanced_dx, pop.diag + uniform_days(rng, 14, 45, n),
                   np.where(rec >= 0, rec + uniform_days(rng, 14, 42, n), haem_start))
    lines = _lines(rng, cat, pop, surv, ctx_adv, adv)
    limit = np.minimum(surv.end, np.where(rec >= 0, rec, surv.end))
    courses = _courses(rng, pop, surv, reg, start, limit, lines)
    return Timeline(reg, start, np.where(surgery < limit, surgery, _NONE),
                    np.where(rt_day < limit, rt_day, _NONE), active_end, rec, rec_type, first,
                    transformed, adv, lines["patient"], lines["k"], lines["start"], lines["prog"],
                    lines["reg"], courses)

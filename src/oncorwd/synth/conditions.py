"""Evaluate declared conditions (treatment rules, planted effects) on whole patient arrays."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from oncorwd.synth.catalog import Catalog
from oncorwd.synth.params import Condition

__all__ = ["Context", "holds"]


@dataclass
class Context:
    """What a condition can look at, one entry per patient (index cancer).

    ``known`` maps a flag (marker name, detail flag such as KRAS_G12C, derived flag such as
    BRCA) to "known positive"; ``tested_neg`` a marker to "tested negative"; ``latent`` a
    marker to its biological status whether tested or not; ``arms`` an effect name to -1 (not
    eligible), 0 (control) or 1 (exposed); ``phases`` a curative phase name to "given".
    """

    cat: Catalog
    cancer: np.ndarray
    tags: np.ndarray
    topo: np.ndarray
    year: np.ndarray
    age: np.ndarray
    ps: np.ndarray
    m1: np.ndarray
    known: dict[str, np.ndarray] = field(default_factory=dict)
    tested_neg: dict[str, np.ndarray] = field(default_factory=dict)
    latent: dict[str, np.ndarray] = field(default_factory=dict)
    arms: dict[str, np.ndarray] = field(default_factory=dict)
    phases: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.cancer)

    def with_known(self, known: dict[str, np.ndarray],
                   tested_neg: dict[str, np.ndarray]) -> Context:
        return replace(self, known=known, tested_neg=tested_neg)

    def flag(self, table: dict[str, np.ndarray], name: str) -> np.ndarray:
        got = table.get(name)
        return np.zeros(self.n, dtype=bool) if got is None else got


def _all(ctx: Context, table: dict[str, np.ndarray], names: tuple[str, ...],
         rows: np.ndarray) -> np.ndarray:
    out = np.ones(len(rows), dtype=bool)
    for name in names:
        out &= ctx.flag(table, name)[rows]
    return out


def _any(ctx: Context, table: dict[str, np.ndarray], names: tuple[str, ...],
         rows: np.ndarray) -> np.ndarray:
    out = np.zeros(len(rows), dtype=bool)
    for name in names:
        out |= ctx.flag(table, name)[rows]
    return out


def _markers(cond: Condition, ctx: Context, rows: np.ndarray) -> np.ndarray:
    ok = _all(ctx, ctx.known, cond.pos, rows) & _all(ctx, ctx.tested_neg, cond.neg, rows)
    if cond.any_pos:
        ok &= _any(ctx, ctx.known, cond.any_pos, rows)
    if cond.not_pos:
        ok &= ~_any(ctx, ctx.known, cond.not_pos, rows)
    if cond.latent_pos:
        ok &= _all(ctx, ctx.latent, cond.latent_pos, rows)
    if cond.latent_neg:
        ok &= ~_any(ctx, ctx.latent, cond.latent_neg, rows)
    return ok


def _patient(cond: Condition, ctx: Context, rows: np.ndarray) -> np.ndarray:
    ok = np.ones(len(rows), dtype=bool)
    if cond.from_year is not None:
        ok &= ctx.year[rows] >= cond.from_year
    if cond.to_year is not None:
        ok &= ctx.year[rows] <= cond.to_year
    if cond.min_age is not None:
        ok &= ctx.age[rows] >= cond.min_age
    if cond.max_age is not None:
        ok &= ctx.age[rows] <= cond.max_age
    if cond.max_ps is not None:
        ok &= ctx.ps[rows] <= cond.max_ps
    if cond.m1 is not None:
        ok &= ctx.m1[rows] == cond.m1
    return ok


def _tumour(cond: Condition, ctx: Context, rows: np.ndarray) -> np.ndarray:
    ok = np.ones(len(rows), dtype=bool)
    if cond.tags:
        cols = [ctx.cat.tags.index(t) for t in cond.tags if t in ctx.cat.tags.values]
        ok &= ctx.tags[rows][:, cols].any(axis=1) if cols else False
    if cond.topo:
        ok &= np.isin(ctx.topo[rows], [ctx.cat.topo.index(t) for t in cond.topo
                                       if t in ctx.cat.topo.values])
    return ok


def holds(cond: Condition, ctx: Context, rows: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask, over ``rows`` (all patients if None), of where ``cond`` is true."""
    rows = np.arange(ctx.n) if rows is None else rows
    ok = _markers(cond, ctx, rows) & _patient(cond, ctx, rows) & _tumour(cond, ctx, rows)
    if cond.arm is not None:
        ok &= ctx.arms.get(cond.arm, np.full(ctx.n, -1))[rows] == 1
    if cond.control is not None:
        ok &= ctx.arms.get(cond.control, np.full(ctx.n, -1))[rows] == 0
    if cond.after is not None:
        ok &= ctx.flag(ctx.phases, cond.after)[rows]
    return ok

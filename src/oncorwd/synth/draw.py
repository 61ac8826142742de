"""Vectorised random draws and row expansion (no per-patient Python loop anywhere).

A generator is derived per (seed, site, block, stream): adding a draw to one stream never shifts
the values of another, and a block's values do not depend on how blocks are grouped in chunks.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

__all__ = [
    "Choice",
    "clayton",
    "expand",
    "rng_for",
    "uniform_days",
    "weibull_times",
]

STREAMS = ("population", "tumour", "markers", "survival", "course", "therapy", "events",
           "background", "missing", "second", "imaging", "samples")


def rng_for(seed: int, site_id: str, block: int, stream: str) -> np.random.Generator:
    """The generator of one named stream of one block of one site."""
    site = zlib.crc32(site_id.encode("utf-8"))
    seq = np.random.SeedSequence([seed & 0xFFFFFFFF, site, block, STREAMS.index(stream)])
    return np.random.Generator(np.random.PCG64(seq))


class Choice:
    """Categorical draws from a table of options per group (e.g. histologies per cancer).

    ``rows[g]`` lists ``(option index, weight)`` for group ``g``; :meth:`draw` picks one option per
    element of ``group`` with the group's weights (padded rows make it one vectorised compare).
    """

    def __init__(self, rows: Sequence[Sequence[tuple[int, float]]]) -> None:
        width = max(1, max((len(r) for r in rows), default=1))
        self.options = np.zeros((len(rows), width), dtype=np.int32)
        self.cum = np.ones((len(rows), width))
        self.empty = np.array([len(r) == 0 for r in rows])
        for g, row in enumerate(rows):
            w = np.array([max(0.0, x) for _, x in row], dtype=float)
            if len(row) and w.sum() > 0:
                self.options[g, : len(row)] = [i for i, _ in row]
                self.options[g, len(row):] = row[-1][0]
                self.cum[g, : len(row)] = np.cumsum(w) / w.sum()

    def draw(self, rng: np.random.Generator, group: np.ndarray) -> np.ndarray:
        u = rng.random(len(group))
        if len(self.cum) == 1:
            col = np.searchsorted(self.cum[0], u, side="right")
            return self.options[0, np.minimum(col, self.cum.shape[1] - 1)]
        cum = self.cum[group]
        col = (u[:, None] > cum).sum(axis=1)
        col = np.minimum(col, self.cum.shape[1] - 1)
        return self.options[group, col]


def uniform_days(rng: np.random.Generator, lo: np.ndarray | float, hi: np.ndarray | float,
                 n: int) -> np.ndarray:
    """Whole days uniformly in [lo, hi]."""
    return np.floor(lo + rng.random(n) * (np.asarray(hi) - lo + 1)).astype(np.int64)


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows for ``counts[i]`` children of each owner: (owner index, rank within owner)."""
    counts = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(owner)) - np.repeat(starts, counts)
    return owner, rank


def weibull_times(e: np.ndarray, scale: np.ndarray, shape: np.ndarray,
                  lp: np.ndarray) -> np.ndarray:
    """Event times of S(t) = exp(-(t/scale)^shape * exp(lp)) from unit exponentials ``e``."""
    return scale * (e * np.exp(-lp)) ** (1.0 / shape)


def clayton(rng: np.random.Generator, n: int, theta: float) -> tuple[np.ndarray, np.ndarray]:
    """Two uniforms tied by a Clayton copula (Marshall-Olkin sampling), Kendall tau
    theta / (theta + 2); lower-tail dependence: early events go together."""
    v = rng.gamma(1.0 / theta, 1.0, n)
    e1, e2 = rng.exponential(1.0, n), rng.exponential(1.0, n)
    return (1.0 + e1 / v) ** (-1.0 / theta), (1.0 + e2 / v) ** (-1.0 / theta)

"""Patients of one block: cancer type by the site's case mix, sex, age and date of diagnosis,
birth date, smoking, true stage, metastatic status and performance status at diagnosis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oncorwd.synth.arrow import day_number
from oncorwd.synth.catalog import Catalog
from oncorwd.synth.draw import Choice
from oncorwd.synth.params import STAGES

__all__ = ["Population", "draw_population", "year_of"]

IV = STAGES.index("IV")


def year_of(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype(
        "datetime64[Y]").astype(np.int64) + 1970


@dataclass
class Population:
    """One row per patient of the block (index cancer only; arrays share the patient order)."""

    first: int
    cancer: np.ndarray
    male: np.ndarray
    age: np.ndarray
    diag: np.ndarray
    birth: np.ndarray
    year: np.ndarray
    smoker: np.ndarray
    stage: np.ndarray
    m1: np.ndarray
    advanced_dx: np.ndarray
    ps: np.ndarray

    @property
    def n(self) -> int:
        return len(self.cancer)

    @property
    def number(self) -> np.ndarray:
        """Patient numbers (1-based within the site): the stem of every identifier."""
        return np.arange(self.first + 1, self.first + self.n + 1, dtype=np.int64)


def _ages(rng: np.random.Generator, cat: Catalog, cancer: np.ndarray) -> np.ndarray:
    mean, sd, low = cat.age[cancer, 0], cat.age[cancer, 1], cat.age[cancer, 2]
    age = mean + sd * rng.standard_normal(len(cancer))
    below = age < low
    age = np.where(below, low + rng.random(len(cancer)) * np.maximum(sd / 2, 3), age)
    return np.minimum(age, 99.0)


def _performance(rng: np.random.Generator, cat: Catalog, advanced: np.ndarray,
                 age: np.ndarray) -> np.ndarray:
    decl = cat.params.background["performance_status"]
    choice = Choice([list(enumerate(decl["early"])), list(enumerate(decl["advanced"]))])
    ps = choice.draw(rng, advanced.astype(np.int64))
    older = rng.random(len(age)) < np.clip(decl["age_shift_per_10y"] * (age - 65) / 10, 0, 1)
    return np.minimum(ps + older, 4).astype(np.int8)


def draw_population(rng: np.random.Generator, cat: Catalog, weights: np.ndarray,
                    first_year: int, cutoff: int, first: int, n: int) -> Population:
    """Draw ``n`` patients numbered from ``first + 1``; diagnoses between 1 January of
    ``first_year`` and a month before the cut-off, denser in recent years (growing activity and
    warehouse coverage)."""
    cancer = np.searchsorted(np.cumsum(weights), rng.random(n) * weights.sum(), side="right")
    cancer = np.minimum(cancer, len(weights) - 1)
    male = rng.random(n) < cat.p_male[cancer]
    age = _ages(rng, cat, cancer)
    start = day_number(f"{first_year}-01-01")
    span = max(cutoff - 30 - start, 1)
    diag = start + np.floor(span * rng.random(n) ** 0.85).astype(np.int64)
    birth = diag - np.round(age * 365.25).astype(np.int64)
    stage = cat.stage.draw(rng, cancer)
    solid = ~cat.haem[cancer]
    m1 = solid & (stage == IV) & (rng.random(n) < cat.m1_share[cancer])
    advanced = np.where(solid, m1 | cat.advanced_stage[cancer, stage],
                        rng.random(n) < cat.treat_at_dx[cancer])
    smoker = rng.random(n) < cat.smoking[cancer]
    ps = _performance(rng, cat, m1 | (advanced & solid), age)
    return Population(first, cancer, male, (diag - birth) / 365.25, diag, birth, year_of(diag),
                      smoker, stage, m1, advanced, ps)

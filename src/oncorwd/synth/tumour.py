"""Primary tumours: histology and site by cancer type, laterality, TNM consistent with the stage
group and M flag, tumour size consistent with T, grade, staging system and basis of diagnosis;
plus second primaries (~5 % of patients, IARC rules: another cancer, before or after)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oncorwd.synth.catalog import LATERALITY, Catalog
from oncorwd.synth.params import STAGES

__all__ = ["Tumours", "draw_second_primaries", "draw_tumours"]

IV, UK, ZERO = STAGES.index("IV"), STAGES.index("UK"), STAGES.index("0")
SECOND_PRIMARY_RATE = 0.05


@dataclass
class Tumours:
    """One row per cancer; ``slot`` 1 is the index cancer, 2 a second primary."""

    patient: np.ndarray
    slot: np.ndarray
    cancer: np.ndarray
    stage: np.ndarray
    m1: np.ndarray
    diag: np.ndarray
    hist: np.ndarray
    morph: np.ndarray
    topo: np.ndarray
    side: np.ndarray
    combo: np.ndarray
    size: np.ndarray
    grade: np.ndarray
    stage_type: np.ndarray
    method: np.ndarray

    @property
    def n(self) -> int:
        return len(self.patient)


def _laterality(rng: np.random.Generator, cat: Catalog, cancer: np.ndarray,
                topo: np.ndarray) -> np.ndarray:
    side = cat.side[cancer, topo].astype(np.int64)
    paired = side < 0
    u = rng.random(len(side))
    drawn = np.where(u < 0.52, LATERALITY.index("R"), LATERALITY.index("L"))
    drawn = np.where(u > 0.985, LATERALITY.index("UN"), drawn)
    return np.where(paired, drawn, side)


def _tnm(rng: np.random.Generator, cat: Catalog, cancer: np.ndarray, stage: np.ndarray,
         m1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TNM combination (index into the catalogue's combos, -1 if none) and size in mm."""
    n = len(cancer)
    staged = (cat.tnm_family[cancer] >= 0) & (stage != UK)
    group = cat.tnm_group(cancer, stage, (stage == IV) & ~m1)
    combo = np.where(staged, cat.tnm.draw(rng, group), -1)
    combo = np.where(cat.tnm.empty[group], -1, combo)
    lo = np.where(combo >= 0, cat.combo_size[np.maximum(combo, 0), 0], 12.0)
    hi = np.where(combo >= 0, cat.combo_size[np.maximum(combo, 0), 1], 45.0)
    size = np.round(lo + rng.random(n) * (hi - lo))
    size = np.where(cat.has_size[cancer] & ~cat.haem[cancer], size, np.nan)
    return combo, size


def draw_tumours(rng: np.random.Generator, cat: Catalog, patient: np.ndarray, slot: np.ndarray,
                 cancer: np.ndarray, stage: np.ndarray, m1: np.ndarray,
                 diag: np.ndarray) -> Tumours:
    hist = cat.histology.draw(rng, cancer)
    morph = np.where((stage == ZERO) & (cat.in_situ[cancer] >= 0), cat.in_situ[cancer],
                     cat.hist_morph[hist])
    topo = cat.topography.draw(rng, cancer)
    topo = np.where(cat.hist_topo[hist] >= 0, cat.hist_topo[hist], topo)
    side = _laterality(rng, cat, cancer, topo)
    combo, size = _tnm(rng, cat, cancer, stage, m1)
    grade = np.where(cat.grade.empty[cancer], -1, cat.grade.draw(rng, cancer))
    stage_type = np.where(cat.stage_type.empty[cancer], -1, cat.stage_type.draw(rng, cancer))
    method = cat.method.draw(rng, cancer)
    return Tumours(patient, slot, cancer, stage, m1, diag, hist, morph, topo, side, combo, size,
                   grade, stage_type, method)


def draw_second_primaries(rng: np.random.Generator, cat: Catalog, weights: np.ndarray,
                          male: np.ndarray, birth: np.ndarray, diag: np.ndarray,
                          end: np.ndarray) -> Tumours:
    """Second primaries for ~5 % of patients, of a type compatible with the patient's sex;
    diagnosed 0.5-10 years after the index cancer (before the end of follow-up) or, failing
    that, 1-15 years before it (personal history, section 6 of the MDS) after age 18."""
    n = len(male)
    has = rng.random(n) < SECOND_PRIMARY_RATE
    national = np.array([c.incidence for c in cat.params.cancers]) * 1e-6
    by_sex = np.stack([(weights + national) * (1 - cat.p_male), (weights + national) * cat.p_male])
    cum = np.cumsum(by_sex, axis=1) / by_sex.sum(axis=1, keepdims=True)
    cancer = (rng.random(n)[:, None] > cum[male.astype(np.int64)]).sum(axis=1)
    cancer = np.minimum(cancer, len(weights) - 1)
    after = diag + np.round(365.25 * (0.5 + 9.5 * rng.random(n))).astype(np.int64)
    before = diag - np.round(365.25 * (1 + 14 * rng.random(n))).astype(np.int64)
    use_after = (rng.random(n) < 0.5) & (after < end - 30)
    date = np.where(use_after, after, before)
    has &= use_after | (before > birth + round(18 * 365.25))
    idx = np.flatnonzero(has)
    stage = cat.stage.draw(rng, cancer[idx])
    stage = np.where(stage == IV, IV - 1, stage)
    m1 = np.zeros(len(idx), dtype=bool)
    return draw_tumours(rng, cat, idx, np.full(len(idx), 2), cancer[idx], stage, m1, date[idx])

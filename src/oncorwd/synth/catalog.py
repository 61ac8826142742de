"""The declared parameters compiled into numpy lookups and string vocabularies.

Draws work on integer indices (cancer type, histology, code) and look their properties up in
these arrays; strings appear only when a column is built (:func:`oncorwd.synth.arrow.codes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import pyarrow as pa

from oncorwd.dictionary import load_dictionary
from oncorwd.synth.draw import Choice
from oncorwd.synth.params import STAGES, Cancer, Params, load_params

__all__ = ["Catalog", "Vocab", "catalog"]

LATERALITY = ("R", "L", "NA", "UN")
_IV_M0 = len(STAGES)  # extra TNM row: stage IV without distant metastasis


class Vocab:
    """An ordered set of strings; draws carry indices, columns take from :attr:`array`."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self.values: list[str] = []
        self._pos: dict[str, int] = {}
        for v in values:
            self.add(v)

    def add(self, value: str) -> int:
        if value not in self._pos:
            self._pos[value] = len(self.values)
            self.values.append(value)
        return self._pos[value]

    def index(self, value: str) -> int:
        return self._pos[value]

    def indices(self, values: Sequence[str]) -> np.ndarray:
        return np.array([self._pos[v] for v in values], dtype=np.int32)

    @property
    def array(self) -> pa.Array:
        return pa.array(self.values, type=pa.string())

    def __len__(self) -> int:
        return len(self.values)


def _per_stage(d: dict[str, float], default: float) -> np.ndarray:
    return np.array([d.get(s, default) for s in STAGES], dtype=float)


class Catalog:
    """Per-cancer arrays (index = position in ``params.cancers``) and shared vocabularies."""

    def __init__(self, params: Params) -> None:
        self.params = params
        cs = params.cancers
        self.keys = [c.key for c in cs]
        self.n_cancers = len(cs)
        self.topo, self.morph, self.ccam = Vocab(), Vocab(), Vocab()
        self.labels = Vocab()
        self.tags = Vocab(t for c in cs for h in c.histology for t in h.tags)
        self.haem = np.array([c.kind == "haem" for c in cs])
        self.p_male = np.array([c.p_male for c in cs])
        self.age = np.array([c.age for c in cs], dtype=float)
        self.smoking = np.array([c.smoking for c in cs])
        self.m1_share = np.array([c.m1_share for c in cs])
        self.treat_at_dx = np.array([c.treat_at_diagnosis for c in cs])
        self.transformation = np.array([c.transformation for c in cs])
        self.has_size = np.array([c.size for c in cs])
        self.stage = Choice([[(i, c.stage.get(s, 0.0)) for i, s in enumerate(STAGES)] for c in cs])
        self.advanced_stage = np.array(
            [[s in c.advanced_stages for s in STAGES] for c in cs])
        self._histology(cs)
        self._topography(cs)
        self._staging(cs)
        self._survival(cs)
        self._procedures(cs)
        self._groups()

    def _histology(self, cs: Sequence[Cancer]) -> None:
        rows: list[list[tuple[int, float]]] = []
        morph: list[int] = []
        topo: list[int] = []
        tags: list[list[bool]] = []
        for c in cs:
            row = []
            for h in c.histology:
                row.append((len(morph), h.w))
                morph.append(self.morph.add(h.code))
                topo.append(self.topo.add(h.topography) if h.topography else -1)
                tags.append([t in h.tags for t in self.tags.values])
            rows.append(row)
        self.histology = Choice(rows)
        self.hist_morph = np.array(morph)
        self.hist_topo = np.array(topo)
        self.hist_tags = np.array(tags, dtype=bool).reshape(len(morph), len(self.tags))
        self.in_situ = np.array([self.morph.add(c.in_situ) if c.in_situ else -1 for c in cs])

    def _topography(self, cs: Sequence[Cancer]) -> None:
        self.topography = Choice([[(self.topo.add(t), w) for t, w, _ in c.topography] for c in cs])
        self.side = np.full((len(cs), 512), LATERALITY.index("NA"), dtype=np.int8)
        for k, c in enumerate(cs):
            for t, _, side in c.topography:
                self.side[k, self.topo.index(t)] = -1 if side == "LR" else LATERALITY.index(side)
        self.metastasis = Choice([[(self.topo.add(t), w) for t, w in c.metastasis] for c in cs])
        for fixed in ("C42.0", "C42.1", "C77.9"):
            self.topo.add(fixed)
        for site, *_ in self.params.background["family_history"]["sites"]:
            self.topo.add(site)

    def _staging(self, cs: Sequence[Cancer]) -> None:
        value_sets = load_dictionary()
        self.stage_types = Vocab(value_sets.value_set("stage_type").codes)
        self.stage_type = Choice([[(self.stage_types.index(k), w) for k, w in c.stage_type.items()]
                                  for c in cs])
        self.grade_values = Vocab()
        self.grade_types = Vocab()
        self.grade_type = np.array([self.grade_types.add(c.grade.type) if c.grade else -1
                                    for c in cs])
        self.grade = Choice([[(self.grade_values.add(v), w) for v, w in c.grade.values.items()]
                             if c.grade else [] for c in cs])
        self.methods = Vocab(value_sets.value_set("encr_basis").codes)
        self.method = Choice([[(self.methods.index(m), w) for m, w in c.method.items()]
                              for c in cs])
        self._tnm_table(cs)

    def _tnm_table(self, cs: Sequence[Cancer]) -> None:
        """T/N combinations per (TNM family, stage row), with the size range of each T."""
        bg = self.params.background
        families = list(bg["tnm"])
        self.tnm_family = np.array([families.index(c.tnm) if c.tnm else -1 for c in cs])
        self.t_codes, self.n_codes = Vocab(), Vocab()
        rows: list[list[tuple[int, float]]] = []
        t_idx: list[int] = []
        n_idx: list[int] = []
        sizes: list[list[float]] = []
        fallback = bg["tnm"]["generic"]["t_size"]
        for fam in families:
            decl = bg["tnm"][fam]
            t_size = decl.get("t_size", {})
            for s in (*STAGES, "IV_M0"):
                row = []
                for t, n, w in decl.get(s, decl.get("IV", []) if s == "IV_M0" else []):
                    row.append((len(t_idx), w))
                    t_idx.append(self.t_codes.add(t))
                    n_idx.append(self.n_codes.add(n))
                    sizes.append(t_size.get(t, t_size.get(t[:2], fallback.get(t[:2], [10, 40]))))
                rows.append(row)
        self.tnm = Choice(rows)
        self.tnm_rows_per_family = len(STAGES) + 1
        self.combo_t, self.combo_n = np.array(t_idx), np.array(n_idx)
        self.combo_size = np.array(sizes, dtype=float)

    def _survival(self, cs: Sequence[Cancer]) -> None:
        def uk(c: Cancer) -> float:
            return c.survival.os.get("UK", float(np.median(list(c.survival.os.values()))))

        self.os_shape = np.array([c.survival.shape for c in cs])
        self.os_median = np.array([_per_stage(c.survival.os, uk(c)) for c in cs])
        self.pfs_median = np.array([c.survival.pfs for c in cs])
        self.pfs_shape = np.array([c.survival.pfs_shape for c in cs])
        self.recurrence = np.array([_per_stage(c.survival.recurrence,
                                               c.survival.recurrence.get("UK", 0.3)) for c in cs])
        self.local_share = np.array([c.survival.local_share for c in cs])
        self.first_progression = np.array([c.survival.first_progression or np.nan for c in cs])

    def _procedures(self, cs: Sequence[Cancer]) -> None:
        self.surgery_p = np.array([_per_stage(c.surgery.p, 0.0) for c in cs])
        self.rt_p = np.array([_per_stage(c.radiotherapy.p, 0.0) for c in cs])
        rows: list[list[tuple[int, float]]] = []
        code: list[int] = []
        group: list[int] = []
        for c in cs:
            row = []
            for cc, w, label in c.surgery.codes:
                row.append((len(code), w))
                code.append(self.ccam.add(cc) if cc else -1)
                group.append(self.labels.add(label))
            rows.append(row)
        self.surgery = Choice(rows)
        self.surgery_code, self.surgery_group = np.array(code), np.array(group)
        self.radiotherapy = Choice([[(self.ccam.add(cc), w) for cc, w in c.radiotherapy.codes]
                                    for c in cs])
        self.modalities = Vocab(["CT", "MR", "PT", "MG", "US", "NM", "CR"])
        width = max(len(c.imaging.workup) for c in cs)
        self.workup = np.full((len(cs), width), -1)
        for k, c in enumerate(cs):
            self.workup[k, : len(c.imaging.workup)] = self.modalities.indices(c.imaging.workup)
        self.followup = self.modalities.indices([c.imaging.followup for c in cs])
        self.advanced_imaging = self.modalities.indices([c.imaging.advanced for c in cs])

    def _groups(self) -> None:
        """IARC topography group and Berg histology group of every code in the vocabularies."""
        bg = self.params.background
        self.topo_groups = Vocab()
        self.topo_group = np.array([self.topo_groups.add(bg["topography_groups"].get(
            t[:3], t[:3])) for t in self.topo.values])
        ranges = bg["morphology_groups"]
        self.morph_groups = Vocab(str(g) for g in range(1, 18))

        def group(code: str) -> int:
            kind = int(code[:4])
            found = [g for lo, hi, g in ranges if lo <= kind <= hi]
            return self.morph_groups.index(found[0] if found else "17")

        self.morph_group = np.array([group(m) for m in self.morph.values])

    def tnm_group(self, cancer: np.ndarray, stage: np.ndarray, iv_m0: np.ndarray) -> np.ndarray:
        """Row of :attr:`tnm` for (cancer family, stage) — IV without M1 uses the IV_M0 row."""
        s = np.where(iv_m0, _IV_M0, stage)
        return np.maximum(self.tnm_family[cancer], 0) * self.tnm_rows_per_family + s


@cache
def catalog() -> Catalog:
    """The compiled catalogue of the declared parameters (cached)."""
    return Catalog(load_params())

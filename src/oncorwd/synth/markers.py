"""Biomarker status of each index cancer: latent biology, testing, results and detail texts.

Every panel entry of ``biomarkers.yaml`` is applied to the patients of its cancer type (and
histology tags) with vectorised draws. The *latent* status is the tumour's biology (it drives the
planted biomarker effects whether or not it was tested); a result exists only for tested patients
(for ``advanced`` entries, only if the disease becomes advanced). Flags "known positive" and
"tested negative" at diagnosis and at the advanced stage feed the treatment rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from oncorwd.synth.catalog import Catalog, Vocab, catalog
from oncorwd.synth.draw import Choice
from oncorwd.synth.params import PanelEntry, Prob

__all__ = ["STATUSES", "MarkerResult", "MarkerState", "draw_markers", "texts"]

STATUSES = ("POSITIVE", "NEGATIVE", "NON_CONTRIBUTIVE", "MISSING")
POS, NEG, NC, MISSING = range(4)
TECHNIQUES = ("IHC", "FISH", "CISH", "NGS", "PCR", "SANGER", "IMMUNOASSAY", "OTHER")


@dataclass
class MarkerResult:
    """One panel entry applied to its patients (``rows`` index the block's patients)."""

    entry: PanelEntry
    rows: np.ndarray
    tested: np.ndarray
    latent: np.ndarray
    status: np.ndarray
    detail: np.ndarray
    value: np.ndarray
    technique: np.ndarray


@dataclass
class MarkerState:
    results: list[MarkerResult] = field(default_factory=list)
    latent: dict[str, np.ndarray] = field(default_factory=dict)
    known_dx: dict[str, np.ndarray] = field(default_factory=dict)
    known_adv: dict[str, np.ndarray] = field(default_factory=dict)
    neg_dx: dict[str, np.ndarray] = field(default_factory=dict)
    neg_adv: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class _Compiled:
    pos: Choice
    neg: Choice
    pos_flags: tuple[str | None, ...]
    technique: Choice


@cache
def texts() -> Vocab:
    """Every result_detail text the panels can emit (formatted values included)."""
    vocab = Vocab()
    for entries in catalog().params.biomarkers.panels.values():
        for e in entries:
            for text, *_ in (*e.pos, *e.neg):
                if not (e.value and e.value.fmt):
                    vocab.add(text)
            if e.value and e.value.fmt:
                lo = int(min(e.value.pos[0], e.value.neg[0]))
                hi = int(max(e.value.pos[1], e.value.neg[1]))
                for v in range(lo, hi + 1):
                    vocab.add(e.value.fmt.format(v))
    return vocab


@cache
def _compiled(cancer: str, i: int) -> _Compiled:
    cat = catalog()
    e = cat.params.biomarkers.panels[cancer][i]
    vocab = texts()
    tech = cat.params.biomarkers.markers[e.marker].technique
    fmt = e.value is not None and e.value.fmt is not None
    pos = [] if fmt else [(vocab.index(t[0]), t[1]) for t in e.pos]
    neg = [] if fmt else [(vocab.index(t[0]), t[1]) for t in e.neg]
    return _Compiled(Choice([pos]), Choice([neg]),
                     tuple(t[2] if len(t) > 2 else None for t in e.pos),
                     Choice([[(TECHNIQUES.index(k), w) for k, w in tech.items()]]))


def _prob(spec: Prob | None, cat: Catalog, tags: np.ndarray, advanced: np.ndarray) -> np.ndarray:
    n = len(advanced)
    if spec is None:
        return np.zeros(n)
    if isinstance(spec, int | float):
        return np.full(n, float(spec))
    out = np.full(n, spec.get("default", 0.0))
    for key in reversed([k for k in spec if k != "default"]):
        if key in ("early", "advanced"):
            mask = advanced if key == "advanced" else ~advanced
        else:
            mask = tags[:, cat.tags.index(key)] if key in cat.tags.values else np.zeros(n, bool)
        out = np.where(mask, spec[key], out)
    return out


def _or(table: dict[str, np.ndarray], name: str, rows: np.ndarray, values: np.ndarray,
        n: int) -> None:
    arr = table.setdefault(name, np.zeros(n, dtype=bool))
    arr[rows] |= values


class _Drawer:
    def __init__(self, rng: np.random.Generator, cat: Catalog, n: int) -> None:
        self.rng, self.cat, self.n = rng, cat, n
        self.state = MarkerState()
        self.group_cum: dict[str, np.ndarray] = {}
        self.group_taken: dict[str, np.ndarray] = {}
        self.group_u: dict[str, np.ndarray] = {}

    def _latent(self, e: PanelEntry, rows: np.ndarray, p: np.ndarray) -> np.ndarray:
        u = self.rng.random(len(rows))
        if e.given:
            (other, (p_pos, p_neg)), = e.given.items()
            p = np.where(self.state.latent.get(other, np.zeros(self.n, bool))[rows], p_pos, p_neg)
        if not e.exclusive:
            return u < p
        cum = self.group_cum.setdefault(e.exclusive, np.zeros(self.n))
        taken = self.group_taken.setdefault(e.exclusive, np.zeros(self.n, bool))
        latent = ~taken[rows] & (u < p / np.maximum(1e-9, 1 - cum[rows]))
        cum[rows] += p
        taken[rows] |= latent
        return latent

    def _tested(self, e: PanelEntry, rows: np.ndarray, p: np.ndarray) -> np.ndarray:
        if e.exclusive:
            u = self.group_u.setdefault(e.exclusive, self.rng.random(self.n))[rows]
        else:
            u = self.rng.random(len(rows))
        return u < p

    def _values(self, e: PanelEntry, latent: np.ndarray, advanced: np.ndarray) -> np.ndarray:
        k = len(latent)
        if e.serum:
            med = np.where(advanced, e.serum.median_advanced, e.serum.median)
            return np.round(med * np.exp(e.serum.sigma * self.rng.standard_normal(k)), 2)
        if e.value is None:
            return np.full(k, np.nan)
        lo = np.where(latent, e.value.pos[0], e.value.neg[0])
        hi = np.where(latent, e.value.pos[1], e.value.neg[1])
        return np.floor(lo + self.rng.random(k) * (hi - lo + 1)).clip(lo, hi)

    def apply(self, cancer_key: str, i: int, e: PanelEntry, rows: np.ndarray,
              tags: np.ndarray, m1: np.ndarray) -> None:
        comp, cat = _compiled(cancer_key, i), self.cat
        latent = self._latent(e, rows, _prob(e.prevalence, cat, tags, m1))
        tested = self._tested(e, rows, _prob(e.tested, cat, tags, m1))
        value = self._values(e, latent, m1)
        u = self.rng.random(len(rows))
        status = np.where(latent, POS, NEG)
        if e.serum:
            status = np.where(value > e.serum.normal_max, POS, NEG)
        status = np.where(u < 0.02, NC, np.where(u < 0.03, MISSING, status))
        zero = np.zeros(len(rows), dtype=np.int64)
        pos_pick = comp.pos.draw(self.rng, zero) if e.pos and not comp.pos.empty[0] else zero - 1
        neg_pick = comp.neg.draw(self.rng, zero) if e.neg and not comp.neg.empty[0] else zero - 1
        detail = np.where(status == POS, pos_pick, np.where(status == NEG, neg_pick, -1))
        if e.value is not None and e.value.fmt:
            detail = np.where(status <= NEG, self._fmt_index(e, value), -1)
        tech = comp.technique.draw(self.rng, zero)
        self.state.results.append(MarkerResult(e, rows, tested, latent, status, detail, value,
                                               tech))
        self._flags(e, comp, rows, tested, latent, status, detail, value, m1)

    def _fmt_index(self, e: PanelEntry, value: np.ndarray) -> np.ndarray:
        assert e.value is not None and e.value.fmt is not None
        lo = int(min(e.value.pos[0], e.value.neg[0]))
        first = texts().index(e.value.fmt.format(lo))
        return first + (np.nan_to_num(value) - lo).astype(np.int64)

    def _flags(self, e: PanelEntry, comp: _Compiled, rows: np.ndarray, tested: np.ndarray,
               latent: np.ndarray, status: np.ndarray, detail: np.ndarray, value: np.ndarray,
               m1: np.ndarray) -> None:
        s, n = self.state, self.n
        _or(s.latent, e.marker, rows, latent, n)
        if e.serum:
            return
        at_dx = ~np.full(len(rows), e.advanced) | m1
        pos, neg = tested & (status == POS), tested & (status == NEG)
        for known, negs, when in ((s.known_dx, s.neg_dx, at_dx), (s.known_adv, s.neg_adv, True)):
            _or(known, e.marker, rows, pos & when, n)
            _or(negs, e.marker, rows, neg & when, n)
            for j, flag in enumerate(comp.pos_flags):
                if flag:
                    _or(known, flag, rows, pos & when & (detail == comp.pos.options[0, j]), n)
            for flag, threshold in e.flags_from_value.items():
                _or(known, flag, rows, pos & when & (value >= threshold), n)


def draw_markers(rng: np.random.Generator, cat: Catalog, cancer: np.ndarray, tags: np.ndarray,
                 m1: np.ndarray) -> MarkerState:
    """Biomarker state of the index cancers (``tags``: histology tag matrix per patient)."""
    drawer = _Drawer(rng, cat, len(cancer))
    for key, entries in cat.params.biomarkers.panels.items():
        of_type = np.flatnonzero(cancer == cat.keys.index(key))
        for i, e in enumerate(entries):
            rows = of_type
            if e.tags:
                cols = [cat.tags.index(t) for t in e.tags]
                rows = of_type[tags[of_type][:, cols].any(axis=1)]
            drawer.apply(key, i, e, rows, tags[rows], m1[rows])
    state = drawer.state
    for flag, parts in cat.params.biomarkers.derived_flags.items():
        for known in (state.known_dx, state.known_adv):
            known[flag] = np.zeros(len(cancer), bool)
            for part in parts:
                known[flag] |= known.get(part, np.zeros(len(cancer), bool))
    return state

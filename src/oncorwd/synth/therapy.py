"""Treatment rules and regimen schedules: which regimen a patient gets, and its administrations.

Rules are matched per cancer type in declaration order (first match wins, as in a guideline);
a course (one regimen given from ``start``, stopped at ``stop`` by progression, death or
censoring) becomes one drug_administration row per administration of each drug. Everything is
vectorised over courses; no loop runs per patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from oncorwd.synth.catalog import Vocab, catalog
from oncorwd.synth.conditions import Context, holds
from oncorwd.synth.draw import Choice, expand
from oncorwd.synth.params import STAGES, Prob

__all__ = ["Courses", "DrugRows", "Schedules", "choose", "drug_rows", "schedules"]

_BIG = 1 << 20


@dataclass(frozen=True)
class Schedules:
    """Every regimen flattened: entries (drug lines of a regimen) and administration offsets."""

    names: Vocab
    drugs: Vocab
    atc: Vocab
    oral: np.ndarray
    entry_start: np.ndarray
    entry_drug: np.ndarray
    offset_start: np.ndarray
    offsets: np.ndarray
    keys: np.ndarray
    span: np.ndarray


@cache
def schedules() -> Schedules:
    reg = catalog().params.regimens
    names, drugs, atc = Vocab(reg.regimens), Vocab(reg.drugs), Vocab()
    for code, _ in reg.drugs.values():
        atc.add(code)
    entry_start, entry_drug, offset_start, offsets, span = [0], [], [0], [], []
    for name in names.values:
        last = 0
        for d in reg.regimens[name]:
            offs = sorted({d.offset + c * d.interval + day for c in range(d.cycles)
                           for day in d.days})
            entry_drug.append(drugs.index(d.drug))
            offsets.extend(offs)
            offset_start.append(len(offsets))
            last = max(last, offs[-1])
        entry_start.append(len(entry_drug))
        span.append(last)
    entry_of = np.repeat(np.arange(len(entry_drug)), np.diff(offset_start))
    off = np.array(offsets, dtype=np.int64)
    return Schedules(names, drugs, atc, np.array([r == "oral" for _, r in reg.drugs.values()]),
                     np.array(entry_start), np.array(entry_drug), np.array(offset_start),
                     off, entry_of * _BIG + off, np.array(span))


@dataclass
class Courses:
    """Regimen instances; ``stop`` is exclusive (no administration on or after it)."""

    patient: np.ndarray
    regimen: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    line: np.ndarray
    trial: np.ndarray
    early: np.ndarray

    @staticmethod
    def concat(parts: list[Courses]) -> Courses:
        fields = Courses.__dataclass_fields__
        cat = {f: np.concatenate([getattr(p, f) for p in parts]) if parts else np.zeros(0, int)
               for f in fields}
        order = np.argsort(cat["patient"], kind="stable")
        return Courses(**{f: v[order] for f, v in cat.items()})


@dataclass
class DrugRows:
    patient: np.ndarray
    day: np.ndarray
    drug: np.ndarray
    line: np.ndarray
    trial: np.ndarray
    early: np.ndarray


def drug_rows(rng: np.random.Generator, courses: Courses) -> DrugRows:
    """One row per administration given before each course's stop (grouped by patient)."""
    s = schedules()
    per = s.entry_start[courses.regimen + 1] - s.entry_start[courses.regimen]
    course, rank = expand(per)
    entry = s.entry_start[courses.regimen[course]] + rank
    limit = np.clip(courses.stop[course] - courses.start[course], 0, _BIG - 1)
    count = np.searchsorted(s.keys, entry * _BIG + limit, side="left") - s.offset_start[entry]
    pair, k = expand(np.maximum(count, 0))
    c = course[pair]
    day = courses.start[c] + s.offsets[s.offset_start[entry[pair]] + k]
    day = np.minimum(day + rng.integers(0, 3, len(day)) * (k > 0), courses.stop[c] - 1)
    return DrugRows(courses.patient[c], day, s.entry_drug[entry[pair]], courses.line[c],
                    courses.trial[c], courses.early[c])


def _stage_p(p: Prob | None, stage: np.ndarray, default: float) -> np.ndarray:
    if p is None:
        return np.full(len(stage), default)
    if isinstance(p, int | float):
        return np.full(len(stage), float(p))
    return np.array([p.get(s, 0.0) for s in STAGES])[stage]


@cache
def _use(cancer: str, phase: str, i: int) -> Choice:
    t = catalog().params.regimens.treatment[cancer]
    ph = getattr(t, phase)
    names = schedules().names
    return Choice([[(names.index(r), w) for r, w in ph.rules[i].use.items()]])


def choose(rng: np.random.Generator, cancer: str, phase: str, ctx: Context, rows: np.ndarray,
           stage: np.ndarray, line: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Regimen (-1 for none) and "with radiotherapy" flag for each of ``rows``."""
    t = catalog().params.regimens.treatment.get(cancer)
    ph = getattr(t, phase) if t is not None else None
    out = np.full(len(rows), -1)
    rt = np.zeros(len(rows), dtype=bool)
    if ph is None or len(rows) == 0:
        return out, rt
    default = 1.0 if line is not None else 0.0
    phase_p: Prob | None = getattr(ph, "p", None)
    open_ = np.ones(len(rows), dtype=bool)
    for i, rule in enumerate(ph.rules):
        if (line is not None and not rule.applies_to_line(line)) or not open_.any():
            continue
        pos = np.flatnonzero(open_)
        hit = pos[holds(rule.when, ctx, rows[pos])]
        open_[hit] = False
        p = _stage_p(rule.p if rule.p is not None else phase_p, stage[hit], default)
        given = hit[rng.random(len(hit)) < p]
        out[given] = _use(cancer, phase, i).draw(rng, np.zeros(len(given), dtype=np.int64))
        rt[given] = rule.rt
    return out, rt

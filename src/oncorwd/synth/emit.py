"""Shared column builders of one block: identifiers, partial dates, optional fields, sources.

Identifiers derive from the patient number and the row's rank within the patient
(``S01-DA000000120007`` is the 7th administration of patient 12), so they are unique within a
site, prefixed with the site code, and independent of how patients are grouped into chunks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from oncorwd.synth.arrow import build_table, codes, date_parts, identifiers, vocabulary
from oncorwd.synth.draw import Choice
from oncorwd.synth.spec import SiteSpec

__all__ = ["Emitter", "per_patient_max", "ranks"]

PATIENT_DIGITS = 8
YES_NO = vocabulary(["Y", "N"])
IN_OUT = vocabulary(["IN", "OUT"])
SOURCE_TYPES = vocabulary(["1", "2", "3", "4", "5"])


def ranks(patient: np.ndarray) -> np.ndarray:
    """1-based rank of each row among the rows of its patient (rows in any order)."""
    n = len(patient)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    grouped = bool(np.all(patient[1:] >= patient[:-1]))
    order = np.arange(n) if grouped else np.argsort(patient, kind="stable")
    p = patient[order]
    first = np.r_[True, p[1:] != p[:-1]]
    starts = np.flatnonzero(first)
    rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    out = np.empty(n, dtype=np.int64)
    out[order] = rank_sorted + 1
    return out


def per_patient_max(patient: np.ndarray, day: np.ndarray, n: int) -> np.ndarray:
    """Latest ``day`` per patient (-1 where a patient has no row)."""
    out = np.full(n, -1, dtype=np.int64)
    if len(patient) == 0:
        return out
    if bool(np.all(patient[1:] >= patient[:-1])):
        starts = np.flatnonzero(np.r_[True, patient[1:] != patient[:-1]])
        out[patient[starts]] = np.maximum.reduceat(np.asarray(day, dtype=np.int64), starts)
    else:
        np.maximum.at(out, patient, np.asarray(day, dtype=np.int64))
    return out


class Emitter:
    """Column helpers bound to one site and one block of patients."""

    def __init__(self, spec: SiteSpec, rng: np.random.Generator, numbers: np.ndarray,
                 partial: Mapping[str, Sequence[float]]) -> None:
        self.spec, self.rng, self.numbers = spec, rng, numbers
        self.partial = partial
        self.patient_ids = identifiers(f"{spec.code}-P", numbers, PATIENT_DIGITS)
        self.index_cancer_ids = identifiers(f"{spec.code}-C", numbers * 10 + 1,
                                            PATIENT_DIGITS + 1)
        self._sources: dict[tuple[float, ...], Choice] = {}

    def patient(self, idx: np.ndarray) -> pa.Array:
        return self.patient_ids.take(pa.array(np.asarray(idx, dtype=np.int64)))

    def cancer(self, idx: np.ndarray, slot: np.ndarray | int = 1) -> pa.Array:
        """Cancer ids: the patient's index cancer (slot 1) or second primary (slot 2)."""
        if isinstance(slot, int) and slot == 1:
            return self.index_cancer_ids.take(pa.array(np.asarray(idx, dtype=np.int64)))
        values = self.numbers[idx] * 10 + slot
        return identifiers(f"{self.spec.code}-C", values, PATIENT_DIGITS + 1)

    def ids(self, prefix: str, idx: np.ndarray, width: int = 3) -> pa.Array:
        """Row identifiers: patient number and rank of the row within the patient."""
        values = self.numbers[idx] * 10**width + ranks(idx)
        return identifiers(f"{self.spec.code}-{prefix}", values, PATIENT_DIGITS + width)

    def dates(self, name: str, days: np.ndarray, kind: str = "default",
              null: np.ndarray | None = None) -> dict[str, pa.Array]:
        """``<name>_year/_month/_day`` with the site's rates of unknown parts for ``kind``."""
        day_rate, month_rate = self.partial.get(kind, self.partial["default"])
        scale = self.spec.missingness.date_unknown
        u = self.rng.random(len(days))
        month = u < month_rate * scale
        day = u < (day_rate + month_rate) * scale
        y, m, d = date_parts(days, day, month, null)
        return {f"{name}_year": y, f"{name}_month": m, f"{name}_day": d}

    def missing(self, n: int, scale: float = 1.0) -> np.ndarray:
        """Mask of optional values left empty at the site's rate (times ``scale``)."""
        return self.rng.random(n) < min(1.0, self.spec.missingness.optional * scale)

    def yes(self, flags: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
        return codes(YES_NO, np.where(flags, 0, 1), null)

    def in_out(self, inside: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
        return codes(IN_OUT, np.where(inside, 0, 1), null)

    def source(self, weights: Sequence[float], n: int) -> pa.Array:
        """Source type '1'..'5' drawn with ``weights``."""
        key = tuple(weights)
        if key not in self._sources:
            self._sources[key] = Choice([list(enumerate(weights))])
        return codes(SOURCE_TYPES, self._sources[key].draw(self.rng, np.zeros(n, np.int64)))

    def table(self, name: str, columns: Mapping[str, pa.Array], n: int) -> pa.Table:
        constants = {"site_id": self.spec.site_id}
        if self.spec.source_system:
            constants["source_system"] = self.spec.source_system
        return build_table(name, columns, n, constants)

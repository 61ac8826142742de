"""Everything drawn for one block of patients, shared by the table builders."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from oncorwd.synth.catalog import Catalog
from oncorwd.synth.conditions import Context
from oncorwd.synth.course import Timeline
from oncorwd.synth.emit import Emitter, per_patient_max
from oncorwd.synth.markers import MarkerState
from oncorwd.synth.population import Population
from oncorwd.synth.spec import SiteSpec
from oncorwd.synth.survival import Survival
from oncorwd.synth.tumour import Tumours

__all__ = ["Block"]


@dataclass
class Block:
    """The drawn population, tumours, biomarkers, survival and course of one block.

    ``rng(stream)`` gives the block's generator of a named stream; table builders record the
    days of facility events with :meth:`saw` so the last visit is never before them.
    """

    spec: SiteSpec
    cat: Catalog
    cutoff: int
    pop: Population
    index: Tumours
    second: Tumours
    markers: MarkerState
    surv: Survival
    tl: Timeline
    emit: Emitter
    ctx_dx: Context
    ctx_adv: Context
    streams: dict[str, np.random.Generator]
    last_event: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def rng(self, stream: str) -> np.random.Generator:
        return self.streams[stream]

    @property
    def n(self) -> int:
        return self.pop.n

    @property
    def end(self) -> np.ndarray:
        return self.surv.end

    def saw(self, patient: np.ndarray, days: np.ndarray) -> None:
        latest = per_patient_max(np.asarray(patient), np.asarray(days), self.n)
        if len(self.last_event) != self.n:
            self.last_event = self.pop.diag.copy()
        self.last_event = np.maximum(self.last_event, latest)

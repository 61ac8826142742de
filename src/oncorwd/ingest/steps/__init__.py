"""The ingest steps, in order: a pipeline is this list (like sqlglot's ``optimizer.RULES``).

=============  ===========================================================================
``read``       open sources, check files, encodings, headers, connections and rules
``map``        stream each source once, apply ``where`` and field rules (dates, numbers)
``code``       value maps and transcoders
``validate``   the dictionary's per-row rules, duplicates
``integrity``  cross-table references, chronology and date plausibility, with cascade
``derive``     computed items and cohort variables (skipped by dry runs)
``load``       atomic load into the site store (skipped by dry runs)
=============  ===========================================================================

Each step is a module with ``run(ctx: IngestContext)``; bad rows go to the quarantine with
their rule, and the accounts follow them (:mod:`oncorwd.ingest.quarantine`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oncorwd.ingest.steps import code, derive, integrity, load, read, validate
from oncorwd.ingest.steps import map as map_step
from oncorwd.ingest.steps.context import IngestContext, ProgressCallback

__all__ = ["STEPS", "IngestContext", "ProgressCallback", "Step"]


@dataclass(frozen=True, slots=True)
class Step:
    """One named step; ``writes`` steps (derive, load) are skipped by dry runs."""

    name: str
    run: Callable[[IngestContext], None]
    writes: bool = False

    @property
    def doc(self) -> str:
        import sys

        return (sys.modules[self.run.__module__].__doc__ or "").strip().split("\n")[0]


STEPS: tuple[Step, ...] = (
    Step("read", read.run),
    Step("map", map_step.run),
    Step("code", code.run),
    Step("validate", validate.run),
    Step("integrity", integrity.run),
    Step("derive", derive.run, writes=True),
    Step("load", load.run, writes=True),
)

"""Run a mapping spec: from a hospital's exports to a validated OSIRIS RWD store.

::

    from oncorwd.ingest.pipeline import run

    result = run("mapping.yaml")                 # collect problems, load the good rows
    result.version.version, result.accounting    # the data version, per-table accounts
    result.quarantine                            # every quarantined row, with rule and reason
    run("mapping.yaml", dry_run=True)            # check only: nothing loaded

The steps are :data:`oncorwd.ingest.steps.STEPS`. After each run the accounts and the
quarantine are written next to the data version, ``<ONCORWD_HOME>/sites/<site>/versions/<n>/``
(dry runs: ``…/checks/<UTC timestamp>/``): ``accounting.json``, ``quarantine.parquet``,
``quarantine.csv`` and, when derive ran, ``derive_notes.parquet``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from oncorwd.config import get_settings
from oncorwd.errors import ConfigError
from oncorwd.ingest.quarantine import OnError, SourceAccount, TableAccount
from oncorwd.ingest.spec import MappingSpec, load_spec
from oncorwd.ingest.spill import DEFAULT_THRESHOLD, Spill
from oncorwd.ingest.steps import STEPS, IngestContext, ProgressCallback
from oncorwd.ingest.steps.load import settle

__all__ = ["IngestResult", "run", "run_dir_for"]

_SITE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


@dataclass
class IngestResult:
    """What one run did. ``version`` is None for dry runs."""

    version: Any
    accounting: list[TableAccount]
    quarantine: pa.Table
    run_dir: Path
    problems_by_rule: dict[str, int]
    sources: list[SourceAccount] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    derived: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        return sum(a.quarantined for a in self.accounting)

    @property
    def loaded(self) -> int:
        return sum(a.loaded for a in self.accounting)


def _timestamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S%fZ")


def run_dir_for(site: str, version: int | None, now: dt.datetime | None = None) -> Path:
    """``<home>/sites/<site>/versions/<version>`` or ``…/checks/<UTC timestamp>``."""
    if not _SITE.match(site):
        raise ConfigError(f"invalid site name {site!r}",
                          hint="use letters, digits, '-' or '_' (e.g. 'clcc-paris-01')")
    base = get_settings().home.resolve() / "sites" / site
    if version is not None:
        return base / "versions" / str(version)
    return base / "checks" / _timestamp(now or dt.datetime.now(dt.UTC))


def _write(ctx: IngestContext, result: IngestResult, started: dt.datetime) -> None:
    folder = result.run_dir
    folder.mkdir(parents=True, exist_ok=True)
    version = ctx.version.as_dict() if ctx.version is not None else None
    document = {
        "site": ctx.spec.site.model_dump(), "version": version, "dry_run": ctx.dry_run,
        "on_error": str(ctx.on_error), "started_at": started.isoformat(),
        "seconds": round(result.seconds, 3), "step_seconds": result.step_seconds,
        **ctx.accounting.as_dict(), "problems_by_rule": result.problems_by_rule,
        "quarantined_records": result.quarantine.num_rows, "derived": ctx.derived,
        "notes": ctx.notes,
    }
    (folder / "accounting.json").write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    pq.write_table(result.quarantine, folder / "quarantine.parquet")
    pacsv.write_csv(result.quarantine, folder / "quarantine.csv")
    notes = ctx.extra.get("derive_notes")
    if isinstance(notes, pa.Table):
        pq.write_table(notes, folder / "derive_notes.parquet")


def _scratch(site: str, started: dt.datetime) -> Path:
    """The run's scratch folder for spilled working tables."""
    base = run_dir_for(site, None).parent.parent / "work"
    return base / f"run-{_timestamp(started)}"


def run(spec: MappingSpec | str | Path, *, store_url: str | None = None, dry_run: bool = False,
        on_error: str | OnError = "collect", progress: ProgressCallback | None = None,
        spill_threshold: int = DEFAULT_THRESHOLD) -> IngestResult:
    """Run every step of :data:`~oncorwd.ingest.steps.STEPS` (dry runs stop before derive).

    ``store_url`` defaults to ``get_settings().site_store_url(spec.site.name)``. Under
    ``on_error="collect"`` bad rows are quarantined and the others loaded; under
    ``"fail_fast"`` the first problem raises :class:`~oncorwd.errors.DataError`. Errors that are
    not about rows (a missing file, a wrong column name, an unreachable database) always raise
    an :class:`~oncorwd.errors.OncorwdError` before anything is loaded. Working tables larger
    than ``spill_threshold`` bytes wait between steps in memory-mapped files under
    ``<home>/sites/<site>/work/`` (removed at the end; see :mod:`oncorwd.ingest.spill`).
    """
    spec = spec if isinstance(spec, MappingSpec) else load_spec(spec)
    ctx = IngestContext(spec, OnError.parse(on_error), dry_run, store_url, progress)
    started, clock = dt.datetime.now(dt.UTC), time.perf_counter()
    timings: dict[str, float] = {}
    ctx.spill = Spill(_scratch(spec.site.name, started), spill_threshold)
    try:
        for step in STEPS:
            if dry_run and step.writes:
                continue
            start = time.perf_counter()
            step.run(ctx)
            timings[step.name] = round(time.perf_counter() - start, 3)
        settle(ctx)
    finally:
        ctx.spill.close()
    ctx.accounting.check()
    version = ctx.version.version if ctx.version is not None else None
    result = IngestResult(
        version=ctx.version, accounting=list(ctx.accounting.tables.values()),
        quarantine=ctx.quarantine.records(), run_dir=run_dir_for(spec.site.name, version),
        problems_by_rule=ctx.quarantine.by_rule(),
        sources=list(ctx.accounting.sources.values()), notes=ctx.notes, derived=ctx.derived,
        seconds=time.perf_counter() - clock, step_seconds=timings)
    _write(ctx, result, started)
    return result

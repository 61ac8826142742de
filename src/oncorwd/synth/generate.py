"""Generate whole sites: in memory, as a stream of chunks, or written to Parquet.

Contract: a site's tables depend only on (seed, spec). Patients are drawn in blocks of
``spec.block_size``; a chunk holds whole blocks (``chunk_size`` is rounded up to a multiple of
the block size), so concatenating the chunks of :func:`iter_site_chunks` gives exactly the
tables of :func:`generate_site`, whatever the chunk size.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from oncorwd.synth.arrow import day_number
from oncorwd.synth.block import BlockOutput, generate_block
from oncorwd.synth.catalog import catalog
from oncorwd.synth.spec import SiteSpec
from oncorwd.synth.truth import ground_truth, truth_schema

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "SyntheticSite",
    "generate_site",
    "iter_site_chunks",
    "write_site",
]

DEFAULT_CHUNK_SIZE = 200_000
Progress = Callable[[int], None]


@dataclass
class SyntheticSite:
    """A generated site: its tables, the per-patient truth and the generating parameters."""

    spec: SiteSpec
    seed: int
    tables: dict[str, pa.Table]
    truth: pa.Table
    ground_truth: dict[str, Any]


def _workers() -> int:
    """Threads generating blocks concurrently (numpy and Arrow release the GIL)."""
    env = os.environ.get("ONCORWD_SYNTH_THREADS")
    return max(1, int(env)) if env else max(1, min(4, os.cpu_count() or 1))


def _chunks(spec: SiteSpec, seed: int, chunk_size: int) -> Iterator[BlockOutput]:
    """Chunks of whole blocks, in order. The blocks of a chunk are generated in threads (numpy
    and Arrow release the GIL); nothing of the next chunk starts before a chunk is handed out,
    so memory holds one chunk plus the temporaries of the blocks being built."""
    cutoff = day_number(spec.cutoff.isoformat())
    weights = spec.weights()
    starts = list(range(0, spec.n_patients, spec.block_size))
    per_chunk = max(1, -(-chunk_size // spec.block_size))
    with ThreadPoolExecutor(max_workers=min(_workers(), per_chunk, len(starts))) as pool:
        for c in range(0, len(starts), per_chunk):
            futures = [pool.submit(generate_block, spec, seed, cutoff, weights, block, first,
                                   min(spec.block_size, spec.n_patients - first))
                       for block, first in enumerate(starts[c: c + per_chunk], start=c)]
            chunk = _concat([f.result() for f in futures])
            del futures
            yield chunk
            del chunk
            pa.default_memory_pool().release_unused()  # give the freed chunk back to the OS


def _concat(parts: list[BlockOutput]) -> BlockOutput:
    if len(parts) == 1:
        return parts[0]
    tables = {name: pa.concat_tables([p.tables[name] for p in parts]) for name in parts[0].tables}
    return BlockOutput(tables, pa.concat_tables([p.truth for p in parts]))


def iter_site_chunks(spec: SiteSpec, seed: int,
                     chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[dict[str, pa.Table]]:
    """The site's 18 tables, chunk by chunk (each chunk holds whole patients).

    To keep one chunk in memory, drop a chunk (``del chunk``) before asking for the next.
    """
    for out in _chunks(spec, seed, chunk_size):
        tables = out.tables
        del out
        yield tables
        del tables


def _summary(tables: dict[str, int], truth: dict[str, int]) -> dict[str, Any]:
    return {"row_counts": tables, **truth}


class _Tally:
    """Counts accumulated over chunks for the ground truth's summary."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.stats = {"patients": 0, "deaths": 0, "lost_to_follow_up": 0, "objectors": 0,
                      "metastatic_at_diagnosis": 0}

    def add(self, out: BlockOutput) -> None:
        for name, t in out.tables.items():
            self.rows[name] = self.rows.get(name, 0) + t.num_rows
        tr = out.truth
        self.stats["patients"] += tr.num_rows
        for key, col in (("deaths", "os_event"), ("lost_to_follow_up", "lost_to_follow_up"),
                         ("objectors", "objector"),
                         ("metastatic_at_diagnosis", "metastatic_at_diagnosis")):
            self.stats[key] += int(np.sum(tr.column(col).to_numpy(zero_copy_only=False)))

    def summary(self) -> dict[str, Any]:
        return _summary(self.rows, self.stats)


def generate_site(spec: SiteSpec, seed: int) -> SyntheticSite:
    """The whole site in memory (for tests and small sites; use :func:`write_site` for big)."""
    tally = _Tally()
    parts = []
    for out in _chunks(spec, seed, DEFAULT_CHUNK_SIZE):
        tally.add(out)
        parts.append(out)
    whole = _concat(parts)
    tables = {k: t.combine_chunks() for k, t in whole.tables.items()}
    gt = ground_truth(spec, seed, catalog(), spec.weights(), tally.summary())
    return SyntheticSite(spec, seed, tables, whole.truth.combine_chunks(), gt)


def _writable(table: pa.Table) -> pa.Table:
    """Parquet refuses nulls in a non-nullable column: ``data_version`` (set by the store at
    load) is written as nullable; every other column keeps the dictionary's schema."""
    i = table.schema.get_field_index("data_version")
    if i < 0:
        return table
    schema = table.schema.set(i, table.schema.field(i).with_nullable(True))
    return pa.Table.from_arrays(table.columns, schema=schema)


def write_site(spec: SiteSpec, seed: int, out_dir: str | Path,
               chunk_size: int = DEFAULT_CHUNK_SIZE, progress: Progress | None = None) -> Path:
    """Write ``out_dir/<site_id>/osiris/<table>/part-NNNNN.parquet`` (one part per chunk),
    ``truth.parquet`` and ``ground_truth.json``; returns ``out_dir/<site_id>``. An existing
    output of the same site is replaced."""
    root = Path(out_dir) / spec.site_id
    if root.exists():
        shutil.rmtree(root)
    (root / "osiris").mkdir(parents=True)
    tally, done = _Tally(), 0
    with pq.ParquetWriter(root / "truth.parquet", truth_schema(catalog())) as truth_writer:
        for i, out in enumerate(_chunks(spec, seed, chunk_size)):
            for name, table in out.tables.items():
                folder = root / "osiris" / name
                folder.mkdir(exist_ok=True)
                pq.write_table(_writable(table), folder / f"part-{i:05d}.parquet")
            truth_writer.write_table(out.truth)
            tally.add(out)
            done += out.truth.num_rows
            del out
            if progress is not None:
                progress(done)
    gt = ground_truth(spec, seed, catalog(), spec.weights(), tally.summary())
    (root / "ground_truth.json").write_bytes(
        orjson.dumps(gt, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    return root

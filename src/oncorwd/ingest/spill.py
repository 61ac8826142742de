"""Working tables on disk: large tables live in memory-mapped Arrow IPC files between steps.

Ingest holds every table of a site between its steps (cross-table rules and derivations need
them all). At a million patients that is tens of GB of Arrow data, more than the machine's
memory. So a table larger than :attr:`Spill.threshold` is written, when a step hands it over,
to an uncompressed Arrow IPC file in the run's scratch folder and read back memory-mapped: the
steps keep using ordinary Arrow tables (zero-copy views of the file), but the data sits in the
page cache, which the kernel reclaims under pressure, instead of the heap. The heap only holds
what the current step is rewriting: at worst one table.

Small runs (tests, small sites) stay in memory: nothing is written below the threshold. The
scratch folder is removed when the run ends (:meth:`Spill.close`).
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pyarrow as pa

__all__ = ["DEFAULT_THRESHOLD", "Accumulator", "Spill"]

#: Tables (or accumulated pieces) above this size go to disk.
DEFAULT_THRESHOLD = 256 << 20

_OPTIONS = pa.ipc.IpcWriteOptions(unify_dictionaries=True)


class Spill:
    """Spills working tables to memory-mapped IPC files in ``folder`` (None: never spill)."""

    def __init__(self, folder: Path | None, threshold: int = DEFAULT_THRESHOLD) -> None:
        self.folder = folder
        self.threshold = threshold
        self.bytes_written = 0
        self._files: dict[str, Path] = {}
        self._counter = itertools.count()

    def table(self, name: str, table: pa.Table) -> pa.Table:
        """``table``, memory-mapped from disk when it is large (in memory otherwise). The file
        previously kept under ``name`` is removed (a mapping still in use stays readable until
        it is released: Linux keeps an unlinked file's pages while mapped)."""
        if self.folder is None or table.nbytes < self.threshold:
            return table
        return self.write(name, table)

    def write(self, name: str, table: pa.Table) -> pa.Table:
        """Write ``table`` to disk under ``name`` and return it memory-mapped."""
        assert self.folder is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.{next(self._counter)}.arrow"
        with pa.OSFile(str(path), "wb") as sink, \
                pa.ipc.new_file(sink, table.schema, options=_OPTIONS) as writer:
            writer.write_table(table, max_chunksize=1 << 17)
        self.bytes_written += path.stat().st_size
        old = self._files.pop(name, None)
        if old is not None:
            old.unlink(missing_ok=True)
        self._files[name] = path
        with pa.memory_map(str(path)) as source:
            return pa.ipc.open_file(source).read_all()

    def accumulator(self, name: str) -> Accumulator:
        """Collects the pieces of one table, writing them out whenever they grow large."""
        return Accumulator(self, name)

    def close(self) -> None:
        """Remove the scratch folder (mapped tables still referenced stay readable)."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self._files.clear()


class Accumulator:
    """Pieces of one table as a step produces them; in-memory pieces are flushed to one file
    each time they exceed the threshold, so a step never holds a whole large table."""

    def __init__(self, spill: Spill, name: str) -> None:
        self._spill = spill
        self._name = name
        self._done: list[pa.Table] = []
        self._pending: list[pa.Table] = []
        self._pending_bytes = 0
        self._parts = itertools.count()

    def add(self, piece: pa.Table) -> None:
        self._pending.append(piece)
        self._pending_bytes += piece.nbytes
        if self._spill.folder is not None and self._pending_bytes >= self._spill.threshold:
            self._flush()

    def _flush(self) -> None:
        pending = [p for p in self._pending if p.num_rows] or self._pending[:1]
        merged = pa.concat_tables(pending, promote_options="default")
        self._pending, self._pending_bytes = [], 0
        self._done.append(self._spill.write(f"{self._name}-part{next(self._parts)}", merged))

    def finish(self) -> pa.Table:
        """Every piece as one table (memory-mapped parts, then what is still in memory)."""
        pieces = [p for p in self._done + self._pending if p.num_rows]
        pieces = pieces or (self._done + self._pending)[:1]
        if not pieces:
            raise ValueError(f"no piece added for {self._name}")
        return pa.concat_tables(pieces, promote_options="default")


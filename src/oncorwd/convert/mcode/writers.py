"""Thin writers: FHIR Bulk Data NDJSON (one file per resource type) and per-patient mCODE
Patient Bundles (one ``Bundle`` JSON file per patient).

They receive :class:`~oncorwd.convert.mcode.common.Built` batches and never look inside a
resource: NDJSON lines are written straight from the Arrow string buffer, bundles are assembled
by grouping the batch's entries per patient with Arrow kernels.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from pathlib import Path
from typing import IO

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import fhir_id
from oncorwd.convert.mcode.common import Built, Context
from oncorwd.convert.mcode.maps import profile

__all__ = ["BundleWriter", "NdjsonWriter", "Writer", "arrow_text"]


def arrow_text(values: pa.Array, separator: str = "\n") -> memoryview:
    """The strings of ``values`` (no nulls) each followed by ``separator``, as one buffer taken
    from the Arrow data buffer (no Python string per value)."""
    lines = pc.binary_join_element_wise(values, separator, "")
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    if not len(lines):
        return memoryview(b"")
    offsets = pa.Array.from_buffers(pa.int32(), len(lines) + 1, [None, lines.buffers()[1]],
                                    offset=lines.offset)
    return memoryview(lines.buffers()[2])[offsets[0].as_py():offsets[-1].as_py()]


class Writer(ABC):
    """Receives batches of resources; ``close`` returns resources written per type."""

    def __init__(self, out_dir: Path, ctx: Context) -> None:
        self.out_dir = out_dir
        self.ctx = ctx
        self.counts: dict[str, int] = {}
        out_dir.mkdir(parents=True, exist_ok=True)

    @abstractmethod
    def write(self, batch: list[Built]) -> None:
        ...

    def close(self) -> dict[str, int]:
        return dict(self.counts)

    def _count(self, resource_type: str, n: int) -> None:
        self.counts[resource_type] = self.counts.get(resource_type, 0) + n


class NdjsonWriter(Writer):
    """``<Type>.ndjson`` per resource type, as the Bulk Data specification lays them out."""

    def __init__(self, out_dir: Path, ctx: Context, organization: dict[str, object]) -> None:
        super().__init__(out_dir, ctx)
        self._files: dict[str, IO[bytes]] = {}
        self._file("Organization").write(orjson.dumps(organization) + b"\n")
        self._count("Organization", 1)

    def _file(self, resource_type: str) -> IO[bytes]:
        if resource_type not in self._files:
            self._files[resource_type] = open(  # noqa: SIM115 - closed in close()
                self.out_dir / f"{resource_type}.ndjson", "wb")
        return self._files[resource_type]

    def write(self, batch: list[Built]) -> None:
        for built in batch:
            if len(built):
                self._file(built.resource_type).write(arrow_text(built.json))
                self._count(built.resource_type, len(built))

    def close(self) -> dict[str, int]:
        for f in self._files.values():
            f.close()
        return super().close()


class BundleWriter(Writer):
    """One ``<patient id>.json`` mCODE Patient Bundle (type collection) per patient, holding
    the patient's resources and the site's Organization; references are relative and resolve
    against each entry's ``fullUrl``."""

    def __init__(self, out_dir: Path, ctx: Context, organization: dict[str, object],
                 timestamp: dt.datetime | None = None) -> None:
        super().__init__(out_dir, ctx)
        base = ctx.full_url_base
        org = orjson.dumps({"fullUrl": f"{base}/Organization/{ctx.org_id}",
                            "resource": organization}).decode()
        stamp = (timestamp or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        self._head = ('","meta":{"profile":[' + orjson.dumps(profile("patient-bundle")).decode()
                      + ']},"type":"collection","timestamp":"' + stamp + '","entry":[' + org
                      + ",")
        self.bundles = 0

    def write(self, batch: list[Built]) -> None:
        parts = [b for b in batch if len(b)]
        if not parts:
            return
        base = self.ctx.full_url_base
        entries = pa.chunked_array([pc.binary_join_element_wise(
            '{"fullUrl":"' + base + "/" + b.resource_type + "/", b.ids, '","resource":', b.json,
            "}", "") for b in parts], pa.string())
        table = pa.table({"patient_id": pa.chunked_array([b.patient_id for b in parts],
                                                         pa.string()), "entry": entries})
        for b in parts:
            self._count(b.resource_type, len(b))
        grouped = table.group_by("patient_id", use_threads=False).aggregate([("entry", "list")])
        for pid, bundle in zip(grouped["patient_id"].to_pylist(),
                               self._bundles(grouped).to_pylist(), strict=True):
            name = fhir_id(pa.array([pid])).to_pylist()[0]
            (self.out_dir / f"{name}.json").write_text(bundle, encoding="utf-8")
            self.bundles += 1

    def _bundles(self, grouped: pa.Table) -> pa.Array:
        ids = fhir_id(grouped["patient_id"].combine_chunks())
        body = pc.binary_join(grouped["entry_list"], ",")
        return pc.binary_join_element_wise('{"resourceType":"Bundle","id":"bundle-', ids,
                                           self._head, body, "]}", "")

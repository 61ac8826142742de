"""Write a site's raw exports in one shape, with the faults' ground truth and its mapping spec.

Layout of ``<out_dir>/<shape>/`` (one site per shape and folder)::

    mapping.yaml    the example spec of the shape (examples/<shape>/mapping.yaml), its
                    ``site:`` line set to this site (and the warehouse schema renamed)
    maps/           the example's value-map CSVs (drug codes, local labels)
    data/           the exported files (empty for postgres_warehouse)
    faults.json     ground truth: rates, per-fault rows, expected accounting per OSIRIS table

Paths in the spec are relative to it (``data/patients.csv``, ``maps/medicaments.csv``), so the
folder can be moved; the warehouse spec reads ``${ONCORWD_DWH_URL}`` (see :attr:`RawExport.env`).
"""

from __future__ import annotations

import os
import re
import shutil
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.errors import SynthError
from oncorwd.synth.generate import iter_site_chunks
from oncorwd.synth.raw.faults import ChunkState, corrupt_source
from oncorwd.synth.raw.frames import render_source, scope_patients
from oncorwd.synth.raw.model import (
    DEFAULT_RATES,
    SHAPES,
    FaultRates,
    RawExport,
    Shape,
    ShapeName,
    SourceDecl,
)
from oncorwd.synth.raw.truth import FaultLog
from oncorwd.synth.spec import SiteSpec, default_network

__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_DWH_URL",
    "DEMO_SCHEMA",
    "EXAMPLES_ENV",
    "demo_raw_network",
    "examples_dir",
    "export_chunks",
    "schema_name",
    "shape",
    "write_raw_exports",
]

DEFAULT_DWH_URL = "postgresql://postgres@127.0.0.1:5432/test"
#: The warehouse schema the example spec queries; renamed to ``dwh_<site name>`` when copied.
DEMO_SCHEMA = "dwh_chu_marseille_03"
EXAMPLES_ENV = "ONCORWD_EXAMPLES_DIR"
#: Patients per chunk (one synth block): bounds memory; part of the seed contract.
CHUNK_SIZE = 50_000
_PARENT_ORDER = ("patient", "cancer", "sample")


class Writer(Protocol):
    def write(self, source: SourceDecl, frame: pa.Table) -> None: ...
    def close(self) -> dict[str, str]: ...


def shape(name: ShapeName) -> Shape:
    """The declarations of a shape."""
    if name == "csv_dump":
        from oncorwd.synth.raw.csv_dump import SHAPE
    elif name == "excel_workbook":
        from oncorwd.synth.raw.excel_workbook import SHAPE
    elif name == "postgres_warehouse":
        from oncorwd.synth.raw.postgres_warehouse import SHAPE
    else:
        raise SynthError(f"unknown raw export shape {name!r}", hint="shapes: " + ", ".join(SHAPES))
    return SHAPE


def _level(source: SourceDecl) -> int:
    return min(_PARENT_ORDER.index(t) if t in _PARENT_ORDER else 9 for t in source.tables)


def _scoped(tables: dict[str, pa.Table], excluded: pa.Array) -> dict[str, pa.Table]:
    return {name: t.filter(pc.invert(pc.is_in(t.column("patient_id"), value_set=excluded)))
            for name, t in tables.items()}


def export_chunks(spec: SiteSpec, seed: int, chunks: Iterable[dict[str, pa.Table]],
                  shape_name: ShapeName, writer: Writer, rates: FaultRates) -> dict[str, Any]:
    """Render, corrupt and write every chunk; returns the truth (``faults.json`` content)."""
    decl = shape(shape_name)
    log = FaultLog(rates)
    offsets = {s.name: 0 for s in decl.sources}
    sources = sorted(decl.sources, key=_level)
    root = [seed & 0xFFFFFFFF, SHAPES.index(shape_name)]
    scoped = 0
    for i, tables in enumerate(chunks):
        if decl.scope:
            excluded = scope_patients(decl.scope, tables)
            scoped += len(excluded)
            tables = _scoped(tables, excluded)
        state = _chunk_state(tables, rates, np.random.default_rng([*root, i, 0]), log)
        for source in sources:
            rng = np.random.default_rng([*root, i, zlib.crc32(source.name.encode())])
            frame = render_source(source, tables, decl.typed, rng)
            frame = corrupt_source(source, frame, state, rates, not decl.typed, rng, log,
                                   offsets[source.name])
            offsets[source.name] += frame.num_rows
            writer.write(source, frame)
            del frame
    paths = writer.close()
    truth = log.truth()
    return {"site": {"site_id": spec.site_id, "code": spec.code, "name": spec.name,
                     "n_patients": spec.n_patients},
            "shape": shape_name, "seed": seed, "rates": rates.model_dump(),
            "scope": {"rule": decl.scope, "excluded_patients": scoped},
            "sources": {s.name: {"path": paths.get(s.name), "tables": list(s.tables),
                                 "rows": offsets[s.name]} for s in decl.sources},
            **truth}


def _chunk_state(tables: dict[str, pa.Table], rates: FaultRates, rng: np.random.Generator,
                 log: FaultLog) -> ChunkState:
    """Patients left out of the patient export, and deceased patients whose death date will be
    written before their birth (``death_before_birth`` is a share of vital-status rows)."""
    ids = tables["patient"].column("patient_id").combine_chunks()
    absent = ids.filter(pa.array(rng.random(len(ids)) < rates.orphan))
    vital = tables["vital_status"]
    pid = vital.column("patient_id").combine_chunks()
    deceased = pc.and_(pc.is_valid(vital.column("death_date_year")),
                       pc.invert(pc.is_in(pid, value_set=absent)))
    n_dead = pc.sum(deceased).as_py() or 0
    p = min(1.0, rates.death_before_birth * vital.num_rows / max(1, n_dead))
    dead = pid.filter(pc.and_(deceased, pa.array(rng.random(len(pid)) < p)))
    log.patients["absent"] += len(absent)
    log.patients["dead"] += len(dead)
    log.expose("death_before_birth", vital.num_rows)
    return ChunkState(absent, dead)


def examples_dir() -> Path:
    """Where the example specs are: ``$ONCORWD_EXAMPLES_DIR``, else ``examples/`` of the
    source tree."""
    env = os.environ.get(EXAMPLES_ENV)
    here = Path(env) if env else Path(__file__).resolve().parents[4] / "examples"
    if not (here / "csv_dump" / "mapping.yaml").is_file():
        raise SynthError(f"example mapping specs not found in {here}",
                         hint=f"set {EXAMPLES_ENV} to the examples/ folder of the oncorwd sources")
    return here


def schema_name(spec: SiteSpec) -> str:
    """The warehouse schema of a site: ``dwh_<name>`` with ``_`` for ``-``."""
    return "dwh_" + re.sub(r"[^a-z0-9_]", "_", spec.name.lower())


def _copy_spec(shape_name: ShapeName, spec: SiteSpec, root: Path, schema: str) -> Path:
    src = examples_dir() / shape_name
    target = root / "mapping.yaml"
    if src.resolve() == root.resolve():
        return target
    text = (src / "mapping.yaml").read_text("utf-8")
    text, n = re.subn(r'^site: \{site_id: "[^"]*", name: [^,}]+',
                      f'site: {{site_id: "{spec.site_id}", name: {spec.name}', text, flags=re.M)
    if n != 1:
        raise SynthError(f"{src / 'mapping.yaml'}: expected one line "
                         '`site: {site_id: "...", name: ..., ...}`')
    text = text.replace(DEMO_SCHEMA, schema)
    target.write_text(text, "utf-8")
    if (src / "maps").is_dir():
        shutil.copytree(src / "maps", root / "maps", dirs_exist_ok=True)
    return target


def _writer(shape_name: ShapeName, root: Path, postgres_url: str, schema: str) -> Writer:
    if shape_name == "csv_dump":
        from oncorwd.synth.raw.csv_dump import CsvDumpWriter
        return CsvDumpWriter(root / "data")
    if shape_name == "excel_workbook":
        from oncorwd.synth.raw.excel_workbook import ExcelWriter
        return ExcelWriter(root / "data" / "extraction_rcp.xlsx")
    from oncorwd.synth.raw.postgres_warehouse import PostgresWriter
    return PostgresWriter(postgres_url, schema)


def write_raw_exports(spec: SiteSpec, seed: int, out_dir: str | Path, shape: ShapeName,
                      faults: FaultRates = DEFAULT_RATES, postgres_url: str | None = None,
                      chunk_size: int = CHUNK_SIZE,
                      postgres_schema: str | None = None) -> RawExport:
    """Write what ``spec``'s hospital would export in ``shape`` into ``<out_dir>/<shape>/``
    (see the module docstring), with faults at ``faults`` rates; same arguments, same bytes.

    ``postgres_warehouse`` loads schema ``postgres_schema`` (default ``dwh_<site name>``;
    replaced if present) at ``postgres_url`` (default ``$ONCORWD_DWH_URL`` or
    :data:`DEFAULT_DWH_URL`). ``chunk_size`` is part of the seed contract (faults are drawn per
    chunk of patients).
    """
    shape_name = shape
    root = Path(out_dir) / shape_name
    for stale in (root / "data", root / "faults.json"):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    (root / "data").mkdir(parents=True, exist_ok=True)
    url = postgres_url or os.environ.get("ONCORWD_DWH_URL") or DEFAULT_DWH_URL
    schema = postgres_schema or schema_name(spec)
    spec_path = _copy_spec(shape_name, spec, root, schema)
    writer = _writer(shape_name, root, url, schema)
    truth = export_chunks(spec, seed, iter_site_chunks(spec, seed, chunk_size), shape_name,
                          writer, faults)
    for info in truth["sources"].values():
        if info["path"] and Path(info["path"]).is_absolute():
            info["path"] = Path(info["path"]).relative_to(root).as_posix()
    faults_path = root / "faults.json"
    faults_path.write_bytes(orjson.dumps(truth, option=orjson.OPT_INDENT_2))
    env = {"ONCORWD_DWH_URL": url} if shape_name == "postgres_warehouse" else {}
    return RawExport(shape_name, spec, root, spec_path, faults_path,
                     {k: v["path"] for k, v in truth["sources"].items()}, truth, env)


def demo_raw_network(out_dir: str | Path, n_patients: int = 5000, seed: int = 42,
                     postgres_url: str | None = None,
                     faults: FaultRates = DEFAULT_RATES) -> list[RawExport]:
    """The three default sites in the three shapes: the cancer centre as ``csv_dump``, the
    university hospital as ``excel_workbook``, the third centre as ``postgres_warehouse``."""
    specs = default_network(3, n_patients, seed)
    return [write_raw_exports(spec, seed, out_dir, name, faults, postgres_url)
            for spec, name in zip(specs, SHAPES, strict=True)]

"""Export a site's data version to FHIR R4 mCODE STU4: Bulk Data NDJSON or patient bundles.

Streaming: patients are taken in chunks of ``chunk_patients`` (bounds computed in the engine,
ordered by ``patient_id``), each OSIRIS table is queried for the chunk only, and the builders turn
the Arrow batches into resources. Memory therefore depends on the chunk, not on the site.

Patients who object to the reuse of their data (``non_opposition = 'N'``) are excluded from the
export (every query filters them out) and counted in the report, as everywhere in oncorwd.
Beside the resources, ``mcode-report.json`` lists the source codes that found no target code
(``unmapped``) and the rows the target profiles cannot hold (``unrepresented``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
import pyarrow as pa
import sqlglot
from sqlglot import exp

from oncorwd.convert.mcode.common import Builder, Built, Context, Unrepresented
from oncorwd.convert.mcode.comorbidities import ComorbidConditionBuilder, ComorbiditiesBuilder
from oncorwd.convert.mcode.condition import PrimaryConditionBuilder, SecondaryConditionBuilder
from oncorwd.convert.mcode.disease_status import ProgressionStatusBuilder, TumorEventStatusBuilder
from oncorwd.convert.mcode.medication import MedicationBuilder
from oncorwd.convert.mcode.patient import OrganizationBuilder, PatientBuilder
from oncorwd.convert.mcode.performance import EcogBuilder, VitalSignBuilder
from oncorwd.convert.mcode.procedure import RadiotherapyBuilder, SurgeryBuilder
from oncorwd.convert.mcode.specimen import SpecimenBuilder
from oncorwd.convert.mcode.staging import (
    StageGroupBuilder,
    TnmM,
    TnmN,
    TnmT,
    TumorBuilder,
    TumorSizeBuilder,
)
from oncorwd.convert.mcode.tumor_marker import GenomicVariantBuilder, TumorMarkerBuilder
from oncorwd.convert.mcode.writers import BundleWriter, NdjsonWriter, Writer
from oncorwd.dictionary import load_dictionary
from oncorwd.errors import ConversionError

__all__ = ["BUILDERS", "REPORT_NAME", "ExportResult", "export_mcode", "iter_built",
           "objecting_filter"]

#: Every builder, in the order resources appear in a patient bundle.
BUILDERS: tuple[type[Builder], ...] = (
    PatientBuilder, PrimaryConditionBuilder, SecondaryConditionBuilder, TnmT, TnmN, TnmM,
    StageGroupBuilder, TumorBuilder, TumorSizeBuilder, TumorMarkerBuilder, GenomicVariantBuilder,
    EcogBuilder, VitalSignBuilder, MedicationBuilder, SurgeryBuilder, RadiotherapyBuilder,
    ProgressionStatusBuilder, TumorEventStatusBuilder, SpecimenBuilder, ComorbidConditionBuilder,
    ComorbiditiesBuilder)
REPORT_NAME = "mcode-report.json"
_DIALECT = {"duckdb": "duckdb", "postgres": "postgres", "spark": "spark"}
_OBJECTING = "SELECT patient_id FROM non_opposition WHERE non_opposition = 'N'"

Format = Literal["ndjson", "bundles"]
Progress = Callable[[int, int], None]


@dataclass
class ExportResult:
    """What an export wrote: resources per type, the report, the excluded patients."""

    out_dir: Path
    format: str
    site_id: str
    version: int
    patients: int
    excluded_objecting: int
    resources: dict[str, int]
    report_path: Path
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)
    unrepresented: int = 0
    bundles: int = 0


def objecting_filter(column: exp.Expression) -> exp.Expression:
    """``column NOT IN (patients with non_opposition = 'N')`` as a sqlglot condition."""
    return exp.Not(this=column.isin(query=sqlglot.parse_one(_OBJECTING)))


def _chunk_sql(sql: str, lo: str, hi: str | None, dialect: str, key: str = "patient_id"
               ) -> str:
    """The rows of ``sql`` for the patients in [lo, hi), objecting patients left out, in a
    stable order (patient, then record key) so that output does not depend on the chunking."""
    src = exp.column("patient_id", table="src")
    cond: exp.Condition = exp.and_(src >= exp.Literal.string(lo), objecting_filter(src))
    if hi is not None:
        cond = exp.and_(cond, src < exp.Literal.string(hi))
    query = (exp.select(exp.Star()).from_(exp.Subquery(this=sqlglot.parse_one(sql),
                                                       alias=exp.TableAlias(this="src")))
             .where(cond).order_by(src, exp.column(key, table="src")))
    return query.sql(dialect=dialect)


def _bounds(store: Any, version: int, chunk: int, dialect: str) -> tuple[list[str], int]:
    eligible = exp.select("patient_id").from_("patient").where(
        objecting_filter(exp.column("patient_id")))
    numbered = exp.select("patient_id", exp.Window(
        this=exp.RowNumber(), order=exp.Order(expressions=[exp.Ordered(
            this=exp.column("patient_id"))])).as_("rn")).from_(eligible.subquery("e"))
    firsts = (exp.select("patient_id").from_(numbered.subquery("n"))
              .where(exp.EQ(this=exp.Mod(this=exp.Paren(this=exp.column("rn") - 1),
                                         expression=exp.Literal.number(chunk)),
                            expression=exp.Literal.number(0)))
              .order_by("patient_id"))
    lows = [str(v) for v in store.query(firsts.sql(dialect=dialect), version=version)
            .column("patient_id").to_pylist()]
    total = store.query(exp.select(exp.Count(this=exp.Star()).as_("n")).from_(
        eligible.subquery("e")).sql(dialect=dialect), version=version).column("n")[0].as_py()
    return lows, int(total)


def _source(builder: Builder) -> str:
    return builder.sql or f"SELECT * FROM {builder.table}"


def _build(builder: Builder, tables: dict[str, pa.Table], ctx: Context) -> Built:
    return builder.build(tables[_source(builder)], ctx)


def iter_built(store: Any, ctx: Context, *, version: int, chunk_patients: int = 5_000,
               builders: tuple[type[Builder], ...] = BUILDERS,
               threads: int | None = None) -> Iterator[list[Built]]:
    """Built batches, one list per chunk of patients (every builder, bundle order).

    Each chunk's tables are read first (the engine parallelises its own scans), then the
    builders run on a thread pool: Arrow's kernels release the GIL, so they use every core.
    """
    dialect = _DIALECT.get(store.engine, "duckdb")
    lows, _ = _bounds(store, version, chunk_patients, dialect)
    instances = [b() for b in builders]
    sources = {_source(b): load_dictionary().entity(b.table).key for b in instances}
    with ThreadPoolExecutor(max_workers=threads or os.cpu_count() or 1) as pool:
        for i, lo in enumerate(lows):
            hi = lows[i + 1] if i + 1 < len(lows) else None
            tables = {sql: store.query(_chunk_sql(sql, lo, hi, dialect, key), version=version)
                      for sql, key in sources.items()}
            yield list(pool.map(_build, instances, [tables] * len(instances),
                                [ctx] * len(instances)))


def export_mcode(store: Any, out_dir: str | Path, *, format: Format = "ndjson",
                 version: int | None = None, chunk_patients: int = 5_000,
                 base_url: str = "", timestamp: dt.datetime | None = None,
                 on_progress: Progress | None = None) -> ExportResult:
    """Write a data version of ``store`` to ``out_dir`` as mCODE NDJSON or patient bundles."""
    if format not in ("ndjson", "bundles"):
        raise ConversionError(f"unknown mCODE export format {format!r}",
                              hint="use ndjson or bundles", format=format)
    info = store.version_info(version)
    ctx = Context(site_id=info.site_id, base_url=base_url)
    out = Path(out_dir)
    org = OrganizationBuilder().resource(ctx)
    writer: Writer = (NdjsonWriter(out, ctx, org) if format == "ndjson"
                      else BundleWriter(out, ctx, org, timestamp))
    dialect = _DIALECT.get(store.engine, "duckdb")
    _, total = _bounds(store, info.version, chunk_patients, dialect)
    report = _Report()
    done = 0
    for batch in iter_built(store, ctx, version=info.version, chunk_patients=chunk_patients):
        writer.write(batch)
        report.add(batch)
        done += len(batch[0])
        if on_progress is not None:
            on_progress(done, total)
    counts = writer.close()
    excluded = _excluded(store, info.version)
    result = ExportResult(out, format, info.site_id, info.version, total, excluded, counts,
                          out / REPORT_NAME, report.unmapped, len(report.lost),
                          getattr(writer, "bundles", 0))
    report.write(result)
    return result


def _excluded(store: Any, version: int) -> int:
    sql = ("SELECT count(*) AS n FROM patient WHERE patient_id IN "
           f"({_OBJECTING})")
    return int(store.query(sql, version=version).column("n")[0].as_py())


class _Report:
    """Accumulates the unmapped codes and unrepresented rows over the chunks."""

    def __init__(self) -> None:
        self.unmapped: dict[str, dict[str, int]] = {}
        self.lost: list[Unrepresented] = []

    def add(self, batch: list[Built]) -> None:
        for built in batch:
            self.lost.extend(built.unrepresented)
            for name, codes in built.unmapped.items():
                slot = self.unmapped.setdefault(name, {})
                for code, n in codes.items():
                    slot[code] = slot.get(code, 0) + n

    def write(self, result: ExportResult) -> None:
        grouped: dict[tuple[str, str], list[str]] = {}
        for row in self.lost:
            grouped.setdefault((row.table, row.reason), []).append(row.record_id)
        doc = {
            "site_id": result.site_id, "data_version": result.version, "format": result.format,
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "patients": result.patients,
            "excluded_objecting_patients": result.excluded_objecting,
            "resources": result.resources,
            "unmapped": {k: dict(sorted(v.items(), key=lambda kv: -kv[1]))
                         for k, v in sorted(self.unmapped.items())},
            "unrepresented": [{"table": t, "reason": r, "count": len(ids), "record_ids": ids}
                              for (t, r), ids in sorted(grouped.items())],
        }
        result.report_path.write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))

"""Step ``load``: hand the tables to the site store, atomically (``Store.load``).

Tables are sorted by their record key first, so the same rows give the same fingerprint
whatever order the sources or the derive step produced them in: re-running on unchanged
sources returns the same data version; changed sources give a new one. The version's ``note``
is the run's accounting summary as JSON.

To bound memory, each table is sorted and written to Parquet in a scratch folder one at a
time (``<home>/sites/<site>/work/``, deleted after the load), and the store streams those
files. Tables the validate step
produced are handed over as ``validated`` (the store only casts them; its per-row rules would
find nothing); tables the derive step rewrote are validated again by the store. The store's
cross-table rules always run; having quarantined what they refuse, they find nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from oncorwd.config import get_settings
from oncorwd.dictionary import load_dictionary
from oncorwd.ingest.steps.context import IngestContext, data_columns
from oncorwd.ingest.steps.derive import UPDATED

__all__ = ["run", "settle", "spill_tables", "store_tables", "summary"]

STEP = "load"


def settle(ctx: IngestContext) -> None:
    """Set ``loaded`` of every account from the rows about to be loaded (once the load step
    has released the tables, the accounts it set are kept)."""
    if ctx.extra.get("tables_released"):
        return
    for name, account in ctx.accounting.tables.items():
        data = ctx.tables.get(name)
        account.loaded = 0 if data is None else data.num_rows


def store_tables(ctx: IngestContext) -> dict[str, pa.Table]:
    """Store columns only, sorted by record key."""
    out = {}
    for name, data in ctx.tables.items():
        key = load_dictionary().entity(name).key
        table = data.select(data_columns(data))
        out[name] = table.sort_by(key) if table.num_rows else table
    return out


def spill_tables(ctx: IngestContext, folder: Path, *, release: bool = False) -> dict[str, Path]:
    """:func:`store_tables` written to ``folder`` one table at a time (one sorted copy in
    memory at once); table name → Parquet file. With ``release`` each working table is replaced
    by an empty one once written, so the store loads with the tables out of memory."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in list(ctx.tables):
        data = ctx.tables[name]
        key = load_dictionary().entity(name).key
        # data_version is the store's to set (and null here, which Parquet refuses).
        table = data.select([c for c in data_columns(data) if c != "data_version"])
        if table.num_rows:
            table = table.sort_by(key)
        out[name] = folder / f"{name}.parquet"
        pq.write_table(table, out[name], row_group_size=1 << 17)
        del table
        if release:
            ctx.tables[name] = data.schema.empty_table()
        del data
    return out


def summary(ctx: IngestContext) -> dict[str, object]:
    """The accounting as stored in the version's note."""
    return {"ingest": {
        "spec_site": ctx.spec.site.name,
        "tables": {a.table: {"input": a.input, "loaded": a.loaded,
                             "quarantined": a.quarantined, "merged": a.merged}
                   for a in ctx.accounting.tables.values()},
        "sources": {s.source: {"rows": s.rows, "malformed": s.malformed}
                    for s in ctx.accounting.sources.values()},
        "problems_by_rule": ctx.quarantine.by_rule(),
        "derived": ctx.derived,
    }}


def run(ctx: IngestContext) -> None:
    settle(ctx)
    ctx.accounting.check()
    ctx.extra["tables_released"] = True
    url = ctx.store_url or get_settings().site_store_url(ctx.spec.site.name)
    work = get_settings().home.resolve() / "sites" / ctx.spec.site.name / "work"
    work.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="load-", dir=work))
    try:
        _load(ctx, url, spill_tables(ctx, scratch, release=True))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _load(ctx: IngestContext, url: str, tables: dict[str, Path]) -> None:
    from oncorwd.store import open_store

    validated = [name for name in tables if name not in UPDATED]
    total = len(load_dictionary().entities)
    done = 0

    def on_progress(table: str, rows: int) -> None:
        nonlocal done
        done += 1
        ctx.report(STEP, f"{table}: {rows:,} rows", done, total)

    with open_store(url) as store:
        ctx.version = store.load(tables, site_id=ctx.spec.site.site_id,
                                 note=orjson.dumps(summary(ctx)).decode(),
                                 on_progress=on_progress, validated=validated)

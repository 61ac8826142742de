"""Step ``integrity``: cross-table rules over the validated tables, in an in-memory DuckDB.

The store's own rules (:func:`oncorwd.dictionary.validate.integrity_checks`: ``reference`` to
a patient/cancer/sample, ``chronology`` around birth and death) and ingest's date
``plausibility`` rules (:mod:`.plausibility`) run over Arrow views of the working tables. The
rows they name (by record key) are quarantined; then the reference rules run again, so rows
pointing to a quarantined patient or cancer are quarantined too (``reference``), until nothing
changes (removing rows cannot create a chronology or plausibility violation). The
store then loads without refusing: it runs the same rules and finds nothing.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.config import get_settings
from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.validate import IntegrityCheck, integrity_checks
from oncorwd.ingest.steps.context import IngestContext
from oncorwd.ingest.steps.plausibility import plausibility_checks

__all__ = ["all_checks", "run"]

STEP = "integrity"


def all_checks() -> list[IntegrityCheck]:
    """The store's hard rules, then ingest's plausibility rules."""
    return integrity_checks() + plausibility_checks()


def _register(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    for entity in load_dictionary().entities:
        data = tables.get(entity.name)
        if data is None:
            data = arrow_schema(entity).empty_table()
        con.register(f"{entity.name}__arrow", data)
        con.execute(f"CREATE OR REPLACE TEMP VIEW {entity.name} AS SELECT * REPLACE "
                    f"(1 AS data_version) FROM {entity.name}__arrow")


def _offenders(con: duckdb.DuckDBPyConnection, check: IntegrityCheck) -> pa.Table:
    sql = (f"SELECT CAST(record_key AS VARCHAR) AS k, any_value(CAST(value AS VARCHAR)) AS v "
           f"FROM ({check.render(1)}) q GROUP BY 1")
    return con.sql(sql).to_arrow_table()


def _applicable(check: IntegrityCheck, data: pa.Table | None) -> bool:
    """A rule about a column that is empty in every row cannot fire: skip it (cheap)."""
    if data is None or data.num_rows == 0:
        return False
    for name in (f"{check.field}_year", check.field):
        if name in data.column_names:
            return data.column(name).null_count < data.num_rows
    return True


def _apply(ctx: IngestContext, con: duckdb.DuckDBPyConnection,
           checks: list[IntegrityCheck]) -> int:
    """One pass of every rule; returns the number of rows quarantined."""
    bad: dict[str, np.ndarray] = {}
    for check in checks:
        data = ctx.tables.get(check.table)
        if data is None or not _applicable(check, data):
            continue
        found = _offenders(con, check)
        if found.num_rows == 0:
            continue
        keys = data.column(load_dictionary().entity(check.table).key).combine_chunks()
        index = pc.index_in(keys, value_set=found.column("k").combine_chunks())
        mask = np.asarray(pc.is_valid(index).to_numpy(zero_copy_only=False), dtype=bool)
        values = pc.take(found.column("v"), index)
        message = check.message + (" (absent from the sources, or quarantined)"
                                   if check.rule == "reference" else "")
        ctx.quarantine_rows(check.table, data, mask, rule=check.rule, step=STEP,
                            message=message, field_name=check.field, values=values)
        bad[check.table] = bad.get(check.table, np.zeros(data.num_rows, dtype=bool)) | mask
    for table, mask in bad.items():
        ctx.keep(table, ctx.drop(table, ctx.tables[table], mask))
    return int(sum(m.sum() for m in bad.values()))


def run(ctx: IngestContext) -> None:
    checks = all_checks()
    con = duckdb.connect(config=get_settings().duckdb_config(ctx.spill.folder))
    try:
        for rounds in range(1, len(load_dictionary().entities) + 2):
            _register(con, ctx.tables)
            removed = _apply(ctx, con, checks)
            # Removing rows can only break references: later rounds check those alone.
            checks = [c for c in checks if c.rule == "reference"]
            ctx.report(STEP, f"round {rounds}: {removed:,} row(s) quarantined", rounds)
            if removed == 0:
                break
    finally:
        con.close()

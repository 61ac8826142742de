"""What the ingest run says happened to every input row: ``accounting.json`` and
``quarantine.parquet`` beside the data version (``<home>/sites/<site>/versions/<n>/``).

The ingest pipeline (:mod:`oncorwd.ingest.pipeline`) writes them; a store loaded directly has
neither, and the report then says so. The accounting is read tolerantly (tables and sources as
a list of objects or a mapping by name, ``rows`` or ``rows_read``…): a table balances when
``input = loaded + quarantined + merged`` (``merged``: rows derive folded into another one, 0 if
absent), and ``loaded`` should equal the rows the store holds; a run of another data version
than the report's is pointed out.

The quarantine is summarised with DuckDB straight from the Parquet file (it may hold millions
of rows): per table × rule, the number of problems and of distinct source rows, the columns
involved, and the most frequent (column, value) pairs with one located example each. Values are
shown: OSIRIS RWD holds no direct identifier and sites load pseudonymised data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

__all__ = ["ACCOUNTING_FILE", "QUARANTINE_COLUMNS", "QUARANTINE_FILE", "accounting"]

ACCOUNTING_FILE = "accounting.json"
QUARANTINE_FILE = "quarantine.parquet"
QUARANTINE_COLUMNS = ("table", "source", "file", "row", "column", "value", "rule", "message")
EXAMPLES = 5

_TABLE_NUMBERS = {"input": ("input", "rows_in", "in", "read"),
                  "loaded": ("loaded", "rows_loaded", "written"),
                  "quarantined": ("quarantined", "rows_quarantined", "rejected"),
                  "merged": ("merged", "rows_merged")}
_SOURCE_NUMBERS = {"rows_read": ("rows_read", "read", "rows", "input"),
                   "malformed": ("malformed", "rows_malformed", "bad_rows")}


def _entries(obj: Any, name_keys: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    if isinstance(obj, dict):
        return [(str(k), v) for k, v in obj.items() if isinstance(v, dict)]
    if isinstance(obj, list):
        out = []
        for i, v in enumerate(obj):
            if isinstance(v, dict):
                name = next((str(v[k]) for k in name_keys if v.get(k) is not None), f"#{i + 1}")
                out.append((name, v))
        return out
    return []


def _numbers(d: dict[str, Any], wanted: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    used: set[str] = set()
    for name, aliases in wanted.items():
        key = next((a for a in aliases if isinstance(d.get(a), int | float)), None)
        out[name] = None if key is None else int(d[key])
        if key:
            used.add(key)
    out["other"] = {k: v for k, v in d.items() if k not in used and isinstance(v, int | float)
                    and not isinstance(v, bool)}
    return out


def _tables(raw: dict[str, Any], store_rows: dict[str, int]) -> list[dict[str, Any]]:
    out = []
    for name, d in _entries(raw.get("tables", raw.get("targets")), ("table", "name")):
        t = {"table": name, **_numbers(d, _TABLE_NUMBERS)}
        t["merged"] = t["merged"] or 0
        known = all(t[k] is not None for k in ("input", "loaded", "quarantined"))
        t["difference"] = (t["input"] - t["loaded"] - t["quarantined"] - t["merged"]
                           if known else None)
        t["balanced"] = known and t["difference"] == 0
        t["store_rows"] = store_rows.get(name)
        t["matches_store"] = t["loaded"] is not None and t["loaded"] == t["store_rows"]
        out.append(t)
    return out


def _files(d: dict[str, Any]) -> list[str]:
    files = d.get("files")
    if isinstance(files, list):
        return [str(f) for f in files]
    one = d.get("file") or d.get("path")
    return [str(one)] if one else []


def _sources(raw: dict[str, Any]) -> list[dict[str, Any]]:
    found = _entries(raw.get("sources"), ("source", "name", "file", "path"))
    return [{"source": name, "format": d.get("format"), "files": _files(d),
             **_numbers(d, _SOURCE_NUMBERS)} for name, d in found]


def _run_facts(raw: dict[str, Any], version: int | None) -> dict[str, Any]:
    """Which version the run loaded (and whether it is the report's), its notes."""
    loaded = raw.get("version")
    run_version = loaded.get("version") if isinstance(loaded, dict) else loaded
    notes = raw.get("notes")
    return {"run_version": run_version if isinstance(run_version, int) else None,
            "same_version": None if version is None or not isinstance(run_version, int)
            else run_version == version,
            "dry_run": bool(raw.get("dry_run", False)), "started_at": raw.get("started_at"),
            "ingest_notes": [str(n) for n in notes] if isinstance(notes, list) else []}


def _quarantine_view(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    present = set(pq.read_schema(path).names)
    cols = []
    for c in QUARANTINE_COLUMNS:
        expr = f'CAST("{c}" AS VARCHAR)' if c in present else "CAST(NULL AS VARCHAR)"
        cols.append(f'{expr} AS "{c}"')
    literal = "'" + str(path).replace("'", "''") + "'"
    con.execute(f"CREATE TEMP VIEW q AS SELECT {', '.join(cols)} FROM read_parquet({literal})")


_SUMMARY = """
SELECT "table" AS t, rule AS r, COUNT(*) AS problems,
       COUNT(DISTINCT COALESCE(source, '') || '|' || COALESCE(file, '') || '|'
             || COALESCE("row", '')) AS source_rows,
       COUNT(DISTINCT file) AS files, string_agg(DISTINCT "column", ', ') AS columns
FROM q GROUP BY 1, 2 ORDER BY problems DESC, t, r
"""
_EXAMPLES = f"""
SELECT t, r, c, v, n, file, "row", message FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY t, r ORDER BY n DESC, c, v) AS rank FROM (
    SELECT "table" AS t, rule AS r, "column" AS c, value AS v, file, "row", message,
           COUNT(*) OVER (PARTITION BY "table", rule, "column", value) AS n,
           ROW_NUMBER() OVER (PARTITION BY "table", rule, "column", value
                              ORDER BY file, TRY_CAST("row" AS BIGINT), "row") AS first
    FROM q) a WHERE first = 1) b
WHERE rank <= {EXAMPLES} ORDER BY t, r, rank
"""


def _quarantine(path: Path) -> dict[str, Any]:
    with duckdb.connect() as con:
        _quarantine_view(con, path)
        groups = [dict(zip(("table", "rule", "problems", "source_rows", "files", "columns"), r,
                           strict=True)) for r in con.execute(_SUMMARY).fetchall()]
        examples = con.execute(_EXAMPLES).fetchall()
    by_group: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for t, r, c, v, n, file, row, message in examples:
        by_group.setdefault((t, r), []).append(
            {"column": c, "value": v, "rows": int(n), "file": file, "row": row,
             "message": message})
    for g in groups:
        g["examples"] = by_group.get((g["table"], g["rule"]), [])
    return {"file": str(path), "problems": sum(g["problems"] for g in groups),
            "groups": groups}


def accounting(run_dir: Path | None, store_rows: dict[str, int],
               version: int | None = None) -> dict[str, Any]:
    """The accounting and quarantine summary of an ingest run, or what is missing and why."""
    out: dict[str, Any] = {"run_dir": str(run_dir) if run_dir else None, "available": False,
                           "tables": [], "sources": [], "quarantine": None, "notes": [],
                           "run_version": None, "same_version": None, "ingest_notes": []}
    if run_dir is None:
        out["notes"].append("no ingest run directory: the store was loaded directly")
        return out
    acc, quarantine = run_dir / ACCOUNTING_FILE, run_dir / QUARANTINE_FILE
    if acc.is_file():
        try:
            raw = json.loads(acc.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            out["notes"].append(f"{acc} is not readable JSON: {e}")
            raw = None
        if isinstance(raw, dict):
            out.update(available=True, tables=_tables(raw, store_rows), sources=_sources(raw),
                       **_run_facts(raw, version))
            if out["same_version"] is False:
                out["notes"].append(f"{acc.name} describes the run of data version "
                                    f"{out['run_version']}, not version {version}")
    else:
        out["notes"].append(f"no {ACCOUNTING_FILE} in {run_dir}")
    if quarantine.is_file():
        out["quarantine"] = _quarantine(quarantine)
    else:
        out["notes"].append(f"no {QUARANTINE_FILE} in {run_dir}")
    out["balanced"] = all(t["balanced"] for t in out["tables"]) if out["tables"] else None
    out["totals"] = {k: sum(t[k] or 0 for t in out["tables"])
                     for k in ("input", "loaded", "quarantined", "merged")}
    return out

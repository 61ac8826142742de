"""Benchmark of the mCODE NDJSON export: resources per second, side by side in the same run with
(a) fhir.resources (R4B) model objects and (b) DuckDB's own JSON export, and peak memory.

- ours: ``export_mcode`` of a synthetic site (all builders, files written), resources/s and
  source rows/s;
- (a) the same resources (a sample) built as ``fhir.resources`` R4B model objects and serialised
  with ``model_dump_json``; the models are constructed from the finished resource dicts, so the
  per-row code that would compute their values is not even counted: a lower bound of the
  object-by-object path's cost. The JSON content of both is compared resource by resource;
- (b) ``COPY (SELECT …) TO 'x.ndjson' (FORMAT JSON)`` in DuckDB of exactly the rows our export
  reads (the same queries, objecting patients filtered), rows/s;
- peak memory (VmHWM) of a process that only opens the store and exports, at two site sizes
  with the same chunk size: streaming means the peak does not grow with the patients.

Writes ``benchmarks/results/mcode.json`` with the targets next to the measured figures.

    uv run python benchmarks/bench_mcode.py [--patients N] [--small N] [--sample N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
TARGET = {"speedup_vs_fhir_resources": 50.0, "ratio_vs_duckdb_json": 0.25,
          "memory_growth_max": 1.5}


def _make_store(path: Path, patients: int, seed: int) -> str:
    from oncorwd.store import open_store
    from oncorwd.synth import default_network, iter_site_chunks

    spec = default_network(n_sites=1, n_patients=patients, seed=seed)[0]
    url = f"duckdb://{path}"
    chunks = list(iter_site_chunks(spec, seed, chunk_size=50_000))
    import pyarrow as pa

    tables = {name: pa.concat_tables([c[name] for c in chunks]) for name in chunks[0]}
    with open_store(url) as store:
        store.load(tables, site_id=spec.site_id)
    return url


def _ours(url: str, out: Path, warm_url: str) -> dict[str, Any]:
    from oncorwd.convert.mcode import export_mcode
    from oncorwd.store import open_store

    with open_store(warm_url) as store:   # load terminologies, compile templates
        export_mcode(store, out)
    with open_store(url) as store:
        start = time.perf_counter()
        result = export_mcode(store, out, format="ndjson")
        seconds = time.perf_counter() - start
    resources = sum(result.resources.values())
    return {"seconds": round(seconds, 3), "resources": resources,
            "resources_per_second": round(resources / seconds),
            "bytes": sum(p.stat().st_size for p in out.glob("*.ndjson")),
            "patients": result.patients}


def _source_rows(url: str) -> tuple[int, float, int]:
    """DuckDB's JSON export of the rows our export reads: (rows, seconds, bytes)."""
    from sqlglot import exp, parse_one

    from oncorwd.convert.mcode.export import BUILDERS, objecting_filter
    from oncorwd.store import open_store

    with open_store(url) as store, tempfile.TemporaryDirectory() as tmp:
        cursor = store._version_views(store.latest().version)  # type: ignore[attr-defined]
        queries = {b.sql or f"SELECT * FROM {b.table}" for b in BUILDERS}
        rows, size, start = 0, 0, time.perf_counter()
        for i, sql in enumerate(sorted(queries)):
            query = exp.select("*").from_(parse_one(sql).subquery("src")).where(
                objecting_filter(exp.column("patient_id", table="src")))
            target = Path(tmp) / f"{i}.ndjson"
            cursor.execute(f"COPY ({query.sql(dialect='duckdb')}) TO '{target}' (FORMAT JSON)")
            rows += len(target.read_bytes().splitlines())
            size += target.stat().st_size
        seconds = time.perf_counter() - start
    return rows, seconds, size


def _fhir_resources(out: Path, sample: int) -> dict[str, Any]:
    from fhir.resources.R4B import get_fhir_model_class

    resources = []
    for path in sorted(out.glob("*.ndjson")):
        with path.open("rb") as f:
            for n, line in enumerate(f):
                if n >= sample // 6:
                    break
                resources.append(orjson.loads(line))
    start = time.perf_counter()
    dumped = [get_fhir_model_class(r["resourceType"])(**r).model_dump_json(exclude_none=True)
              for r in resources]
    seconds = time.perf_counter() - start
    same = sum(orjson.loads(d) == r for d, r in zip(dumped, resources, strict=True))
    return {"resources": len(resources), "seconds": round(seconds, 3),
            "resources_per_second": round(len(resources) / seconds),
            "same_json_content": same, "compared": len(resources)}


_CHILD = """
import sys, tempfile
import pyarrow as pa
from oncorwd.convert.mcode import export_mcode
from oncorwd.store import open_store
def vm(key):
    for line in open('/proc/self/status'):
        if line.startswith(key):
            return int(line.split()[1])
with open_store(sys.argv[1]) as s, tempfile.TemporaryDirectory() as d:
    base = vm('VmRSS:')
    r = export_mcode(s, d, chunk_patients=int(sys.argv[2]))
    arrow = pa.default_memory_pool().max_memory() // 1024
    print(base, vm('VmHWM:'), arrow, r.patients, sum(r.resources.values()))
"""


def _memory(url: str, chunk: int) -> dict[str, int]:
    done = subprocess.run([sys.executable, "-c", _CHILD, url, str(chunk)], check=True,
                          capture_output=True, text=True)
    base, peak, arrow, patients, resources = map(int, done.stdout.split()[-5:])
    return {"patients": patients, "resources": resources, "baseline_rss_kib": base,
            "peak_rss_kib": peak, "export_peak_kib": peak - base, "arrow_peak_kib": arrow}


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--sample", type=int, default=3_000)
    parser.add_argument("--chunk", type=int, default=2_000, help="chunk of the memory runs")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        big = _make_store(Path(tmp) / "big.duckdb", args.patients, args.seed)
        small = _make_store(Path(tmp) / "small.duckdb", args.small, args.seed)
        ours = _ours(big, Path(tmp) / "out", small)
        rows, duck_seconds, duck_bytes = _source_rows(big)
        fhir = _fhir_resources(Path(tmp) / "out", args.sample)
        mem_small, mem_big = _memory(small, args.chunk), _memory(big, args.chunk)
    ours["source_rows"] = rows
    ours["source_rows_per_second"] = round(rows / ours["seconds"])
    duck = {"rows": rows, "seconds": round(duck_seconds, 3), "bytes": duck_bytes,
            "rows_per_second": round(rows / duck_seconds)}
    speedup = ours["resources_per_second"] / fhir["resources_per_second"]
    ratio = ours["source_rows_per_second"] / duck["rows_per_second"]
    growth = mem_big["export_peak_kib"] / max(mem_small["export_peak_kib"], 1)
    out = {
        "benchmark": "mcode",
        "description": "mCODE STU4 NDJSON export vs fhir.resources objects and DuckDB JSON",
        "target": TARGET,
        "measured": {
            "ours": ours, "fhir_resources": fhir, "duckdb_json": duck,
            "speedup_vs_fhir_resources": round(speedup, 1),
            "ratio_vs_duckdb_json": round(ratio, 3),
            "memory": {"chunk_patients": args.chunk, "small": mem_small, "big": mem_big,
                       "growth": round(growth, 3)},
        },
        "meets_target": (speedup >= TARGET["speedup_vs_fhir_resources"]
                         and ratio >= TARGET["ratio_vs_duckdb_json"]
                         and growth <= TARGET["memory_growth_max"]
                         and fhir["same_json_content"] == fhir["compared"]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "mcode.json").write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2))
    print(f"mcode: {ours['resources']:,} resources in {ours['seconds']} s "
          f"({ours['resources_per_second']:,}/s); fhir.resources "
          f"{fhir['resources_per_second']:,}/s (x{speedup:.0f}, target >= 50); DuckDB JSON "
          f"{duck['rows_per_second']:,} rows/s (ratio {ratio:.2f}, target >= 0.25); memory "
          f"growth x{growth:.2f} for x{args.patients / args.small:.0f} patients; "
          f"{'met' if out['meets_target'] else 'NOT met'}")
    return out


if __name__ == "__main__":
    main(sys.argv[1:])

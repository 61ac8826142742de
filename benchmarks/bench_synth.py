"""Benchmark of oncorwd.synth: patients per second generating all 18 OSIRIS RWD tables.

Target: 1 000 000 patients (one site, chunks of 200 000) in under 60 s, with bounded memory.
Writes ``benchmarks/results/synth.json`` with the target next to the measured figures.

    uv run python benchmarks/bench_synth.py [--patients N] [--chunk-size N] [--write]

``--write`` also times :func:`oncorwd.synth.write_site` (Parquet files in a temporary folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import orjson

from oncorwd.synth import default_network, generate_site, iter_site_chunks, write_site

HERE = Path(__file__).resolve().parent
TARGET = {"patients": 1_000_000, "max_seconds": 60.0}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(n: int, chunk_size: int, seed: int) -> dict[str, object]:
    spec = default_network(1, n, seed)[0]
    rows: dict[str, int] = {}
    start = time.perf_counter()
    for chunk in iter_site_chunks(spec, seed, chunk_size):
        for name, table in chunk.items():
            rows[name] = rows.get(name, 0) + table.num_rows
        del chunk, table  # streaming use: one chunk in memory at a time
    seconds = time.perf_counter() - start
    return {"patients": n, "chunk_size": chunk_size, "seconds": round(seconds, 2),
            "patients_per_second": round(n / seconds), "rows": sum(rows.values()),
            "rows_per_second": round(sum(rows.values()) / seconds), "row_counts": rows}


def _write(n: int, chunk_size: int, seed: int) -> dict[str, object]:
    spec = default_network(1, n, seed)[0]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        root = write_site(spec, seed, tmp, chunk_size=chunk_size)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return {"seconds": round(seconds, 2), "patients_per_second": round(n / seconds),
            "parquet_mb": round(size / 2**20, 1)}


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=TARGET["patients"])
    parser.add_argument("--chunk-size", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    generate_site(default_network(1, 2000, args.seed)[0], args.seed)  # load parameters, caches
    measured = _generate(args.patients, args.chunk_size, args.seed)
    measured["peak_rss_mb"] = round(_peak_rss_mb())
    if args.write:
        measured["write"] = _write(args.patients, args.chunk_size, args.seed)
        measured["peak_rss_mb_with_write"] = round(_peak_rss_mb())
    seconds = float(measured["seconds"])  # type: ignore[arg-type]
    scaled = seconds * TARGET["patients"] / args.patients
    result = {
        "benchmark": "synth",
        "description": "generate one site, all 18 OSIRIS RWD tables and the truth, in chunks",
        "target": TARGET,
        "measured": measured,
        "seconds_per_million_patients": round(scaled, 2),
        "meets_target": scaled < TARGET["max_seconds"],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    "threads": os.environ.get("ONCORWD_SYNTH_THREADS", "auto")},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "synth.json").write_bytes(
        orjson.dumps(result, option=orjson.OPT_INDENT_2))
    print(f"synth: {args.patients:,} patients in {seconds:.1f} s "
          f"({measured['patients_per_second']:,} patients/s, "
          f"{measured['rows']:,} rows), peak RSS {measured['peak_rss_mb']} MB; "
          f"target < {TARGET['max_seconds']:.0f} s per million: "
          f"{'met' if result['meets_target'] else 'NOT met'}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

"""Benchmark of the OMOP CDM 5.4 export: patients/s, rows/s, peak memory and its flatness.

Generates a synthetic site with :func:`oncorwd.synth.write_site` (Parquet), loads it into a
DuckDB site store (the realistic source: exports read committed store versions), then exports it
to an OMOP Parquet folder and to an OMOP DuckDB database (official DDL, keys on). Each export runs
in a child process so its peak RSS is its own; running two sizes (``--small`` and ``--patients``)
checks that memory stays flat as patients grow (the export works in chunks of patients).
Writes ``benchmarks/results/omop.json`` with the targets next to the figures.

    uv run python benchmarks/bench_omop.py [--patients 1000000] [--small 200000] [--seed N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
TARGET = {"patients": 1_000_000, "min_patients_per_second": 2_000,
          "max_peak_rss_growth": 1.5, "max_peak_rss_mb": 8_000}


def _child(store: str, target: str) -> None:
    from oncorwd.convert.omop import export_omop

    start = time.perf_counter()
    result = export_omop(store, target)
    seconds = time.perf_counter() - start
    clinical = sum(n for t, n in result.rows.items() if not t.startswith("concept")
                   and t not in ("vocabulary", "domain", "relationship", "source_to_concept_map"))
    print(orjson.dumps({"seconds": round(seconds, 2), "persons": result.persons,
                        "rows": clinical, "rows_per_table": result.rows,
                        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                             / 1024)}).decode())


def _export(store: str, target: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", store, target],
                         capture_output=True, text=True, check=True)
    data: dict[str, object] = orjson.loads(out.stdout.strip().splitlines()[-1])
    data["patients_per_second"] = round(int(data["persons"]) / float(data["seconds"]))  # type: ignore[call-overload]
    data["rows_per_second"] = round(int(data["rows"]) / float(data["seconds"]))  # type: ignore[call-overload]
    return data


def _site(n: int, seed: int, folder: Path) -> tuple[str, float]:
    from oncorwd.store import open_store
    from oncorwd.synth import default_network, write_site

    spec = default_network(1, n, seed)[0]
    start = time.perf_counter()
    root = write_site(spec, seed, folder / "synth")
    tables = {p.name: str(p) for p in (root / "osiris").iterdir()}
    url = f"duckdb://{folder / 'site.duckdb'}"
    with open_store(url) as store:
        store.load(tables, site_id=spec.site_id)
    return url, time.perf_counter() - start


def run_size(n: int, seed: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-omop-") as tmp:
        folder = Path(tmp)
        url, prepare = _site(n, seed, folder)
        parquet = _export(url, str(folder / "omop-parquet"))
        duck = _export(url, f"duckdb://{folder / 'omop.duckdb'}")
    print(f"  {n:,} patients: parquet {parquet['seconds']} s ({parquet['patients_per_second']:,}"
          f" patients/s, {parquet['peak_rss_mb']} MB), duckdb {duck['seconds']} s "
          f"({duck['peak_rss_mb']} MB)")
    return {"patients": n, "prepare_store_seconds": round(prepare, 1), "parquet": parquet,
            "duckdb": duck}


def main(argv: list[str]) -> dict[str, object]:
    if argv and argv[0] == "--child":
        _child(argv[1], argv[2])
        return {}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=TARGET["patients"])
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    small, big = run_size(args.small, args.seed), run_size(args.patients, args.seed)
    growth = big["parquet"]["peak_rss_mb"] / max(small["parquet"]["peak_rss_mb"], 1)  # type: ignore[index]
    measured = {"sizes": [small, big], "patients_per_second": big["parquet"]["patients_per_second"],  # type: ignore[index]
                "rows_per_second": big["parquet"]["rows_per_second"],  # type: ignore[index]
                "peak_rss_mb": big["parquet"]["peak_rss_mb"],  # type: ignore[index]
                "peak_rss_growth_small_to_big": round(growth, 2)}
    out = {
        "benchmark": "omop",
        "description": "OMOP CDM 5.4 export of a synthetic site store (DuckDB) to Parquet and "
                       "to a DuckDB database with the official DDL (keys on)",
        "target": TARGET, "measured": measured,
        "meets_target": (args.patients >= TARGET["patients"]
                         and measured["patients_per_second"] >= TARGET["min_patients_per_second"]
                         and growth <= TARGET["max_peak_rss_growth"]
                         and measured["peak_rss_mb"] <= TARGET["max_peak_rss_mb"]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "omop.json").write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2))
    print(f"omop: {measured['patients_per_second']:,} patients/s, peak {measured['peak_rss_mb']} MB"
          f" (x{growth:.2f} from {args.small:,} to {args.patients:,}); target "
          f"{'met' if out['meets_target'] else 'NOT met'}")
    return out


if __name__ == "__main__":
    main(sys.argv[1:])

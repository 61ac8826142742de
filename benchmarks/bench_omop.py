"""Benchmark of the OMOP CDM 5.4 export: patients/s, rows/s, peak memory and its flatness.

Generates a synthetic site with :func:`oncorwd.synth.write_site` (Parquet), loads it into a
DuckDB site store (the realistic source: exports read committed store versions), then exports it
to an OMOP Parquet folder and to an OMOP DuckDB database (official DDL, keys on). Each export runs
in a child process and measures its own memory: ``VmHWM`` (peak resident set) read from
``/proc/self/status`` at the end, and anonymous memory (``RssAnon``) sampled every 50 ms by a
thread. (``getrusage().ru_maxrss`` is NOT used: Linux carries the parent's resident set at
``fork`` over ``exec``, so a child started by a parent that has just generated and loaded the
store reports the parent's size, not its own.) Running two sizes (``--small`` and
``--patients``) checks that memory stays flat as patients grow. The load average is recorded
around each export (the machine is shared). Writes ``benchmarks/results/omop.json`` with the
targets next to the figures.

    uv run python benchmarks/bench_omop.py [--patients 1000000] [--small 200000] [--seed N]
                                           [--keep DIR]

``--keep DIR`` keeps the generated stores in ``DIR`` (``site-<patients>-<seed>.duckdb``) and
reuses them on the next run, so that only the exports are measured again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
TARGET = {"patients": 1_000_000, "min_patients_per_second": 2_000,
          "max_peak_rss_growth": 1.5, "max_peak_rss_mb": 8_000}
_VOCABULARY = ("concept", "vocabulary", "domain", "concept_class", "relationship",
               "concept_relationship", "concept_ancestor", "source_to_concept_map")


def _status_mb(key: str) -> int:
    """One ``/proc/self/status`` figure (kB there) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) // 1024
    return 0


def _child(store: str, target: str) -> None:
    from oncorwd.convert.omop import export_omop

    peak = {"anon": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak["anon"] = max(peak["anon"], _status_mb("RssAnon"))

    threading.Thread(target=sample, daemon=True).start()
    start = time.perf_counter()
    result = export_omop(store, target)
    seconds = time.perf_counter() - start
    done.set()
    clinical = sum(n for t, n in result.rows.items() if t not in _VOCABULARY)
    print(orjson.dumps({"seconds": round(seconds, 2), "persons": result.persons,
                        "rows": clinical, "rows_per_table": result.rows,
                        "peak_rss_mb": _status_mb("VmHWM"),
                        "peak_anon_mb": max(peak["anon"], _status_mb("RssAnon"))}).decode())


def _export(store: str, target: str) -> dict[str, object]:
    load_before = os.getloadavg()
    out = subprocess.run([sys.executable, __file__, "--child", store, target],
                         capture_output=True, text=True, check=True)
    data: dict[str, object] = orjson.loads(out.stdout.strip().splitlines()[-1])
    persons, seconds = int(data["persons"]), float(data["seconds"])  # type: ignore[call-overload, arg-type]
    data["patients_per_second"] = round(persons / seconds)
    data["rows_per_second"] = round(int(data["rows"]) / seconds)  # type: ignore[call-overload]
    data["load_average_1min"] = {"before": round(load_before[0], 2),
                                 "after": round(os.getloadavg()[0], 2)}
    return data


def _site(n: int, seed: int, folder: Path) -> tuple[str, float]:
    """A DuckDB store with one version of an ``n``-patient site (reused if already there)."""
    from oncorwd.store import open_store
    from oncorwd.synth import default_network, write_site

    path = folder / f"site-{n}-{seed}.duckdb"
    url = f"duckdb://{path}"
    if path.exists():
        return url, 0.0
    spec = default_network(1, n, seed)[0]
    start = time.perf_counter()
    root = write_site(spec, seed, folder / f"synth-{n}-{seed}")
    tables = {p.name: str(p) for p in (root / "osiris").iterdir()}
    partial = path.with_name(path.name + ".partial")
    with open_store(f"duckdb://{partial}") as store:
        store.load(tables, site_id=spec.site_id)
    partial.rename(path)
    shutil.rmtree(folder / f"synth-{n}-{seed}")
    return url, time.perf_counter() - start


def _prepare(n: int, seed: int, folder: Path) -> tuple[str, float]:
    """Prepare the store in a child process, so that this process stays small."""
    out = subprocess.run([sys.executable, __file__, "--prepare", str(n), str(seed), str(folder)],
                         capture_output=True, text=True, check=True)
    url, seconds = out.stdout.strip().splitlines()[-1].split(" ")
    return url, float(seconds)


def run_size(n: int, seed: int, keep: Path | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-omop-") as tmp:
        folder = Path(tmp)
        url, prepare = _prepare(n, seed, keep or folder)
        parquet = _export(url, str(folder / "omop-parquet"))
        shutil.rmtree(folder / "omop-parquet")
        duck = _export(url, f"duckdb://{folder / 'omop.duckdb'}")
    print(f"  {n:,} patients: parquet {parquet['seconds']} s ({parquet['patients_per_second']:,}"
          f" patients/s, peak {parquet['peak_rss_mb']} MB), duckdb {duck['seconds']} s "
          f"({duck['patients_per_second']:,} patients/s, peak {duck['peak_rss_mb']} MB)")
    return {"patients": n, "prepare_store_seconds": round(prepare, 1) if prepare else None,
            "store_reused": not prepare, "parquet": parquet, "duckdb": duck}


def _growth(small: dict[str, object], big: dict[str, object], target: str) -> float:
    peak_big = big[target]["peak_rss_mb"]  # type: ignore[index]
    peak_small = small[target]["peak_rss_mb"]  # type: ignore[index]
    return round(peak_big / max(peak_small, 1), 2)


def main(argv: list[str]) -> dict[str, object]:
    if argv and argv[0] == "--child":
        _child(argv[1], argv[2])
        return {}
    if argv and argv[0] == "--prepare":
        url, seconds = _site(int(argv[1]), int(argv[2]), Path(argv[3]))
        print(url, seconds)
        return {}
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=TARGET["patients"])
    parser.add_argument("--small", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep (and reuse) the generated stores in this folder")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    small = run_size(args.small, args.seed, args.keep)
    big = run_size(args.patients, args.seed, args.keep)
    growth = {t: _growth(small, big, t) for t in ("parquet", "duckdb")}
    bp, bd = big["parquet"], big["duckdb"]
    measured = {"sizes": [small, big],
                "patients_per_second": bp["patients_per_second"],  # type: ignore[index]
                "patients_per_second_duckdb": bd["patients_per_second"],  # type: ignore[index]
                "rows_per_second": bp["rows_per_second"],  # type: ignore[index]
                "peak_rss_mb": max(bp["peak_rss_mb"], bd["peak_rss_mb"]),  # type: ignore[index]
                "peak_rss_growth_small_to_big": growth}
    out = {
        "benchmark": "omop",
        "description": "OMOP CDM 5.4 export of a synthetic site store (DuckDB) to Parquet and "
                       "to a DuckDB database with the official DDL (keys on); peak memory is "
                       "each export child's own VmHWM",
        "target": TARGET, "measured": measured,
        "meets_target": (args.patients >= TARGET["patients"]
                         and measured["patients_per_second"] >= TARGET["min_patients_per_second"]
                         and max(growth.values()) <= TARGET["max_peak_rss_growth"]
                         and measured["peak_rss_mb"] <= TARGET["max_peak_rss_mb"]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "omop.json").write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2))
    print(f"omop: {measured['patients_per_second']:,} patients/s, peak {measured['peak_rss_mb']} "
          f"MB (x{growth['parquet']:.2f} Parquet, x{growth['duckdb']:.2f} DuckDB from "
          f"{args.small:,} to {args.patients:,}); target "
          f"{'met' if out['meets_target'] else 'NOT met'}")
    return out


if __name__ == "__main__":
    main(sys.argv[1:])

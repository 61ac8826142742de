"""Benchmark of ingest: a site's raw DPI dump (``csv_dump``, faults at the default rates) through
its example mapping spec into a DuckDB store.

Target: 1 000 000 raw patients ingested in under 30 minutes (>= 556 patients/s) with a peak
of anonymous memory (heap: what the kernel cannot reclaim, ``RssAnon``) under 16 GB, on the
project's 2-core, 24 GB machine. Large working tables wait between steps in memory-mapped files
(:mod:`oncorwd.ingest.spill`): their pages count in the RSS but are page cache the kernel takes
back under pressure, so both the peak RSS and the peak anonymous memory are reported.
Writes ``benchmarks/results/ingest.json``: export and ingest seconds, patients/s and input
rows/s of ingest, peak memory of each phase (each runs in its own process, so an
out-of-memory kill is reported, not fatal), and whether ingest's accounting matched ``faults.json``.

    uv run python benchmarks/bench_ingest.py [--patients N] [--seed S] [--keep DIR]

Skips with a message (exit 0) when ``oncorwd.ingest.pipeline`` cannot be imported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson

HERE = Path(__file__).resolve().parent
TARGET = {"patients": 1_000_000, "max_seconds": 1800.0, "max_peak_anon_mb": 16_000}


def _export(n: int, seed: int, out: Path) -> dict[str, Any]:
    from oncorwd.synth import default_network
    from oncorwd.synth.raw import write_raw_exports

    spec = default_network(1, n, seed)[0]
    start = time.perf_counter()
    export = write_raw_exports(spec, seed, out, "csv_dump")
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in (export.root / "data").iterdir())
    return {"seconds": round(seconds, 2), "patients_per_second": round(n / seconds),
            "csv_mb": round(size / 2**20, 1), "spec": str(export.spec_path),
            "faults": str(export.faults_path)}


def _ingest(spec: str, faults: str, store: str, home: str) -> dict[str, Any]:
    os.environ["ONCORWD_HOME"] = home
    from oncorwd.ingest.pipeline import run

    start = time.perf_counter()
    result = run(spec, store_url=store)
    seconds = time.perf_counter() - start
    truth = json.loads(Path(faults).read_text("utf-8"))["expected"]
    matches = all(
        a.input == truth[a.table]["input"]
        and a.quarantined == sum(truth[a.table]["quarantined"].values())
        and a.loaded + a.merged == truth[a.table]["loaded"]
        for a in result.accounting)
    rows = sum(a.input for a in result.accounting)
    return {"seconds": round(seconds, 2), "input_rows": rows,
            "rows_per_second": round(rows / seconds), "loaded": result.loaded,
            "quarantined": result.quarantined, "step_seconds": result.step_seconds,
            "accounting_matches_truth": matches}


class _AnonPeak:
    """Samples this process's ``RssAnon`` (heap, not reclaimable) every 100 ms."""

    def __init__(self) -> None:
        self.peak = 0
        threading.Thread(target=self._run, daemon=True).start()

    @staticmethod
    def now() -> int:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) // 1024
        return 0

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, self.now())
            time.sleep(0.1)


def _child(phase: str, args: list[str]) -> tuple[dict[str, Any] | None, float, str]:
    """Run one phase in a fresh process: (its JSON answer or None, its peak RSS in MB, error).
    A killed child's peak is the largest of all children so far (all the kernel tells)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, __file__, f"--phase={phase}", *args],
                          capture_output=True, text=True, check=False)
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        why = f"exit code {proc.returncode}" + (" (killed: out of memory?)"
                                                 if proc.returncode < 0 else "")
        return None, peak, why + (": " + " | ".join(tail) if tail else "")
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    return answer, float(answer.pop("peak_rss_mb", peak)), ""


def main(argv: list[str]) -> dict[str, Any] | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=TARGET["patients"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the raw export and the store there (default: a temp dir)")
    parser.add_argument("--phase", default=None, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)
    if args.phase in ("export", "ingest"):
        anon = _AnonPeak()
        out = _export(args.patients, args.seed, Path(rest[0])) if args.phase == "export" \
            else _ingest(*rest)
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["peak_anon_mb"] = max(anon.peak, anon.now())
        print(json.dumps(out))
        return None
    try:
        import oncorwd.ingest.pipeline  # noqa: F401
    except ImportError as e:
        print(f"ingest: skipped, oncorwd.ingest.pipeline is not importable ({e})")
        return None
    work = args.keep or Path(tempfile.mkdtemp(prefix="oncorwd-bench-ingest-"))
    try:
        return _measure(args.patients, args.seed, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _measure(n: int, seed: int, work: Path) -> dict[str, Any]:
    export, export_rss, error = _child("export", [f"--patients={n}", f"--seed={seed}",
                                                  str(work / "raw")])
    ingest, ingest_rss, ingest_error = (None, 0.0, "export failed") if export is None else \
        _child("ingest", [export["spec"], export["faults"], str(work / "store.duckdb"),
                          str(work / "home")])
    export = export and {k: v for k, v in export.items() if k not in ("spec", "faults")}
    anon = ingest.pop("peak_anon_mb", None) if ingest else None
    if export:
        export.pop("peak_anon_mb", None)
    measured: dict[str, Any] = {"patients": n, "export": export, "ingest": ingest,
                                "peak_rss_mb": {"export": round(export_rss),
                                                "ingest": round(ingest_rss)},
                                "peak_anon_mb": {"ingest": anon}}
    if ingest is not None:
        measured["patients_per_second"] = round(n / ingest["seconds"])
        measured["rows_per_second"] = ingest["rows_per_second"]
    else:
        measured["error"] = error or ingest_error
    scaled = ingest["seconds"] * TARGET["patients"] / n if ingest else None
    result = {
        "benchmark": "ingest",
        "description": "raw csv_dump export (default fault rates) of one site, then ingest "
                       "through examples/csv_dump/mapping.yaml into DuckDB",
        "target": TARGET, "measured": measured,
        "seconds_per_million_patients": round(scaled, 1) if scaled else None,
        "meets_target": bool(ingest and scaled is not None and scaled <= TARGET["max_seconds"]
                             and anon is not None and anon <= TARGET["max_peak_anon_mb"]
                             and n >= TARGET["patients"]),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "ingest.json").write_bytes(
        orjson.dumps(result, option=orjson.OPT_INDENT_2))
    if ingest is None or export is None:
        print(f"ingest: {n:,} patients: FAILED ({measured['error']})")
    else:
        print(f"ingest: {n:,} patients, {ingest['input_rows']:,} rows in {ingest['seconds']:.1f} s "
              f"({measured['patients_per_second']:,} patients/s, "
              f"{ingest['rows_per_second']:,} rows/s), peak RSS {ingest_rss:.0f} MB "
              f"(anonymous {anon} MB); export "
              f"{export['seconds']:.1f} s; accounting "
              f"{'matches' if ingest['accounting_matches_truth'] else 'DIFFERS from'} "
              f"faults.json; target {TARGET['max_seconds']:.0f} s and "
              f"{TARGET['max_peak_anon_mb']} MB anonymous per million: "
              f"{'met' if result['meets_target'] else 'NOT met'}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])

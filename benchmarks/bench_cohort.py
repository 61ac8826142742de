"""Benchmark of the cohort engine: latency and peak memory of a 10-criterion definition with 2
temporal criteria at 1 M and 10 M synthetic patients on DuckDB.

Targets (2-core machine): p50 < 100 ms at 1 M patients, < 1 s at 10 M.

Generating 10 M patients through ``oncorwd.synth`` + ``derive`` would take far longer than the
query being measured, so the tables the definition reads are generated here directly in DuckDB
SQL from hashes of the row number, at realistic distributions (age ~ 40–89, stage I–IV/UK,
PS 0–4 with 20 % missing, 12 topographies weighted like a cancer centre, about 2 systemic drug
administrations and 0.3 progression per patient, 2 % objectors). The layout follows the issue's
advice: the wide table with narrow column types (SMALLINT/TINYINT/DATE/BOOLEAN), event tables
sorted by code (ATC) so zone maps skip blocks, and the compiled count query (a ``SELECT
DISTINCT`` subquery, criteria ordered cheapest first). The SQL measured is exactly what
:func:`oncorwd.cohort.compile_cohort` emits for DuckDB.

    uv run python benchmarks/bench_cohort.py [--sizes 1000000 10000000] [--repeat 20]

The OHDSI Circe comparison (same cohort through circepy's SQL on the OMOP export) is added by
:func:`circe_timings` (a placeholder returning ``None`` until the OMOP export lands).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import orjson

from oncorwd.cohort import compile_cohort, parse_definition

HERE = Path(__file__).resolve().parent
TARGETS_MS = {1_000_000: 100.0, 10_000_000: 1000.0}

DEFINITION: dict[str, Any] = {
    "name": "benchmark: treated stage III-IV lung/breast/colon, no early progression",
    "inclusion": [
        {"name": "age 40-85", "criterion": {"variable": "age_at_diagnosis", "op": "between",
                                             "min": 40, "max": 85}},
        {"name": "stage III-IV", "criterion": {"variable": "stage_group", "op": "in",
                                                "values": ["III", "IV"]}},
        {"name": "PS 0-2", "criterion": {"variable": "ps_at_diagnosis", "op": "le", "value": 2}},
        {"name": "lung, breast or colon", "criterion": {
            "variable": "topography", "op": "matches", "values": ["C34*", "C50*", "C18*"]}},
        {"name": "M status known", "criterion": {"variable": "metastatic_at_diagnosis",
                                                  "op": "known"}},
        {"name": "diagnosed 2010-2025", "criterion": {
            "variable": "diagnosis_date", "op": "between", "min": "2010-01-01",
            "max": "2025-12-31"}},
        {"name": "smoking status recorded", "criterion": {"variable": "smoking", "op": "ne",
                                                           "value": "UN"}},
        {"name": "at least one line", "criterion": {"variable": "n_lines", "op": "ge",
                                                     "value": 1}},
        {"name": "antineoplastic within a year", "criterion": {
            "event": "drug", "where": [{"field": "atc", "op": "matches", "values": ["L01*"]}],
            "window": {"start_days": 0, "end_days": 365}}},
    ],
    "exclusion": [
        {"name": "progression within 90 days", "criterion": {
            "event": "progression", "window": {"start_days": 0, "end_days": 90}}},
    ],
}

_TOPO = ["C50.9", "C34.1", "C61.9", "C18.7", "C54.1", "C44.5", "C56.9", "C25.0", "C73.9",
         "C20.9", "C64.9", "C67.9"]
_ATC = ["L01AA01", "L01BC02", "L01CD01", "L01DB03", "L01EB04", "L01FD01", "L01FF02", "L01XA01",
        "L02BG04", "L02BA01", "V03AF03", "H02AB02"]


def _u(expr: str, salt: int) -> str:
    """A uniform [0, 1) number from a hash of ``expr`` (deterministic, vectorised)."""
    return f"((hash({expr}, {salt}) % 1000000)::DOUBLE / 1000000)"


def generate(con: duckdb.DuckDBPyConnection, n: int) -> None:
    """The tables the definition reads, for ``n`` patients (one index cancer each)."""
    topo = "[" + ", ".join(f"'{t}'" for t in _TOPO) + "]"
    atc = "[" + ", ".join(f"'{a}'" for a in _ATC) + "]"
    con.execute(f"""
        CREATE OR REPLACE TABLE cohort_variables AS
        SELECT 'C' || lpad(i::VARCHAR, 9, '0') AS cancer_id,
               'P' || lpad(i::VARCHAR, 9, '0') AS patient_id,
               TRUE AS is_index_cancer,
               CASE WHEN {_u('i', 1)} < 0.55 THEN 'F' ELSE 'M' END AS sex,
               (40 + floor({_u('i', 2)} * 50))::SMALLINT AS age_at_diagnosis,
               ['I', 'II', 'III', 'IV', 'UK'][1 + floor({_u('i', 3)} * 5)::INT] AS stage_group,
               CASE WHEN {_u('i', 4)} < 0.2 THEN NULL
                    ELSE floor({_u('i', 5)} * 5)::TINYINT END AS ps_at_diagnosis,
               {topo}[1 + floor(pow({_u('i', 6)}, 1.7) * 12)::INT] AS topography,
               CASE WHEN {_u('i', 7)} < 0.1 THEN NULL ELSE {_u('i', 8)} < 0.25 END
                   AS metastatic_at_diagnosis,
               DATE '2005-01-01' + floor({_u('i', 9)} * 7300)::INT AS diagnosis_date,
               ['Y', 'N', 'UN'][1 + floor({_u('i', 10)} * 3)::INT] AS smoking,
               floor(pow({_u('i', 11)}, 2) * 5)::TINYINT AS n_lines
        FROM range({n}) t(i)""")
    con.execute(f"""
        CREATE OR REPLACE TABLE non_opposition AS
        SELECT patient_id, CASE WHEN {_u('patient_id', 12)} < 0.02 THEN 'N' ELSE 'Y' END
               AS non_opposition FROM cohort_variables""")
    con.execute(f"""
        CREATE OR REPLACE TABLE drug_administration AS
        SELECT * FROM (
            SELECT v.patient_id, v.cancer_id,
                   {atc}[1 + floor({_u('v.patient_id || j::VARCHAR', 13)} * 12)::INT] AS atc_code,
                   v.diagnosis_date + floor({_u('v.patient_id || j::VARCHAR', 14)} * 900)::INT
                       AS administration_date
            FROM cohort_variables v, range(4) r(j)
            WHERE {_u('v.patient_id || j::VARCHAR', 15)} < 0.5)
        ORDER BY atc_code""")
    con.execute(f"""
        CREATE OR REPLACE TABLE progression AS
        SELECT patient_id, cancer_id, 'Y' AS progression,
               diagnosis_date + floor({_u('patient_id', 16)} * 1500)::INT AS progression_date
        FROM cohort_variables WHERE {_u('patient_id', 17)} < 0.3
        ORDER BY progression_date""")
    con.execute("CHECKPOINT")


def _rss() -> int:
    """Resident memory of this process in bytes (Linux ``/proc``)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


class _PeakRSS:
    """Peak resident memory of this process while the block runs (sampled every 5 ms)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    def __enter__(self) -> _PeakRSS:
        self.peak = _rss()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(con: duckdb.DuckDBPyConnection, sql: str, repeat: int) -> dict[str, Any]:
    con.execute(sql).fetchall()  # warm-up: file pages in the buffer pool
    times = []
    with _PeakRSS() as mem:
        for _ in range(repeat):
            start = time.perf_counter()
            count = con.execute(sql).fetchall()[0][0]
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"count": int(count), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
            "min_ms": round(times[0], 2), "peak_rss_mb": round(mem.peak / 2 ** 20, 1),
            "repeat": repeat}


def circe_timings(n: int) -> dict[str, Any] | None:
    """Same cohort through OHDSI circepy's SQL on the OMOP export (added with the Circe
    cross-check; ``None`` until then)."""
    return None


def run(sizes: list[int], repeat: int, folder: Path) -> dict[str, Any]:
    compiled = compile_cohort(parse_definition(DEFINITION))
    sql = compiled.sql("duckdb", "count")
    results = []
    for n in sizes:
        path = folder / f"bench_{n}.duckdb"
        con = duckdb.connect(str(path))
        start = time.perf_counter()
        generate(con, n)
        gen_s = time.perf_counter() - start
        con.close()
        con = duckdb.connect(str(path), read_only=True)
        figures = measure(con, sql, repeat)
        con.close()
        target = TARGETS_MS.get(n)
        results.append({"patients": n, "generate_seconds": round(gen_s, 1), **figures,
                        "target_p50_ms": target,
                        "meets_target": None if target is None else figures["p50_ms"] < target,
                        "circe": circe_timings(n)})
        print(results[-1], flush=True)
        path.unlink()
    return {"benchmark": "cohort", "engine": "duckdb", "duckdb_version": duckdb.__version__,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "definition": DEFINITION, "criteria": 10, "temporal_criteria": 2,
            "sql": sql, "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "cohort.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as tmp:
        report = run(args.sizes, args.repeat, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

"""Benchmark of the cohort engine: latency and peak memory of a 10-criterion definition with 2
temporal criteria at 1 M and 10 M synthetic patients on DuckDB, and the same cohort through
OHDSI Circe's SQL on an OMOP version of the same data (at 1 M: see ``bench_cohort_circe.py``).

Targets (2-core machine): p50 < 100 ms at 1 M patients, < 1 s at 10 M, ≥ 10× faster than the
Circe SQL.

**The data** is no easier than a real site store. Generating 10 M patients through
``oncorwd.synth`` + ingest would take hours, so the rows are generated in DuckDB SQL from hashes
of the row number, but into the store's own tables: ``Store.init()`` creates them from the
dictionary's DDL (``schema/ddl/duckdb.sql``: INTEGER ages/PS/line counts, VARCHAR codes, the
~170-column ``cohort_variables``, ``site_id``/``data_version`` columns, the primary keys) and one
committed data version is registered, so the query runs through ``Store.query`` on the
version views exactly as at a site. Identifiers have the synthetic sites' format
(``S01-P00000001``, ``S01-C000000011``: 13–14 characters, too long for DuckDB's inlined
strings). Distributions: age 40–89, stage I–IV/UK, PS 0–4 with 20 % missing, 12 topographies
weighted like a cancer centre, M status 10 % missing, diagnosis 2005–2024, 6 % of patients
with a second primary (a non-index row), about 2 drug administrations per patient (2/3 of
them L01) and 0.3 progression per patient. The columns the definition does not read are NULL
(a column store never reads them). Event rows are in load order (by patient), **not** sorted
by code: the store does not sort at load, so zone maps cannot skip ATC blocks. The 2 %
objectors (``non_opposition = 'N'``) are left in ``cohort_variables`` although ingest drops
them, so the compiled anti-join does real work.

**The timing** is on a warm store, as a site node has it: the store is opened once, one
warm-up query loads the pages, then each timed call is a full ``Store.query`` (version lookup,
SQL, Arrow result) of exactly the ``count`` SQL that :func:`oncorwd.cohort.compile_cohort`
emits for DuckDB. The machine's load average is recorded before and after (other processes
share the 2 cores).

    uv run python benchmarks/bench_cohort.py [--sizes 1000000 10000000] [--repeat 20]
                                             [--circe-max 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import orjson

from oncorwd.cohort import compile_cohort, parse_definition
from oncorwd.dictionary import SCHEMA_VERSION
from oncorwd.store import open_store
from oncorwd.store.engines.duckdb import DuckDBStore

HERE = Path(__file__).resolve().parent
TARGETS_MS = {1_000_000: 100.0, 10_000_000: 1000.0}
SITE = "S01"

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


def _id(kind: str, number: str, digits: int) -> str:
    """An identifier in the synthetic sites' format (``S01-P00000042``)."""
    return f"'{SITE}-{kind}' || lpad(({number})::VARCHAR, {digits}, '0')"


def _list(values: list[str]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


_DX = f"DATE '2005-01-01' + floor({_u('i', 9)} * 7300)::INT"

#: (table, columns, SELECT over ``range(n) t(i)``): the store rows of patient ``i``.
_ROWS: list[tuple[str, str, str]] = [
    ("cohort_variables",
     "cancer_id, patient_id, is_index_cancer, cancer_order, sex, age_at_diagnosis, "
     "stage_group, ps_at_diagnosis, topography, metastatic_at_diagnosis, diagnosis_date, "
     "smoking, n_lines",
     f"""SELECT {_id('C', 'i * 10 + 1', 9)}, {_id('P', 'i', 8)}, TRUE, 1,
               CASE WHEN {_u('i', 1)} < 0.55 THEN 'F' ELSE 'M' END,
               (40 + floor({_u('i', 2)} * 50))::INTEGER,
               ['I', 'II', 'III', 'IV', 'UK'][1 + floor({_u('i', 3)} * 5)::INT],
               CASE WHEN {_u('i', 4)} < 0.2 THEN NULL ELSE floor({_u('i', 5)} * 5)::INTEGER END,
               {_list(_TOPO)}[1 + floor(pow({_u('i', 6)}, 1.7) * 12)::INT],
               CASE WHEN {_u('i', 7)} < 0.1 THEN NULL ELSE {_u('i', 8)} < 0.25 END,
               {_DX}, ['Y', 'N', 'UN'][1 + floor({_u('i', 10)} * 3)::INT],
               floor(pow({_u('i', 11)}, 2) * 5)::INTEGER
        FROM range({{n}}) t(i)
        UNION ALL  -- a second primary for 6 % of patients: not the index cancer
        SELECT {_id('C', 'i * 10 + 2', 9)}, {_id('P', 'i', 8)}, FALSE, 2,
               CASE WHEN {_u('i', 1)} < 0.55 THEN 'F' ELSE 'M' END,
               (42 + floor({_u('i', 2)} * 48))::INTEGER, 'II', 1,
               {_list(_TOPO)}[1 + floor({_u('i', 18)} * 12)::INT], FALSE,
               {_DX} + 700, 'N', 0
        FROM range({{n}}) t(i) WHERE {_u('i', 19)} < 0.06"""),
    ("non_opposition", "patient_id, information, non_opposition",
     f"""SELECT {_id('P', 'i', 8)}, 'Y', CASE WHEN {_u('i', 12)} < 0.02 THEN 'N' ELSE 'Y' END
        FROM range({{n}}) t(i)"""),
    ("drug_administration",
     "drug_administration_id, patient_id, cancer_id, atc_code, administration_date, "
     "administration_date_precision, treatment_line",
     f"""SELECT {_id('D', 'i * 4 + j', 10)}, {_id('P', 'i', 8)}, {_id('C', 'i * 10 + 1', 9)},
               {_list(_ATC)}[1 + floor({_u('i * 4 + j', 13)} * 12)::INT],
               {_DX} + floor({_u('i * 4 + j', 14)} * 900)::INT, 'day', 1 + j // 2
        FROM range({{n}}) t(i), range(4) r(j) WHERE {_u('i * 4 + j', 15)} < 0.5
        ORDER BY i, j"""),
    ("progression", "progression_id, patient_id, cancer_id, progression, progression_date",
     f"""SELECT {_id('G', 'i', 9)}, {_id('P', 'i', 8)}, {_id('C', 'i * 10 + 1', 9)}, 'Y',
               {_DX} + floor({_u('i', 16)} * 1500)::INT
        FROM range({{n}}) t(i) WHERE {_u('i', 17)} < 0.3"""),
]


def generate(path: Path, n: int) -> None:
    """A DuckDB site store at ``path`` holding one committed version with ``n`` patients."""
    store = open_store(f"duckdb://{path}")
    store.init()
    store.close()
    con = duckdb.connect(str(path))
    counts = {}
    for table, cols, select in _ROWS:
        con.execute(f"INSERT INTO {table} ({cols}, site_id, data_version) "
                    f"SELECT *, '{SITE}', 1 FROM ({select.format(n=n)})")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    con.execute("INSERT INTO _oncorwd_versions VALUES (1, now()::TIMESTAMP, ?, 'benchmark', ?, "
                "'generated by benchmarks/bench_cohort.py', ?)",
                [SITE, orjson.dumps(counts).decode(), SCHEMA_VERSION])
    con.execute("CHECKPOINT")
    con.close()


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


def timed(runs: dict[str, Callable[[], int]], repeat: int | dict[str, int]
          ) -> dict[str, dict[str, Any]]:
    """p50/p95/min of each run after one warm-up call each, the runs interleaved (so a change
    of machine load hits them alike), with the 1-minute load average before and after."""
    counts = repeat if isinstance(repeat, dict) else dict.fromkeys(runs, repeat)
    for run in runs.values():
        run()  # warm-up: file pages in the buffer pool, as on a running node
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, int] = {}
    load = os.getloadavg()[0]
    with _PeakRSS() as mem:
        for i in range(max(counts.values())):
            for name, run in runs.items():
                if i < counts[name]:
                    start = time.perf_counter()
                    results[name] = run()
                    times[name].append((time.perf_counter() - start) * 1000)
    loads = [round(load, 2), round(os.getloadavg()[0], 2)]
    out: dict[str, dict[str, Any]] = {}
    for name, t in times.items():
        t.sort()
        out[name] = {"count": int(results[name]), "p50_ms": round(statistics.median(t), 2),
                     "p95_ms": round(t[min(len(t) - 1, int(0.95 * len(t)))], 2),
                     "min_ms": round(t[0], 2), "repeat": len(t)}
    out[next(iter(runs))].update(peak_rss_mb=round(mem.peak / 2 ** 20, 1), load_avg_1min=loads)
    return out


def measure(store: DuckDBStore, sql: str, repeat: int) -> dict[str, Any]:
    """Timings of the compiled count query through ``Store.query`` on the open store, and of
    the SQL alone on the cursor ``Store.query`` uses, interleaved: the difference is the
    store's own per-call work (the version lookup in its catalog)."""
    cursor = store._version_views(store.version_info().version)  # the views Store.query uses
    figures = timed({"store": lambda: int(store.query(sql).column("n")[0].as_py()),
                     "sql": lambda: int(cursor.sql(sql).fetchall()[0][0])}, repeat)
    return {**figures["store"], "sql_only_p50_ms": figures["sql"]["p50_ms"],
            "sql_only_min_ms": figures["sql"]["min_ms"]}


def circe_timings(path: Path, n: int, repeat: int, folder: Path) -> dict[str, Any]:
    """The same cohort through circepy's SQL on the OMOP projection of this store's rows,
    timed in the same DuckDB next to the compiled query (``bench_cohort_circe.compare``)."""
    sys.path.insert(0, str(HERE))
    from bench_cohort_circe import compare

    return compare(path, n, repeat, folder)


def run(sizes: list[int], repeat: int, circe_max: int, folder: Path
        ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Figures per size, and the Circe comparisons made (sizes up to ``circe_max``)."""
    sql = compile_cohort(parse_definition(DEFINITION)).sql("duckdb", "count")
    results, comparisons = [], []
    for n in sizes:
        path = folder / f"bench_{n}.duckdb"
        start = time.perf_counter()
        generate(path, n)
        gen_s = time.perf_counter() - start
        store = open_store(f"duckdb://{path}")
        assert isinstance(store, DuckDBStore)
        figures = measure(store, sql, repeat)
        store.close()
        target = TARGETS_MS.get(n)
        row = {"patients": n, "generate_seconds": round(gen_s, 1), **figures,
               "target_p50_ms": target,
               "meets_target": None if target is None else figures["p50_ms"] < target}
        print(row, flush=True)
        if n <= circe_max:
            comparisons.append(circe_timings(path, n, max(5, repeat // 2), folder))
            row["circe"] = {k: comparisons[-1][k] for k in (
                "circe_p50_ms", "oncorwd_p50_ms", "ratio_circe_over_oncorwd_p50",
                "target_ratio", "meets_target", "same_count")}
            print(row["circe"], flush=True)
        results.append(row)
        path.unlink()
    return report("cohort", sql, results), comparisons


def report(name: str, sql: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"benchmark": name, "engine": "duckdb", "duckdb_version": duckdb.__version__,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "conditions": "warm store (opened once, one warm-up query), Store.query per call; "
                          "data: store DDL types, load order, 2 % objectors kept (see docstring)",
            "definition": DEFINITION, "criteria": 10, "temporal_criteria": 2,
            "sql": sql, "results": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--circe-max", type=int, default=1_000_000,
                        help="compare with the Circe SQL up to this size (0: never)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "cohort.json")
    parser.add_argument("--circe-out", type=Path,
                        default=HERE / "results" / "cohort_circe.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as tmp:
        out, comparisons = run(args.sizes, args.repeat, args.circe_max, Path(tmp))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2))
    print(f"wrote {args.out}")
    if comparisons:
        sys.path.insert(0, str(HERE))
        from bench_cohort_circe import write_report

        write_report(comparisons, out["sql"], args.circe_out)


if __name__ == "__main__":
    main()

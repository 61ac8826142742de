"""Benchmark of oncorwd.ingest.nlp: precision, recall and F1 per field, and documents per second.

Generates synthetic French reports with their ground truth (:mod:`oncorwd.synth.reports`), reads
them with the edsnlp pipeline (:func:`oncorwd.ingest.nlp.extract`) and scores every
``(field, value)`` pair. Writes ``benchmarks/results/nlp.json`` with the target (precision and
recall ≥ 0.95 per field) next to the measured figures. The generator and the rules were written
together: the scores measure coverage of the generator's phrasing, an upper bound for real
reports, which need a manually annotated gold standard (guide principle 3).

    uv run python benchmarks/bench_nlp.py [--reports N] [--seed N] [--batch-size N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import orjson

from oncorwd.ingest.nlp import default_pipeline, extract, score
from oncorwd.synth.reports import generate_reports

HERE = Path(__file__).resolve().parent
TARGET = {"reports": 2000, "min_precision": 0.95, "min_recall": 0.95, "max_seconds": 120.0}


def main(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=TARGET["reports"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    reports = generate_reports(args.reports, args.seed)
    generate_seconds = time.perf_counter() - start
    extract(reports[:20], nlp=default_pipeline())  # build the pipeline and warm the caches
    result = extract(reports, batch_size=args.batch_size)
    tables = result.tables()
    scores = score(result.pairs(), {r.document_id: r.truth_pairs() for r in reports})
    per_field = {name: s.as_dict() for name, s in scores.items()}
    met = all(s.precision >= TARGET["min_precision"] and s.recall >= TARGET["min_recall"]
              for s in scores.values())
    total = time.perf_counter() - start
    out = {
        "benchmark": "nlp",
        "description": "read synthetic French oncology reports with edsnlp; score facts per field",
        "target": TARGET,
        "measured": {
            "reports": len(reports), "report_kinds": dict(Counter(r.kind for r in reports)),
            "characters": sum(len(r.text) for r in reports),
            "generate_seconds": round(generate_seconds, 2),
            "extract_seconds": round(result.seconds, 2),
            "documents_per_second": round(result.docs_per_second, 1),
            "total_seconds": round(total, 2),
            "rows": {name: t.num_rows for name, t in tables.tables.items()},
            "conversion_problems": len(tables.problems),
            "discarded_mentions": dict(Counter(d.reason for doc in result.documents
                                               for d in doc.discarded)),
            "per_field": per_field,
        },
        "meets_target": met and total < TARGET["max_seconds"],
        "pipeline": result.pipeline,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "nlp.json").write_bytes(orjson.dumps(out, option=orjson.OPT_INDENT_2))
    for name, s in per_field.items():
        print(f"  {name:20s} P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f} "
              f"(n={s['support']})")
    print(f"nlp: {len(reports):,} reports read in {result.seconds:.1f} s "
          f"({result.docs_per_second:.0f} docs/s); target P,R >= 0.95 per field: "
          f"{'met' if out['meets_target'] else 'NOT met'}")
    return out


if __name__ == "__main__":
    main(sys.argv[1:])

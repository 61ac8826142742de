"""Run every benchmark (``benchmarks/bench_*.py``); each writes ``benchmarks/results/<name>.json``
with its targets next to the measured figures."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> None:
    (HERE / "results").mkdir(exist_ok=True)
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if selected and name not in selected:
            continue
        print(f"== benchmark {name}", flush=True)
        # Each benchmark parses its own arguments: give it none (its defaults), not ours.
        sys.argv = [str(script)]
        runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])

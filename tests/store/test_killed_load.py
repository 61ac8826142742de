"""THE atomicity test, on every engine: a load SIGKILLed half-way leaves the previous version
readable and intact, the half-written version invisible, and the next load works."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
from site_data import SITE, site_tables, write_parquet

from oncorwd.store import open_store

HERE = Path(__file__).parent
KILL_AFTER_TABLES = 3  # patient, non_opposition, risk_factor written; vital_status next
TIMEOUT = 120.0


def _start_child(url: str, folder: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, str(HERE / "child_load.py"), url, str(folder), SITE, "0.3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True)  # its own process group: the kill takes the JVM too


def _wait_for_tables(child: subprocess.Popen[str], count: int) -> list[str]:
    """Lines printed by the child until ``count`` tables are reported (or it ends)."""
    assert child.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + TIMEOUT
    while sum(line.startswith("table ") for line in lines) < count:
        ready, _, _ = select.select([child.stdout], [], [], max(0.0, deadline - time.monotonic()))
        line = child.stdout.readline() if ready else ""
        if not line:
            child.kill()
            _, err = child.communicate()
            raise AssertionError(f"child ended or hung after {lines}: {err[-3000:]}")
        lines.append(line.strip())
    return lines


def _snapshot(url: str) -> tuple[list, dict[str, pa.Table]]:
    with open_store(url) as store:
        counts = store.row_counts()
        return store.versions(), {n: store.read(n) for n, rows in counts.items() if rows}


def test_killed_load_leaves_previous_version_intact(store_url: str, tmp_path: Path) -> None:
    with open_store(store_url) as store:
        store.load(site_tables(40), site_id=SITE, note="v1")
    versions_before, tables_before = _snapshot(store_url)

    big = write_parquet(site_tables(20_000, variant=1), tmp_path / "v2")
    child = _start_child(store_url, big[next(iter(big))].parent)
    lines = _wait_for_tables(child, KILL_AFTER_TABLES)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert not any(line.startswith("committed") for line in lines), lines
    if store_url.startswith("spark://"):  # written to disk, yet not a version
        assert (Path(store_url[len("spark://"):]) / "versions" / "2" / "patient").is_dir()

    versions_after, tables_after = _snapshot(store_url)
    assert versions_after == versions_before
    assert tables_after.keys() == tables_before.keys()
    for name, table in tables_before.items():
        assert tables_after[name].equals(table), name

    with open_store(store_url) as store:
        info = store.load(site_tables(30, variant=2), site_id=SITE, note="after the crash")
        assert info.version == 2
        assert [v.version for v in store.versions()] == [1, 2]
        assert store.read("patient").num_rows == 30
        assert store.read("patient", version=1).equals(tables_before["patient"])
    if store_url.startswith("spark://"):
        leftovers = sorted(p.name for p in (Path(store_url[len("spark://"):]) / "versions")
                           .iterdir())
        assert leftovers == ["1", "2"]

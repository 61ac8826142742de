"""Working tables spilled to memory-mapped files give exactly what the in-memory run gives."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from oncorwd.ingest.pipeline import run
from oncorwd.ingest.spill import Spill


def _table(n: int, offset: int = 0) -> pa.Table:
    ids = [f"P{i:05d}" for i in range(offset, offset + n)]
    source = pa.array(["a.csv"] * n).dictionary_encode()
    return pa.table({"patient_id": ids, "n": list(range(n)), "_file": source})


def test_spill_writes_large_tables_and_maps_them_back(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "work", threshold=1)
    table = _table(1000)
    mapped = spill.table("patient", table)
    assert mapped.equals(table)
    assert spill.bytes_written > 0
    assert len(list((tmp_path / "work").glob("patient.*.arrow"))) == 1
    again = spill.table("patient", _table(10))          # replaces the previous file
    assert again.num_rows == 10
    assert len(list((tmp_path / "work").glob("patient.*.arrow"))) == 1
    assert mapped.column("n").to_pylist()[-1] == 999    # still readable once unlinked
    spill.close()
    assert not (tmp_path / "work").exists()


def test_small_tables_and_no_folder_stay_in_memory(tmp_path: Path) -> None:
    assert Spill(None, threshold=0).table("patient", _table(5)).num_rows == 5
    spill = Spill(tmp_path / "work", threshold=1 << 30)
    spill.table("patient", _table(5))
    assert spill.bytes_written == 0 and not (tmp_path / "work").exists()


def test_accumulator_flushes_pieces_and_unifies_dictionaries(tmp_path: Path) -> None:
    spill = Spill(tmp_path / "work", threshold=2000)
    acc = spill.accumulator("drug_administration-map")
    pieces = [_table(100, offset=100 * i) for i in range(7)]
    pieces[3] = pieces[3].set_column(2, "_file", pa.array(["b.csv"] * 100).dictionary_encode())
    for piece in pieces:
        acc.add(piece)
    out = acc.finish()
    assert spill.bytes_written > 0
    assert out.column("patient_id").to_pylist() == [f"P{i:05d}" for i in range(700)]
    assert out.column("_file").to_pylist().count("b.csv") == 100


def test_accumulator_keeps_an_empty_table_when_nothing_has_rows(tmp_path: Path) -> None:
    acc = Spill(tmp_path, threshold=0).accumulator("x")
    acc.add(_table(0))
    assert acc.finish().num_rows == 0


@pytest.mark.parametrize("dry_run", [False, True])
def test_spilled_run_equals_in_memory_run(home: Path, french_export: Path, tmp_path: Path,
                                          dry_run: bool) -> None:
    memory = run(french_export, store_url=f"duckdb:///{tmp_path / 'a.duckdb'}",
                 dry_run=dry_run)
    spilled = run(french_export, store_url=f"duckdb:///{tmp_path / 'b.duckdb'}",
                  dry_run=dry_run, spill_threshold=0)
    assert [(a.table, a.input, a.loaded, a.quarantined) for a in spilled.accounting] == \
        [(a.table, a.input, a.loaded, a.quarantined) for a in memory.accounting]
    assert spilled.quarantine.sort_by([("table", "ascending"), ("row", "ascending")]).equals(
        memory.quarantine.sort_by([("table", "ascending"), ("row", "ascending")]))
    if not dry_run:
        assert spilled.version.fingerprint == memory.version.fingerprint
    work = home / "sites" / "site-test" / "work"
    assert not list(work.glob("run-*")), "the scratch folder is removed after the run"

"""Steps derive and load: merged cancers are repointed and counted; loads are sorted so the
fingerprint does not depend on row order."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from ingest_fixtures import context, make_spec, working

from oncorwd.ingest.steps import load
from oncorwd.ingest.steps.derive import repoint


def test_repoint_merged_cancers() -> None:
    table = pa.table({"cancer_id": ["C2", "C1", None, "C3"], "x": [1, 2, 3, 4]})
    out = repoint(table, pa.array(["C2", "C3"]), pa.array(["C1", "C1"]))
    assert out.column("cancer_id").to_pylist() == ["C1", "C1", None, "C1"]
    assert repoint(pa.table({"y": [1]}), pa.array(["C2"]), pa.array(["C1"])).num_rows == 1


def test_tables_are_sorted_by_key_without_working_columns(tmp_path: Path) -> None:
    ctx = context(make_spec(tmp_path), patient=working(patient_id=["B", "A"],
                                                       _raw_patient_id=["b", "a"]))
    out = load.store_tables(ctx)
    assert out["patient"].column("patient_id").to_pylist() == ["A", "B"]
    assert [c for c in out["patient"].column_names if c.startswith("_")] == []
    load.settle(ctx)
    assert ctx.accounting.tables["patient"].loaded == 2
    assert load.summary(ctx)["ingest"]["tables"]["patient"]["loaded"] == 2  # type: ignore[index]

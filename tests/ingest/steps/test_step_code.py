"""Step code: value maps (inline and file, case-insensitive, unmapped policies) and
transcoders, problems quarantined with the raw value and the reason."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from ingest_fixtures import context, make_spec, working

from oncorwd.errors import ConfigError
from oncorwd.ingest.steps import code

FIELDS = {"cancer_id": "ID", "patient_id": "P", "laterality": {"column": "L", "map": "lat"},
          "topography": {"column": "T", "transcode": "icd10_to_icdo3_topography"},
          "stage": {"column": "S", "transcode": "stage_to_osiris"}}


def _ctx(tmp_path: Path, data: pa.Table, unmapped: str = "quarantine") -> object:
    spec = make_spec(tmp_path, {"s": {"format": "csv", "path": "x.csv"}},
                     {"cancer": {"from": "s", "fields": FIELDS}},
                     {"lat": {"values": {"g": "L", "D": "R", "?": None}, "unmapped": unmapped}})
    return context(spec, cancer=data)


def _data() -> pa.Table:
    return working(cancer_id=["1", "2", "3", "4"], laterality=["G", "d", "X", "?"],
                   topography=["C50.4", "C34.1", "C50.4", "C99.9"],
                   stage=["IIIB", "stade 2", "IV", "IV"], _raw_laterality=["G", "d", "X", "?"])


def test_maps_and_transcoders(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, _data())
    code.run(ctx)  # type: ignore[arg-type]
    out = ctx.tables["cancer"]  # type: ignore[attr-defined]
    assert out.column("laterality").to_pylist() == ["L", "R"]
    assert out.column("stage").to_pylist() == ["III", "II"]
    records = ctx.quarantine.records().to_pylist()  # type: ignore[attr-defined]
    assert [(r["row"], r["column"], r["value"], r["rule"]) for r in records] == [
        (3, "L", "X", "unmapped_value"), (4, "T", "C99.9", "transcode")]
    assert records[1]["message"] == "icd10_to_icdo3_topography: no correspondence"
    assert ctx.accounting.tables["cancer"].quarantined == 2  # type: ignore[attr-defined]


@pytest.mark.parametrize(("policy", "expected"), [("keep", ["L", "R", "X", None]),
                                                  ("null", ["L", "R", None, None])])
def test_unmapped_policies(tmp_path: Path, policy: str, expected: list[str | None]) -> None:
    data = _data().set_column(2, "topography", pa.array(["C50.4"] * 4))
    ctx = _ctx(tmp_path, data, policy)
    code.run(ctx)  # type: ignore[arg-type]
    assert ctx.tables["cancer"].column("laterality").to_pylist() == expected  # type: ignore[attr-defined]


def test_file_maps_and_ambiguous_keys(tmp_path: Path) -> None:
    from oncorwd.ingest.value_maps import compile_map

    (tmp_path / "m.csv").write_text("local;std\nA;L01\na;L02\n", "utf-8")
    spec = make_spec(tmp_path, value_maps={"m": {"file": "m.csv", "from": "local", "to": "std",
                                                 "sep": ";"}})
    with pytest.raises(ConfigError, match="maps to both"):
        compile_map(spec, "m")
    spec = make_spec(tmp_path, value_maps={"m": {"file": "m.csv", "from": "local", "to": "std",
                                                 "sep": ";", "case_sensitive": True}})
    out, unmapped = compile_map(spec, "m").apply(pa.array(["a", "A", "b", None]))
    assert out.to_pylist() == ["L02", "L01", None, None]
    assert unmapped.tolist() == [False, False, True, False]

"""Transcoders over whole columns: distinct values once, failures with their reason."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from oncorwd.dictionary import load_dictionary
from oncorwd.errors import ConfigError
from oncorwd.ingest import transcoders
from oncorwd.ingest.transcoders import transcode


def _field(entity: str, name: str):  # type: ignore[no-untyped-def]
    return load_dictionary().entity(entity).field(name)


@pytest.mark.parametrize(("name", "entity", "field", "values", "expected", "failed"), [
    ("atc_current", "drug_administration", "atc_code", ["L01XC03", "L01BC06"],
     ["L01FD01", "L01BC06"], [False, False]),
    ("icd10_to_icdo3_topography", "cancer", "topography", ["C50.9", "C99.9"],
     ["C50.9", None], [False, True]),
    ("icdo3_recode_behaviour", "cancer", "morphology", ["8140/6", "abc"], ["8140/3", None],
     [False, True]),
    ("karnofsky_to_ecog", "general_status", "value", ["80", "80%", "75"], ["1", "1", None],
     [False, False, True]),
    ("stage_to_osiris", "cancer", "stage", ["IIIB", "?"], ["III", None], [False, True]),
    ("tnm_m_flag", "cancer", "tnm_m", ["M1a", "M0", "Mx", "Q"], ["1", "0", None, None],
     [False, False, False, True]),
    ("normalize_code", "cancer", "topography", ["c504"], ["C50.4"], [False]),
])
def test_transcoders(name: str, entity: str, field: str, values: list[str],
                     expected: list[str | None], failed: list[bool]) -> None:
    out, bad, reasons = transcode(name, pa.array([*values, None]), _field(entity, field))
    assert out.to_pylist() == [*expected, None]
    assert bad.tolist() == [*failed, False]
    assert all(r.startswith(name) for r, f in zip(reasons.to_pylist(), bad, strict=False) if f)


def test_normalize_code_needs_a_code_field() -> None:
    with pytest.raises(ConfigError, match="not a code"):
        transcode("normalize_code", pa.array(["x"]), _field("patient", "patient_id"))


def test_adicap_needs_a_user_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONCORWD_ADICAP_TABLE", raising=False)
    monkeypatch.delenv("ONCORWD_TERMINOLOGY_DIR", raising=False)
    transcoders._adicap_table.cache_clear()
    with pytest.raises(ConfigError, match="no ADICAP"):
        transcode("adicap_to_icdo3", pa.array(["X"]), _field("cancer", "morphology"))
    table = tmp_path / "adicap.csv"
    table.write_text("adicap;icdo3_morphology\nBHGSA7H0;8500/3\n", "utf-8")
    monkeypatch.setenv("ONCORWD_ADICAP_TABLE", str(table))
    transcoders._adicap_table.cache_clear()
    out, bad, _ = transcode("adicap_to_icdo3", pa.array(["bhgs a7h0", "ZZZ"]),
                            _field("cancer", "morphology"))
    assert out.to_pylist() == ["8500/3", None] and bad.tolist() == [False, True]
    transcoders._adicap_table.cache_clear()

"""The ingest accounting and quarantine of a run folder, as the report reads them."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
from quality_data import ACCOUNTING, write_run

from oncorwd.ingest.quality import build_report
from oncorwd.ingest.quality.accounting import accounting


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run")


def test_tables_balance_and_agree_with_the_store(run: Path) -> None:
    acc = accounting(run, {"patient": 6, "cancer": 6, "tumor_event": 0}, version=1)
    tables = {t["table"]: t for t in acc["tables"]}
    assert tables["patient"]["balanced"] and tables["patient"]["matches_store"]
    assert not tables["cancer"]["balanced"] and tables["cancer"]["difference"] == 1
    assert tables["tumor_event"]["balanced"]  # 3 = 0 + 1 + 2 merged
    assert acc["balanced"] is False
    assert acc["totals"] == {"input": 20, "loaded": 12, "quarantined": 5, "merged": 2}
    assert acc["same_version"] is True and acc["ingest_notes"] == ACCOUNTING["notes"]
    source = acc["sources"][0]
    assert (source["rows_read"], source["malformed"], source["files"]) == (9, 1, ["patients.csv"])


def test_quarantine_summary_by_table_and_rule(run: Path) -> None:
    q = accounting(run, {}, version=1)["quarantine"]
    assert q["problems"] == 5
    groups = {(g["table"], g["rule"]): g for g in q["groups"]}
    assert set(groups) == {("patient", "value_map"), ("patient", "date_parts"),
                           ("cancer", "code"), (None, "malformed")}
    mapped = groups[("patient", "value_map")]
    assert (mapped["problems"], mapped["source_rows"], mapped["files"]) == (2, 2, 1)
    assert mapped["examples"] == [{"column": "SEXE", "value": "X", "rows": 2,
                                   "file": "patients.csv", "row": "3",
                                   "message": "no mapping for 'X'"}]
    assert q["groups"][0]["table"] == "patient" and q["groups"][0]["rule"] == "value_map"


def test_run_of_another_version_is_pointed_out(tmp_path: Path) -> None:
    run = write_run(tmp_path / "run", {**ACCOUNTING, "version": {"version": 4}}, None)
    acc = accounting(run, {}, version=1)
    assert acc["same_version"] is False
    assert any("version 4" in n for n in acc["notes"])
    assert any("no quarantine.parquet" in n for n in acc["notes"])


def test_missing_and_broken_files(tmp_path: Path) -> None:
    assert accounting(None, {})["notes"] == [
        "no ingest run directory: the store was loaded directly"]
    empty = accounting(tmp_path, {})
    assert not empty["available"] and empty["balanced"] is None and len(empty["notes"]) == 2
    (tmp_path / "accounting.json").write_text("{not json", encoding="utf-8")
    assert "not readable JSON" in accounting(tmp_path, {})["notes"][0]


def test_mapping_form_and_missing_columns(tmp_path: Path) -> None:
    document = {"tables": {"patient": {"input": 2, "loaded": 2, "quarantined": 0}}}
    partial = pa.table({"table": ["patient"], "rule": ["required"], "value": [None]})
    acc = accounting(write_run(tmp_path, document, partial), {"patient": 2})
    assert acc["balanced"] is True and acc["tables"][0]["merged"] == 0
    assert acc["quarantine"]["groups"][0]["examples"][0]["file"] is None


def test_report_shows_accounting(one_version: str, run: Path) -> None:
    report = build_report(one_version, run_dir=run)
    assert report.data["summary"]["accounting_balanced"] is False
    assert report.data["summary"]["quarantined"] == 5
    page = report.to_html()
    assert "does not balance" in page and "no mapping for &#39;X&#39;" in page

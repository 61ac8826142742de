"""End to end: each raw export ingests through its example spec into a DuckDB store, and the
accounting matches ``faults.json`` exactly: per table input, quarantined rows and loaded rows
(plus rows the derive step merges), and row by row, each recorded fault is quarantined under the
rule the truth names, and no other row is."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncorwd.synth.raw import RawExport

pipeline = pytest.importorskip("oncorwd.ingest.pipeline")

pytestmark = pytest.mark.slow


def _check(export: RawExport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in export.env.items():
        monkeypatch.setenv(name, value)
    result = pipeline.run(export.spec_path, store_url=str(tmp_path / "store.duckdb"))
    truth = export.faults
    accounts = {a.table: a for a in result.accounting}
    assert set(accounts) == set(truth["expected"])
    for table, expected in truth["expected"].items():
        a = accounts[table]
        assert a.input == expected["input"], table
        assert a.quarantined == sum(expected["quarantined"].values()), table
        assert a.loaded + a.merged == expected["loaded"], table
    found: dict[tuple[str | None, int], set[str]] = {}
    for r in result.quarantine.select(["table", "row", "rule"]).to_pylist():
        found.setdefault((r["table"], r["row"]), set()).add(r["rule"])
    recorded = set()
    for entry in truth["rows"]:
        for row in entry["rows"]:
            key = (entry["table"], row)
            recorded.add(key)
            assert entry["rule"] in found.get(key, set()), (entry["kind"], entry["source"], key)
    assert set(found) == recorded
    malformed = {s.source: s.malformed for s in result.sources}
    for source, n in truth["malformed_rows"].items():
        assert malformed[source] == n, source


def test_csv_dump_ingests_as_recorded(csv_export: RawExport, home: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _check(csv_export, tmp_path, monkeypatch)


def test_excel_workbook_ingests_as_recorded(excel_export: RawExport, home: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _check(excel_export, tmp_path, monkeypatch)


@pytest.mark.postgres
def test_postgres_warehouse_ingests_as_recorded(pg_export: RawExport, home: Path,
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _check(pg_export, tmp_path, monkeypatch)

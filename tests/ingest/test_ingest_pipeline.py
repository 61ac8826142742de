"""End to end: a French export (latin-1 CSV + Excel + value-map file) into a DuckDB store, with
every row accounted for, quarantined rows named with their rule, idempotent re-runs, and a new
version when a source changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import orjson
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from ingest_fixtures import PATIENTS, SITE_ID, write_export

from oncorwd.errors import DataError
from oncorwd.ingest.pipeline import run
from oncorwd.store import open_store


def _rules(result: object, table: str | None) -> dict[str, set[str]]:
    """rule -> raw values quarantined for ``table``."""
    q = result.quarantine  # type: ignore[attr-defined]
    out: dict[str, set[str]] = {}
    for r in q.to_pylist():
        if r["table"] == table:
            out.setdefault(r["rule"], set()).add(r["value"])
    return out


def _accounts(result: object) -> dict[str, tuple[int, int, int]]:
    return {a.table: (a.input, a.loaded, a.quarantined)
            for a in result.accounting}  # type: ignore[attr-defined]


def test_french_export_is_loaded_with_quarantine_and_accounts(home: Path,
                                                                 french_export: Path) -> None:
    result = run(french_export)
    assert _accounts(result) == {"patient": (8, 5, 3), "vital_status": (1, 1, 0),
                                 "cancer": (8, 3, 5), "drug_administration": (7, 4, 3)}
    assert all(a.input == a.loaded + a.quarantined + a.merged for a in result.accounting)
    assert _rules(result, None) == {
        "malformed_row": {"P006;Ligne cassée;1;1980;2019;C18.2;8140/3;G;;;en trop"}}
    assert _rules(result, "patient") == {"date_format": {"31/13/19xx"},
                                         "unmapped_value": {"9"}, "duplicate_key": {"P001"}}
    assert _rules(result, "cancer") == {"transcode": {"C99.9"}, "future_date": {"2099"},
                                        "duplicate_key": {"P001-1"},
                                        "reference": {"P004", "P005"}}
    assert _rules(result, "drug_administration") == {
        "unmapped_value": {"XXX"}, "chronology": {"2024-01-01"},
        "plausibility": {"2019-01-01"}}
    sources = {s.source: (s.rows, s.malformed) for s in result.sources}
    assert sources == {"patients": (9, 1), "chemo": (8, 0)}


def test_values_reach_the_store_typed(home: Path, french_export: Path) -> None:
    result = run(french_export)
    assert result.version is not None and result.version.site_id == SITE_ID
    with open_store(f"duckdb:///{home / 'sites' / 'site-test.duckdb'}") as store:
        patients = store.read("patient").to_pylist()
        cancers = {r["cancer_id"]: r for r in store.read("cancer").to_pylist()}
        drugs = store.read("drug_administration").to_pylist()
    p2 = next(p for p in patients if p["patient_id"] == "P002")
    assert (p2["birth_date_year"], p2["birth_date_month"], p2["birth_date_day"]) == (
        1961, "05", "UN")
    p3 = next(p for p in patients if p["patient_id"] == "P003")
    assert (p3["birth_date_month"], p3["birth_date_day"], p3["sex"]) == ("UN", "UN", "F")
    assert cancers["P001-1"]["tumor_size_mm"] == 12.5
    assert cancers["P001-1"]["laterality"] == "L"
    assert cancers["P002-1"]["diagnosis_date"] == dt.date(2021, 3, 15)
    assert {d["atc_code"] for d in drugs} == {"L01BC06", "L01CD01", "L01FD01"}
    assert {d["source_system"] for d in drugs} == {"DPI export"}


def test_rerun_is_idempotent_and_a_change_gives_a_new_version(home: Path,
                                                               french_export: Path) -> None:
    first = run(french_export)
    again = run(french_export)
    assert again.version.version == first.version.version == 1
    assert again.version.fingerprint == first.version.fingerprint
    changed = PATIENTS + "P009;Nouveau;1;1960;2022;C50.4;8500/3;D;;\n"
    (french_export.parent / "exports" / "patients.csv").write_bytes(changed.encode("latin-1"))
    third = run(french_export)
    assert third.version.version == 2
    assert {a.table: a.loaded for a in third.accounting}["patient"] == 6


def test_run_files_are_written_next_to_the_version(home: Path, french_export: Path) -> None:
    result = run(french_export)
    folder = home / "sites" / "site-test" / "versions" / "1"
    assert result.run_dir == folder.resolve()
    document = orjson.loads((folder / "accounting.json").read_bytes())
    assert document["version"]["version"] == 1
    assert {t["table"]: t["quarantined"] for t in document["tables"]}["cancer"] == 5
    assert document["problems_by_rule"]["reference"] == 2
    quarantine = pq.read_table(folder / "quarantine.parquet")
    assert quarantine.num_rows == result.quarantine.num_rows == 12
    assert (folder / "quarantine.csv").read_text("utf-8").startswith('"table","source"')
    assert pc.all(pc.is_valid(quarantine.column("rule"))).as_py()
    assert pc.all(pc.is_valid(quarantine.column("message"))).as_py()


def test_quarantined_rows_per_table_match_the_accounts(home: Path, french_export: Path) -> None:
    result = run(french_export, dry_run=True)
    q = result.quarantine.filter(pc.is_valid(result.quarantine.column("table")))
    distinct = {(r["table"], r["file"], r["row"]) for r in q.to_pylist()}
    for account in result.accounting:
        assert sum(1 for t, _, _ in distinct if t == account.table) == account.quarantined


def test_dry_run_loads_nothing_and_writes_a_check_folder(home: Path, french_export: Path) -> None:
    result = run(french_export, dry_run=True)
    assert result.version is None
    assert result.run_dir.parent == (home / "sites" / "site-test" / "checks").resolve()
    assert (result.run_dir / "accounting.json").is_file()
    assert not (home / "sites" / "site-test.duckdb").exists()


def test_fail_fast_names_file_row_column_value_and_rule(home: Path, tmp_path: Path) -> None:
    spec = write_export(tmp_path / "ff", patients=PATIENTS.replace(
        "P006;Ligne cassée;1;1980;2019;C18.2;8140/3;G;;;en trop\n", ""))
    with pytest.raises(DataError) as info:
        run(spec, on_error="fail_fast")
    e = info.value
    assert e.context["file"] == "exports/patients.csv" and e.context["row"] == 4
    assert (e.context["column"], e.context["value"], e.context["rule"]) == (
        "DATE_NAISS", "31/13/19xx", "date_format")
    assert "exports/patients.csv, row 4, column DATE_NAISS" in e.message
    assert not (home / "sites" / "site-test.duckdb").exists()


def test_store_url_override(home: Path, french_export: Path, tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'elsewhere.duckdb'}"
    result = run(french_export, store_url=url)
    with open_store(url) as store:
        assert store.latest().version == result.version.version


def test_progress_is_reported_per_step(home: Path, french_export: Path) -> None:
    seen: set[str] = set()
    run(french_export, dry_run=True, progress=lambda step, *_: seen.add(step))
    assert {"read", "map", "code", "validate", "integrity"} <= seen

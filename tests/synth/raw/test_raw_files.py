"""The raw exports are what they claim: latin-1 ``;`` CSVs, an XLSX openpyxl reads, a populated
PostgreSQL schema; and every fault recorded in ``faults.json`` is in the file at its row."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from oncorwd.synth.raw import RawExport
from oncorwd.synth.raw.csv_dump import SHAPE as CSV_SHAPE
from oncorwd.synth.raw.excel_workbook import SHAPE as XLSX_SHAPE
from oncorwd.synth.raw.faults import GARBAGE_DATES
from oncorwd.synth.raw.postgres_warehouse import SHAPE as PG_SHAPE


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="latin-1", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    return rows[0], rows[1:]


def test_csv_dump_files_are_latin1_semicolon(csv_export: RawExport) -> None:
    data = csv_export.root / "data"
    assert sorted(p.name for p in data.iterdir()) == sorted(s.file for s in CSV_SHAPE.sources)
    raw = (data / "suivi.csv").read_bytes()
    assert b"\r\n" in raw and "Décédé".encode("latin-1") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    for source in CSV_SHAPE.sources:
        header, rows = _read_csv(data / source.file)
        assert header == [c.name for c in source.columns]
        broken = [r for r in rows if len(r) != len(header)]
        assert len(broken) == csv_export.faults["malformed_rows"].get(source.name, 0)
        assert len(rows) == csv_export.faults["sources"][source.name]["rows"]


def test_csv_dump_french_conventions(csv_export: RawExport) -> None:
    header, rows = _read_csv(csv_export.root / "data" / "tumeurs.csv")
    col = {name: i for i, name in enumerate(header)}
    sizes = [r[col["TAILLE_CM"]] for r in rows if r[col["TAILLE_CM"]]]
    assert any("," in s for s in sizes) and not any("." in s for s in sizes)
    assert {r[col["M"]] for r in rows} <= {"M0", "M1", ""}
    assert {r[col["LATERALITE"]] for r in rows} <= {"Droit", "Gauche", "Sans objet", "Inconnu", ""}
    header, rows = _read_csv(csv_export.root / "data" / "patients.csv")
    births = [r[header.index("DATE_NAISS")] for r in rows]
    assert any(b.startswith("00/") for b in births)
    assert {r[header.index("SEXE")] for r in rows} <= {"1", "2", ""}


def test_csv_dump_faults_are_where_recorded(csv_export: RawExport) -> None:
    files = {s.name: _read_csv(csv_export.root / "data" / s.file) for s in CSV_SHAPE.sources}
    checked = 0
    for entry in csv_export.faults["rows"]:
        if entry["column"] is None:
            continue
        header, rows = files[entry["source"]]
        i = header.index(entry["column"])
        for row, value in zip(entry["rows"][:20], entry["values"][:20], strict=True):
            assert rows[row - 1][i] == (value or ""), (entry["kind"], row)
            checked += 1
        if entry["kind"] == "bad_date":
            assert set(entry["values"]) <= set(GARBAGE_DATES)
    assert checked > 100


def test_duplicates_repeat_an_earlier_row(csv_export: RawExport) -> None:
    files = {s.name: _read_csv(csv_export.root / "data" / s.file)[1] for s in CSV_SHAPE.sources}
    entries = [e for e in csv_export.faults["rows"] if e["kind"] == "duplicate"]
    assert entries
    for entry in entries:
        rows = files[entry["source"]]
        first: dict[tuple[str, ...], int] = {}
        for i, r in enumerate(rows, start=1):
            first.setdefault(tuple(r), i)
        for row in entry["rows"]:
            assert first[tuple(rows[row - 1])] < row


def test_excel_workbook_opens(excel_export: RawExport) -> None:
    path = excel_export.root / "data" / "extraction_rcp.xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == [s.file for s in XLSX_SHAPE.sources]
    for source in XLSX_SHAPE.sources:
        rows = list(book[source.file].iter_rows(values_only=True))
        assert list(rows[0]) == [c.name for c in source.columns]
        assert len(rows) - 1 == excel_export.faults["sources"][source.name]["rows"]
    diagnostics = list(book["Diagnostics"].iter_rows(min_row=2, max_row=50, values_only=True))
    assert any(hasattr(r[4], "year") for r in diagnostics)  # DATE_DIAGNOSTIC: date cells
    book.close()


def test_excel_pmsi_codes_and_old_atc(excel_export: RawExport) -> None:
    from oncorwd.terminology import icd10_to_icdo3_topography

    book = openpyxl.load_workbook(excel_export.root / "data" / "extraction_rcp.xlsx",
                                  read_only=True)
    header, *rows = list(book["Diagnostics"].iter_rows(values_only=True))
    codes = {r[header.index("CIM10")] for r in rows} - {None}
    mapped = {c for c in codes if icd10_to_icdo3_topography(c)}
    bad = [e for e in excel_export.faults["rows"]
           if e["kind"] == "invalid_icd10" and e["table"] == "cancer"]
    assert len(codes - mapped) <= sum(len(e["rows"]) for e in bad)
    header, *rows = list(book["Traitements"].iter_rows(values_only=True))
    atc = {r[header.index("ATC")] for r in rows}
    assert {"L01XC18", "L01FF02"} & atc and any(c.startswith("L01XE") for c in atc if c)
    book.close()


@pytest.mark.postgres
def test_postgres_warehouse_populated(pg_export: RawExport) -> None:
    import psycopg

    schema = next(iter(pg_export.paths.values())).split(".")[0]
    with psycopg.connect(pg_export.env["ONCORWD_DWH_URL"]) as conn:
        for source in PG_SHAPE.sources:
            n = conn.execute(f'SELECT count(*), max(row_id) FROM "{schema}"."{source.file}"'
                             ).fetchone()
            assert n is not None
            assert n[0] == n[1] == pg_export.faults["sources"][source.name]["rows"]
        kinds = dict(conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = 'person'", (schema,)).fetchall())
    assert kinds["birth_date"] == "date" and kinds["birth_date_precision"] == "text"
    assert (pg_export.spec_path.read_text("utf-8").count(f"{schema}.")
            == len(PG_SHAPE.sources))


@pytest.mark.postgres
def test_write_postgres_warehouse_from_a_generated_site(sites: list) -> None:
    import uuid

    import psycopg
    from raw_helpers import drop_schema, pg_reachable, pg_url

    from oncorwd.synth.raw import write_postgres_warehouse

    if pg_reachable():
        pytest.skip("PostgreSQL not reachable")
    schema = f"t_raw_{uuid.uuid4().hex[:10]}"
    try:
        truth = write_postgres_warehouse(sites[0], pg_url(), schema)
        with psycopg.connect(pg_url()) as conn:
            n = conn.execute(f'SELECT count(*) FROM "{schema}".drug_exposure').fetchone()
        assert n is not None and n[0] == truth["sources"]["drug_exposure"]["rows"]
        assert truth["expected"]["drug_administration"]["quarantined"]["unmapped_value"] > 0
    finally:
        drop_schema(schema)

"""Shared ingest fixtures: an isolated ONCORWD_HOME and a small French hospital export.

The export (``french_export``) is written by hand so every expected outcome is known:

- ``exports/patients.csv``: latin-1, ``;``, decimal commas, ``UN``/``00`` dates, one malformed
  row, one duplicate patient, a bad birth date, an unknown sex code, a future diagnosis and an
  ICD-10 code without ICD-O-3 topography;
- ``exports/chimio.xlsx`` (written with openpyxl, real Excel dates): administrations, one
  cancelled (left out by ``where``), one unknown local drug code, one after death, one more
  than 90 days before the diagnosis;
- ``maps/drugs.csv``: local drug code → ATC (one retired code, brought up to date).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from oncorwd.ingest.sources.base import SourceReader
from oncorwd.ingest.spec import MappingSpec
from oncorwd.ingest.steps.context import IngestContext

SITE_ID = "750000001"

PATIENTS = """\
NUM_PAT;NOM;SEXE;DATE_NAISS;DATE_DIAG;CIM10;MORPHO;LAT;TAILLE_TUM;DECES
P001;Hélène;2;12/03/1950;15/01/2020;C50.4;8500/3;G;12,5;
P002;André;1;UN/05/1961;03/2021;C34.1;8140/3;D;;10/02/2023
P003;Zoé;2;00/00/1972;2019;C18.2;8140/3;G;3,2;
P004;Date fausse;1;31/13/19xx;2019;C18.2;8140/3;G;;
P005;Sexe inconnu;9;1980;2019;C18.2;8140/3;G;;
P006;Ligne cassée;1;1980;2019;C18.2;8140/3;G;;;en trop
P001;Doublon;2;12/03/1950;15/01/2020;C50.4;8500/3;G;;
P007;Futur;1;1990;2099;C18.2;8140/3;G;;
P008;Topo;2;1985;2018;C99.9;8140/3;G;;
"""

DRUGS = [
    ("P001", dt.datetime(2020, 2, 1), "capécitabine", "CAPE", "ADMINISTRE"),
    ("P001", dt.datetime(2020, 2, 22), "capécitabine", "CAPE", "ADMINISTRE"),
    ("P002", dt.datetime(2021, 4, 1), "paclitaxel", "PACLI", "ADMINISTRE"),
    ("P002", dt.datetime(2021, 4, 8), "paclitaxel", "PACLI", "ANNULE"),
    ("P003", dt.datetime(2019, 6, 1), "trastuzumab", "XXX", "ADMINISTRE"),
    ("P002", dt.datetime(2024, 1, 1), "paclitaxel", "PACLI", "ADMINISTRE"),
    ("P001", dt.datetime(2019, 1, 1), "capécitabine", "CAPE", "ADMINISTRE"),
    ("P003", dt.datetime(2019, 7, 1), "trastuzumab", "TRAS", "ADMINISTRE"),
]

SPEC = """\
version: 1
site: {site_id: "750000001", name: site-test, source_system: "DPI export"}
sources:
  patients: {format: csv, path: "exports/patients*.csv"}
  chemo: {format: xlsx, path: exports/chimio.xlsx, sheet: Administrations}
value_maps:
  sex: {values: {"1": M, "2": F}}
  laterality: {values: {g: L, d: R}}
  drugs: {file: maps/drugs.csv, from: code_local, to: atc, sep: ";"}
tables:
  patient:
    from: patients
    fields:
      patient_id: NUM_PAT
      facility_finess: {value: "750000001"}
      birth_date: {column: DATE_NAISS, formats: ["%d/%m/%Y", "%m/%Y", "%Y"]}
      sex: {column: SEXE, map: sex}
  vital_status:
    from: patients
    where: {column: DECES, not_empty: true}
    fields:
      patient_id: NUM_PAT
      vital_status: {value: "1"}
      vital_status_source: {value: FACILITY}
      last_visit_date: {column: DATE_DIAG, formats: ["%d/%m/%Y", "%m/%Y", "%Y"]}
      death_date: {column: DECES, formats: ["%d/%m/%Y"]}
  cancer:
    from: patients
    fields:
      cancer_id: {template: "{NUM_PAT}-1"}
      patient_id: NUM_PAT
      cancer_order: {value: 1}
      care_in_facility: {value: "Y"}
      diagnosis_date: {column: DATE_DIAG, formats: ["%d/%m/%Y", "%m/%Y", "%Y"]}
      diagnosis_method: {value: "7"}
      topography: {column: CIM10, transcode: icd10_to_icdo3_topography}
      morphology: MORPHO
      laterality: {column: LAT, map: laterality}
      tumor_size_mm: {column: TAILLE_TUM, decimal: ","}
  drug_administration:
    from: chemo
    where: {column: STATUT, in: [ADMINISTRE]}
    fields:
      drug_administration_id: {template: "{NUM_PAT}-{DATE_ADM}-{CODE_LOCAL}"}
      patient_id: NUM_PAT
      cancer_id: {template: "{NUM_PAT}-1"}
      atc_code: {column: CODE_LOCAL, map: drugs, transcode: atc_current}
      drug_name: DCI
      in_facility: {value: IN}
      administration_date: DATE_ADM
"""


def write_xlsx(path: Path, rows: list[tuple[object, ...]], header: tuple[str, ...],
               sheet: str = "Administrations") -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_export(folder: Path, patients: str = PATIENTS,
                 drugs: list[tuple[object, ...]] | None = None) -> Path:
    """Write the French export under ``folder``; returns the spec path."""
    (folder / "exports").mkdir(parents=True, exist_ok=True)
    (folder / "maps").mkdir(exist_ok=True)
    (folder / "exports" / "patients.csv").write_bytes(patients.encode("latin-1"))
    write_xlsx(folder / "exports" / "chimio.xlsx", drugs if drugs is not None else DRUGS,
               ("NUM_PAT", "DATE_ADM", "DCI", "CODE_LOCAL", "STATUT"))
    (folder / "maps" / "drugs.csv").write_text(
        "code_local;atc\nCAPE;L01BC06\nPACLI;L01CD01\nTRAS;L01XC03\n", "utf-8")
    spec = folder / "spec.yaml"
    spec.write_text(SPEC, "utf-8")
    return spec


def make_spec(base: Path, sources: dict[str, dict[str, object]] | None = None,
              tables: dict[str, object] | None = None,
              value_maps: dict[str, object] | None = None) -> MappingSpec:
    """A spec built in code, paths relative to ``base``."""
    return MappingSpec.model_validate({
        "site": {"site_id": SITE_ID, "name": "unit"}, "sources": sources or {},
        "tables": tables or {}, "value_maps": value_maps or {}, "base_dir": base})


def read_source(base: Path, config: dict[str, object], name: str = "s") -> tuple[
        pa.Table, pa.Table, SourceReader]:
    """All raw rows and malformed rows of one source, and its reader (for its account)."""
    from oncorwd.ingest.sources import open_reader
    from oncorwd.ingest.sources.base import MALFORMED_SCHEMA

    spec = make_spec(base, {name: config})
    reader = open_reader(name, spec.sources[name], spec)
    data, bad = [], []
    for raw in reader.batches():
        data.append(raw.data)
        if raw.malformed is not None:
            bad.append(raw.malformed)
    rows = pa.concat_tables(data, promote_options="default") if data else pa.table({})
    malformed = pa.concat_tables(bad) if bad else MALFORMED_SCHEMA.empty_table()
    return rows, malformed, reader


def working(n_rows: int | None = None, source: str = "s", **columns: list[object]) -> pa.Table:
    """A working table of string columns with provenance (file ``f.csv``, rows 1..n)."""
    n = n_rows if n_rows is not None else len(next(iter(columns.values())))
    data = {k: pa.array([None if v is None else str(v) for v in vals], pa.string())
            for k, vals in columns.items()}
    return pa.table({**data, "_source": [source] * n, "_file": ["f.csv"] * n,
                     "_row": pa.array(range(1, n + 1), pa.int64())})


def context(spec: MappingSpec, on_error: str = "collect", **tables: pa.Table) -> IngestContext:
    """An ingest context on ``spec`` with working ``tables`` (accounts opened for them)."""
    from oncorwd.ingest.quarantine import OnError

    ctx = IngestContext(spec, OnError.parse(on_error))
    for name, table in tables.items():
        ctx.tables[name] = table
        ctx.accounting.table(name).input = table.num_rows
    return ctx

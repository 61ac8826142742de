"""Raw hospital exports of a synthetic site, with faults at known rates and their ground truth.

``synth`` generates the clean OSIRIS RWD tables; hospitals never export those. This package
turns them into what three kinds of hospital systems actually hand over, each read by a mapping
spec of ``examples/<shape>/mapping.yaml``:

- ``csv_dump``: a cancer centre's DPI dump, ``;``-separated latin-1 CSVs with French columns,
  ``dd/mm/yyyy`` and ``00/mm/yyyy`` dates, decimal commas, local chemotherapy codes;
- ``excel_workbook``: a university hospital's tumour-board extract, one XLSX, PMSI ICD-10 codes
  and pre-2022 ATC codes, Excel date cells or text;
- ``postgres_warehouse``: a clinical data warehouse schema ``dwh_<site>`` in PostgreSQL, typed
  columns, partial dates as a date plus a precision, UCD-like drug codes.

Faults (:class:`FaultRates`): unparseable dates, blank mandatory values, unknown drug codes,
malformed ICD-10 codes, duplicate rows, malformed CSV lines, deaths before birth and orphan rows
(patients missing from the patient export). ``faults.json`` records every affected row and the
accounting ingest must report: per OSIRIS table, rows input, loaded, and quarantined per rule.

Public API::

    export = write_raw_exports(spec, seed, "out/", "csv_dump")   # -> RawExport
    export.spec_path, export.faults["expected"]["drug_administration"]
    demo_raw_network("out/", n_patients=5000, seed=42)          # 3 sites, 3 shapes
    write_postgres_warehouse(site, url, "dwh_demo")             # a schema only

Contract: same (spec, seed, shape, rates) -> same files (and same warehouse rows).
"""

from oncorwd.synth.raw.codes import chimio_catalogue, ucd_catalogue, write_drug_map
from oncorwd.synth.raw.export import (
    DEFAULT_DWH_URL,
    demo_raw_network,
    examples_dir,
    schema_name,
    write_raw_exports,
)
from oncorwd.synth.raw.labels import write_label_maps
from oncorwd.synth.raw.model import SHAPES, FaultRates, RawExport, ShapeName
from oncorwd.synth.raw.postgres_warehouse import write_postgres_warehouse

__all__ = [
    "DEFAULT_DWH_URL",
    "SHAPES",
    "FaultRates",
    "RawExport",
    "ShapeName",
    "chimio_catalogue",
    "demo_raw_network",
    "examples_dir",
    "schema_name",
    "ucd_catalogue",
    "write_drug_map",
    "write_label_maps",
    "write_postgres_warehouse",
    "write_raw_exports",
]

"""OSIRIS v1.1.05 pivot files -> OSIRIS RWD 2025-2 tables.

Centres that fed OSIRIS v1 hold its 18 pivot files (``OSIRIS_pivot_<Class>.csv``, one per object
class of the v1 dictionary). :func:`read_osiris_v1` migrates a folder of them::

    migration = read_osiris_v1(Path("export/osiris_v1"), site_id="750010423")
    migration.tables["cancer"]          # Arrow table of arrow_schema(cancer)
    migration.quarantine                # what was not migrated, row by row, with the rule
    migration.accounting["Patient"]     # rows read / migrated / quarantined / out of scope

Contract:

- ``tables`` holds every table the migration feeds (empty when no row), each exactly of
  :func:`oncorwd.dictionary.arrow_schema`, partial dates in their ``_year``/``_month``/``_day``
  parts (the derived date, ``_precision`` and ``data_version`` are left to the store), with
  ``source_type`` 2 ("other internal structured source") and ``source_system``
  ``OSIRIS v1.1.05``. Each table passes :func:`oncorwd.dictionary.validate.prepare_batch`, and
  every reference (patient, cancer, sample) points to a migrated row.
- Every non-blank pivot row is accounted for: migrated (into the tables of
  ``FileAccount.tables``), quarantined with a rule, or ``out_of_scope`` (content OSIRIS RWD does
  not hold: MedDRA adverse events, responses other than progression, genomic detail without a
  catalogue gene and status...). Per file: rows read = migrated + quarantined + out of scope.
  Columns OSIRIS RWD does not hold are listed once per file (``columns_not_migrated``).
- Values of a migrated row that could not be kept (an unknown code, a bad date, a recoded value)
  are quarantine records with ``row_dropped=False``.

Quarantine rules: ``malformed_row`` (comment line, cells beyond the header), ``no_content``,
``unknown_patient``, ``duplicate``, ``required``, ``date``, ``future_date``, ``unknown_code``,
``code``, ``no_equivalent``, ``recoded``, ``inconsistent``, ``unknown_reference``,
``parent_cycle``, ``no_cancer``, ``duplicate_primary``, ``unknown_event_type``, ``no_tnm``,
``no_drug``, ``cancer_code``, ``out_of_scope``; file-level ``unknown_column``,
``missing_column``, ``unknown_file``; and the validator's rules as a safety net (``reference``,
``duplicate_key``, ``value_set``...). The value maps are in ``osiris_v1_data/`` (CSV/YAML).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from oncorwd.errors import ConfigError, Problem
from oncorwd.ingest.sources.osiris_v1_clinical import (
    map_adverse_events,
    map_consents,
    map_family_history,
    map_patients,
    map_related_pathologies,
    map_responses,
)
from oncorwd.ingest.sources.osiris_v1_context import Context
from oncorwd.ingest.sources.osiris_v1_genomic import (
    map_alterations,
    map_analyses,
    map_annotations,
    map_biomarkers,
)
from oncorwd.ingest.sources.osiris_v1_io import load_declarations, read_pivot_folder
from oncorwd.ingest.sources.osiris_v1_ledger import FileAccount, Ledger, QuarantineRecord
from oncorwd.ingest.sources.osiris_v1_treatment import map_drugs, map_samples, map_treatments
from oncorwd.ingest.sources.osiris_v1_tumour import map_tumours
from oncorwd.terminology import get_code_system

__all__ = [
    "OUTPUT_TABLES",
    "PIVOT_FILES",
    "SOURCE_SYSTEM",
    "SOURCE_TYPE",
    "FileAccount",
    "OsirisV1Migration",
    "QuarantineRecord",
    "read_osiris_v1",
]

SOURCE_SYSTEM = "OSIRIS v1.1.05"
#: OSIRIS RWD source of the information: "autre source structurée interne".
SOURCE_TYPE = "2"
#: The 18 pivot files (``OSIRIS_pivot_<name>.csv``), in migration-report order.
PIVOT_FILES = (
    "Patient", "Consent", "TumorPathologyEvent", "TNM", "Treatment", "Drug", "BiologicalSample",
    "Analysis", "Biomarker", "Variant", "Fusion", "CopyNumber", "Expression",
    "FamilyCancerHistory", "RelatedPathology", "AdverseEvent", "ResponseEvaluation",
    "Annotation",
)
#: OSIRIS RWD tables the migration feeds.
OUTPUT_TABLES = (
    "patient", "non_opposition", "vital_status", "family_history", "comorbidity", "cancer",
    "tumor_event", "general_status", "surgery", "drug_administration", "radiotherapy",
    "progression", "sample", "biomarker", "observation", "measure",
)

#: Mappers in dependency order: links (patients, analyses, events, treatments, samples) are
#: registered before the files that point at them.
_MAPPERS: tuple[Callable[[Context], None], ...] = (
    map_patients, map_consents, map_analyses, map_tumours, map_samples, map_treatments,
    map_drugs, map_responses, map_family_history, map_related_pathologies, map_adverse_events,
    map_biomarkers, map_alterations, map_annotations,
)


@dataclass(frozen=True)
class OsirisV1Migration:
    """The migrated tables, the quarantine, and the accounting per pivot file."""

    tables: dict[str, pa.Table]
    quarantine: list[QuarantineRecord]
    accounting: dict[str, FileAccount]
    unread_files: tuple[str, ...] = ()

    def problems(self) -> list[Problem]:
        """The quarantine as :class:`oncorwd.errors.Problem` (for the data-quality report)."""
        return [r.as_problem() for r in self.quarantine]

    def row_counts(self) -> dict[str, int]:
        """Rows per OSIRIS RWD table."""
        return {name: table.num_rows for name, table in self.tables.items()}


def read_osiris_v1(folder: Path | str, *, site_id: str, anonymised_dates: bool = False,
                   today: dt.date | None = None) -> OsirisV1Migration:
    """Migrate the OSIRIS v1.1.05 pivot files of ``folder`` for the site ``site_id`` (FINESS).

    ``anonymised_dates``: the centre applied the v1 convention that sets the day of birth,
    death and last-news dates to 15; those days are then read as unknown (``UN``). ``today``
    bounds dates (default: the current date). Raises :class:`ConfigError` for a bad site or a
    folder without pivot files; data problems never raise, they are quarantined.
    """
    finess = get_code_system("finess")
    if not finess.validate(site_id):
        raise ConfigError(f"site_id {site_id!r} is not a FINESS number",
                          hint="use the site's 9-character FINESS (e.g. 750010423)")
    decl = load_declarations()
    files, others = read_pivot_folder(Path(folder), decl)
    ledger = Ledger(files, site_id,
                    constants={"site_id": site_id, "source_system": SOURCE_SYSTEM,
                               "source_type": SOURCE_TYPE},
                    not_migrated={n: s.not_migrated for n, s in decl.files.items()})
    for name, pivot in files.items():
        for column, rule, message in pivot.problems:
            ledger.file_note(name, column, rule, message)
    for other in others:
        label = other.removeprefix("OSIRIS_pivot_").removesuffix(".csv")
        ledger.file_note(label, None, "unknown_file",
                         f"{other} is not an OSIRIS v1.1.05 pivot file: not read")
    ctx = Context(decl, files, ledger, anonymised_dates, today or dt.date.today())
    for mapper in _MAPPERS:
        mapper(ctx)
    tables, records, accounting = ledger.finish(OUTPUT_TABLES)
    return OsirisV1Migration(tables, records, accounting, tuple(others))

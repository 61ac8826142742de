"""Ingest step "derive": computed OSIRIS RWD items and the cohort variables, in SQL.

From one data version of a site's OSIRIS RWD tables (in DuckDB), the derive steps compute what
the MDS leaves to computation and what cohorts filter on:

1. ``inputs`` — conform the input tables to the dictionary (typed views);
2. ``lookups`` — terminology answers over the distinct codes present (IARC groups, current ATC
   codes and drug classes, biomarkers of LOINC codes, CCAM groups);
3. ``groups`` — IARC topography (8.7) and histology (8.9) groups;
4. ``multiple_primaries`` — merge rows that the IARC 2004 rules count as one cancer (noted);
5. ``cancer_order`` — item 8.1, recomputed when missing or inconsistent (noted);
6. ``attribution`` — every cancer-level row gets its cancer;
7. ``metastatic`` — metastatic status and sites at diagnosis, later metastases;
8. ``lines_of_therapy`` — drug_administration.treatment_line by documented rules;
9. ``cohort_variables`` — the wide table, one row per cancer, every dictionary variable.

Entry points: :func:`derive` (a DuckDB connection), :func:`derive_tables` (Arrow tables), and
:data:`DERIVE_STEPS` for a pipeline that runs steps itself. Everything is set-based SQL (window
functions, as-of joins, and one loop over line numbers for all cancers at once).
"""

from oncorwd.ingest.derive.context import DeriveContext, DeriveStep
from oncorwd.ingest.derive.params import DeriveParams
from oncorwd.ingest.derive.pipeline import (
    DERIVE_STEPS,
    DeriveResult,
    derive,
    derive_tables,
    run_steps,
)

__all__ = [
    "DERIVE_STEPS",
    "DeriveContext",
    "DeriveParams",
    "DeriveResult",
    "DeriveStep",
    "derive",
    "derive_tables",
    "run_steps",
]

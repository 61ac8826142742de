"""Conversion of a site's OSIRIS RWD data version to the international formats.

- :mod:`oncorwd.convert.omop` — OMOP CDM 5.4 with the oncology extension (files, DuckDB,
  PostgreSQL), with the vocabulary rows of the concepts it uses;
- :mod:`oncorwd.convert.mcode` — FHIR R4 mCODE STU4 (Bulk Data NDJSON, patient bundles) and the
  import of mCODE back into OSIRIS RWD.

Builders are pure (rows or resources from Arrow batches); writers do the I/O.
"""

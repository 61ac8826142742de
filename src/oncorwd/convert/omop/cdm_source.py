"""CDM_SOURCE: one row describing the export (site, data version, dates, versions)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from oncorwd import __version__
from oncorwd.convert.omop import ddl

TABLE = "cdm_source"


def build(site_id: str, version: int, created: dt.date, cdm_version_concept_id: int,
          vocabulary_version: str) -> pa.Table:
    row = {
        "cdm_source_name": f"OSIRIS RWD site {site_id}, data version {version}",
        "cdm_source_abbreviation": f"OSIRIS-{site_id}"[:25], "cdm_holder": f"FINESS {site_id}",
        "source_description": "OSIRIS RWD site store exported by oncorwd "
                              f"{__version__} (objectors excluded)",
        "source_documentation_reference": "docs/omop.md", "cdm_etl_reference": "oncorwd",
        "source_release_date": created, "cdm_release_date": dt.date.today(),
        "cdm_version": "5.4", "cdm_version_concept_id": cdm_version_concept_id,
        "vocabulary_version": vocabulary_version[:20]}
    return pa.Table.from_pylist([row], schema=ddl.arrow_schema(TABLE))

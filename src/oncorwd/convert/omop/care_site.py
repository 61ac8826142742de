"""CARE_SITE: the feeding facility, identified by its FINESS number."""

from __future__ import annotations

import pyarrow as pa

from oncorwd.convert.omop import ddl

TABLE = "care_site"


def build(site_id: str) -> pa.Table:
    row: dict[str, object] = {f.name: None for f in ddl.arrow_schema(TABLE)}
    row.update(care_site_id=1, care_site_name=f"FINESS {site_id}", location_id=1,
               care_site_source_value=site_id)
    return pa.Table.from_pylist([row], schema=ddl.arrow_schema(TABLE))

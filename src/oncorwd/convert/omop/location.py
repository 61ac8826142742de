"""LOCATION: the facility's country only (no address leaves the site)."""

from __future__ import annotations

import pyarrow as pa

from oncorwd.convert.omop import ddl

TABLE = "location"


def build(site_id: str) -> pa.Table:
    row: dict[str, object] = {f.name: None for f in ddl.arrow_schema(TABLE)}
    row.update(location_id=1, country_source_value="FR", location_source_value=site_id)
    return pa.Table.from_pylist([row], schema=ddl.arrow_schema(TABLE))

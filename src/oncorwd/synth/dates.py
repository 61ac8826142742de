"""Fill the derived date and precision columns the store normally computes.

Synthetic tables leave ``<field>`` (DATE/TIMESTAMP) and ``<field>_precision`` null, as producers
do; tests and notebooks that want them call :func:`fill_derived_dates`, which applies the
dictionary's imputation rule (unknown day -> 15th, unknown month -> 1 July; precision D/M/Y).
"""

from __future__ import annotations

import pyarrow as pa

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.dates import impute, with_time

__all__ = ["fill_derived_dates"]


def fill_derived_dates(table: pa.Table, entity_name: str) -> pa.Table:
    """``table`` with every partial date's derived value and precision computed."""
    entity = load_dictionary().entity(entity_name)
    for f in entity.fields:
        if f.type not in ("date", "datetime"):
            continue
        y, m, d = (table.column(f"{f.name}_{p}").combine_chunks() for p in ("year", "month", "day"))
        derived, precision = impute(y, m, d)
        if f.type == "datetime":
            derived = with_time(derived, table.column(f"{f.name}_time").combine_chunks())
        for name, values in ((f.name, derived), (f"{f.name}_precision", precision)):
            i = table.schema.get_field_index(name)
            table = table.set_column(i, table.schema.field(i), values)
    schema = arrow_schema(entity)
    return pa.Table.from_arrays([table.column(f.name) for f in schema], schema=schema)

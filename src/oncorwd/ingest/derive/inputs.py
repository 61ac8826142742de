"""Step ``inputs``: conform the site's OSIRIS RWD tables to the dictionary, as views.

Later steps can then rely on every dictionary column existing with its store type: a table the
site does not feed (no imaging export yet) becomes an empty view, a column it lacks becomes typed
NULLs. Nothing is copied: the views read the input tables.
"""

from __future__ import annotations

from oncorwd.dictionary import columns, engine_type, load_dictionary
from oncorwd.ingest.derive.context import NOTES, NOTES_SCHEMA, DeriveContext, cur, src

__all__ = ["run"]


def _select(entity_name: str, present: dict[str, str]) -> str:
    entity = load_dictionary().entity(entity_name)
    parts = []
    for column in columns(entity):
        want = engine_type(column, "duckdb")
        have = present.get(column.name)
        if have is None:
            parts.append(f"CAST(NULL AS {want}) AS {column.name}")
        elif have.split("(")[0] != want:
            parts.append(f"CAST({column.name} AS {want}) AS {column.name}")
        else:
            parts.append(column.name)
    body = ", ".join(parts)
    return f"SELECT {body} FROM {entity_name}" if present else f"SELECT {body} WHERE FALSE"


def run(ctx: DeriveContext) -> None:
    """Conform every input table to the dictionary (typed views, empty when absent) and start
    the notes table."""
    for entity in load_dictionary().entities:
        if entity.derived:
            continue
        present = ctx.columns(entity.name)
        select = _select(entity.name, present)
        ctx.create_view(src(entity.name), select)
        ctx.create_view(cur(entity.name), f"SELECT * FROM {src(entity.name)}")
    fields = ", ".join(f"CAST(NULL AS VARCHAR) AS {f.name}" for f in NOTES_SCHEMA)
    ctx.create_table(NOTES, f"SELECT {fields} WHERE FALSE")


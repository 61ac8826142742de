"""Products generated from the dictionary: DDL per engine, JSON Schema, the docs page, and the
JSON export. ``oncorwd dictionary generate`` writes them; a test regenerates and fails on any
difference, so they can never drift from the declarations."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import orjson

from oncorwd.dictionary.ddl import schema_ddl
from oncorwd.dictionary.docs import data_dictionary_markdown
from oncorwd.dictionary.loader import load_dictionary
from oncorwd.dictionary.model import Column, Entity, FieldDef
from oncorwd.dictionary.physical import ENGINES, columns

__all__ = ["GENERATED_FILES", "export", "json_schema"]

_JSON_TYPES = {
    "string": "string", "smallint": "integer", "integer": "integer", "bigint": "integer",
    "double": "number", "boolean": "boolean", "date": "string", "timestamp": "string",
}
_PATTERNS = {
    "month": r"^(0[1-9]|1[0-2]|UN)$",
    "day": r"^(0[1-9]|[12][0-9]|3[01]|UN)$",
    "time": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
    "precision": r"^[DMY]$",
}


def _column_schema(c: Column, f: FieldDef) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": [_JSON_TYPES[c.type], "null"] if c.nullable
                            else _JSON_TYPES[c.type]}
    if c.role == "value":
        prop["description"] = f"{f.label_en} / {f.label_fr}" + (
            f" (item {f.item})" if f.item else "")
        if f.value_set:
            codes = list(load_dictionary().value_set(f.value_set).codes)
            prop["enum"] = [*codes, None] if c.nullable else codes
        if f.code_system:
            prop["x-code-system"] = f.code_system
        if f.min is not None:
            prop["minimum"] = f.min
        if f.max is not None:
            prop["maximum"] = f.max
    else:
        prop["description"] = f"{c.role} of {f.name} (item {f.item})"
    if c.role in _PATTERNS:
        prop["pattern"] = _PATTERNS[c.role]
    if c.type == "date":
        prop["format"] = "date"
    if c.type == "timestamp":
        prop["format"] = "date-time"
    return prop


def _entity_schema(e: Entity) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required = []
    for c in columns(e):
        f = e.field(c.field)
        props[c.name] = _column_schema(c, f)
        is_required_value = (
            f.required
            and c.role in ("value", "year")
            and f.name not in ("data_version", "site_id")
        )
        if is_required_value:
            required.append(c.name)
    return {
        "title": f"{e.label_en} ({e.label_fr})",
        "description": e.description,
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of an OSIRIS RWD data set: one array of rows per table."""
    d = load_dictionary()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://oncorwd.org/schema/osiris-rwd.schema.json",
        "title": f"{d.version} data set (oncorwd store schema {d.schema_version})",
        "description": "GENERATED from the oncorwd dictionary; do not edit by hand. "
        + d.date_imputation,
        "type": "object",
        "properties": {e.name: {"type": "array", "items": {"$ref": f"#/$defs/{e.name}"}}
                       for e in d.entities},
        "additionalProperties": False,
        "$defs": {e.name: _entity_schema(e) for e in d.entities},
    }


def export() -> dict[str, Any]:
    """The whole dictionary as plain data (``oncorwd dictionary export --format json``)."""
    d = load_dictionary()
    return {
        "version": d.version,
        "schema_version": d.schema_version,
        "date_imputation": d.date_imputation,
        "entities": [
            {**e.model_dump(exclude={"fields"}),
             "fields": [f.model_dump() for f in e.fields],
             "columns": [c.model_dump() for c in columns(e)]}
            for e in d.entities
        ],
        "value_sets": [v.model_dump() for v in d.value_sets],
        "variables": [v.model_dump() for v in d.variables],
    }


def _json(data: Any) -> str:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"


#: Repository-relative path -> producer of its text.
GENERATED_FILES: dict[str, Callable[[], str]] = {
    **{f"schema/ddl/{engine}.sql": partial(schema_ddl, engine) for engine in ENGINES},
    "schema/osiris_rwd.schema.json": lambda: _json(json_schema()),
    "docs/data-dictionary.md": data_dictionary_markdown,
}

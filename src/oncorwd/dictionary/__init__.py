"""The OSIRIS RWD dictionary: the single source of truth for tables, fields, value sets and
cohort variables. Everything else (DDL per engine, validators, JSON Schema, docs, the portal's
criteria picker) is generated from it."""

from oncorwd.dictionary.loader import DATE_IMPUTATION, SCHEMA_VERSION, load_dictionary
from oncorwd.dictionary.model import (
    Column,
    Dictionary,
    Entity,
    FieldDef,
    ValueSet,
    Variable,
)
from oncorwd.dictionary.physical import ENGINES, arrow_schema, columns, engine_type

__all__ = [
    "DATE_IMPUTATION",
    "ENGINES",
    "SCHEMA_VERSION",
    "Column",
    "Dictionary",
    "Entity",
    "FieldDef",
    "ValueSet",
    "Variable",
    "arrow_schema",
    "columns",
    "engine_type",
    "load_dictionary",
]

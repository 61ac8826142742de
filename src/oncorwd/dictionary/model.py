"""Typed objects for the OSIRIS RWD dictionary.

The declarations live in ``data/*.yaml``; these pydantic models check them when loaded so a
typo in a declaration fails at import time in tests, not in a hospital's load. Everything
downstream (DDL, validators, JSON Schema, docs, the portal's criteria picker) reads these
objects, never the YAML.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Column",
    "Dictionary",
    "Entity",
    "FieldDef",
    "FieldType",
    "LogicalType",
    "ValueSet",
    "ValueSetEntry",
    "Variable",
]

#: Types an MDS item can have. ``date`` is a partial date (year/month/day parts with ``UN``)
#: and ``datetime`` a partial date plus ``HH:MM``; both expand to several physical columns.
#: ``full_date`` is a plain DATE (derived values such as the cohort variables' dates).
FieldType = Literal[
    "string", "integer", "decimal", "boolean", "code", "enum", "date", "datetime", "link",
    "full_date",
]

#: Physical column types, mapped per engine in :mod:`oncorwd.dictionary.physical`.
LogicalType = Literal[
    "string", "smallint", "integer", "bigint", "double", "boolean", "date", "timestamp"
]

Status = Literal["M", "O", "C"]  # mandatory, optional, computed


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ValueSetEntry(_Frozen):
    code: str
    label_fr: str
    label_en: str


class ValueSet(_Frozen):
    """A closed list of values, spelled out (the MDS's "liste fermée")."""

    name: str
    description: str
    source: str = Field(description="where the list comes from (MDS item, guide page, standard)")
    values: tuple[ValueSetEntry, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.values)

    def label(self, code: str, lang: str = "en") -> str:
        for v in self.values:
            if v.code == code:
                return v.label_fr if lang == "fr" else v.label_en
        raise KeyError(code)


class FieldDef(_Frozen):
    """One OSIRIS RWD item (or a technical field) as declared."""

    name: str
    item: str | None = Field(None, description="MDS item number, e.g. '8.6'; None if technical")
    label_fr: str
    label_en: str
    type: FieldType
    status: Status = "O"
    guide_status: Status | None = Field(None, description="status in the guide when it differs")
    guide_name: str | None = Field(None, description="variable name in the implementation guide")
    value_set: str | None = None
    code_system: str | None = None
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    references: str | None = Field(None, description="'entity.field' this field points to")
    description: str = ""
    technical: bool = False
    required_in_row: bool = Field(
        False, description="optional in the MDS, but a row of this table is meaningless without it"
    )

    @model_validator(mode="after")
    def _coded_fields_say_how(self) -> FieldDef:
        if self.type == "enum" and not self.value_set:
            raise ValueError(f"field {self.name}: enum needs value_set")
        if self.type == "code" and not self.code_system:
            raise ValueError(f"field {self.name}: code needs code_system")
        return self

    @property
    def required(self) -> bool:
        """Must be present in every row (MDS mandatory, or the row's reason to exist)."""
        return self.status == "M" or self.required_in_row


class Column(_Frozen):
    """A physical column of a store table, derived from a field."""

    name: str
    type: LogicalType
    field: str = Field(description="the field this column comes from")
    role: Literal[
        "value", "year", "month", "day", "time", "derived_date", "precision"
    ] = "value"
    nullable: bool = True
    max_length: int | None = None


class Entity(_Frozen):
    """An OSIRIS RWD table (one MDS section, or part of one)."""

    name: str
    section: str
    derived: bool = Field(False, description="computed at ingest from the MDS tables")
    label_fr: str
    label_en: str
    description: str
    key: str = Field(description="the record identifier field")
    parent: str | None = Field(None, description="owning entity ('patient' or 'cancer')")
    source_type_item: str | None = Field(
        None, description="MDS item carried by the technical source_type column"
    )
    source_type_status: Status = "O"
    fields: tuple[FieldDef, ...]

    def field(self, name: str) -> FieldDef:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name}.{name}")


class Variable(_Frozen):
    """A cohort variable: one column of the wide per-patient-per-cancer table."""

    name: str
    label_fr: str
    label_en: str
    category: str
    type: Literal["boolean", "integer", "decimal", "enum", "code", "date", "string"]
    value_set: str | None = None
    code_system: str | None = None
    unit: str | None = None
    source_items: tuple[str, ...]
    derivation: str
    mcode: str
    omop: str
    priority: int | None = Field(None, description="PSCC priority in the v0.8 list (1 = highest)")
    v08_item: str | None = Field(None, description="item number in the v0.8 80-item list")


class Dictionary(_Frozen):
    """The whole OSIRIS RWD dictionary: entities, value sets and cohort variables."""

    version: str
    schema_version: int = Field(description="store schema version; bump on any DDL change")
    date_imputation: str
    entities: tuple[Entity, ...]
    value_sets: tuple[ValueSet, ...]
    variables: tuple[Variable, ...]

    def entity(self, name: str) -> Entity:
        for e in self.entities:
            if e.name == name:
                return e
        raise KeyError(name)

    def value_set(self, name: str) -> ValueSet:
        for v in self.value_sets:
            if v.name == name:
                return v
        raise KeyError(name)

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    @property
    def items(self) -> list[str]:
        """Every MDS item number declared, in declaration order, without duplicates."""
        seen: dict[str, None] = {}
        for e in self.entities:
            for f in e.fields:
                if f.item:
                    seen.setdefault(f.item, None)
        return list(seen)

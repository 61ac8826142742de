"""Load and cross-check the dictionary declarations shipped in ``data/``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from oncorwd.dictionary.model import Dictionary, Entity, FieldDef, ValueSet, Variable
from oncorwd.errors import DictionaryError

__all__ = [
    "COHORT_VARIABLES",
    "DATE_IMPUTATION",
    "OSIRIS_VERSION",
    "SCHEMA_VERSION",
    "load_dictionary",
]

#: Name of the derived wide table of cohort variables.
COHORT_VARIABLES = "cohort_variables"

OSIRIS_VERSION = "OSIRIS RWD 2025-2"
#: Bump whenever the generated DDL changes; stores record it and refuse newer ones.
SCHEMA_VERSION = 1
DATE_IMPUTATION = (
    "A partial date is imputed to the middle of its unknown span: unknown day (UN) -> the 15th of "
    "the month; unknown month (UN) -> 1 July of the year (day ignored); unknown year -> no date. "
    "The precision column says D (day known), M (month known) or Y (year only)."
)


def _read(name: str) -> Any:
    text = resources.files("oncorwd.dictionary").joinpath("data", name).read_text("utf-8")
    return yaml.safe_load(text)


def _with_technical(raw: dict[str, Any], technical: list[FieldDef]) -> Entity:
    entity = Entity.model_validate(raw)
    fields = list(entity.fields)
    for t in technical:
        if t.name == "source_type" and entity.source_type_item:
            t = t.model_copy(update={"item": entity.source_type_item, "technical": False,
                                     "status": entity.source_type_status})
        fields.append(t)
    return entity.model_copy(update={"fields": tuple(fields)})


_VARIABLE_TYPES = {"date": "full_date"}


def _cohort_variables_entity(variables: tuple[Variable, ...],
                             technical: list[FieldDef]) -> Entity:
    """The wide derived table: one row per patient per cancer, one column per variable."""
    keys = [
        FieldDef(name="cancer_id", status="M", type="string", references="cancer.cancer_id",
                 label_fr="Cancer", label_en="Cancer"),
        FieldDef(name="patient_id", status="M", type="string",
                 references="patient.patient_id", label_fr="Patient", label_en="Patient"),
    ]
    fields = [
        FieldDef(name=v.name, type=_VARIABLE_TYPES.get(v.type, v.type),
                 status="C", label_fr=v.label_fr, label_en=v.label_en, value_set=v.value_set,
                 code_system=v.code_system, unit=v.unit, description=v.derivation)
        for v in variables
    ]
    tech = [t for t in technical if t.name in ("site_id", "data_version")]
    return Entity(
        name=COHORT_VARIABLES, section="derived", derived=True,
        label_fr="Variables de cohorte", label_en="Cohort variables",
        description="One row per patient per cancer, computed at ingest from the MDS tables "
        "(see the cohort variables section): the table the cohort engine filters on.",
        key="cancer_id", parent="cancer", fields=(*keys, *fields, *tech),
    )


def _check(d: Dictionary) -> None:
    problems: list[str] = []
    vs_names = {v.name for v in d.value_sets}
    entity_names = [e.name for e in d.entities]
    if len(set(entity_names)) != len(entity_names):
        problems.append("duplicate entity names")
    for e in d.entities:
        names = [f.name for f in e.fields]
        if len(set(names)) != len(names):
            problems.append(f"{e.name}: duplicate field names")
        if e.key not in names:
            problems.append(f"{e.name}: key {e.key} is not a field")
        for f in e.fields:
            if f.value_set and f.value_set not in vs_names:
                problems.append(f"{e.name}.{f.name}: unknown value set {f.value_set}")
            if f.references:
                target, _, col = f.references.partition(".")
                if target not in entity_names or col not in d.entity(target).model_fields_set | {
                    x.name for x in d.entity(target).fields
                }:
                    problems.append(f"{e.name}.{f.name}: bad reference {f.references}")
    var_names = [v.name for v in d.variables]
    if len(set(var_names)) != len(var_names):
        problems.append("duplicate variable names")
    for v in d.variables:
        if v.value_set and v.value_set not in vs_names:
            problems.append(f"variable {v.name}: unknown value set {v.value_set}")
    if problems:
        raise DictionaryError("inconsistent dictionary: " + "; ".join(problems))


@cache
def load_dictionary() -> Dictionary:
    """The OSIRIS RWD dictionary (cached: it is immutable)."""
    technical = [FieldDef.model_validate(t) for t in _read("technical_fields.yaml")]
    entities = tuple(_with_technical(e, technical) for e in _read("entities.yaml"))
    value_sets = tuple(ValueSet.model_validate(v) for v in _read("value_sets.yaml"))
    raw_vars = _read("variables.yaml") or []
    variables = tuple(Variable.model_validate(v) for v in raw_vars)
    if variables:
        entities = (*entities, _cohort_variables_entity(variables, technical))
    d = Dictionary(
        version=OSIRIS_VERSION,
        schema_version=SCHEMA_VERSION,
        date_imputation=DATE_IMPUTATION,
        entities=entities,
        value_sets=value_sets,
        variables=variables,
    )
    _check(d)
    return d

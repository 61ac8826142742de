"""The cohort definition language: a typed AST (pydantic), written and read as JSON or YAML.

A definition selects rows of the wide ``cohort_variables`` table (one row per patient per
cancer; the patient's index cancer by default) that pass every *inclusion* rule and no
*exclusion* rule. A rule is named (the attrition table counts rows after each one) and holds
one criterion; criteria nest with ``all`` / ``any`` / ``not`` / ``at_least … of``.

Leaves are *variable criteria* (one cohort variable, an operator for its type) and *event
criteria* (rows of an event table: counted, or the first/last one, inside a time window relative
to the index date, to another event criterion's date or to a date variable). The model checks
shape only; :mod:`oncorwd.cohort.validate` checks names, operators and values against the
dictionary and reports every problem with its JSON path.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

__all__ = [
    "AllOf",
    "AnyOf",
    "AtLeastOf",
    "CohortDefinition",
    "Condition",
    "Count",
    "Criterion",
    "EventAnchor",
    "EventCriterion",
    "FieldCondition",
    "IndexDate",
    "NotOf",
    "Op",
    "Rule",
    "VariableAnchor",
    "VariableCriterion",
    "Window",
]

#: Every operator of the language; which ones apply to which type is in ``catalog.OPERATORS``.
Op = Literal["eq", "ne", "in", "not_in", "between", "gt", "ge", "lt", "le", "known",
             "unknown", "matches", "contains_any", "contains_all", "within"]

Scalar = bool | int | float | dt.date | str


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class EventAnchor(_Node):
    """The date of another event criterion (its ``id``): its first matching event, or the
    last one when that criterion says ``occurrence: last``."""

    event: str = Field(description="id of an event criterion of the same definition")


class VariableAnchor(_Node):
    """The value of a date cohort variable of the same row (e.g. ``line1_start_date``)."""

    variable: str = Field(description="a cohort variable of type date")


class Window(_Node):
    """Days relative to an anchor, both bounds inclusive; a missing bound is open."""

    start_days: int | None = Field(None, description="first day (negative = before the anchor)")
    end_days: int | None = Field(None, description="last day (negative = before the anchor)")
    relative_to: Literal["index"] | EventAnchor | VariableAnchor = Field(
        "index", description="'index' (the cohort's index date), {event: id} or {variable: name}")

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start_days is not None and self.end_days is not None \
                and self.start_days > self.end_days:
            raise ValueError("start_days must not be after end_days")
        return self


class Condition(_Node):
    """An operator and its operands, applied to one variable or one event field.

    ``value`` for eq/ne; ``values`` for in/not_in/matches/contains_any/contains_all;
    ``min``/``max`` (inclusive, either may be omitted) for between; ``value`` for gt/ge/lt/le;
    ``window`` for ``within`` (date relative to an anchor); nothing for known/unknown.
    """

    op: Op
    value: Scalar | None = None
    values: list[Scalar] | None = None
    min: int | float | dt.date | str | None = None
    max: int | float | dt.date | str | None = None
    window: Window | None = None


class VariableCriterion(Condition):
    """A condition on one cohort variable of the row (NULL never matches except ``unknown``)."""

    variable: str


class FieldCondition(Condition):
    """A condition on one field of an event (see ``catalog.EVENTS`` for the fields)."""

    field: str


class Count(_Node):
    """How many matching events: exactly one of at_least / at_most / exactly."""

    at_least: int | None = Field(None, ge=0)
    at_most: int | None = Field(None, ge=0)
    exactly: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _one(self) -> Count:
        if sum(v is not None for v in (self.at_least, self.at_most, self.exactly)) != 1:
            raise ValueError("give exactly one of at_least, at_most, exactly")
        return self


class EventCriterion(_Node):
    """Rows of an event table for the patient (or for this cancer with ``scope: cancer``)
    matching every ``where`` condition: counted inside ``window`` (``occurrence: any``), or the
    first / last of them, which must fall inside ``window``."""

    event: str
    id: str | None = Field(None, pattern=r"^[A-Za-z][A-Za-z0-9_]{0,62}$",
                           description="name other criteria use in window.relative_to")
    where: list[FieldCondition] = Field(default_factory=list)
    scope: Literal["patient", "cancer"] = "patient"
    occurrence: Literal["any", "first", "last"] = "any"
    count: Count | None = None
    window: Window | None = None

    @model_validator(mode="after")
    def _count_needs_any(self) -> EventCriterion:
        if self.count is not None and self.occurrence != "any":
            raise ValueError("count applies to occurrence 'any' only (first/last is one event)")
        return self


class AllOf(_Node):
    all: list[Criterion] = Field(min_length=1)


class AnyOf(_Node):
    any: list[Criterion] = Field(min_length=1)


class NotOf(_Node):
    not_: Criterion = Field(alias="not")


class AtLeastOf(_Node):
    at_least: int = Field(ge=1)
    of: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _reachable(self) -> AtLeastOf:
        if self.at_least > len(self.of):
            raise ValueError(f"at_least {self.at_least} of only {len(self.of)} criteria")
        return self


def _criterion_tag(value: Any) -> str | None:
    """Which criterion a mapping is, from its keys (the language has no ``type`` field)."""
    keys = value.keys() if isinstance(value, dict) else set(type(value).model_fields)
    if isinstance(value, BaseModel):
        return {VariableCriterion: "variable", EventCriterion: "event", AllOf: "all",
                AnyOf: "any", NotOf: "not", AtLeastOf: "at_least"}.get(type(value))
    for tag in ("variable", "event", "all", "any", "not"):
        if tag in keys:
            return tag
    return "at_least" if "of" in keys else None


Criterion = Annotated[
    Annotated[VariableCriterion, Tag("variable")] | Annotated[EventCriterion, Tag("event")]
    | Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")] | Annotated[AtLeastOf, Tag("at_least")],
    Discriminator(_criterion_tag, custom_error_type="criterion_kind",
                  custom_error_message="expected a criterion: an object with one of the keys "
                                       "variable, event, all, any, not, or at_least + of"),
]


class Rule(_Node):
    """A named inclusion or exclusion rule (one line of the attrition table)."""

    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    criterion: Criterion


class IndexDate(_Node):
    """The cohort's time zero, per row.

    ``diagnosis``: diagnosis date of the cancer; ``line_start``: start of line ``line`` of this
    cancer; ``first_drug``: first administration of a drug matching ``atc`` (codes or prefixes
    ``L01EB*``) for this cancer; ``first_metastasis``: date the cancer became metastatic
    (variable ``metastatic_disease_date``). Rows without an index date leave the cohort.
    """

    kind: Literal["diagnosis", "line_start", "first_drug", "first_metastasis"] = "diagnosis"
    line: int | None = Field(None, ge=1, le=20)
    atc: list[str] | None = None

    @model_validator(mode="after")
    def _operands(self) -> IndexDate:
        if (self.kind == "line_start") != (self.line is not None):
            raise ValueError("'line' is required for kind line_start and only for it")
        if (self.kind == "first_drug") != bool(self.atc):
            raise ValueError("'atc' (non-empty) is required for kind first_drug and only for it")
        return self


class CohortDefinition(_Node):
    """A whole cohort definition (see ``docs/cohort.md``)."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    cancer: Literal["index", "all"] = Field(
        "index", description="'index': the patient's index cancer row; 'all': every cancer row")
    index_date: IndexDate = Field(default_factory=IndexDate)
    follow_up_days: int | None = Field(
        None, ge=0, le=36500,
        description="required follow-up after the index date (death or last news)")
    inclusion: list[Rule] = Field(default_factory=list)
    exclusion: list[Rule] = Field(default_factory=list)


for _m in (AllOf, AnyOf, NotOf, AtLeastOf, Rule, CohortDefinition):
    _m.model_rebuild()

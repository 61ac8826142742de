"""What criteria can name: the cohort variables (from the dictionary), the event kinds and their
fields (declared here as data), and the operators each value type accepts.

Value types: ``enum`` (value-set codes), ``code`` (terminology codes, hierarchy prefixes with
``matches``), ``string``, ``set`` (a string holding ``+``-joined codes, e.g.
``first_line_regimen``), ``boolean``, ``integer``, ``decimal``, ``date``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from oncorwd.dictionary import load_dictionary

__all__ = [
    "EVENTS",
    "OPERATORS",
    "SET_SEPARATOR",
    "SET_VARIABLES",
    "EventField",
    "EventSource",
    "VariableInfo",
    "variables",
]

#: Operators accepted per value type.
OPERATORS: dict[str, tuple[str, ...]] = {
    "enum": ("eq", "ne", "in", "not_in", "known", "unknown"),
    "code": ("eq", "ne", "in", "not_in", "matches", "known", "unknown"),
    "string": ("eq", "ne", "in", "not_in", "matches", "known", "unknown"),
    "set": ("contains_any", "contains_all", "eq", "known", "unknown"),
    "boolean": ("eq", "ne", "known", "unknown"),
    "integer": ("eq", "ne", "in", "not_in", "between", "gt", "ge", "lt", "le", "known",
                "unknown"),
    "decimal": ("between", "gt", "ge", "lt", "le", "known", "unknown"),
    "date": ("between", "gt", "ge", "lt", "le", "within", "known", "unknown"),
}

#: String variables that hold a set of codes joined by :data:`SET_SEPARATOR`.
SET_VARIABLES = frozenset({"first_line_regimen"})
SET_SEPARATOR = "+"


@dataclass(frozen=True, slots=True)
class VariableInfo:
    """A cohort variable as criteria see it."""

    name: str
    type: str
    label_fr: str
    label_en: str
    value_set: str | None = None
    code_system: str | None = None
    unit: str | None = None


@cache
def variables() -> dict[str, VariableInfo]:
    """Every cohort variable of the dictionary, by name."""
    out = {}
    for v in load_dictionary().variables:
        kind = "set" if v.name in SET_VARIABLES else v.type
        out[v.name] = VariableInfo(v.name, kind, v.label_fr, v.label_en, v.value_set,
                                   v.code_system, v.unit)
    return out


@dataclass(frozen=True, slots=True)
class EventField:
    """A filterable field of an event kind: its column and value type."""

    column: str
    type: str
    label_fr: str
    label_en: str
    value_set: str | None = None


@dataclass(frozen=True, slots=True)
class EventSource:
    """An event kind: rows of ``table`` (with ``fixed`` column = value filters), dated by
    ``dates`` (the earliest non-NULL of these columns), filterable by ``fields``.

    ``line`` is special: one event per (cancer, treatment line), dated by the line's first
    administration; its ``atc`` field matches when any drug of the line matches.
    """

    table: str
    dates: tuple[str, ...]
    label_fr: str
    label_en: str
    fields: dict[str, EventField] = field(default_factory=dict)
    fixed: tuple[tuple[str, str], ...] = ()
    has_cancer: bool = True
    timestamp: bool = False


def _f(column: str, type_: str, fr: str, en: str, value_set: str | None = None) -> EventField:
    return EventField(column, type_, fr, en, value_set)


_IN_OUT = _f("in_facility", "enum", "dans l'établissement", "in the facility", "in_out")

#: The event kinds, by the name criteria use.
EVENTS: dict[str, EventSource] = {
    "diagnosis": EventSource("cancer", ("diagnosis_date",), "diagnostic de cancer",
                             "cancer diagnosis", {
        "topography": _f("topography", "code", "topographie", "topography"),
        "morphology": _f("morphology", "code", "morphologie", "morphology"),
        "morphology_group": _f("morphology_group", "enum", "groupe morphologique",
                               "histology group", "iarc_histology_group"),
        "cancer_order": _f("cancer_order", "integer", "rang du cancer", "cancer order"),
    }),
    "drug": EventSource("drug_administration", ("administration_date",),
                        "administration de médicament", "drug administration", {
        "atc": _f("atc_code", "code", "code ATC", "ATC code"),
        "line": _f("treatment_line", "integer", "ligne de traitement", "treatment line"),
        "in_facility": _IN_OUT,
        "clinical_trial": _f("clinical_trial", "enum", "essai clinique", "clinical trial",
                             "yes_no"),
        "early_access": _f("early_access", "enum", "accès précoce", "early access", "yes_no"),
    }),
    "line": EventSource("drug_administration", ("administration_date",),
                        "ligne de traitement", "line of therapy", {
        "number": _f("treatment_line", "integer", "numéro de ligne", "line number"),
        "atc": _f("atc_code", "code", "médicament de la ligne (ATC)", "drug of the line (ATC)"),
    }),
    "surgery": EventSource("surgery", ("procedure_date",), "chirurgie", "surgery", {
        "ccam": _f("procedure_code", "code", "acte CCAM", "CCAM procedure"),
        "group": _f("procedure_group", "string", "type d'acte", "procedure group"),
        "in_facility": _IN_OUT,
    }),
    "radiotherapy": EventSource("radiotherapy", ("start_date",), "radiothérapie",
                                "radiotherapy", {
        "technique": _f("technique_code", "code", "technique (CCAM)", "technique (CCAM)"),
        "topography": _f("irradiated_topography", "code", "topographie irradiée",
                         "irradiated site"),
        "in_facility": _IN_OUT,
    }),
    "biomarker": EventSource("biomarker", ("result_date",), "résultat de biomarqueur",
                             "biomarker result", {
        "name": _f("biomarker_name", "code", "biomarqueur", "biomarker"),
        "status": _f("status", "enum", "statut", "status", "biomarker_status"),
        "detail": _f("result_detail", "string", "précision", "result detail"),
        "value": _f("value_numeric", "decimal", "valeur numérique", "numeric value"),
        "technique": _f("technique", "enum", "technique", "technique", "biomarker_technique"),
    }),
    "progression": EventSource("progression", ("progression_date",), "progression",
                               "progression", fixed=(("progression", "Y"),)),
    "metastasis": EventSource("tumor_event", ("mention_date", "diagnosis_date",
                                              "metastasis_date"), "métastase", "metastasis", {
        "topography": _f("metastasis_topography", "code", "site de la métastase",
                         "metastasis site"),
    }, fixed=(("event_type", "2"),)),
    "recurrence": EventSource("tumor_event", ("mention_date", "diagnosis_date",
                                              "metastasis_date"), "récidive locale",
                              "local recurrence", fixed=(("event_type", "1"),)),
    "performance_status": EventSource("general_status", ("measure_date",),
                                      "mesure de l'état général (PS)",
                                      "performance status measure", {
        "value": _f("value", "decimal", "valeur du PS", "PS value"),
    }, fixed=(("measure_type", "PS"),), has_cancer=False),
    "comorbidity": EventSource("comorbidity", ("onset_date",), "comorbidité", "comorbidity", {
        "icd10": _f("code", "code", "code CIM-10", "ICD-10 code"),
    }, has_cancer=False),
    "sample": EventSource("sample", ("sampling_date",), "prélèvement", "sample", {
        "type": _f("sample_type", "enum", "type de prélèvement", "sample type", "sample_type"),
        "nature": _f("sample_nature", "enum", "nature", "nature", "sample_nature"),
        "topography": _f("sample_topography", "code", "topographie", "site"),
    }),
    "imaging": EventSource("imaging", ("exam_date",), "examen d'imagerie", "imaging exam", {
        "modality": _f("modality", "code", "modalité", "modality"),
    }, timestamp=True),
}

"""Facts → OSIRIS RWD rows: ``biomarker``, ``general_status``, ``progression`` and TNM updates.

Rows carry ``source_type`` ('4' internal / '5' external document) and ``source_document`` (the
document link), and have the columns of ``arrow_schema(load_dictionary().entity(name))`` they
fill (the store fills the others with nulls). Identifiers are ``<document id>-<BM|PS|PG><n>``.

- ``biomarker``: one row per result; a HER2 result settled by in situ hybridisation gives two
  rows, the IHC row (score, combined status) and the ISH row (its own status), as the cohort
  variable ``her2_status`` reads them. ``biomarker_name`` is the catalogue name; the LOINC code
  comes from :data:`LOINC_BY_CLONE`, :data:`LOINC_BY_TECHNIQUE`, :data:`LOINC_DEFAULT`, the
  catalogue, or the generic 69548-6 for genes. If the schema has no ``biomarker_name`` column,
  the name is written at the start of ``result_detail`` instead.
- ``cancer_tnm``: TNM updates keyed by patient, one row per patient, with the columns of table
  ``cancer``: the guide codes one TNM at diagnosis, so a ``p`` classification is preferred to a
  ``c`` one, and both to a ``y`` one; ties go to the earliest document, then the first mention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.errors import Problem
from oncorwd.ingest.nlp.facts import (
    BiomarkerFact,
    DocumentFacts,
    PartialDate,
    PerformanceStatusFact,
    ProgressionFact,
    TnmFact,
)
from oncorwd.terminology import biomarker_by_name, get_code_system

__all__ = [
    "GENERIC_VARIANT_LOINC",
    "LOINC_BY_CLONE",
    "LOINC_BY_TECHNIQUE",
    "LOINC_DEFAULT",
    "NlpTables",
    "loinc_for",
    "to_tables",
]

#: LOINC 69548-6 "Genetic variant assessment": gene-level tests without a code of their own.
GENERIC_VARIANT_LOINC = "69548-6"
#: PD-L1 clone → its LOINC immune-stain code.
LOINC_BY_CLONE: dict[tuple[str, str | None], str] = {
    ("PD-L1", "22C3"): "83052-1", ("PD-L1", "28-8"): "83055-4", ("PD-L1", "SP142"): "83057-0",
}
#: (name, technique) → LOINC code of that technique.
LOINC_BY_TECHNIQUE: dict[tuple[str, str | None], str] = {
    ("HER2", "IHC"): "18474-7", ("HER2", "FISH"): "31150-6", ("ALK", "IHC"): "47303-3",
}
#: Default code per catalogue name; ``None``: no shipped code (the row keeps only the name).
LOINC_DEFAULT: dict[str, str | None] = {
    "ER": "16112-5", "PR": "16113-3", "HER2": "48676-1", "PD-L1": "83053-9",
    "Ki-67": "29593-1", "MSI": "81695-9", "TMB": "94076-7", "ALK": GENERIC_VARIANT_LOINC,
    "TP53": GENERIC_VARIANT_LOINC, "HR": None,
}
_TYPES = {"tumour": "TUMOR", "germline": "GERMLINE", "serum": "SERUM", "urine": "SERUM",
          "genomic": "TUMOR"}
_TNM_PREFERENCE = {"p": 0, "c": 1, "y": 2}
_ISH_DETAIL = {"POSITIVE": "ISH amplified", "NEGATIVE": "ISH not amplified"}


@dataclass
class NlpTables:
    """Tables by name, and the facts that could not become rows (with the reason)."""

    tables: dict[str, pa.Table]
    problems: list[Problem] = field(default_factory=list)


def loinc_for(name: str, technique: str | None, clone: str | None) -> str | None:
    """The LOINC code a result of biomarker ``name`` is recorded with, or ``None``."""
    if (name, clone) in LOINC_BY_CLONE:
        return LOINC_BY_CLONE[(name, clone)]
    if (name, technique) in LOINC_BY_TECHNIQUE:
        return LOINC_BY_TECHNIQUE[(name, technique)]
    if name in LOINC_DEFAULT:
        return LOINC_DEFAULT[name]
    marker = biomarker_by_name(name)
    if marker is None:
        return None
    if marker.loinc:
        return marker.loinc[0]
    return GENERIC_VARIANT_LOINC if marker.genes else None


def _default_technique(code: str | None) -> str | None:
    if code is None:
        return None
    concept = get_code_system("loinc").concept(code)
    technique = concept.attributes.get("technique") if concept else None
    allowed = load_dictionary().value_set("biomarker_technique").codes
    return technique if technique in allowed else None


def _date_parts(prefix: str, date: PartialDate | None) -> dict[str, Any]:
    if date is None:
        return {f"{prefix}_year": None, f"{prefix}_month": None, f"{prefix}_day": None}
    return {f"{prefix}_year": date.year, f"{prefix}_month": date.month, f"{prefix}_day": date.day}


def _doc_date(doc: DocumentFacts) -> PartialDate | None:
    return PartialDate.of(doc.date) if isinstance(doc.date, dt.date) else None


def _provenance(doc: DocumentFacts) -> dict[str, Any]:
    return {"patient_id": doc.patient_id, "source_type": doc.source_type,
            "source_document": doc.source_document}


def _biomarker_rows(doc: DocumentFacts, fact: BiomarkerFact, with_name: bool) -> list[dict]:
    marker = biomarker_by_name(fact.name)
    base = {**_provenance(doc), **_date_parts("result_date", _doc_date(doc)),
            "biomarker_type": _TYPES.get(marker.kind if marker else "tumour"),
            "value_numeric": fact.value, "unit": fact.unit}
    parts = [(fact.technique, fact.status, list(fact.details))]
    if fact.name == "HER2" and fact.ish_status in _ISH_DETAIL and fact.technique == "IHC":
        parts.append((fact.ish_technique, fact.ish_status, [_ISH_DETAIL[fact.ish_status]]))
    rows = []
    for technique, status, details in parts:
        code = loinc_for(fact.name, technique, fact.clone)
        detail = "; ".join(details) or None
        if not with_name:
            detail = " ".join(filter(None, (fact.name, detail)))
        rows.append({**base, "biomarker_code": code, "status": status, "result_detail": detail,
                     "technique": technique or _default_technique(code),
                     **({"biomarker_name": fact.name} if with_name else {})})
    return rows


def _ps_row(doc: DocumentFacts, fact: PerformanceStatusFact) -> dict[str, Any]:
    return {**_provenance(doc), "measure_type": "PS", "value": float(fact.ecog),
            **_date_parts("measure_date", _doc_date(doc))}


def _progression_row(doc: DocumentFacts, fact: ProgressionFact) -> dict[str, Any]:
    return {**_provenance(doc), "progression": "Y", **_date_parts("progression_date", fact.date)}


def _table(name: str, rows: list[dict[str, Any]], key: str | None, prefix: str) -> pa.Table:
    schema = arrow_schema(load_dictionary().entity(name))
    if key:
        counts: dict[str, int] = {}
        for row in rows:
            doc = row.pop("_doc")
            counts[doc] = counts.get(doc, 0) + 1
            row[key] = f"{doc}-{prefix}{counts[doc]}"
    names = [n for n in schema.names if any(n in row for row in rows)] or [key or "patient_id"]
    sub = pa.schema([schema.field(n) for n in names])
    return pa.Table.from_pylist([{n: row.get(n) for n in names} for row in rows], schema=sub)


def _tnm_updates(docs: Iterable[DocumentFacts]) -> list[dict[str, Any]]:
    best: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
    for order, (doc, fact) in enumerate((d, f) for d in docs for f in d.facts
                                        if isinstance(f, TnmFact)):
        rank = (_TNM_PREFERENCE.get(fact.tnm_type or "", 3), doc.date or dt.date.max, order)
        row = {**_provenance(doc), "tnm_t": fact.t, "tnm_n": fact.n, "tnm_type": fact.tnm_type,
               "tnm_m": None if fact.m_flag is None else str(fact.m_flag)}
        if doc.patient_id not in best or rank < best[doc.patient_id][0]:
            best[doc.patient_id] = (rank, row)
    return [row for _, row in sorted(best.values(), key=lambda item: item[1]["patient_id"])]


def to_tables(docs: list[DocumentFacts]) -> NlpTables:
    """The OSIRIS RWD rows of the facts of ``docs`` (see the module docstring)."""
    with_name = "biomarker_name" in arrow_schema(load_dictionary().entity("biomarker")).names
    rows: dict[str, list[dict[str, Any]]] = {"biomarker": [], "general_status": [],
                                              "progression": []}
    problems: list[Problem] = []
    for doc in docs:
        for fact in doc.facts:
            if isinstance(fact, BiomarkerFact):
                new = _biomarker_rows(doc, fact, with_name)
                table = "biomarker"
            elif isinstance(fact, PerformanceStatusFact):
                new, table = [_ps_row(doc, fact)], "general_status"
            elif isinstance(fact, ProgressionFact):
                new, table = [_progression_row(doc, fact)], "progression"
            else:
                continue
            missing = _missing(table, new, with_name)
            if missing:
                problems.append(Problem(table, None, missing, fact.span.text, "required",
                                        f"{doc.document_id}: no {missing} for this fact"))
                continue
            rows[table] += [{**row, "_doc": doc.document_id} for row in new]
    tables = {name: _table(name, found, load_dictionary().entity(name).key, prefix)
              for (name, found), prefix in zip(rows.items(), ("BM", "PS", "PG"), strict=True)}
    tables["cancer_tnm"] = _table("cancer", _tnm_updates(docs), None, "")
    return NlpTables(tables, problems)


_REQUIRED = {"biomarker": ("biomarker_name",), "general_status": ("measure_date_year",),
             "progression": ("progression_date_year",)}


def _missing(table: str, rows: list[dict[str, Any]], with_name: bool) -> str | None:
    needed = _REQUIRED[table] if (table != "biomarker" or with_name) else ("biomarker_code",)
    for row in rows:
        for column in needed:
            if row.get(column) is None:
                return column.removesuffix("_year")
    return None

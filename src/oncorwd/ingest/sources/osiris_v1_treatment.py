"""Treatment, Drug and BiologicalSample pivot files.

- Treatment: its type (``treatment_kind`` map) decides the table. Surgery -> ``surgery`` (date =
  start date, CCAM act when known) and the resection quality (R0/R1/R2) as an ``observation``
  attached to the surgery; radiotherapy and brachytherapy -> ``radiotherapy`` (13.1 needs the CCAM
  act); systemic treatments are migrated through their Drug rows; a bone marrow transplant is out
  of scope. A treatment of unknown type with Drug rows is systemic.
- Drug -> ``drug_administration``, one row per molecule, dated at its treatment's start, ATC
  normalised to the current code (2022 L01 restructure); a code that is not ATC is looked up by
  ``Drug_Name`` among the ATC substance names (English INN and French DCI). The drug name is the
  ATC substance's INN when known (else ``Drug_Name``), so cohorts see one spelling.
- BiologicalSample -> ``sample`` (16.1 is the external accession).
OSIRIS v1 describes the exporting centre's own care, so acts are recorded "in the facility".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from oncorwd.ingest.sources.osiris_v1_context import Context, TreatmentLink
from oncorwd.ingest.sources.osiris_v1_io import PivotRow
from oncorwd.ingest.sources.osiris_v1_ledger import OUT_OF_SCOPE, RowRejected
from oncorwd.terminology import atc_current, get_code_system

__all__ = ["atc_by_name", "map_drugs", "map_samples", "map_treatments"]

_T = "Treatment_"


def _name_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))


@cache
def _atc_names() -> dict[str, frozenset[str]]:
    atc = get_code_system("atc")
    index: dict[str, set[str]] = {}
    for concept in atc.concepts.values():
        if len(concept.code) != 7:
            continue
        for label in (concept.label_en, concept.label_fr):
            if label:
                index.setdefault(_name_key(label), set()).add(atc_current(concept.code))
    return {k: frozenset(v) for k, v in index.items()}


def atc_by_name(name: str) -> str | None:
    """The current ATC substance code named ``name`` (``cis-platine`` -> ``L01XA01``) when
    exactly one matches, else ``None``."""
    found = _atc_names().get(_name_key(name), frozenset())
    return next(iter(found)) if len(found) == 1 else None


def map_treatments(ctx: Context) -> None:
    """Treatment -> surgery, radiotherapy (+ observation); systemic ones wait for their drugs."""
    with_drugs = {ctx.key(r, "Treatment_Ref") for r in ctx.files["Drug"].rows}
    ctx.each("Treatment", lambda row: _treatment(ctx, row, ctx.key(row) in with_drugs))


def _treatment(ctx: Context, row: PivotRow, has_drugs: bool) -> None:
    entry = ctx.mapped(row, f"{_T}Type", "treatment_kind")
    kind = None if entry is None else entry.rwd
    if kind is None and has_drugs:
        kind = "drug"
    if entry is not None and kind == OUT_OF_SCOPE:
        raise RowRejected(OUT_OF_SCOPE, entry.note, column=f"{_T}Type", value=row[f"{_T}Type"],
                          out_of_scope=True)
    if kind is None:
        raise RowRejected("required", "unknown treatment type and no Drug row: the OSIRIS RWD "
                          "table cannot be told", column=f"{_T}Type", value=row[f"{_T}Type"])
    start = ctx.date(row, f"{_T}StartDate", required=kind != "drug")
    ctx.treatments[ctx.key(row)] = TreatmentLink(
        row, kind, start, ctx.cancer_of_event(row),
        ctx.value(row, f"{_T}ClinicalTrialContext", "boolean"))
    if kind != "surgery":
        ctx.drop(row, (f"{_T}SurgeryResectionQuality",), "a resection quality on a treatment "
                 "that is not surgery")
    if kind == "surgery":
        _surgery(ctx, row)
    elif kind == "radiotherapy":
        _radiotherapy(ctx, row)
    elif not has_drugs:
        raise RowRejected("no_drug", "a systemic treatment without Drug rows: OSIRIS RWD "
                          "records one row per molecule (12.1)")
    else:
        ctx.ledger.reject(row, RowRejected("no_drug", "none of its Drug rows was migrated"))


def _surgery(ctx: Context, row: PivotRow) -> None:
    link = ctx.treatments[ctx.key(row)]
    surgery_id = ctx.record_id(row, "S")
    ctx.ledger.emit("surgery", {
        "surgery_id": surgery_id, "patient_id": row.patient_id, "cancer_id": link.cancer_id,
        "procedure_date": link.start, "procedure_code": ctx.code(row, f"{_T}ActivityCode", "ccam"),
        "in_facility": ctx.decl.defaults["in_facility"]}, row)
    quality = ctx.value(row, f"{_T}SurgeryResectionQuality", "resection")
    if quality is not None:
        ctx.ledger.emit("observation", {
            "observation_id": ctx.record_id(row, "RESECTION"), "patient_id": row.patient_id,
            "observation_type": "SURGERY_RESECTION_QUALITY", "nomenclature": "LOCAL",
            "observation_date": link.start, "value": quality, "attached_table": "surgery"}, row)


def _radiotherapy(ctx: Context, row: PivotRow) -> None:
    link = ctx.treatments[ctx.key(row)]
    technique = ctx.code(row, f"{_T}ActivityCode", "ccam", required=True)
    ctx.ledger.emit("radiotherapy", {
        "radiotherapy_id": ctx.record_id(row, "RT"), "patient_id": row.patient_id,
        "cancer_id": link.cancer_id, "technique_code": technique, "start_date": link.start,
        "in_facility": ctx.decl.defaults["in_facility"]}, row)


def map_drugs(ctx: Context) -> None:
    """Drug -> drug_administration."""
    ctx.each("Drug", lambda row: _drug(ctx, row))


def _drug(ctx: Context, row: PivotRow) -> None:
    link = ctx.treatments.get(ctx.key(row, "Treatment_Ref"))
    if link is None:
        raise RowRejected("unknown_reference", f"no migrated Treatment {row['Treatment_Ref']!r}"
                          f" for patient {row.patient_id}: the administration date is unknown",
                          column="Treatment_Ref", value=row["Treatment_Ref"])
    if link.start is None:
        raise RowRejected("required", f"its Treatment (row {link.row.number}) has no start "
                          "date: OSIRIS RWD needs the administration date (12.5)",
                          column="Treatment_Ref", value=row["Treatment_Ref"])
    code = _atc(ctx, row)
    name = get_code_system("atc").label(code) if len(code) == 7 else None
    name = name or ctx.text(row, "Drug_Name") or code
    ctx.ledger.emit("drug_administration", {
        "drug_administration_id": ctx.record_id(row, "DRUG"), "patient_id": row.patient_id,
        "cancer_id": link.cancer_id, "atc_code": code, "drug_name": name,
        "in_facility": ctx.decl.defaults["in_facility"], "administration_date": link.start,
        "clinical_trial": link.clinical_trial}, row, link.row)


def _atc(ctx: Context, row: PivotRow) -> str:
    raw = ctx.text(row, "Drug_Code") or ""
    atc = get_code_system("atc")
    if raw and atc.validate(raw):
        return atc_current(raw)
    name = ctx.text(row, "Drug_Name")
    found = None if name is None else atc_by_name(name)
    if found is None:
        raise RowRejected("unknown_code", f"{raw!r} is not an ATC code and Drug_Name {name!r} "
                          "names no single ATC substance (an investigational molecule?)",
                          column="Drug_Code", value=raw)
    what = f"{raw!r} is not an ATC code" if raw else "no Drug_Code"
    ctx.ledger.note(row, "Drug_Code", raw, "recoded", f"{what}; {found} found from Drug_Name "
                    f"{name!r}")
    return found


def map_samples(ctx: Context) -> None:
    """BiologicalSample -> sample; registers each sample by Instance_Id and accession."""
    taken: set[str] = set()
    ctx.each("BiologicalSample", lambda row: _sample(ctx, row, taken))


def _sample(ctx: Context, row: PivotRow, taken: set[str]) -> None:
    sample_id = ctx.text(row, "BiologicalSample_ExternalAccession")
    if sample_id is None:
        raise RowRejected("required", "no BiologicalSample_ExternalAccession: OSIRIS RWD needs "
                          "the sample identifier (16.1)",
                          column="BiologicalSample_ExternalAccession")
    if sample_id in taken:
        raise RowRejected("duplicate", f"sample {sample_id!r} is already migrated from another "
                          "row", column="BiologicalSample_ExternalAccession", value=sample_id)
    taken.add(sample_id)
    ctx.ledger.emit("sample", {
        "sample_id": sample_id, "patient_id": row.patient_id,
        "cancer_id": ctx.cancer_of_event(row),
        "sampling_date": ctx.date(row, "BiologicalSample_CollectDate"),
        "sample_type": ctx.value(row, "BiologicalSample_Nature", "sample_type"),
        "sample_nature": ctx.value(row, "BiologicalSample_Origin", "sample_nature"),
        "sample_topography": ctx.code(row, "BiologicalSample_TopographyCode",
                                      "icdo3_topography")}, row)
    ctx.samples[ctx.key(row)] = sample_id
    ctx.samples[(row.patient_id, sample_id)] = sample_id

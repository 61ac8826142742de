"""Patient-level pivot files: Patient, Consent, FamilyCancerHistory, RelatedPathology,
AdverseEvent and ResponseEvaluation.

- Patient -> ``patient`` (the feeding facility is ``Patient_ProviderCenterId`` when it is a
  FINESS number, else the site), ``vital_status`` (source: facility data; ``LastNewsDate`` is both
  the last visit and the last contact, as the v1 definition says) and the cause of death as an
  ``observation`` (UMLS code, dated at death).
- Consent -> ``non_opposition``: a signed v1 consent means informed and not objecting; the
  earliest consent date is the information date; several rows of a patient merge into one.
- FamilyCancerHistory -> ``family_history``; RelatedPathology -> ``comorbidity`` (a cancer code is
  quarantined: OSIRIS RWD records cancers in ``cancer``, with an ICD-O-3 morphology).
- AdverseEvent -> ``comorbidity`` only when the code is ICD-10; MedDRA terms are out of scope.
- ResponseEvaluation -> ``progression`` for RECIST PD; other responses are out of scope.
"""

from __future__ import annotations

from oncorwd.ingest.sources.osiris_v1_context import Context
from oncorwd.ingest.sources.osiris_v1_io import PartialDate, PivotRow
from oncorwd.ingest.sources.osiris_v1_ledger import OUT_OF_SCOPE, RowRejected
from oncorwd.terminology import get_code_system
from oncorwd.terminology.icd10 import Icd10

__all__ = [
    "map_adverse_events",
    "map_consents",
    "map_family_history",
    "map_patients",
    "map_related_pathologies",
    "map_responses",
]

_CANCER_CATEGORIES = frozenset({"malignant", "secondary", "in_situ"})
_ICD10_HINT = ("the shipped ICD-10 list is an oncology subset: load the full CIM-10 "
               "(oncorwd.terminology.load_code_system_file or ONCORWD_TERMINOLOGY_DIR)")


def map_patients(ctx: Context) -> None:
    """Patient -> patient, vital_status, observation (cause of death)."""
    ctx.each("Patient", lambda row: _patient(ctx, row))


def _patient_date(ctx: Context, row: PivotRow, column: str, *, required: bool = False
                  ) -> PartialDate | None:
    """With ``anonymised_dates``, day 15 is the conventions' anonymisation: day unknown."""
    value = ctx.date(row, column, required=required)
    if value is not None and ctx.anonymised_dates and value.day == "15":
        return PartialDate(value.year, value.month, "UN")
    return value


def _patient(ctx: Context, row: PivotRow) -> None:
    sex = ctx.value(row, "Patient_Gender", "sex", required=True)
    birth = _patient_date(ctx, row, "Patient_BirthDate", required=True)
    ctx.ledger.emit("patient", {"patient_id": row.patient_id, "facility_finess":
                                _facility(ctx, row), "birth_date": birth, "sex": sex}, row)
    ctx.patients.add(row.patient_id)
    _vital_status(ctx, row)


def _facility(ctx: Context, row: PivotRow) -> str:
    raw = ctx.text(row, "Patient_ProviderCenterId")
    finess = get_code_system("finess")
    if raw is not None and finess.validate(raw):
        return finess.normalize(raw)
    if raw is not None:
        ctx.ledger.note(row, "Patient_ProviderCenterId", raw, "recoded",
                        f"not a FINESS number; the site's FINESS {ctx.ledger.site_id} is used")
    return ctx.ledger.site_id


def _vital_status(ctx: Context, row: PivotRow) -> None:
    death = _patient_date(ctx, row, "Patient_DeathDate")
    last = _patient_date(ctx, row, "Patient_LastNewsDate")
    status = ctx.value(row, "Patient_LastNewsStatus", "last_news_status")
    if death is not None:
        if status == "0":
            ctx.ledger.note(row, "Patient_LastNewsStatus", row["Patient_LastNewsStatus"],
                            "inconsistent", "alive at last news but a death date is given; "
                            "recorded as deceased")
        status = "1"
        _cause_of_death(ctx, row, death)
    if status is None:
        return
    if last is None and death is not None:
        ctx.ledger.note(row, "Patient_LastNewsDate", row["Patient_LastNewsDate"], "recoded",
                        "no last news date: the death date is used as last visit and contact")
        last = death
    if last is None:
        ctx.ledger.note(row, "Patient_LastNewsDate", row["Patient_LastNewsDate"], "required",
                        "no last news date: no vital_status row (item 4.4 is mandatory)")
        return
    ctx.ledger.emit("vital_status", {
        "patient_id": row.patient_id, "vital_status": status,
        "vital_status_source": ctx.decl.defaults["vital_status_source"],
        "last_visit_date": last, "last_contact_date": last, "death_date": death}, row)


def _cause_of_death(ctx: Context, row: PivotRow, death: PartialDate) -> None:
    cause = ctx.value(row, "Patient_CauseOfDeath", "cause_of_death")
    if cause is not None:
        ctx.ledger.emit("observation", {
            "observation_id": f"{row.patient_id}-DEATHCAUSE", "patient_id": row.patient_id,
            "observation_type": "CAUSE_OF_DEATH", "nomenclature": "UMLS",
            "observation_date": death, "value": cause, "attached_table": "patient"}, row)


def map_consents(ctx: Context) -> None:
    """Consent -> non_opposition (one row per patient, all its consent rows merged)."""
    by_patient: dict[str, list[tuple[PivotRow, PartialDate | None]]] = {}
    for row in ctx.rows("Consent"):
        by_patient.setdefault(row.patient_id, []).append((row, ctx.date(row, "Consent_Date")))
    for patient_id, items in by_patient.items():
        dates = [d for _, d in items if d is not None]
        first = min(dates, key=PartialDate.earliest) if dates else None
        ctx.ledger.emit("non_opposition", {
            "patient_id": patient_id, "information": ctx.decl.defaults["information"],
            "information_date": first,
            "non_opposition": ctx.decl.defaults["non_opposition"]}, *(r for r, _ in items))


def map_family_history(ctx: Context) -> None:
    """FamilyCancerHistory -> family_history."""
    def one(row: PivotRow) -> None:
        topography = ctx.code(row, "FamilyCancerHistory_TopographyCode", "icdo3_topography",
                              required=True)
        ctx.ledger.emit("family_history", {
            "family_history_id": ctx.record_id(row, "FH"), "patient_id": row.patient_id,
            "topography": topography,
            "relationship": ctx.value(row, "FamilyCancerHistory_Parentage", "relationship")},
            row)

    ctx.each("FamilyCancerHistory", one)


def _icd10(ctx: Context, row: PivotRow, column: str) -> str:
    raw = ctx.text(row, column) or ""
    codes = get_code_system("icd10")
    if not raw:
        raise RowRejected("required", f"{column} is empty", column=column)
    if not codes.validate(raw):
        rule = "unknown_code" if codes.is_well_formed(raw) else "code"
        raise RowRejected(rule, f"{raw!r} is not a known ICD-10 code; {_ICD10_HINT}",
                          column=column, value=raw)
    code = codes.normalize(raw)
    if isinstance(codes, Icd10) and codes.category(code) in _CANCER_CATEGORIES:
        raise RowRejected("cancer_code", f"{code} is a cancer: OSIRIS RWD records it in table "
                          "cancer, which needs an ICD-O-3 topography and morphology",
                          column=column, value=raw)
    return code


def map_related_pathologies(ctx: Context) -> None:
    """RelatedPathology -> comorbidity."""
    def one(row: PivotRow) -> None:
        code = _icd10(ctx, row, "RelatedPathology_PathologyCode")
        onset = ctx.date(row, "RelatedPathology_DiagnosisDate", required=True)
        ctx.ledger.emit("comorbidity", {"comorbidity_id": ctx.record_id(row, "RP"),
                                        "patient_id": row.patient_id, "code": code,
                                        "onset_date": onset}, row)

    ctx.each("RelatedPathology", one)


def map_adverse_events(ctx: Context) -> None:
    """AdverseEvent -> comorbidity when coded in ICD-10; MedDRA is out of scope."""
    def one(row: PivotRow) -> None:
        raw = row["AdverseEvent_Code"]
        if not get_code_system("icd10").validate(raw):
            raise RowRejected(OUT_OF_SCOPE, "adverse events coded in MedDRA (or free text) are "
                              "not held by OSIRIS RWD, whose item 7 takes ICD-10 codes",
                              column="AdverseEvent_Code", value=raw, out_of_scope=True)
        code = _icd10(ctx, row, "AdverseEvent_Code")
        onset = ctx.date(row, "AdverseEvent_Date", required=True)
        ctx.ledger.emit("comorbidity", {"comorbidity_id": ctx.record_id(row, "AE"),
                                        "patient_id": row.patient_id, "code": code,
                                        "onset_date": onset}, row)

    ctx.each("AdverseEvent", one)


def map_responses(ctx: Context) -> None:
    """ResponseEvaluation -> progression (RECIST PD only)."""
    def one(row: PivotRow) -> None:
        entry = ctx.mapped(row, "Status", "progression", required=True)
        if entry is not None and entry.rule == OUT_OF_SCOPE:
            raise RowRejected(OUT_OF_SCOPE, entry.note, column="Status", value=row["Status"],
                              out_of_scope=True)
        progression_date = ctx.date(row, "Date", required=True)
        treatment = ctx.linked(row, "Treatment_Ref", ctx.treatments, "Treatment")
        ctx.ledger.emit("progression", {
            "progression_id": ctx.record_id(row, "PROG"), "patient_id": row.patient_id,
            "cancer_id": None if treatment is None else treatment.cancer_id,
            "progression": "Y", "progression_date": progression_date}, row)

    ctx.each("ResponseEvaluation", one)

"""mCODE resources -> OSIRIS RWD rows: the export's maps read backwards.

Each ``*_row`` function takes one resource (and the :class:`Ids` resolved over the whole
input) and returns ``(table, row)`` pairs or raises :class:`Missing` for a required element. The
``osiris-source`` extension, when present (oncorwd exports), restores the OSIRIS items mCODE has
no element for; mCODE elements are read for everything else, so foreign mCODE imports too.
Rows carry ``_paths`` (field -> FHIRPath) so dictionary problems point at the element.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oncorwd.convert.mcode.maps import EXT_OSIRIS, MCODE, load_maps, osiris_system, system

__all__ = ["PARSERS", "Ids", "Missing", "date_parts", "kind_of"]

Row = dict[str, Any]
ASSERTED = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"
RELATED = "http://hl7.org/fhir/StructureDefinition/condition-related"


class Missing(Exception):
    """A required element is absent or holds an unknown code."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@dataclass
class Ids:
    """FHIR ids -> OSIRIS record ids, for references (filled from every resource first)."""

    site_id: str
    by_ref: dict[str, str] = field(default_factory=dict)

    def add(self, res: dict[str, Any]) -> None:
        rid = res.get("id")
        if rid is not None:
            self.by_ref[f"{res['resourceType']}/{rid}"] = record_id(res)

    def resolve(self, ref: Any) -> str | None:
        text = ref.get("reference") if isinstance(ref, dict) else None
        if not text:
            return None
        key = "/".join(str(text).split("/")[-2:])
        return self.by_ref.get(key, key.split("/")[-1])


def record_id(res: dict[str, Any]) -> str:
    """The OSIRIS record id: an oncorwd identifier's value, else the resource id."""
    for ident in res.get("identifier") or []:
        if str(ident.get("system", "")).startswith("https://oncorwd.org/fhir/sid/"):
            return str(ident.get("value"))
    return str(res.get("id"))


def ident_table(res: dict[str, Any]) -> str | None:
    for ident in res.get("identifier") or []:
        sys_ = str(ident.get("system", ""))
        if sys_.startswith("https://oncorwd.org/fhir/sid/"):
            return sys_.rsplit("/", 1)[-1]
    return None


def osiris(res: dict[str, Any]) -> dict[str, str]:
    for ext in res.get("extension") or []:
        if ext.get("url") == EXT_OSIRIS:
            return {e["url"]: e.get("valueString") for e in ext.get("extension") or []}
    return {}


def ext_value(res: dict[str, Any], url: str) -> Any:
    for ext in res.get("extension") or []:
        if ext.get("url") == url:
            return next((v for k, v in ext.items() if k.startswith("value")), None)
    return None


def code_in(cc: Any, sys_: str) -> str | None:
    for c in (cc or {}).get("coding") or []:
        if c.get("system") == sys_:
            return str(c.get("code"))
    return None


def date_parts(value: Any) -> tuple[int | None, str | None, str | None]:
    """FHIR date/dateTime -> OSIRIS partial date parts (``UN`` for the unknown parts)."""
    if not value:
        return None, None, None
    parts = str(value)[:10].split("-")
    year = int(parts[0])
    month = parts[1] if len(parts) > 1 else "UN"
    day = parts[2] if len(parts) > 2 else "UN"
    return year, month, day


def put_date(row: Row, stem: str, value: Any) -> None:
    row[f"{stem}_year"], row[f"{stem}_month"], row[f"{stem}_day"] = date_parts(value)


def effective(res: dict[str, Any], prefix: str = "effective") -> Any:
    period = res.get(prefix + "Period") or {}
    return res.get(prefix + "DateTime") or period.get("start")


def kind_of(res: dict[str, Any]) -> str:
    """What an mCODE resource is, from its profile (else its codes)."""
    profiles = [str(p) for p in (res.get("meta") or {}).get("profile") or []]
    for p in profiles:
        if p.startswith(MCODE):
            return p.removeprefix(MCODE + "mcode-")
    codes = {c.get("code") for c in (res.get("code") or {}).get("coding") or []}
    for code, kind in (("89247-1", "ecog-performance-status"), ("97509-4", "cancer-disease-status"),
                       ("21889-1", "tumor-size"), ("69548-6", "genomic-variant"),
                       ("29463-7", "vital-signs"), ("8302-2", "vital-signs")):
        if code in codes:
            return kind
    return res["resourceType"].lower()


def _reverse(map_name: str) -> dict[str, str]:
    return {str(v["code"]): k for k, v in load_maps()[map_name].items()}


def _base(res: dict[str, Any], ids: Ids, key: str) -> Row:
    patient = ids.resolve(res.get("subject") or res.get("patient"))
    if patient is None:
        raise Missing(f"{res['resourceType']}.subject", "no subject (Patient reference)")
    return {key: record_id(res), "patient_id": patient, **osiris(res), "_paths": {}}


def patient_row(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    sex = {"male": "M", "female": "F"}.get(str(res.get("gender")))
    if sex is None:
        raise Missing("Patient.gender", f"gender {res.get('gender')!r} has no OSIRIS sex (M/F)")
    if not res.get("birthDate"):
        raise Missing("Patient.birthDate", "birthDate is required (OSIRIS item 1.3)")
    extra = osiris(res)
    row: Row = {"patient_id": record_id(res), "sex": sex, "_paths": {
        "sex": "Patient.gender", "birth_date_year": "Patient.birthDate"},
        "facility_finess": ((res.get("managingOrganization") or {}).get("identifier") or {})
        .get("value") or ids.site_id}
    put_date(row, "birth_date", res.get("birthDate"))
    rows = [("patient", row)]
    if "last_visit_date" in extra:
        rows.append(("vital_status", _vital(res, row["patient_id"], extra)))
    return rows


def _vital(res: dict[str, Any], patient_id: str, extra: dict[str, str]) -> Row:
    dead = res.get("deceasedDateTime") is not None or res.get("deceasedBoolean") is True
    row: Row = {"patient_id": patient_id, "vital_status": "1" if dead else "0",
                "vital_status_source": extra.get("vital_status_source"),
                "_paths": {"vital_status": "Patient.deceased"}}
    put_date(row, "death_date", res.get("deceasedDateTime"))
    for stem in ("update_date", "last_visit_date", "last_contact_date"):
        put_date(row, stem, extra.get(stem))
    return row


def _icdo3(cc: Any) -> str | None:
    return code_in(cc, system("icdo3"))


def cancer_row(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    row = _base(res, ids, "cancer_id")
    site = (res.get("bodySite") or [{}])[0]
    row["topography"] = _icdo3(site)
    row["morphology"] = _icdo3(ext_value(res, MCODE + "mcode-histology-morphology-behavior"))
    lat = code_in(ext_value(site, MCODE + "mcode-laterality-qualifier"), system("snomed"))
    row["laterality"] = _reverse("laterality").get(lat or "", row.get("laterality"))
    stage = (res.get("stage") or [{}])[0].get("summary")
    row["stage"] = code_in(stage, osiris_system("stage_value"))
    put_date(row, "diagnosis_date", ext_value(res, ASSERTED) or res.get("onsetDateTime"))
    row["_paths"] = {"topography": "Condition.bodySite[0].coding",
                     "morphology": "Condition.extension(histologyMorphologyBehavior)",
                     "diagnosis_date_year": "Condition.onsetDateTime",
                     "laterality": "Condition.bodySite[0].extension(lateralityQualifier)"}
    return [("cancer", row)]


def secondary_row(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    row = _base(res, ids, "tumor_event_id")
    row.update(event_type="2", cancer_id=ids.resolve(ext_value(res, RELATED)),
               metastasis_topography=_icdo3((res.get("bodySite") or [{}])[0]),
               morphology=_icdo3(ext_value(res, MCODE + "mcode-histology-morphology-behavior")))
    put_date(row, "mention_date", ext_value(res, ASSERTED))
    put_date(row, "metastasis_date", res.get("onsetDateTime"))
    put_date(row, "diagnosis_date", row.pop("diagnosis_date", None))
    row["_paths"] = {"metastasis_topography": "Condition.bodySite[0].coding"}
    return [("tumor_event", row)]


def comorbidity_row(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    row = _base(res, ids, "comorbidity_id")
    row["code"] = code_in(res.get("code"), system("icd10"))
    if row["code"] is None:
        raise Missing("Condition.code.coding", "no WHO ICD-10 coding for a non-cancer condition")
    put_date(row, "onset_date", res.get("onsetDateTime"))
    row["_paths"] = {"code": "Condition.code.coding", "onset_date_year": "Condition.onset"}
    return [("comorbidity", row)]


def condition_rows(res: dict[str, Any], ids: Ids) -> list[tuple[str, Row]]:
    kind = kind_of(res)
    if kind == "primary-cancer-condition":
        return cancer_row(res, ids)
    if kind == "secondary-cancer-condition":
        return secondary_row(res, ids)
    return comorbidity_row(res, ids)


#: resourceType -> row builder; Observation and Procedure dispatch on the profile.
PARSERS: dict[str, Callable[[dict[str, Any], Ids], list[tuple[str, Row]]]] = {
    "Patient": patient_row, "Condition": condition_rows,
}

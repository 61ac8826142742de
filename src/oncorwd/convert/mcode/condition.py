"""PrimaryCancerCondition (OSIRIS ``cancer``) and SecondaryCancerCondition (``tumor_event``
rows of type 2, metastasis).

ICD-O-3 is what OSIRIS RWD codes cancers with, and mCODE STU4 binds it directly: topography in
``bodySite`` (mcode-cancer-body-location-vs includes ICD-O-3) and morphology in the
histology-morphology-behavior extension. ``Condition.code`` gets the root concept of the bound
value set for the behaviour (malignant, in situ, metastatic) with a readable text; no finer SNOMED
CT or ICD-10-CM disorder code is derived (that needs a licensed mapping) and the report says so.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import Arr, Calc, Const, Lookup, Node, Obj, Str, When
from oncorwd.convert.mcode.common import (
    Builder,
    Context,
    date,
    has,
    identifier,
    not_in_map,
    osiris_coding,
    osiris_extension,
    ref,
)
from oncorwd.convert.mcode.maps import MCODE, concept, load_maps, profile, system
from oncorwd.terminology import get_code_system

__all__ = ["PrimaryConditionBuilder", "SecondaryConditionBuilder", "icdo3_coding", "labels"]

HMB = MCODE + "mcode-histology-morphology-behavior"
LATERALITY = MCODE + "mcode-laterality-qualifier"
ASSERTED = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"
RELATED = "http://hl7.org/fhir/StructureDefinition/condition-related"
_CATEGORY = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                          "code": "problem-list-item"}]}]
_ACTIVE = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                       "code": "active"}]}
_CONFIRMED = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                          "code": "confirmed"}]}
#: OSIRIS items of a cancer with no mCODE element (the osiris-source extension carries them).
CANCER_EXTRAS: list[str | tuple[str, str]] = [
    "cancer_order", "care_in_facility", "diagnosis_method", "diagnosis_in_facility",
    "topography_group", "morphology_group", ("laterality", "laterality_other"), "tnm_type",
    "stage_type", "grade_type", "grade"]
EVENT_EXTRAS: list[str | tuple[str, str]] = [
    "event_type", "diagnosis_method", ("diagnosis_date", "diagnosis_date*")]


@cache
def labels(code_system: str) -> dict[str, str]:
    """English labels of a shipped terminology (code -> label)."""
    cs = get_code_system(code_system)
    return {c: cs.label(c, "en") or c for c in cs.codes()}


def icdo3_coding(column: str, code_system: str) -> Obj:
    return Obj(system=Const(system("icdo3")), code=Str(column),
               display=Lookup(column, labels(code_system)))


def _text(t: pa.Table, prefix: str) -> pa.Array:
    morph = pc.take(pa.array(list(labels("icdo3_morphology").values())), pc.index_in(
        t.column("morphology"), value_set=pa.array(list(labels("icdo3_morphology")))))
    topo_col = "topography" if "topography" in t.column_names else "metastasis_topography"
    topo = pc.take(pa.array(list(labels("icdo3_topography").values())), pc.index_in(
        t.column(topo_col), value_set=pa.array(list(labels("icdo3_topography")))))
    site = pc.coalesce(topo, t.column(topo_col))
    what = pc.coalesce(morph, t.column("morphology"), pa.scalar(prefix))
    return pc.binary_join_element_wise(what, pc.coalesce(site, pa.scalar("site unknown")), ", ")


def _body_site(column: str, code_system: str, lateral: bool) -> When:
    lat_map = load_maps()["laterality"]
    lateral_rows = lambda t: pc.is_in(t.column("laterality"), value_set=pa.array(list(lat_map)))  # noqa: E731
    ext = Arr(When(lateral_rows, Obj(url=Const(LATERALITY), valueCodeableConcept=Lookup(
        "laterality", {k: concept(v) for k, v in lat_map.items()})))) if lateral else Arr()
    return When(has(column), Arr(Obj(extension=ext, coding=Arr(icdo3_coding(column,
                                                                            code_system)))))


def _hmb() -> When:
    return When(has("morphology"), Obj(url=Const(HMB), valueCodeableConcept=Obj(
        coding=Arr(icdo3_coding("morphology", "icdo3_morphology")))))


class PrimaryConditionBuilder(Builder):
    name = "primary-cancer-condition"
    resource_type = "Condition"
    table = "cancer"
    key = "cancer_id"

    def prepare(self, t: pa.Table) -> pa.Table:
        lat = t.column("laterality")
        lateral = pc.is_in(lat, value_set=pa.array(["R", "L"]))
        other = pc.if_else(lateral, pa.scalar(None, pa.string()), lat)
        behaviour = pc.utf8_slice_codeunits(t.column("morphology"), 5, 6)
        return t.append_column("laterality_other", other).append_column("behaviour", behaviour)

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {"PrimaryCancerCondition.code (ICD-O-3 behaviour without a bound root concept)":
                not_in_map(t, "behaviour", "condition_code", shown="morphology")}

    def template(self, ctx: Context) -> Node:
        codes = {k: concept(v) for k, v in load_maps()["condition_code"].items()}
        method = concept(load_maps()["staging_method"]["TNM"])
        is_tnm = lambda t: pc.equal(t.column("stage_type"), "TNM")  # noqa: E731
        return Obj([
            ("resourceType", "Condition"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(_hmb(), When(has("diagnosis_date_year"), Obj(
                url=Const(ASSERTED), valueDateTime=date("diagnosis_date"))),
                osiris_extension(CANCER_EXTRAS))),
            ("identifier", identifier(ctx, "cancer", "cancer_id")),
            ("clinicalStatus", _ACTIVE), ("verificationStatus", _CONFIRMED),
            ("category", _CATEGORY),
            ("code", Obj(coding=Lookup("behaviour", {k: v["coding"] for k, v in codes.items()}),
                         text=Str(Calc(lambda t: _text(t, "Neoplasm"))))),
            ("bodySite", _body_site("topography", "icdo3_topography", lateral=True)),
            ("subject", ref("Patient", "patient_id")),
            ("onsetDateTime", date("diagnosis_date")),
            ("stage", When(has("stage"), Arr(Obj(
                summary=Obj(coding=Arr(osiris_coding("stage_value", "stage"))),
                assessment=When(is_tnm, Arr(ref("Observation", "cancer_id", "-stage-group"))),
                type=When(is_tnm, Const(method)))))),
        ])


class SecondaryConditionBuilder(Builder):
    name = "secondary-cancer-condition"
    resource_type = "Condition"
    table = "tumor_event"
    key = "tumor_event_id"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.equal(t.column("event_type"), "2")

    def template(self, ctx: Context) -> Node:
        code = concept(load_maps()["condition_code"]["secondary"])
        return Obj([
            ("resourceType", "Condition"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(_hmb(), When(has("cancer_id"), Obj(
                url=Const(RELATED), valueReference=ref("Condition", "cancer_id"))),
                When(has("mention_date_year"), Obj(url=Const(ASSERTED),
                                                   valueDateTime=date("mention_date"))),
                osiris_extension(EVENT_EXTRAS))),
            ("identifier", identifier(ctx, "tumor_event", "tumor_event_id")),
            ("clinicalStatus", _ACTIVE), ("verificationStatus", _CONFIRMED),
            ("category", _CATEGORY),
            ("code", Obj(coding=Const(code["coding"]),
                         text=Str(Calc(lambda t: _text(t, "Metastasis"))))),
            ("bodySite", _body_site("metastasis_topography", "icdo3_topography", lateral=False)),
            ("subject", ref("Patient", "patient_id")),
            ("onsetDateTime", date("metastasis_date")),
        ])

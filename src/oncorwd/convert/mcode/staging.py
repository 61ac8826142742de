"""TNM category observations (T, N, M), the TNM stage group and TumorSize, all from the
OSIRIS ``cancer`` row.

OSIRIS records UICC TNM (method: NCIt C188404, in mcode-tnm-staging-method-vs). The category
values travel as the UICC codes themselves (``T1c``, ``N0``, ``M1``) in an oncorwd code system
with a text; mCODE's SNOMED CT AJCC codes are a preferred binding and are not derived (no
verified UICC -> SNOMED table), which the unmapped report counts. The observation code follows the
TNM prefix (cT/pT…; y and none: the generic category).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import Arr, Calc, Const, Lookup, Node, Num, Obj, Str, When
from oncorwd.convert.mcode.common import (
    Builder,
    Context,
    date,
    has,
    identifier,
    osiris_coding,
    ref,
)
from oncorwd.convert.mcode.condition import icdo3_coding
from oncorwd.convert.mcode.maps import MCODE, concept, ident_system, load_maps, profile, system

__all__ = ["StageGroupBuilder", "TnmBuilder", "TumorBuilder", "TumorSizeBuilder", "tnm_builders"]

_EXAM = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                      "code": "exam"}]}]
_COLUMN = {"T": "tnm_t", "N": "tnm_n", "M": "tnm_m"}
_PROFILE = {"T": "tnm-primary-tumor-category", "N": "tnm-regional-nodes-category",
            "M": "tnm-distant-metastases-category"}


def _code_by_prefix(kind: str) -> Lookup:
    codes: dict[str, Any] = load_maps()["tnm_code"][kind]
    mapping = {k: concept(v) for k, v in codes.items() if k}
    return Lookup("tnm_type", mapping, default=Const(concept(codes[""])))


def _method() -> dict[str, Any]:
    return concept(load_maps()["staging_method"]["TNM"])


def _category_value(kind: str) -> Calc:
    """The UICC category code: OSIRIS stores M as a 0/1 flag, T and N as codes."""
    column = _COLUMN[kind]
    if kind == "M":
        return Calc(lambda t: pc.binary_join_element_wise("M", t.column(column), ""))
    return Calc(lambda t: pc.cast(t.column(column), pa.string()))


def _category_text(kind: str) -> Calc:
    value = _category_value(kind)

    def text(t: pa.Table) -> pa.Array:
        prefix = pc.coalesce(t.column("tnm_type"), pa.scalar(""))
        return pc.binary_join_element_wise(prefix, value.raw(t), "")
    return Calc(text)


class TnmBuilder(Builder):
    """One TNM category (T, N or M) observation per cancer that has it."""

    resource_type = "Observation"
    table = "cancer"
    key = "cancer_id"
    kind = "T"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.is_valid(t.column(_COLUMN[self.kind]))

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {f"TNM {self.kind} category (UICC code, no SNOMED CT AJCC code)":
                _category_value(self.kind).raw(t)}

    def template(self, ctx: Context) -> Node:
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("identifier", identifier(ctx, "cancer", "cancer_id")),
            ("status", "final"), ("category", _EXAM),
            ("code", _code_by_prefix(self.kind)),
            ("subject", ref("Patient", "patient_id")),
            ("focus", Arr(ref("Condition", "cancer_id"))),
            ("valueCodeableConcept", Obj(coding=Arr(Obj(
                system=Const(system("tnm")), code=Str(_category_value(self.kind)))),
                text=Str(_category_text(self.kind)))),
            ("method", _method()),
        ])


def _tnm(kind: str) -> type[TnmBuilder]:
    return type(f"Tnm{kind}Builder", (TnmBuilder,), {
        "kind": kind, "name": _PROFILE[kind], "suffix": f"-tnm-{kind.lower()}"})


def tnm_builders() -> list[type[TnmBuilder]]:
    return [TnmT, TnmN, TnmM]


TnmT, TnmN, TnmM = _tnm("T"), _tnm("N"), _tnm("M")


class StageGroupBuilder(Builder):
    """The TNM stage group, for cancers staged with TNM (other systems stay in
    Condition.stage.summary)."""

    name = "tnm-stage-group"
    resource_type = "Observation"
    table = "cancer"
    key = "cancer_id"
    suffix = "-stage-group"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.and_(pc.is_valid(t.column("stage")), pc.equal(t.column("stage_type"), "TNM"))

    def template(self, ctx: Context) -> Node:
        members = Arr(*[When(has(_COLUMN[k]), ref("Observation", "cancer_id", f"-tnm-{k.lower()}"))
                        for k in ("T", "N", "M")])
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("identifier", identifier(ctx, "cancer", "cancer_id")),
            ("status", "final"), ("category", _EXAM),
            ("code", _code_by_prefix("group")),
            ("subject", ref("Patient", "patient_id")),
            ("focus", Arr(ref("Condition", "cancer_id"))),
            ("valueCodeableConcept", Obj(coding=Arr(osiris_coding("stage_value", "stage")))),
            ("method", _method()),
            ("hasMember", members),
        ])


class TumorSizeBuilder(Builder):
    """Largest diameter before treatment (item 8.11), in mm (mcode-tumor-size-units-vs)."""

    name = "tumor-size"
    resource_type = "Observation"
    table = "cancer"
    key = "cancer_id"
    suffix = "-tumor-size"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.is_valid(t.column("tumor_size_mm"))

    def template(self, ctx: Context) -> Node:
        methods = {k: concept(v) for k, v in load_maps()["tumor_size_method"].items()}
        mm = {"unit": "mm", "system": system("ucum"), "code": "mm"}
        quantity = Obj([("value", Num("tumor_size_mm")), *mm.items()])
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("identifier", identifier(ctx, "cancer", "cancer_id")),
            ("status", "final"),
            ("code", {"coding": [{"system": system("loinc"), "code": "21889-1",
                                  "display": "Size Tumor"}]}),
            ("subject", ref("Patient", "patient_id")),
            ("focus", Arr(ref("BodyStructure", "cancer_id", "-tumor"))),
            ("effectiveDateTime", date("tumor_size_date")),
            ("method", Lookup("tumor_size_method", methods)),
            ("component", Arr(Obj(code=Const({"coding": [{"system": system("loinc"),
                                                           "code": "33728-7"}]}),
                                  valueQuantity=quantity))),
        ])


class TumorBuilder(Builder):
    """The primary tumour as an mCODE Tumor (BodyStructure), for cancers with a measured size:
    TumorSize must focus on a Tumor (must-have-focus-or-specimen-invariant)."""

    name = "tumor"
    resource_type = "BodyStructure"
    table = "cancer"
    key = "cancer_id"
    suffix = "-tumor"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.and_(pc.is_valid(t.column("tumor_size_mm")), pc.is_valid(t.column("topography")))

    def template(self, ctx: Context) -> Node:
        lat = {k: concept(v) for k, v in load_maps()["laterality"].items()}
        type_ = {"coding": [{"system": "http://hl7.org/fhir/resource-types",
                             "code": "BodyStructure"}]}
        return Obj([
            ("resourceType", "BodyStructure"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(Obj(url=Const(MCODE + "mcode-related-condition"),
                                  valueReference=ref("Condition", "cancer_id")))),
            ("identifier", Arr(Obj([("use", "usual"), ("type", type_),
                                    ("system", ident_system(ctx.site_id, "cancer")),
                                    ("value", Str("cancer_id"))]))),
            ("location", Obj(coding=Arr(icdo3_coding("topography", "icdo3_topography")))),
            ("locationQualifier", When(has("laterality"), Arr(Lookup("laterality", lat)))),
            ("patient", ref("Patient", "patient_id")),
        ])

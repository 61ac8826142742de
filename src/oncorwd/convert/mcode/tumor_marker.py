"""TumorMarkerTest and GenomicVariant, from OSIRIS ``biomarker`` rows.

Routing: gene-level molecular tests (LOINC 69548-6 "Genetic variant assessment", or no LOINC
code with a gene in the biomarker catalogue) become GenomicVariant; every other result
(IHC receptors, PD-L1, MSI, serum markers…) a TumorMarkerTest coded with its LOINC test. The
result status travels as a coding of the OSIRIS closed list beside the mapped SNOMED CT / LOINC
answer, the free-text detail as ``note`` (TumorMarkerTest) or the conclusion-string component.
A TumorMarkerTest needs a value: a row with no number, status or detail is reported, not sent.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import Arr, Calc, Const, Lookup, Node, Num, Obj, Str, When
from oncorwd.convert.mcode.common import (
    Builder,
    Context,
    effective,
    has,
    identifier,
    not_in_map,
    osiris_coding,
    osiris_extension,
    ref,
)
from oncorwd.convert.mcode.condition import labels
from oncorwd.convert.mcode.maps import MCODE, coding, load_maps, profile, system
from oncorwd.terminology import biomarkers

__all__ = ["GenomicVariantBuilder", "TumorMarkerBuilder", "is_genomic"]

_LAB = [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                     "code": "laboratory"}]}]
GENETIC = "69548-6"
#: UCUM codes the OSIRIS units are written in already (anything else: ``unit`` text only).
UCUM_UNITS = ("%", "ng/mL", "U/mL", "U/L", "mg/L", "g/L", "ug/L", "mmol/L", "umol/L", "mg/dL")


@cache
def _genes() -> frozenset[str]:
    return frozenset(b.name for b in biomarkers() if b.genes)


def is_genomic(t: pa.Table) -> pa.Array:
    """Gene-level molecular tests (GenomicVariant) versus the rest (TumorMarkerTest)."""
    code = t.column("biomarker_code")
    gene = pc.is_in(t.column("biomarker_name"), value_set=pa.array(sorted(_genes()), pa.string()))
    molecular = pc.is_in(t.column("technique"), value_set=pa.array(["NGS", "PCR", "SANGER"]))
    no_code = pc.and_(pc.is_null(code), pc.and_(gene, pc.fill_null(molecular, False)))
    return pc.or_(pc.fill_null(pc.equal(code, GENETIC), False), no_code)


def _technique() -> Obj:
    return Obj(system=Const(system("technique")), code=Str("technique"))


def _status_codings(mapping_name: str) -> Arr:
    mapped = {k: coding(v) for k, v in load_maps()[mapping_name].items()}
    return Arr(Lookup("status", mapped), When(has("status"), osiris_coding("biomarker_status",
                                                                            "status")))


class TumorMarkerBuilder(Builder):
    name = "tumor-marker-test"
    resource_type = "Observation"
    table = "biomarker"
    key = "biomarker_id"

    def prepare(self, t: pa.Table) -> pa.Table:
        numeric = pc.is_valid(t.column("value_numeric"))
        return t.append_column("status_if_numeric", pc.if_else(
            numeric, t.column("status"), pa.scalar(None, pa.string())))

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.invert(is_genomic(t))

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        empty = pc.and_(pc.and_(pc.is_null(t.column("value_numeric")),
                                pc.is_null(t.column("status"))),
                        pc.is_null(t.column("result_detail")))
        return [(empty, "TumorMarkerTest.value[x] is required: no numeric value, status or "
                        "detail")]

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        no_loinc = pc.if_else(pc.is_null(t.column("biomarker_code")), t.column("biomarker_name"),
                              pa.scalar(None, pa.string()))
        return {"TumorMarkerTest.code (biomarker without LOINC code)": no_loinc}

    def template(self, ctx: Context) -> Node:
        unit_code = When(lambda t: pc.is_in(t.column("unit"), value_set=pa.array(UCUM_UNITS)),
                         Str("unit"))
        quantity = Obj([("value", Num("value_numeric")), ("unit", Str("unit")),
                        ("system", When(lambda t: pc.is_in(
                            t.column("unit"), value_set=pa.array(UCUM_UNITS)),
                            Const(system("ucum")))), ("code", unit_code)])
        loinc = When(has("biomarker_code"), Obj(system=Const(system("loinc")),
                                                code=Str("biomarker_code"),
                                                display=Lookup("biomarker_code", labels("loinc"))))
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(
                When(has("cancer_id"), Obj(url=Const(MCODE + "mcode-related-condition"),
                                           valueReference=ref("Condition", "cancer_id"))),
                osiris_extension(["biomarker_type", "specimen_nature",
                                  ("status", "status_if_numeric")]))),
            ("identifier", identifier(ctx, "biomarker", "biomarker_id")),
            ("status", "final"), ("category", _LAB),
            ("code", Obj(coding=Arr(loinc, When(has("biomarker_name"), Obj(
                system=Const(system("biomarker")), code=Str("biomarker_name")))),
                text=Str("biomarker_name"))),
            ("subject", ref("Patient", "patient_id")),
            *effective("result_date"),
            ("valueQuantity", When(has("value_numeric"), quantity)),
            ("valueCodeableConcept", When(lambda t: pc.and_(pc.is_null(t.column("value_numeric")),
                                                            pc.is_valid(t.column("status"))),
                                          Obj(coding=_status_codings("marker_value")))),
            ("valueString", When(lambda t: pc.and_(pc.is_null(t.column("value_numeric")),
                                                   pc.is_null(t.column("status"))),
                                 Str("result_detail"))),
            ("note", When(has("result_detail"), Arr(Obj(text=Str("result_detail"))))),
            ("method", When(has("technique"), Obj(coding=Arr(_technique())))),
            ("specimen", When(has("sample_id"), ref("Specimen", "sample_id"))),
        ])


def _component(loinc: str, value_key: str, value: Node, tbd: bool = False) -> Obj:
    code_system = ("http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs" if tbd
                   else system("loinc"))
    return Obj([("code", {"coding": [{"system": code_system, "code": loinc}]}),
                (value_key, value)])


class GenomicVariantBuilder(Builder):
    name = "genomic-variant"
    resource_type = "Observation"
    table = "biomarker"
    key = "biomarker_id"

    def keep(self, t: pa.Table) -> pa.Array:
        return is_genomic(t)

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {"GenomicVariant gene-studied (no verified HGNC id)":
                not_in_map(t, "biomarker_name", "hgnc")}

    def template(self, ctx: Context) -> Node:
        maps = load_maps()
        hgnc = {k: {"system": system("hgnc"), "code": v["code"], "display": k}
                for k, v in maps["hgnc"].items()}
        methods = {k: coding(v) for k, v in maps["variant_method"].items()}
        sources = {k: {"coding": [coding(v)]} for k, v in maps["genomic_source"].items()}
        gene = Obj(coding=Arr(Lookup("biomarker_name", hgnc)), text=Str("biomarker_name"))
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(osiris_extension(["cancer_id", "specimen_nature",
                                                "value_numeric", "unit"]))),
            ("identifier", identifier(ctx, "biomarker", "biomarker_id")),
            ("status", "final"), ("category", _LAB),
            ("code", {"coding": [{"system": system("loinc"), "code": GENETIC,
                                  "display": "Genetic variant assessment"}]}),
            ("subject", ref("Patient", "patient_id")),
            *effective("result_date"),
            ("valueCodeableConcept", When(has("status"), Obj(
                coding=_status_codings("variant_value")))),
            ("method", When(has("technique"), Obj(coding=Arr(
                Lookup("technique", methods), _technique())))),
            ("specimen", When(has("sample_id"), ref("Specimen", "sample_id"))),
            ("component", Arr(
                When(has("biomarker_name"), _component("48018-6", "valueCodeableConcept", gene)),
                When(lambda t: pc.is_in(t.column("biomarker_type"), value_set=pa.array(
                    list(sources))), _component("48002-0", "valueCodeableConcept",
                                                       Lookup("biomarker_type", sources))),
                When(has("result_detail"), _component("conclusion-string", "valueString",
                                                      Str("result_detail"), tbd=True)))),
        ])

"""Comorbid conditions (OSIRIS ``comorbidity``, item 7) as US Core Conditions coded in WHO
ICD-10, and one mCODE Comorbidities observation per patient that lists them
(``comorbidConditionPresent`` references).

mCODE's comorbidity codes are SNOMED CT / ICD-10-CM; OSIRIS records WHO ICD-10 (PMSI), carried
with its own system (``http://hl7.org/fhir/sid/icd-10``) and counted in the unmapped report.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import Arr, Calc, Const, Lookup, Node, Obj, Str, fhir_id
from oncorwd.convert.mcode.common import Builder, Built, Context, date, identifier, ref
from oncorwd.convert.mcode.condition import labels
from oncorwd.convert.mcode.maps import MCODE, profile, system

__all__ = ["ComorbidConditionBuilder", "ComorbiditiesBuilder"]

US_CORE_CONDITION = ("http://hl7.org/fhir/us/core/StructureDefinition/"
                     "us-core-condition-problems-health-concerns")


class ComorbidConditionBuilder(Builder):
    name = "comorbid-condition"
    resource_type = "Condition"
    table = "comorbidity"
    key = "comorbidity_id"

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {"Comorbid Condition.code (WHO ICD-10, no SNOMED CT / ICD-10-CM)":
                t.column("code")}

    def template(self, ctx: Context) -> Node:
        return Obj([
            ("resourceType", "Condition"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [US_CORE_CONDITION]}),
            ("identifier", identifier(ctx, "comorbidity", "comorbidity_id")),
            ("clinicalStatus", {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                            "condition-clinical", "code": "active"}]}),
            ("verificationStatus", {"coding": [{"system": "http://terminology.hl7.org/"
                                                "CodeSystem/condition-ver-status",
                                                "code": "confirmed"}]}),
            ("category", [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                       "condition-category", "code": "problem-list-item"}]}]),
            ("code", Obj(coding=Arr(Obj(system=Const(system("icd10")), code=Str("code"),
                                        display=Lookup("code", labels("icd10")))))),
            ("subject", ref("Patient", "patient_id")),
            ("onsetDateTime", date("onset_date")),
        ])


class ComorbiditiesBuilder(Builder):
    """One Comorbidities observation per patient with at least one comorbidity row."""

    name = "comorbidities"
    resource_type = "Observation"
    table = "comorbidity"
    key = "patient_id"
    suffix = "-comorbidities"

    def build(self, t: pa.Table, ctx: Context) -> Built:
        refs = pc.binary_join_element_wise(
            '{"url":"' + MCODE + 'mcode-related-condition","valueReference":{"reference":'
            '"Condition/', fhir_id(t.column("comorbidity_id")), '"}}', "")
        grouped = pa.table({"patient_id": t.column("patient_id"), "ref": refs}).group_by(
            "patient_id", use_threads=False).aggregate([("ref", "list")])
        per_patient = grouped.append_column(
            "refs", pc.binary_join_element_wise("[", pc.binary_join(grouped["ref_list"], ","),
                                                "]", ""))
        return Built(self.resource_type, self.name, _render(self, ctx, per_patient),
                     per_patient.column("patient_id").combine_chunks(),
                     self.id_of(per_patient))

    def template(self, ctx: Context) -> Node:
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Calc(lambda t: t.column("refs"))),
            ("identifier", identifier(ctx, "comorbidity", "patient_id")),
            ("status", "final"),
            ("category", [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                       "observation-category", "code": "exam"}]}]),
            ("code", {"coding": [{"system": system("snomed"), "code": "398192003"}]}),
            ("subject", ref("Patient", "patient_id")),
        ])


def _render(builder: Builder, ctx: Context, t: pa.Table) -> pa.Array:
    from oncorwd.convert.mcode.columns import render

    return render(builder.template(ctx), t)

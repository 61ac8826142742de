"""CancerRelatedSurgicalProcedure (OSIRIS ``surgery``) and RadiotherapyCourseSummary
(``radiotherapy``).

Procedures are coded in CCAM in France; mCODE binds SNOMED CT/CPT/ICD-10-PCS (extensible) and no
verified CCAM -> SNOMED CT table exists here, so the CCAM coding and the procedure group travel as
the code with its text, and every CCAM code is counted in the unmapped report. The radiotherapy
modality (photons, protons, neutrons) is read from the CCAM act where its label says it. An act
done in the facility names the site's Organization as performer.
"""

from __future__ import annotations

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
    osiris_extension,
    ref,
)
from oncorwd.convert.mcode.condition import icdo3_coding, labels
from oncorwd.convert.mcode.maps import MCODE, concept, load_maps, profile, system

__all__ = ["RadiotherapyBuilder", "SurgeryBuilder"]


def _performer(ctx: Context) -> When:
    org = [{"actor": {"reference": f"Organization/{ctx.org_id}"}}]
    return When(lambda t: pc.equal(t.column("in_facility"), "IN"), Const(org))


def _ccam(column: str) -> Obj:
    return Obj(system=Const(system("ccam")), code=Str(column),
               display=Lookup(column, labels("ccam")))


def _act_label(t: pa.Table) -> pa.Array:
    """The CCAM label of the radiotherapy act (the technique's text when it has no code)."""
    names = labels("ccam")
    found = pc.take(pa.array(list(names.values())), pc.index_in(
        t.column("technique_code"), value_set=pa.array(list(names))))
    return pc.coalesce(found, t.column("technique_code"))


class SurgeryBuilder(Builder):
    name = "cancer-related-surgical-procedure"
    resource_type = "Procedure"
    table = "surgery"
    key = "surgery_id"

    def prepare(self, t: pa.Table) -> pa.Table:
        label = pc.take(pa.array(list(labels("ccam").values())), pc.index_in(
            t.column("procedure_code"), value_set=pa.array(list(labels("ccam")))))
        text = pc.coalesce(t.column("procedure_group"), label,
                           pa.scalar("Cancer-related surgical procedure"))
        return t.append_column("code_text", text)

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        return [(pc.is_null(t.column("procedure_date_year")),
                 "Procedure.performed[x] is required for a completed procedure (us-core-7): "
                 "no procedure date")]

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {"CancerRelatedSurgicalProcedure.code (CCAM, no SNOMED CT)":
                t.column("procedure_code")}

    def template(self, ctx: Context) -> Node:
        return Obj([
            ("resourceType", "Procedure"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(osiris_extension(["procedure_group", "in_facility"]))),
            ("identifier", identifier(ctx, "surgery", "surgery_id")),
            ("status", "completed"),
            ("code", Obj(coding=Arr(When(has("procedure_code"), _ccam("procedure_code"))),
                         text=Str("code_text"))),
            ("subject", ref("Patient", "patient_id")),
            ("performedDateTime", date("procedure_date")),
            ("performer", _performer(ctx)),
            ("reasonReference", When(has("cancer_id"), Arr(ref("Condition", "cancer_id")))),
        ])


class RadiotherapyBuilder(Builder):
    name = "radiotherapy-course-summary"
    resource_type = "Procedure"
    table = "radiotherapy"
    key = "radiotherapy_id"

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        return [(pc.is_null(t.column("start_date_year")),
                 "Procedure.performedPeriod is required for a completed course (us-core-7): "
                 "no start date")]

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {"RadiotherapyCourseSummary modality (CCAM act without a modality)":
                not_in_map(t, "technique_code", "rt_modality")}

    def template(self, ctx: Context) -> Node:
        maps = load_maps()
        modality = {k: concept(v) for k, v in maps["rt_modality"].items()}
        technique = {k: concept(v) for k, v in maps["rt_technique"].items() if k != "UNC"}
        known = pa.array(list(modality))
        mod_ext = When(lambda t: pc.is_in(t.column("technique_code"), value_set=known), Obj(
            url=Const(MCODE + "mcode-radiotherapy-modality-and-technique"),
            extension=Arr(Obj(url=Const(MCODE + "mcode-radiotherapy-modality"),
                              valueCodeableConcept=Lookup("technique_code", modality)),
                          Obj(url=Const(MCODE + "mcode-radiotherapy-technique"),
                              valueCodeableConcept=Lookup(
                                  "technique_code", technique,
                                  default=Obj(coding=Const(concept(maps["rt_technique"]["UNC"])[
                                      "coding"]), text=Str(Calc(_act_label))))))))
        start = date("start_date")
        return Obj([
            ("resourceType", "Procedure"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(mod_ext, osiris_extension(
                ["technique_code", "in_facility", "rt_dataset_link"]))),
            ("identifier", identifier(ctx, "radiotherapy", "radiotherapy_id")),
            ("status", "completed"),
            ("code", {"coding": [{"system": system("snomed"), "code": "1217123003"}],
                      "text": "Radiotherapy course of treatment"}),
            ("subject", ref("Patient", "patient_id")),
            ("performedPeriod", Obj(start=start)),
            ("performer", _performer(ctx)),
            ("reasonReference", When(has("cancer_id"), Arr(ref("Condition", "cancer_id")))),
            ("bodySite", When(has("irradiated_topography"), Arr(Obj(coding=Arr(icdo3_coding(
                "irradiated_topography", "icdo3_topography")))))),
        ])

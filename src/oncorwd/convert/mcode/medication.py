"""CancerRelatedMedicationAdministration, from OSIRIS ``drug_administration`` rows.

mCODE binds medications to RxNorm (extensible). OSIRIS codes ATC level 5: the RxNorm ingredient
is added only where ``maps.yaml`` holds a verified one; the ATC coding and the drug name always
travel (so a receiver without RxNorm still reads the drug), and unmapped ATC codes are counted.
A row without an administration date cannot be sent (``effective[x]`` is 1..1): it is reported.
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
from oncorwd.convert.mcode.condition import labels
from oncorwd.convert.mcode.maps import load_maps, profile, system

__all__ = ["MedicationBuilder"]

DRUG_EXTRAS = ["in_facility", "clinical_trial", "early_access", "treatment_line"]


class MedicationBuilder(Builder):
    name = "cancer-related-medication-administration"
    resource_type = "MedicationAdministration"
    table = "drug_administration"
    key = "drug_administration_id"

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        return [(pc.is_null(t.column("administration_date_year")),
                 "MedicationAdministration.effective[x] is required: no administration date")]

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {"MedicationAdministration.medication (ATC without verified RxNorm)":
                not_in_map(t, "atc_code", "rxnorm")}

    def template(self, ctx: Context) -> Node:
        rxnorm = {k: {"system": system("rxnorm"), "code": v["code"], "display": v["display"]}
                  for k, v in load_maps()["rxnorm"].items()}
        atc = Obj(system=Const(system("atc")), code=Str("atc_code"),
                  display=Lookup("atc_code", labels("atc")))
        return Obj([
            ("resourceType", "MedicationAdministration"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(osiris_extension(DRUG_EXTRAS))),
            ("identifier", identifier(ctx, "drug_administration", "drug_administration_id")),
            ("status", "completed"),
            ("medicationCodeableConcept", Obj(coding=Arr(Lookup("atc_code", rxnorm),
                                                         When(has("atc_code"), atc)),
                                              text=Str("drug_name"))),
            ("subject", ref("Patient", "patient_id")),
            ("effectiveDateTime", date("administration_date")),
            ("reasonReference", When(has("cancer_id"), Arr(ref("Condition", "cancer_id")))),
        ])

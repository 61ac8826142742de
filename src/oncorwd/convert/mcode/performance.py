"""ECOG performance status (mCODE) and body weight/height (FHIR vital-signs profiles), from
OSIRIS ``general_status`` rows.

OSIRIS stores the WHO/ECOG grade 0-4 (Karnofsky is converted at ingest with the guide's table),
so only the ECOG profile is produced; a PS that is not an integer 0-4 is reported. Weight and
height have no mCODE profile: they use the base FHIR ``bodyweight``/``bodyheight`` profiles
(LOINC 29463-7 / 8302-2, as in the mCODE patient-bundle example).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import Calc, Const, Lookup, Node, Num, Obj, Str
from oncorwd.convert.mcode.common import Builder, Context, effective, identifier, ref
from oncorwd.convert.mcode.maps import profile, system

__all__ = ["EcogBuilder", "VitalSignBuilder"]

_VITAL = "http://hl7.org/fhir/StructureDefinition/"
_CATEGORY = {"PS": "survey", "WEIGHT": "vital-signs", "HEIGHT": "vital-signs"}


def _category(kind: str) -> list[dict[str, object]]:
    return [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                         "code": _CATEGORY[kind]}]}]


class EcogBuilder(Builder):
    name = "ecog-performance-status"
    resource_type = "Observation"
    table = "general_status"
    key = "general_status_id"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.equal(t.column("measure_type"), "PS")

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        value = t.column("value")
        valid = pc.and_(pc.is_in(value, value_set=pa.array([0.0, 1.0, 2.0, 3.0, 4.0])),
                        pc.is_valid(t.column("measure_date_year")))
        return [(pc.invert(pc.fill_null(valid, False)),
                 "ECOG performance status needs an integer 0-4 and a date")]

    def template(self, ctx: Context) -> Node:
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("identifier", identifier(ctx, "general_status", "general_status_id")),
            ("status", "final"), ("category", _category("PS")),
            ("code", {"coding": [{"system": system("loinc"), "code": "89247-1"}]}),
            ("subject", ref("Patient", "patient_id")),
            *effective("measure_date"),
            ("valueInteger", Calc(lambda t: pc.cast(pc.cast(t.column("value"), pa.int64()),
                                                    pa.string()))),
        ])


class VitalSignBuilder(Builder):
    name = "vital-signs"
    resource_type = "Observation"
    table = "general_status"
    key = "general_status_id"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.is_in(t.column("measure_type"), value_set=pa.array(["WEIGHT", "HEIGHT"]))

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        missing = pc.or_(pc.is_null(t.column("value")), pc.is_null(t.column("measure_date_year")))
        return [(missing, "vital sign needs a value and a date")]

    def template(self, ctx: Context) -> Node:
        ucum = system("ucum")
        codes = {"WEIGHT": {"coding": [{"system": system("loinc"), "code": "29463-7"}]},
                 "HEIGHT": {"coding": [{"system": system("loinc"), "code": "8302-2"}]}}
        units = {"WEIGHT": "kg", "HEIGHT": "cm"}
        return Obj([
            ("resourceType", "Observation"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", Obj(profile=Lookup("measure_type", {
                "WEIGHT": [_VITAL + "bodyweight"], "HEIGHT": [_VITAL + "bodyheight"]}))),
            ("identifier", identifier(ctx, "general_status", "general_status_id")),
            ("status", "final"), ("category", _category("WEIGHT")),
            ("code", Lookup("measure_type", codes)),
            ("subject", ref("Patient", "patient_id")),
            *effective("measure_date"),
            ("valueQuantity", Obj([("value", Num("value")),
                                   ("unit", Lookup("measure_type", units)),
                                   ("system", Const(ucum)),
                                   ("code", Lookup("measure_type", units))])),
        ])

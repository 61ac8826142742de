"""CancerDiseaseStatus, from OSIRIS ``progression`` rows and the tumour events that are not
metastases (local recurrence, haematological relapse, transformation: ``tumor_event`` types
1, 3, 4; metastases are SecondaryCancerConditions).

Progression under treatment = Y is "condition worsened", N "condition stable" (mcode-condition-
status-trend-vs); a tumour event is a worsening whose event type travels in osiris-source.
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
    osiris_extension,
    ref,
)
from oncorwd.convert.mcode.maps import concept, load_maps, profile

__all__ = ["ProgressionStatusBuilder", "TumorEventStatusBuilder"]

_CODE = {"coding": [{"system": "http://loinc.org", "code": "97509-4",
                     "display": "Cancer Disease Progression"}]}


def _status(ctx: Context, builder: Builder, table: str, value: Node, date_stem: str,
            extras: list[str | tuple[str, str]]) -> Obj:
    return Obj([
        ("resourceType", "Observation"), ("id", Str(Calc(builder.id_of), safe=True)),
        ("meta", {"profile": [profile("cancer-disease-status")]}),
        ("extension", Arr(osiris_extension(extras))),
        ("identifier", identifier(ctx, table, builder.key)),
        ("status", "final"), ("code", _CODE),
        ("subject", ref("Patient", "patient_id")),
        ("focus", When(has("cancer_id"), Arr(ref("Condition", "cancer_id")))),
        ("effectiveDateTime", date(date_stem)),
        ("valueCodeableConcept", value),
    ])


class ProgressionStatusBuilder(Builder):
    name = "cancer-disease-status"
    resource_type = "Observation"
    table = "progression"
    key = "progression_id"

    def unrepresentable(self, t: pa.Table) -> list[tuple[pa.Array, str]]:
        return [(pc.is_null(t.column("progression")),
                 "CancerDiseaseStatus.value: progression not stated")]

    def template(self, ctx: Context) -> Node:
        trend = load_maps()["disease_status"]
        value = Lookup("progression", {"Y": concept(trend["worsened"]),
                                       "N": concept(trend["stable"])})
        return _status(ctx, self, "progression", value, "progression_date", [])


class TumorEventStatusBuilder(Builder):
    name = "cancer-disease-status"
    resource_type = "Observation"
    table = "tumor_event"
    key = "tumor_event_id"

    def keep(self, t: pa.Table) -> pa.Array:
        return pc.invert(pc.fill_null(pc.equal(t.column("event_type"), "2"), False))

    def template(self, ctx: Context) -> Node:
        worse = Const(concept(load_maps()["disease_status"]["worsened"]))
        extras: list[str | tuple[str, str]] = [
            "event_type", "diagnosis_method", "morphology", ("diagnosis_date", "diagnosis_date*"),
            ("metastasis_date", "metastasis_date*"), "metastasis_topography"]
        return _status(ctx, self, "tumor_event", worse, "mention_date", extras)

"""CancerPatient (OSIRIS ``patient`` + ``vital_status``) and the site's Organization.

No name or address is stored in OSIRIS RWD (pseudonymised data): US Core's 1..* ``name`` is
filled with the data-absent-reason ``masked`` extension, which invariant us-core-6 allows.
``deceasedDateTime`` keeps the partial date's precision; a death without a date is
``deceasedBoolean: true``. The feeding facility (item 1.2) is a logical reference (identifier).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import Arr, Bool, Calc, Const, Lookup, Node, Obj, Str, When
from oncorwd.convert.mcode.common import (
    Builder,
    Context,
    date,
    has,
    identifier,
    osiris_extension,
)
from oncorwd.convert.mcode.maps import load_maps, profile, system

__all__ = ["OrganizationBuilder", "PatientBuilder"]

#: vital_status items without a Patient element (4.2-4.5), so the import can rebuild the row.
VITAL_EXTRAS: list[str | tuple[str, str]] = [
    "vital_status_source", ("update_date", "update_date*"),
    ("last_visit_date", "last_visit_date*"), ("last_contact_date", "last_contact_date*")]
_MASKED = {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                          "valueCode": "masked"}]}


def _dead_with_date(t: pa.Table) -> pa.Array:
    dead = pc.equal(t.column("vital_status"), "1")
    return pc.and_(dead, pc.is_valid(t.column("death_date_year")))


class PatientBuilder(Builder):
    name = "cancer-patient"
    resource_type = "Patient"
    table = "patient"
    key = "patient_id"
    sql = ("SELECT p.*, v.vital_status, v.vital_status_source, "
           + ", ".join(f"v.{d}_{part}" for d in ("death_date", "update_date", "last_visit_date",
                                                  "last_contact_date")
                       for part in ("year", "month", "day"))
           + " FROM patient p LEFT JOIN vital_status v ON v.patient_id = p.patient_id")

    def template(self, ctx: Context) -> Node:
        gender = {k: v["code"] for k, v in load_maps()["gender"].items()}
        deceased_bool = Bool(lambda t: pc.equal(t.column("vital_status"), "1"))
        return Obj([
            ("resourceType", "Patient"),
            ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(osiris_extension(VITAL_EXTRAS))),
            ("identifier", identifier(ctx, "patient", "patient_id")),
            ("name", [_MASKED]),
            ("gender", Lookup("sex", gender, default=Const("unknown"))),
            ("birthDate", date("birth_date")),
            ("deceasedDateTime", When(_dead_with_date, date("death_date"))),
            ("deceasedBoolean", When(lambda t: pc.invert(_dead_with_date(t)),
                                     When(has("vital_status"), deceased_bool))),
            ("managingOrganization", When(has("facility_finess"), Obj(identifier=Obj(
                system=Const(system("finess")), value=Str("facility_finess"))))),
        ])


class OrganizationBuilder:
    """The site (FINESS) as one Organization: the performer of in-facility procedures."""

    resource_type = "Organization"

    def resource(self, ctx: Context) -> dict[str, object]:
        return {"resourceType": "Organization", "id": ctx.org_id,
                "identifier": [{"system": system("finess"), "value": ctx.site_id}],
                "active": True, "name": f"FINESS {ctx.site_id}"}

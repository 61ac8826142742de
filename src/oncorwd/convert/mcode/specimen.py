"""HumanSpecimen, from OSIRIS ``sample`` rows (tumour and healthy tissue, fluids kept in a
pathology lab or biobank).

``Specimen.type`` (extensible, HL7 v2 table 0487): tumour tissue is ``TUMOR`` and healthy tissue
``TISS``; the OSIRIS sample type (surgical, biopsy, cytology, fluid) travels as a second coding of
its closed list. The sampling site is an ICD-O-3 topography in ``collection.bodySite``.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from oncorwd.convert.mcode.columns import Arr, Calc, Lookup, Node, Obj, Str, When
from oncorwd.convert.mcode.common import (
    Builder,
    Context,
    date,
    has,
    identifier,
    osiris_coding,
    osiris_extension,
    ref,
)
from oncorwd.convert.mcode.condition import icdo3_coding
from oncorwd.convert.mcode.maps import coding, load_maps, profile

__all__ = ["SpecimenBuilder"]


class SpecimenBuilder(Builder):
    name = "human-specimen"
    resource_type = "Specimen"
    table = "sample"
    key = "sample_id"

    def prepare(self, t: pa.Table) -> pa.Table:
        text = pc.coalesce(t.column("sample_type"), t.column("sample_nature"),
                           pa.scalar("UNKNOWN"))
        return t.append_column("type_text", text)

    def unmapped(self, t: pa.Table) -> dict[str, pa.Array]:
        return {"HumanSpecimen.type (no v2-0487 code: tissue nature unknown)": pc.if_else(
            pc.is_null(t.column("sample_nature")), t.column("type_text"),
            pa.scalar(None, pa.string()))}

    def template(self, ctx: Context) -> Node:
        v2 = {k: coding(v) for k, v in load_maps()["specimen_type"].items()}
        return Obj([
            ("resourceType", "Specimen"), ("id", Str(Calc(self.id_of), safe=True)),
            ("meta", {"profile": [profile(self.name)]}),
            ("extension", Arr(osiris_extension(["cancer_id", "storage_location",
                                                "sample_nature"]))),
            ("identifier", identifier(ctx, "sample", "sample_id")),
            ("type", Obj(coding=Arr(Lookup("sample_nature", v2), When(
                has("sample_type"), osiris_coding("sample_type", "sample_type"))),
                text=Str("type_text"))),
            ("subject", ref("Patient", "patient_id")),
            ("collection", Obj(collectedDateTime=date("sampling_date"), bodySite=When(
                has("sample_topography"), Obj(coding=Arr(icdo3_coding(
                    "sample_topography", "icdo3_topography")))))),
        ])

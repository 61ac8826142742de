"""Every code emitted (and every code declared in the parameters) is a real code of its system,
checked against oncorwd.terminology; and every table passes the store's batch validation."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from oncorwd.dictionary import load_dictionary
from oncorwd.synth import load_params, mds_tables

terminology = pytest.importorskip("oncorwd.terminology")

ENTITIES = mds_tables()


def _coded_fields():
    for e in (load_dictionary().entity(name) for name in ENTITIES):
        for f in e.fields:
            if f.type == "code" and f.code_system:
                yield e.name, f.name, f.code_system


@pytest.mark.parametrize(("table", "field", "system"), list(_coded_fields()))
def test_emitted_codes_are_valid(network, table, field, system):
    values = set()
    for site in network:
        values |= set(pc.unique(site.tables[table].column(field)).drop_null().to_pylist())
    cs = terminology.get_code_system(system)
    bad = sorted(v for v in values if not cs.validate(v))
    assert not bad, f"{table}.{field}: invalid {system} codes {bad}"


def _declared_codes() -> dict[str, set[str]]:
    p = load_params()
    out: dict[str, set[str]] = {k: set() for k in (
        "icdo3_topography", "icdo3_morphology", "ccam", "atc", "loinc", "icd10", "tnm_t",
        "tnm_n", "dicom_modality")}
    for c in p.cancers:
        out["icdo3_topography"] |= {t for t, *_ in c.topography} | {t for t, _ in c.metastasis}
        out["icdo3_topography"] |= {h.topography for h in c.histology if h.topography}
        out["icdo3_morphology"] |= {h.code for h in c.histology} | ({c.in_situ} - {None})
        out["ccam"] |= {code for code, *_ in c.surgery.codes if code}
        out["ccam"] |= {code for code, _ in c.radiotherapy.codes}
        out["dicom_modality"] |= {*c.imaging.workup, c.imaging.followup, c.imaging.advanced}
    out["atc"] = {code for code, _ in p.regimens.drugs.values()}
    out["loinc"] = {m.loinc for m in p.biomarkers.markers.values()}
    out["icd10"] = {c["code"] for c in p.background["comorbidities"]}
    out["icdo3_topography"] |= {s for s, *_ in p.background["family_history"]["sites"]}
    for family in p.background["tnm"].values():
        for key, rows in family.items():
            if key != "t_size":
                out["tnm_t"] |= {t for t, _, _ in rows}
                out["tnm_n"] |= {n for _, n, _ in rows}
    return out


@pytest.mark.parametrize("system", sorted(_declared_codes()))
def test_declared_codes_are_valid(system):
    cs = terminology.get_code_system(system)
    bad = sorted(c for c in _declared_codes()[system] if not cs.validate(c))
    assert not bad, f"invalid {system} codes declared in synth/data: {bad}"


def test_atc_codes_are_current_level_5():
    """Post-2022 L01 codes (e.g. osimertinib L01EB04, not the retired L01XE35)."""
    cs = terminology.get_code_system("atc")
    for code in _declared_codes()["atc"]:
        assert len(code) == 7, code
        if hasattr(cs, "current"):
            assert cs.current(code) == code, f"{code} is retired"


def test_site_ids_are_finess(network):
    cs = terminology.get_code_system("finess")
    assert all(cs.validate(site.spec.site_id) for site in network)


@pytest.mark.parametrize("name", ENTITIES)
def test_tables_pass_the_store_batch_validation(network, name):
    from oncorwd.dictionary.validate import prepare_batch

    for site in network:
        prepared = prepare_batch(name, site.tables[name], site_id=site.spec.site_id)
        assert prepared.num_rows == site.tables[name].num_rows

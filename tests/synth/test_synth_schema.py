"""Every table conforms to the dictionary: schema, required fields, value sets, identifiers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from oncorwd.dictionary import arrow_schema, columns, load_dictionary
from oncorwd.synth import fill_derived_dates, mds_tables

ENTITIES = mds_tables()


def test_all_eighteen_tables(network):
    assert len(ENTITIES) == 18
    for site in network:
        assert list(site.tables) == ENTITIES


@pytest.mark.parametrize("name", ENTITIES)
def test_schema_is_exactly_the_dictionary_schema(network, name):
    entity = load_dictionary().entity(name)
    for site in network:
        t = site.tables[name]
        assert t.schema.equals(arrow_schema(entity)), name
        assert t.num_rows > 0, f"{site.spec.code}: {name} is empty"


@pytest.mark.parametrize("name", ENTITIES)
def test_required_fields_filled_and_derived_dates_left_to_the_store(network, name):
    entity = load_dictionary().entity(name)
    for site in network:
        t = site.tables[name]
        for c in columns(entity):
            col = t.column(c.name)
            if c.role in ("derived_date", "precision") or c.name == "data_version":
                assert col.null_count == len(col), f"{name}.{c.name} should be left null"
        for f in entity.fields:
            if not f.required or f.name == "data_version":
                continue
            present = f"{f.name}_year" if f.type in ("date", "datetime") else f.name
            assert t.column(present).null_count == 0, f"{name}.{f.name} is required"


@pytest.mark.parametrize("name", ENTITIES)
def test_enum_values_in_their_value_sets(network, name):
    d = load_dictionary()
    entity = d.entity(name)
    for site in network:
        t = site.tables[name]
        for f in entity.fields:
            if f.type == "enum" and f.value_set:
                values = set(pc.unique(t.column(f.name)).drop_null().to_pylist())
                assert values <= set(d.value_set(f.value_set).codes), (name, f.name, values)


def test_partial_date_parts_well_formed(network):
    months = {f"{m:02d}" for m in range(1, 13)} | {"UN"}
    days = {f"{x:02d}" for x in range(1, 32)} | {"UN"}
    for site in network:
        for name, t in site.tables.items():
            for c in columns(load_dictionary().entity(name)):
                values = set(pc.unique(t.column(c.name)).drop_null().to_pylist())
                if c.role == "month":
                    assert values <= months
                if c.role == "day":
                    assert values <= days
                if c.role == "time":
                    assert all(len(v) == 5 and v[2] == ":" for v in values)


def test_unknown_date_parts_at_realistic_rates(network):
    site = network[1]
    day = site.tables["cancer"].column("diagnosis_date_day").to_numpy(zero_copy_only=False)
    unknown = np.mean(day == "UN")
    assert 0.01 < unknown < 0.12
    onset = site.tables["comorbidity"].column("onset_date_month").to_numpy(zero_copy_only=False)
    assert 0.01 < np.mean(onset == "UN") < 0.08
    admin = site.tables["drug_administration"].column("administration_date_day")
    assert pc.sum(pc.equal(admin, "UN")).as_py() in (0, None)


def test_identifiers_unique_and_prefixed_with_the_site_code(network):
    for site in network:
        prefix = f"{site.spec.code}-"
        for name, t in site.tables.items():
            key = load_dictionary().entity(name).key
            ids = t.column(key)
            assert pc.count_distinct(ids).as_py() == t.num_rows, name
            assert pc.all(pc.starts_with(ids, prefix)).as_py(), name
            assert pc.all(pc.equal(t.column("site_id"), site.spec.site_id)).as_py()


def test_source_types_realistic(network):
    t = pa.concat_tables([s.tables["drug_administration"] for s in network])
    counts = pc.value_counts(t.column("source_type")).to_pylist()
    share = {c["values"]: c["counts"] / t.num_rows for c in counts}
    assert share["1"] > 0.8 and set(share) <= {"1", "2", "3", "4", "5"}
    surgery = pa.concat_tables([s.tables["surgery"] for s in network])
    assert set(pc.unique(surgery.column("source_type")).to_pylist()) >= {"1", "4"}


def test_fill_derived_dates_applies_the_dictionary_rule():
    from oncorwd.synth.arrow import build_table

    t = build_table("comorbidity", {
        "comorbidity_id": pa.array(["a", "b", "c"]), "patient_id": pa.array(["p"] * 3),
        "code": pa.array(["I10"] * 3), "onset_date_year": pa.array([2020, 2021, 2022], pa.int16()),
        "onset_date_month": pa.array(["03", "04", "UN"]),
        "onset_date_day": pa.array(["09", "UN", "UN"]),
    }, 3, {"site_id": "750000001"})
    out = fill_derived_dates(t, "comorbidity")
    assert out.schema.equals(t.schema)
    assert [str(d) for d in out.column("onset_date").to_pylist()] == [
        "2020-03-09", "2021-04-15", "2022-07-01"]
    assert out.column("onset_date_precision").to_pylist() == ["D", "M", "Y"]


def test_fill_derived_dates_on_datetimes(network):
    t = fill_derived_dates(network[0].tables["imaging"], "imaging")
    stamp = t.column("exam_date")
    assert stamp.type == pa.timestamp("us") and stamp.null_count == 0
    timed = pc.is_valid(t.column("exam_date_time"))
    first = pc.filter(t, timed).slice(0, 1).to_pylist()[0]
    assert first["exam_date"].strftime("%H:%M") == first["exam_date_time"]

"""Referential integrity and date plausibility: birth <= diagnosis <= treatments and events
<= death <= cut-off; death only for deceased patients; last visit <= cut-off."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from synth_helpers import column, earliest_day, latest_day, to_days

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.dictionary.validate import integrity_problems, integrity_query
from oncorwd.synth import fill_derived_dates, mds_tables
from oncorwd.synth.arrow import day_number

EVENT_DATES = [
    ("tumor_event", "mention_date"), ("tumor_event", "metastasis_date"),
    ("tumor_event", "diagnosis_date"), ("general_status", "measure_date"),
    ("surgery", "procedure_date"), ("drug_administration", "administration_date"),
    ("radiotherapy", "start_date"), ("progression", "progression_date"),
    ("imaging", "exam_date"), ("sample", "sampling_date"), ("biomarker", "result_date"),
]


def test_references_resolve(network):
    for site in network:
        patients = site.tables["patient"].column("patient_id")
        cancers = site.tables["cancer"].column("cancer_id")
        samples = site.tables["sample"].column("sample_id")
        for e in (load_dictionary().entity(name) for name in mds_tables()):
            t = site.tables[e.name]
            for f in e.fields:
                if not f.references:
                    continue
                target = {"patient_id": patients, "cancer_id": cancers,
                          "sample_id": samples}[f.references.split(".")[1]]
                values = pc.drop_null(t.column(f.name))
                assert pc.all(pc.is_in(values, target)).as_py() in (True, None), (e.name, f.name)


def test_one_row_per_patient_tables(network):
    for site in network:
        n = site.spec.n_patients
        for name in ("patient", "non_opposition", "risk_factor", "vital_status"):
            assert site.tables[name].num_rows == n
        assert site.truth.num_rows == n


def test_store_integrity_checks_pass(network):
    """The store's own cross-table rules (references, chronology around birth and death)."""
    for site in network:
        con = duckdb.connect()
        for name, t in site.tables.items():
            t = fill_derived_dates(t, name)
            i = t.schema.get_field_index("data_version")
            t = t.set_column(i, t.schema.field(i), pa.array(np.ones(t.num_rows, np.int32)))
            con.register(name, t)
        for e in load_dictionary().entities:
            if e.name not in site.tables:  # derived tables (cohort variables): built at ingest
                con.register(e.name, arrow_schema(e).empty_table())
        rows = con.execute(integrity_query(1, limit=100)).fetchall()
        assert not integrity_problems(rows), integrity_problems(rows)[:5]


def _patient_days(site, table: str, field: str, which: str) -> tuple[np.ndarray, np.ndarray]:
    t = site.tables[table]
    day, present = (latest_day if which == "latest" else earliest_day)(t, field)
    ids = site.tables["patient"].column("patient_id").to_pylist()
    pos = {p: i for i, p in enumerate(ids)}
    row_patient = np.array([pos[p] for p in t.column("patient_id").to_pylist()])
    return row_patient[present], day[present]


@pytest.mark.parametrize(("table", "field"), EVENT_DATES)
def test_events_between_diagnosis_and_end_of_follow_up(network, table, field):
    for site in network:
        diag_earliest, _ = earliest_day(site.tables["cancer"], "diagnosis_date")
        order = column(site, "cancer", "cancer_id")
        index = np.char.endswith(order.astype(str), "1")
        dx = diag_earliest[index]
        cutoff = day_number(site.spec.cutoff.isoformat())
        death, died = latest_day(site.tables["vital_status"], "death_date")
        end = np.where(died, death, cutoff)
        p, latest = _patient_days(site, table, field, "latest")
        p2, earliest = _patient_days(site, table, field, "earliest")
        assert np.all(latest >= dx[p]), f"{table}.{field} before diagnosis"
        assert np.all(earliest <= end[p2]), f"{table}.{field} after death or cut-off"


def test_vital_status_consistent(network):
    for site in network:
        vs = site.tables["vital_status"]
        cutoff = day_number(site.spec.cutoff.isoformat())
        dead = column(site, "vital_status", "vital_status") == "1"
        has_death = pc.is_valid(vs.column("death_date_year")).to_numpy(zero_copy_only=False)
        assert np.array_equal(dead, has_death), "death date only (and always) for deceased"
        last, _ = latest_day(vs, "last_visit_date")
        death, _ = earliest_day(vs, "death_date")
        assert np.all(last <= cutoff)
        assert np.all(last[dead] <= death[dead])
        update, _ = earliest_day(vs, "update_date")
        assert np.all(update[dead] >= death[dead]) and np.all(update <= cutoff)
        birth, _ = latest_day(site.tables["patient"], "birth_date")
        dx, _ = earliest_day(site.tables["cancer"], "diagnosis_date")
        first = np.char.endswith(column(site, "cancer", "cancer_id").astype(str), "1")
        assert np.all(birth <= dx[first])


def test_last_visit_after_every_facility_event(network):
    site = network[0]
    last, _ = latest_day(site.tables["vital_status"], "last_visit_date")
    inside = column(site, "drug_administration", "in_facility") == "IN"
    p, day = _patient_days(site, "drug_administration", "administration_date", "earliest")
    assert np.all(day[inside] <= last[p[inside]])


def test_truth_dates_consistent(network):
    for site in network:
        tr = site.truth
        dx = tr.column("diagnosis_date").cast(pa.int32()).to_numpy()
        censor = tr.column("censor_date").cast(pa.int32()).to_numpy()
        death = tr.column("death_date_true").cast(pa.int32()).to_numpy()
        event = tr.column("os_event").to_numpy(zero_copy_only=False)
        os_days = tr.column("os_days").to_numpy()
        assert np.all(death > dx) and np.all(censor >= dx)
        assert np.array_equal(event, death <= censor)
        assert np.array_equal(dx + os_days, np.minimum(death, censor))
        assert np.all(censor <= day_number(site.spec.cutoff.isoformat()))


def test_second_primaries_and_cancer_order(network):
    for site in network:
        cancer = site.tables["cancer"]
        n = site.spec.n_patients
        extra = cancer.num_rows - n
        assert 0.03 * n < extra < 0.07 * n
        order = column(site, "cancer", "cancer_order")
        assert set(np.unique(order)) == {1, 2}
        assert np.sum(order == 2) == extra


def test_to_days_helper():
    assert to_days(np.array([1970]), np.array([1]), np.array([2]))[0] == 1

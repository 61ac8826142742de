"""Public API, default network and ground truth."""

from __future__ import annotations

import datetime as dt

import orjson

import oncorwd.synth as synth
from oncorwd.synth import default_network, finess_number, load_params


def test_public_api():
    for name in ("SiteSpec", "Missingness", "default_network", "generate_site",
                 "iter_site_chunks", "write_site", "SyntheticSite", "fill_derived_dates"):
        assert name in synth.__all__ and hasattr(synth, name)


def test_default_network_sites_differ():
    specs = default_network(7, 1234, 42)
    assert [s.code for s in specs] == [f"S{i:02d}" for i in range(1, 8)]
    assert len({s.site_id for s in specs}) == 7
    assert all(len(s.site_id) == 9 and s.site_id.isdigit() for s in specs)
    assert all(s.n_patients == 1234 for s in specs)
    assert len({s.case_mix for s in specs[:5]}) == 5
    assert len({s.cutoff for s in specs}) > 1
    assert len({s.missingness for s in specs}) == 7
    assert all(s.cutoff <= dt.date(2026, 11, 29) for s in specs)
    assert len({s.name for s in specs}) == 7
    assert all(s.name.replace("-", "").isalnum() and s.label for s in specs)
    assert default_network(3, 10, 42) == default_network(3, 10, 42)


def test_finess_key():
    number = finess_number(75, 12345)
    assert number.startswith("75012345") and len(number) == 9
    digits = [int(c) for c in number]
    total = sum(d if i % 2 == 0 else (2 * d - 9 if 2 * d > 9 else 2 * d)
                for i, d in enumerate(reversed(digits)))
    assert total % 10 == 0


def test_ground_truth_records_parameters(network):
    gt = network[0].ground_truth
    orjson.dumps(gt)
    assert gt["cutoff_date"] == network[0].spec.cutoff.isoformat()
    assert gt["covariates"]["age_per_10y"]["hr"] == 1.3
    names = {e["name"] for e in gt["effects"]}
    assert {"osimertinib_1l_egfr_nsclc", "breast_triple_negative"} <= names
    osi = next(e for e in gt["effects"] if e["name"] == "osimertinib_1l_egfr_nsclc")
    assert osi["os_hr"] == 0.6 and osi["pfs_hr"] == 0.46
    lung = gt["baseline"]["lung"]
    assert lung["os_by_stage"]["IV"]["median_months"] == 11
    assert lung["os_by_stage"]["IV"]["scale_days"] > 0
    assert abs(sum(gt["case_mix"].values()) - 1) < 1e-9
    assert gt["summary"]["patients"] == network[0].spec.n_patients
    assert gt["summary"]["row_counts"]["drug_administration"] == \
        network[0].tables["drug_administration"].num_rows


def test_truth_table_per_patient(network):
    tr = network[0].truth
    assert tr.num_rows == network[0].spec.n_patients
    for e in load_params().effects.effects:
        assert f"effect_{e.name}" in tr.column_names
    assert {"os_true_days", "os_days", "os_event", "censor_date", "line1_regimen",
            "pfs1_true_days", "lp_os"} <= set(tr.column_names)

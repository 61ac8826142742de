"""Declared parameters show in the data: case mix, objectors, histology, stage, biomarkers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from synth_helpers import column

from oncorwd.synth import SiteSpec, load_params


def _share(values: np.ndarray, of: np.ndarray | None = None) -> float:
    values = values if of is None else values[of]
    return float(np.mean(values)) if len(values) else float("nan")


def test_case_mix_matches_site_weights(network):
    params = load_params()
    for site in network:
        w = site.spec.weights(params)
        kinds = site.truth.column("cancer_type").to_numpy(zero_copy_only=False)
        n = len(kinds)
        for key, p in zip([c.key for c in params.cancers], w, strict=True):
            observed = np.mean(kinds == key)
            assert abs(observed - p) < 4 * np.sqrt(p * (1 - p) / n) + 1e-3, (site.spec.code, key)


def test_sites_have_different_case_mix(network):
    shares = [np.mean(s.truth.column("cancer_type").to_numpy(zero_copy_only=False) == "breast")
              for s in network]
    assert shares[0] > 2 * shares[2]
    lung = [np.mean(s.truth.column("cancer_type").to_numpy(zero_copy_only=False) == "lung")
            for s in network]
    assert lung[2] > 2 * lung[0]


def test_about_two_percent_object(network):
    for site in network:
        no = column(site, "non_opposition", "non_opposition") == "N"
        assert 0.008 < no.mean() < 0.035
        dated = pc.is_valid(site.tables["non_opposition"].column("opposition_date_year"))
        assert np.array_equal(no, dated.to_numpy(zero_copy_only=False))
        informed = column(site, "non_opposition", "information") == "Y"
        assert informed.mean() > 0.9


def test_sex_and_age_by_cancer(single_cancer_site):
    breast = single_cancer_site("breast", 20000).truth.to_pandas()
    assert (breast.sex == "F").mean() > 0.97
    assert 58 < breast.age_at_diagnosis.mean() < 66
    prostate = single_cancer_site("prostate", 20000).truth.to_pandas()
    assert (prostate.sex == "M").all()
    assert 66 < prostate.age_at_diagnosis.mean() < 72


def test_lung_histology_and_stage(single_cancer_site):
    site = single_cancer_site("lung", 20000)
    morph = column(site, "cancer", "morphology")[: site.spec.n_patients]
    values, counts = np.unique(morph, return_counts=True)
    assert values[np.argmax(counts)] == "8140/3"
    share = dict(zip(values, counts / counts.sum(), strict=True))
    assert 0.42 < share["8140/3"] < 0.54 and 0.2 < share["8070/3"] < 0.29
    assert 0.1 < share["8041/3"] < 0.17
    m1 = site.truth.column("metastatic_at_diagnosis").to_numpy(zero_copy_only=False)
    assert 0.46 < m1.mean() < 0.54


def test_tnm_consistent_with_stage_and_m_flag(network):
    for site in network:
        c = site.tables["cancer"]
        stage = column(site, "cancer", "stage")
        m = column(site, "cancer", "tnm_m")
        t = column(site, "cancer", "tnm_t")
        assert set(stage[m == "1"]) <= {"IV", "UK"}
        staged_0 = (stage == "0") & pc.is_valid(c.column("tnm_t")).to_numpy(zero_copy_only=False)
        assert set(t[staged_0]) <= {"Tis", "Ta"}
        size = c.column("tumor_size_mm").to_numpy(zero_copy_only=False)
        assert np.nanmin(size) >= 0 and np.nanmax(size) <= 300


def _tested(site, loinc: str, detail_prefix: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per tested patient (first result): positive flag."""
    b = site.tables["biomarker"]
    mask = pc.equal(b.column("biomarker_code"), loinc)
    if detail_prefix:
        mask = pc.and_(mask, pc.starts_with(pc.fill_null(b.column("result_detail"), ""),
                                            detail_prefix))
    sub = b.filter(mask).filter(pc.is_in(b.filter(mask).column("status"),
                                         pa.array(["POSITIVE", "NEGATIVE"])))
    patients = sub.column("patient_id").to_numpy(zero_copy_only=False)
    status = sub.column("status").to_numpy(zero_copy_only=False) == "POSITIVE"
    _, first = np.unique(patients, return_index=True)
    return patients[first], status[first]


@pytest.mark.parametrize(("marker", "loinc", "expected"), [
    ("ER", "85337-4", 0.76), ("PR", "85339-0", 0.65), ("HER2", "48676-1", 0.156)])
def test_breast_receptor_prevalence(single_cancer_site, marker, loinc, expected):
    _, pos = _tested(single_cancer_site("breast", 20000), loinc)
    assert abs(pos.mean() - expected) < 0.03, (marker, pos.mean())


@pytest.mark.parametrize(("gene", "expected"), [
    ("EGFR", 0.11), ("ALK", 0.04), ("ROS1", 0.01), ("KRAS", 0.30), ("BRAF", 0.02)])
def test_nsclc_adenocarcinoma_drivers(single_cancer_site, gene, expected):
    site = single_cancer_site("lung", 20000)
    adeno = set(site.truth.filter(pc.equal(site.tables["cancer"].slice(
        0, site.spec.n_patients).column("morphology"), "8140/3")).column("patient_id").to_pylist())
    loinc = "47303-3" if gene == "ALK" else "69548-6"
    patients, pos = _tested(site, loinc, gene)
    keep = np.isin(patients, list(adeno))
    assert keep.sum() > 1000
    assert abs(pos[keep].mean() - expected) < max(0.02, 0.25 * expected), (gene, pos[keep].mean())


def test_pdl1_high_share(single_cancer_site):
    b = single_cancer_site("lung", 20000).tables["biomarker"]
    pdl1 = b.filter(pc.equal(b.column("biomarker_code"), "83052-1"))
    tps = pdl1.column("value_numeric").drop_null().to_numpy()
    assert 0.25 < np.mean(tps >= 50) < 0.36
    assert pdl1.column("result_detail").drop_null()[0].as_py().startswith("TPS ")


def test_colorectal_and_melanoma_markers(single_cancer_site):
    crc = single_cancer_site("colorectal", 20000)
    _, kras = _tested(crc, "69548-6", "KRAS")
    assert abs(kras.mean() - 0.40) < 0.04
    _, braf = _tested(crc, "69548-6", "BRAF")
    assert abs(braf.mean() - 0.10) < 0.03
    _, msi = _tested(crc, "81695-9")
    assert 0.06 < msi.mean() < 0.13
    mel = single_cancer_site("melanoma", 5000)
    _, braf = _tested(mel, "69548-6", "BRAF")
    assert abs(braf.mean() - 0.45) < 0.06
    details = set(mel.tables["biomarker"].column("result_detail").drop_null().to_pylist())
    assert "BRAF V600E" in details


def test_prostate_psa_numeric(single_cancer_site):
    b = single_cancer_site("prostate", 20000).tables["biomarker"]
    psa = b.filter(pc.equal(b.column("biomarker_code"), "2857-1"))
    assert psa.num_rows > 15000
    assert set(psa.column("unit").drop_null().to_pylist()) == {"ng/mL"}
    assert 4 < np.median(psa.column("value_numeric").drop_null().to_numpy()) < 40


def test_samples_for_about_half_the_patients(network):
    for site in network:
        sampled = pc.count_distinct(site.tables["sample"].column("patient_id")).as_py()
        rate = site.spec.missingness.sample_rate
        assert 0.6 * rate < sampled / site.spec.n_patients < rate


def test_lost_to_follow_up_rate(network):
    for site in network:
        lost = site.truth.column("lost_to_follow_up").to_numpy(zero_copy_only=False).mean()
        assert abs(lost - site.spec.missingness.lost_to_follow_up) < 0.015


def test_risk_factors_and_comorbidities(network):
    site = network[2]
    smoking = column(site, "risk_factor", "smoking")
    assert set(smoking) <= {"Y", "N", "UN"} and (smoking == "UN").mean() > 0.05
    comorb = site.tables["comorbidity"]
    codes = set(comorb.column("code").to_pylist())
    assert {"I10", "E11", "J44"} <= codes
    fam = site.tables["family_history"]
    assert 0.1 < pc.count_distinct(fam.column("patient_id")).as_py() / site.spec.n_patients < 0.35


def test_general_status_values(network):
    gs = network[0].tables["general_status"]
    for kind, lo, hi in (("PS", 0, 4), ("WEIGHT", 30, 185), ("HEIGHT", 140, 206)):
        v = gs.filter(pc.equal(gs.column("measure_type"), kind)).column("value").to_numpy()
        assert len(v) and v.min() >= lo and v.max() <= hi, kind


def test_spec_weights_for_explicit_case_mix():
    import datetime as dt

    spec = SiteSpec(site_id="750000001", code="S01", name="x", n_patients=10,
                    case_mix={"lung": 3, "breast": 1}, cutoff=dt.date(2026, 1, 1))
    w = spec.weights()
    keys = [c.key for c in load_params().cancers]
    assert w[keys.index("lung")] == pytest.approx(0.75) and w.sum() == pytest.approx(1)

"""Planted effects are recoverable from the truth table, and the treatment data follow them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest
from synth_helpers import cox

from oncorwd.synth import load_params

TREATMENT_EFFECTS = [("osimertinib_1l_egfr_nsclc", "lung"),
                     ("pembrolizumab_1l_pdl1_high_nsclc", "lung"),
                     ("arpi_metastatic_hspc", "prostate"),
                     ("cdk46_hr_her2neg_mbc", "breast")]


def _design(tr, effect: str, stages: bool = False) -> np.ndarray:
    cols = [(tr.age_at_diagnosis - 65) / 10, tr.ps_at_diagnosis >= 2, tr.smoker, tr[effect]]
    if stages:
        cols += [tr.stage == s for s in ("I", "II", "III", "IV")]
    x = np.column_stack(cols).astype(float)
    return x[:, x.std(axis=0) > 0]


@pytest.mark.parametrize(("effect", "cancer"), TREATMENT_EFFECTS)
def test_treatment_effect_recovered_by_cox(single_cancer_site, effect, cancer):
    """A Cox model on the truth table's observed (censored) overall survival recovers the
    planted hazard ratio within 0.15 at 20 000 patients."""
    planted = load_params().effect(effect).os_hr
    tr = single_cancer_site(cancer, 20000).truth.to_pandas()
    g = tr[tr[f"effect_{effect}"].notna()]
    assert g[f"effect_{effect}"].sum() > 100 and (1 - g[f"effect_{effect}"]).sum() > 100
    beta, _ = cox(g.os_days.to_numpy(float), g.os_event.to_numpy(), _design(
        g, f"effect_{effect}"))
    assert abs(np.exp(beta[3]) - planted) < 0.15, (effect, np.exp(beta[3]))


def test_biomarker_effect_and_covariates_recovered(single_cancer_site):
    tr = single_cancer_site("breast", 20000).truth.to_pandas()
    beta, _ = cox(tr.os_true_days.to_numpy(), np.ones(len(tr)),
                  _design(tr, "effect_breast_triple_negative", stages=True))
    hr = np.exp(beta)
    cov = load_params().effects.covariates
    assert abs(hr[3] - 1.8) < 0.15
    assert abs(hr[0] - cov["age_per_10y"]["hr"]) < 0.1
    assert abs(hr[1] - cov["ps_ge_2"]["hr"]) < 0.25


def test_pfs_effect_on_latent_progression(single_cancer_site):
    tr = single_cancer_site("prostate", 20000).truth.to_pandas()
    g = tr[tr.effect_arpi_metastatic_hspc.notna() & tr.pfs1_true_days.notna()]
    beta, _ = cox(g.pfs1_true_days.to_numpy(), np.ones(len(g)),
                  _design(g, "effect_arpi_metastatic_hspc"))
    assert abs(np.exp(beta[3]) - load_params().effect("arpi_metastatic_hspc").pfs_hr) < 0.15


def test_arms_get_their_regimens(single_cancer_site):
    site = single_cancer_site("lung", 20000)
    tr = site.truth.to_pandas()
    arm = tr[tr.effect_osimertinib_1l_egfr_nsclc == 1].line1_regimen.dropna()
    control = tr[tr.effect_osimertinib_1l_egfr_nsclc == 0].line1_regimen.dropna()
    assert (arm == "osimertinib").all() and (control == "carboplatin_pemetrexed").all()
    da = site.tables["drug_administration"]
    osi = da.filter(pc.equal(da.column("atc_code"), "L01EB04"))
    treated = set(osi.column("patient_id").to_pylist())
    assert set(tr[tr.effect_osimertinib_1l_egfr_nsclc == 1].patient_id) & treated
    assert set(osi.column("drug_name").to_pylist()) == {"osimertinib"}


def test_arm_share_follows_adoption_year(single_cancer_site):
    tr = single_cancer_site("lung", 20000).truth.to_pandas()
    g = tr[tr.effect_pembrolizumab_1l_pdl1_high_nsclc.notna()]
    year = g.diagnosis_date.map(lambda d: d.year)
    early = g[year < 2017].effect_pembrolizumab_1l_pdl1_high_nsclc.mean()
    late = g[year >= 2017].effect_pembrolizumab_1l_pdl1_high_nsclc.mean()
    assert early < 0.15 and late > 0.65


def _day(df, field: str) -> np.ndarray:
    """yyyymmdd of the earliest possible day of a partial date."""
    month = df[f"{field}_month"].replace("UN", "01").astype(int)
    day = df[f"{field}_day"].replace("UN", "01").astype(int)
    return df[f"{field}_year"].astype(int) * 10000 + month * 100 + day


def test_new_line_follows_progression(single_cancer_site):
    """Every line after a patient's first starts on or after a recorded progression (or, for
    the first advanced line after curative treatment, a recurrence)."""
    site = single_cancer_site("lung", 20000)
    da = site.tables["drug_administration"].to_pandas()
    da["day"] = _day(da, "administration_date")
    progression = site.tables["progression"].to_pandas()
    recurrence = site.tables["tumor_event"].to_pandas()
    prog = pd.concat([progression.assign(day=_day(progression, "progression_date")),
                      recurrence.assign(day=_day(recurrence, "mention_date"))])
    starts = da.groupby(["patient_id", "treatment_line"]).day.min().reset_index()
    starts["first"] = starts.groupby("patient_id").day.transform("min")
    later = starts[starts.day > starts["first"]]
    assert len(later) > 500
    pairs = later.merge(prog[["patient_id", "day"]].rename(columns={"day": "prog"}),
                        on="patient_id", how="left")
    preceded = pairs.assign(ok=pairs.prog <= pairs.day).groupby(
        ["patient_id", "treatment_line"]).ok.any()
    assert preceded.all(), preceded[~preceded].head()


def test_treatment_lines_and_cycles_realistic(single_cancer_site):
    da = single_cancer_site("breast", 20000).tables["drug_administration"].to_pandas()
    assert set(da.treatment_line.unique()) >= {1, 2, 3}
    trial = (da.clinical_trial == "Y").sum() / da.clinical_trial.notna().sum()
    early = (da.early_access == "Y").sum() / da.early_access.notna().sum()
    assert 0.02 < trial < 0.09 and 0.005 < early < 0.04
    letrozole = da[da.drug_name == "letrozole"].sort_values(
        ["patient_id", "administration_date_year", "administration_date_month",
         "administration_date_day"])
    assert letrozole.groupby("patient_id").size().median() > 6
    oral_out = (letrozole.in_facility == "OUT").mean()
    assert 0.5 < oral_out < 0.8

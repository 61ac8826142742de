"""derive on a synthetic site of 5 000 patients (``oncorwd.synth``), validated as the store
would: every input table through ``prepare_batch``, the output against the dictionary, and
invariants that tie the variables to the input rows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest

from oncorwd.dictionary.validate import prepare_batch
from oncorwd.ingest.derive import DeriveResult, derive_tables
from oncorwd.terminology import is_antineoplastic

synth = pytest.importorskip("oncorwd.synth")
pytestmark = pytest.mark.slow

CUTOFF = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def site() -> tuple[str, dict[str, pa.Table], DeriveResult]:
    spec = synth.default_network(n_sites=1, n_patients=5000, seed=3)[0]
    raw = synth.generate_site(spec, seed=3).tables
    tables = {k: prepare_batch(k, v, site_id=spec.site_id) for k, v in raw.items()}
    return spec.site_id, tables, derive_tables(tables, reference_date=CUTOFF)


def test_output_validates_with_one_row_per_cancer_of_consenting_patients(
        site: tuple[str, dict[str, pa.Table], DeriveResult]) -> None:
    site_id, tables, result = site
    prepare_batch("cohort_variables", result.cohort_variables, site_id=site_id)
    prepare_batch("cancer", result.cancer, site_id=site_id)
    prepare_batch("drug_administration", result.drug_administration, site_id=site_id)
    objecting = set(pd.Series(tables["non_opposition"].to_pandas()
                              .query("non_opposition == 'N'").patient_id))
    cancers = result.cancer.to_pandas()
    expected = set(cancers[~cancers.patient_id.isin(objecting)].cancer_id)
    got = result.cohort_variables.column("cancer_id").to_pylist()
    assert len(got) == len(set(got)) and set(got) == expected
    merged = [n for n in result.notes.to_pylist() if n["rule"] == "same_primary"]
    assert tables["cancer"].num_rows - result.cancer.num_rows == len(merged)


def test_every_drug_row_is_kept_and_lines_follow_antineoplastic_rows(
        site: tuple[str, dict[str, pa.Table], DeriveResult]) -> None:
    _, tables, result = site
    drugs = result.drug_administration.to_pandas()
    assert len(drugs) == tables["drug_administration"].num_rows
    flagged = drugs.atc_code.map(is_antineoplastic)
    assert drugs.treatment_line.notna().eq(flagged & drugs.cancer_id.notna()).all()
    first = drugs[flagged].groupby("cancer_id").administration_date.min()
    cv = result.cohort_variables.to_pandas().set_index("cancer_id")
    treated = cv.index.intersection(first.index)
    assert (cv.loc[treated, "line1_start_date"] == first[treated]).all()
    assert (cv.loc[treated, "n_lines"] >= 1).all()
    assert (cv.drop(treated).n_lines == 0).all()
    assert cv.n_lines.max() >= 3


def test_variables_are_plausible(site: tuple[str, dict[str, pa.Table], DeriveResult]) -> None:
    cv = site[2].cohort_variables.to_pandas()
    assert cv.age_at_diagnosis.between(0, 110).all()
    assert cv.is_index_cancer.groupby(cv.patient_id).sum().eq(1).all()
    stage4 = cv.stage_group.eq("IV") & cv.stage_type.isin(["TNM", "FIGO", "UK"])
    assert cv.loc[stage4, "metastatic_at_diagnosis"].all()
    assert (cv.os_days.dropna() >= 0).all() and (cv.follow_up_days.dropna() >= 0).all()
    dead = cv.vital_status.eq("1") & cv.death_date.notna() & cv.os_days.notna()
    assert cv.loc[dead, "os_event"].all()
    for name in ("er_status", "egfr_status", "pdl1_tps", "first_line_regimen",
                 "charlson_group_count"):
        assert cv[name].notna().any(), name

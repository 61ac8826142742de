"""The cohort variables: enough of them, well named, traceable to MDS items, and mapped to
mCODE, OMOP and the v0.8 80-item list with PSCC's priorities."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pytest

from oncorwd.dictionary import load_dictionary
from oncorwd.dictionary.model import Variable

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "osiris-rwd"
V08_CSV = REFERENCE / "OSIRIS_RWD_v0.8_80_items_PSCC_priorities.csv"

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

#: The MDS's computed item "changement de traitement médical" has no item number: the line of
#: therapy (drug_administration.treatment_line) is computed from the ATC code (12.1) and the
#: administration date (12.5), so the line variables cite those two items.
COMPUTED_LINE_ITEM = ("12.1", "12.5")

CATEGORIES = {
    "demographics", "diagnosis", "staging", "general_status", "risk_factors", "comorbidities",
    "biomarkers", "treatments", "disease_course", "outcomes", "data_availability",
}

#: Biomarkers the brief names, each with the variable that carries its result.
BIOMARKERS = {
    "ER": "er_status", "PR": "pr_status", "HER2": "her2_status", "PD-L1 status": "pdl1_status",
    "PD-L1 TPS": "pdl1_tps", "EGFR": "egfr_status", "EGFR mutation": "egfr_mutation_type",
    "ALK": "alk_status", "ROS1": "ros1_status", "BRAF": "braf_status", "BRAF V600E": "braf_v600e",
    "KRAS": "kras_status", "KRAS G12C": "kras_g12c", "NRAS": "nras_status",
    "MSI/MMR": "msi_high_or_dmmr", "BRCA1": "brca1_status", "BRCA2": "brca2_status",
    "PSA": "psa_at_diagnosis", "Ki-67": "ki67_pct", "NTRK": "ntrk_status", "MET": "met_status",
    "RET": "ret_status", "PIK3CA": "pik3ca_status", "HRD": "hrd_status",
}

#: Variables the brief asks for by meaning, outside the biomarkers.
REQUIRED = {
    "sex", "age_at_diagnosis", "age_group", "birth_year", "facility", "topography",
    "topography_3char", "iarc_topography_group", "morphology", "iarc_histology_group",
    "behaviour", "diagnosis_date", "diagnosis_year", "diagnosis_method", "laterality",
    "cancer_order", "multiple_primaries", "diagnosed_in_facility", "is_index_cancer", "tnm_t",
    "tnm_n", "tnm_m", "tnm_type", "stage_group", "stage_type", "grade_type", "grade",
    "tumor_size_mm", "metastatic_at_diagnosis", "metastasis_at_dx_lung", "metastasis_at_dx_liver",
    "metastasis_at_dx_bone", "metastasis_at_dx_brain", "metastasis_at_dx_nodes",
    "metastasis_at_dx_other", "ps_at_diagnosis", "ps_worst", "bmi_at_diagnosis",
    "weight_loss_5pct", "smoking", "alcohol", "overweight", "risk_factor_count", "diabetes",
    "hypertension", "heart_failure", "cardiovascular_disease", "copd", "chronic_kidney_disease",
    "other_cancer_history", "charlson_group_count", "chemotherapy_any", "targeted_therapy_any",
    "immunotherapy_any", "hormone_therapy_any", "anti_her2_any", "anti_egfr_tki_any",
    "anti_vegf_any", "parp_inhibitor_any", "cdk46_inhibitor_any", "first_systemic_treatment_date",
    "first_line_regimen", "n_lines", "received_line2", "days_diagnosis_to_first_treatment",
    "surgery_any", "first_surgery_date", "radiotherapy_any", "first_radiotherapy_date",
    "clinical_trial", "early_access", "local_recurrence", "local_recurrence_date",
    "metastasis_after_diagnosis", "metastasis_after_diagnosis_date", "progression_any",
    "first_progression_date", "progression_line1_date", "haem_relapse", "haem_transformation",
    "vital_status", "death_date", "last_known_alive_date", "os_days", "os_event",
    "follow_up_days", "ttnt_line1_days", "ttnt_line1_event", "rwpfs_line1_days",
    "rwpfs_line1_event", "tumor_sample_available", "healthy_tissue_sample_available",
    "n_samples", "imaging_available", "n_imaging_exams", "rt_dicom_available", "nlp_derived_data",
}

NUMERIC = {"integer", "decimal"}
#: Numeric variables that are counts, scores or ranks: no physical unit.
UNITLESS = re.compile(r"^(n_|ps_|cancer_order$|risk_factor_count$|charlson_group_count$)")


@cache
def _variables() -> tuple[Variable, ...]:
    return load_dictionary().variables


def _by_name() -> dict[str, Variable]:
    return {v.name: v for v in _variables()}


@cache
def _v08_items() -> dict[str, str]:
    """Item number -> PSCC priority, from the v0.8 80-item list (3rd column = item number)."""
    if not V08_CSV.exists():
        pytest.skip("../shared/reference not present")
    out: dict[str, str] = {}
    with V08_CSV.open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) > 8 and re.fullmatch(r"\d+\.\d+", row[2].strip()):
                out[row[2].strip()] = row[8].strip()
    return out


def test_there_are_at_least_80_variables() -> None:
    assert len(_variables()) >= 80


def test_names_are_unique_snake_case() -> None:
    names = [v.name for v in _variables()]
    assert len(names) == len(set(names))
    bad = [n for n in names if not SNAKE.match(n)]
    assert not bad


def test_every_source_item_is_a_declared_mds_item() -> None:
    items = set(load_dictionary().items)
    for v in _variables():
        assert v.source_items, v.name
        unknown = [i for i in v.source_items if i not in items]
        assert not unknown, f"{v.name}: {unknown}"


def test_line_variables_cite_the_computed_line_item() -> None:
    line_vars = [v for v in _variables() if "treatment_line" in v.derivation
                 or "line1_start_date" in v.derivation or v.name in {"n_lines", "received_line2"}]
    assert len(line_vars) >= 8
    for v in line_vars:
        assert set(COMPUTED_LINE_ITEM) <= set(v.source_items), v.name
    # the field the computed item lands in exists and has no MDS number
    field = load_dictionary().entity("drug_administration").field("treatment_line")
    assert field.item is None and field.status == "C"


def test_every_variable_is_documented_and_mapped() -> None:
    for v in _variables():
        assert len(v.derivation.split()) >= 8, v.name
        assert v.label_fr.strip() and v.label_en.strip(), v.name
        for target in (v.mcode, v.omop):
            text = target.strip()
            assert len(text) >= 10, f"{v.name}: {target!r}"
            if text.lower().startswith("none"):
                assert "(" in text, f"{v.name}: 'none' must say why or what comes closest"


def test_types_say_how_values_are_coded() -> None:
    d = load_dictionary()
    value_sets = {vs.name for vs in d.value_sets}
    systems = {"icdo3_topography", "icdo3_morphology", "icd10", "atc", "ccam", "loinc", "tnm_t",
               "tnm_n", "dicom_modality", "finess"}
    for v in _variables():
        if v.type == "enum":
            assert v.value_set in value_sets, v.name
        if v.value_set:
            assert v.value_set in value_sets, v.name
        if v.type == "code":
            assert v.code_system in systems, v.name
        if v.type in NUMERIC and not UNITLESS.match(v.name):
            assert v.unit, f"{v.name}: numeric variable needs a unit"


def test_every_category_is_present() -> None:
    present = {v.category for v in _variables()}
    assert present == CATEGORIES


def test_every_named_biomarker_is_present() -> None:
    by_name = _by_name()
    for marker, name in BIOMARKERS.items():
        assert name in by_name, marker
        assert by_name[name].category == "biomarkers", name


def test_biomarker_derivations_name_loinc_and_a_reduction() -> None:
    for v in _variables():
        if v.category != "biomarkers":
            continue
        assert "17.2" in v.source_items or "17.3" in v.source_items, v.name
        if v.name.endswith("_status") or v.name in {"ki67_pct", "psa_at_diagnosis", "pdl1_tps"}:
            text = v.derivation
            assert "LOINC" in text or "as in" in text or "pdl1_tps" in text, v.name
            assert re.search(r"closest|any-positive|earliest|as brca1_status", text), v.name


def test_required_variables_are_present() -> None:
    missing = REQUIRED - set(_by_name())
    assert not missing


def test_index_cancer_rule_is_stated() -> None:
    text = _by_name()["is_index_cancer"].derivation
    assert "cancer_order" in text and "care_in_facility" in text


def test_metastatic_sites_use_the_90_day_window() -> None:
    for v in _variables():
        if v.name.startswith("metastasis_at_dx_"):
            assert "90 days" in v.derivation and "event_type = 2" in v.derivation, v.name


def test_time_to_event_variables_come_in_pairs() -> None:
    names = set(_by_name())
    for stem in ("os", "ttnt_line1", "rwpfs_line1"):
        assert f"{stem}_days" in names and f"{stem}_event" in names
        assert _by_name()[f"{stem}_days"].unit == "d"


def test_priorities_point_to_v08_items() -> None:
    v08 = _v08_items()
    assert len(v08) >= 80  # the list has 80+ numbered items
    mapped = 0
    for v in _variables():
        if v.priority is not None:
            assert v.priority in (1, 2, 3), v.name
            assert v.v08_item in v08, f"{v.name}: v0.8 item {v.v08_item} not in the v0.8 list"
            assert str(v.priority) == v08[v.v08_item], (
                f"{v.name}: priority {v.priority} but PSCC gave {v08[v.v08_item]!r}")
            mapped += 1
        if v.v08_item is not None:
            assert v.priority is not None, f"{v.name}: v08_item without its PSCC priority"
    assert mapped >= 80

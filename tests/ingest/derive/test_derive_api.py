"""The public API of the derive step: steps, parameters, empty inputs, and the pure helpers
(drug classes, code-range expansion, regimen classes, SQL constants)."""

from __future__ import annotations

import duckdb
import pytest
from derive_factory import REFERENCE, tables

from oncorwd.dictionary import arrow_schema, load_dictionary
from oncorwd.errors import ConfigError
from oncorwd.ingest.derive import (
    DERIVE_STEPS,
    DeriveContext,
    DeriveParams,
    derive,
    derive_tables,
    run_steps,
)
from oncorwd.ingest.derive.context import lit
from oncorwd.ingest.derive.drug_classes import classify
from oncorwd.ingest.derive.lines_of_therapy import line_classes
from oncorwd.ingest.derive.variables.comorbidities import expand


def test_steps_are_named_documented_and_ordered() -> None:
    names = [s.name for s in DERIVE_STEPS]
    assert names == ["inputs", "lookups", "groups", "multiple_primaries", "cancer_order",
                     "attribution", "metastatic", "lines_of_therapy", "cohort_variables"]
    assert all(len(s.doc) > 40 for s in DERIVE_STEPS)


@pytest.mark.parametrize("bad", [{"gap_days": 20}, {"progression_restart_days": 28},
                                 {"window_days": -1}, {"equivalent_drugs": (("L01XA01'",),)}])
def test_parameters_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        DeriveParams(**bad)  # type: ignore[arg-type]


def test_absent_tables_give_empty_results_with_store_schemas() -> None:
    result = derive_tables(tables(patient=[{"patient_id": "P1"}]), reference_date=REFERENCE)
    d = load_dictionary()
    assert result.cohort_variables.num_rows == result.cancer.num_rows == 0
    assert result.cohort_variables.schema == arrow_schema(d.entity("cohort_variables"))
    assert result.drug_administration.schema == arrow_schema(d.entity("drug_administration"))
    assert set(result.timings) >= {s.name for s in DERIVE_STEPS}


def test_steps_run_one_by_one_leave_their_working_tables() -> None:
    con = duckdb.connect()
    for name, t in tables(patient=[{"patient_id": "P1"}],
                          cancer=[{"cancer_id": "C1", "patient_id": "P1",
                                   "cancer_order": 1}]).items():
        con.register(name, t)
    ctx = DeriveContext(con, DeriveParams(), REFERENCE)
    run_steps(ctx, DERIVE_STEPS[:5])
    assert con.execute("SELECT topography_group, cancer_order FROM dv_cancer").fetchall() == [
        ("C50.9", 1)]
    run_steps(ctx, DERIVE_STEPS[5:])
    assert con.execute("SELECT count(*) FROM dv_cohort_variables").fetchone() == (1,)


def test_derive_twice_on_one_connection_gives_the_same_tables() -> None:
    con = duckdb.connect()
    for name, t in tables(patient=[{"patient_id": "P1"}],
                          cancer=[{"cancer_id": "C1", "patient_id": "P1", "cancer_order": 1}],
                          drug_administration=[{"patient_id": "P1", "atc_code": "L01BC02",
                                                "administration_date": "2021-01-01"}]).items():
        con.register(name, t)
    first = derive(con, reference_date=REFERENCE)
    second = derive(con, reference_date=REFERENCE)
    assert first.cohort_variables.equals(second.cohort_variables)
    assert second.drug_administration.column("treatment_line").to_pylist() == [1]


def test_drug_classes_follow_the_derivations() -> None:
    assert classify("L01FF02", "pembrolizumab") == {"immunotherapy", "checkpoint", "systemic"}
    assert classify("L01XX73", "sotorasib") == {"targeted", "systemic"}
    assert classify("L01XA02", "carboplatin") == {"chemotherapy", "platinum", "systemic"}
    assert classify("L01FX07", "blinatumomab") == {"immunotherapy", "systemic"}
    assert classify("L01FY01", None) >= {"anti_her2", "targeted"}
    assert classify("L01XX44", "aflibercept") >= {"anti_vegf", "targeted"}
    assert "chemotherapy" not in classify("L01XX44", "aflibercept")
    assert classify("L03AC01", "aldesleukin") == {"immunotherapy", "systemic"}
    assert classify("A04AA01", "ondansetron") == frozenset()


def test_code_ranges_expand_to_prefixes() -> None:
    assert expand("E10-E14") == ("E10", "E11", "E12", "E13", "E14")
    assert expand("K70.0-K70.3, K70.9, I25.2") == ("K700", "K701", "K702", "K703", "K709",
                                                   "I252")


def test_regimen_classes_merge_equivalents_and_split_combinations() -> None:
    t = line_classes(["L01XA01", "L01XA02", "L01FY01", "L01FD01", "L01FD02"], DeriveParams())
    cls = {}
    for code, c in zip(t.column("code").to_pylist(), t.column("cls").to_pylist(), strict=True):
        cls.setdefault(code, set()).add(c)
    assert cls["L01XA01"] == cls["L01XA02"]
    assert cls["L01FY01"] == cls["L01FD01"] | cls["L01FD02"]


def test_sql_constants_refuse_quotes() -> None:
    assert lit("C50.9") == "'C50.9'"
    with pytest.raises(ValueError):
        lit("x' OR '1'='1")

"""The conformance suite: every definition of ``conformance.yaml`` on DuckDB, PostgreSQL and
Spark selects exactly the patients (and cancer rows) the independent pandas reference selects,
with the same attrition; and every definition selects a non-trivial set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from reference import Reference

from oncorwd.cohort import CohortDefinition, compile_cohort, parse_definition
from oncorwd.cohort.execute import count_cohort, run_cohort
from oncorwd.store import Store

HERE = Path(__file__).parent
DEFINITIONS: list[dict[str, Any]] = yaml.safe_load((HERE / "conformance.yaml").read_text())


def _definition(raw: dict[str, Any]) -> CohortDefinition:
    return parse_definition(raw)


@pytest.mark.parametrize("raw", DEFINITIONS, ids=[d["name"] for d in DEFINITIONS])
def test_engine_matches_reference(cohort_store: Store, reference: Reference,
                                  raw: dict[str, Any]) -> None:
    d = _definition(raw)
    expected, counts = reference.evaluate(d)
    result = run_cohort(cohort_store, compile_cohort(d))
    got = {(r["patient_id"], r["cancer_id"]) for r in result.members.to_pylist()}
    assert got == expected
    assert [a.patients for a in result.attrition] == counts
    eligible = counts[0]
    assert 0 < result.count < eligible, "a conformance definition must select a proper subset"


def test_suite_covers_every_operator_event_and_node() -> None:
    from oncorwd.cohort.support import SUPPORT, features

    used = set().union(*(features(_definition(raw)) for raw in DEFINITIONS))
    assert len(DEFINITIONS) >= 40
    assert set(SUPPORT) - used == set()


def test_count_query_equals_members(duckdb_store: Store, reference: Reference) -> None:
    for raw in DEFINITIONS[:12]:
        d = _definition(raw)
        expected, _ = reference.evaluate(d)
        assert count_cohort(duckdb_store, d) == len({p for p, _ in expected})

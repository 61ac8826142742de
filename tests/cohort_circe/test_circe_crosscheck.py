"""OHDSI cross-check of the cohort engine (issue 5, correctness part 3): each oncorwd
definition and its hand-written Circe twin select the same PERSONS, oncorwd on the site store,
Circe's SQL (from ohdsi-circepy) on the OMOP export of that store, in DuckDB and PostgreSQL.

The equivalences (and why each definition is written as it is) are in the comments of
``definitions/*.oncorwd.yaml`` and in ``docs/cohort-circe.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from circe_runner import (
    DEFINITIONS,
    Case,
    cases,
    circe_sql,
    difference,
    run_duckdb,
    run_postgres,
)

from oncorwd.cohort import load_definition, parse_definition
from oncorwd.cohort.execute import run_cohort
from oncorwd.convert.omop import OmopExportResult, export_omop
from oncorwd.store import Store

CASES = cases()
IDS = [c.name for c in CASES]


def test_at_least_five_definition_pairs() -> None:
    assert len(CASES) >= 5
    for c in CASES:
        assert c.circe.exists(), f"{c.name}: missing Circe twin {c.circe.name}"
    assert {p.name for p in DEFINITIONS.iterdir()} == (
        {c.oncorwd.name for c in CASES} | {c.circe.name for c in CASES})


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_circe_duckdb_selects_the_same_persons(
        case: Case, oncorwd_persons: dict[str, set[str]], circe_duckdb_sql: dict[str, str],
        omop_con: duckdb.DuckDBPyConnection, omop_export: tuple[Path, OmopExportResult]) -> None:
    ours = oncorwd_persons[case.name]
    persons = omop_export[1].persons
    assert 0 < len(ours) < persons, f"{case.name} selects {len(ours)}: it proves nothing"
    circe = run_duckdb(omop_con, circe_duckdb_sql[case.name])
    assert not difference(ours, circe), f"{case.name}: {difference(ours, circe)}"


@pytest.mark.postgres
def test_circe_postgres_selects_the_same_persons(
        pg_url: str, site_store: Store, oncorwd_persons: dict[str, set[str]],
        circe_env: Path) -> None:
    """The export in a fresh PostgreSQL schema, every Circe twin translated to PostgreSQL."""
    import psycopg

    export_omop(site_store, pg_url)
    base, schema = pg_url.split("?schema=")
    sqls = circe_sql([c.circe for c in CASES], "postgresql", cdm_schema=schema)
    problems = {}
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{schema}"')
        for c in CASES:
            circe = run_postgres(conn, sqls[c.name], cdm_schema=schema)
            if diff := difference(oncorwd_persons[c.name], circe):
                problems[c.name] = diff
        conn.execute("DROP SCHEMA IF EXISTS circe_results CASCADE")
    assert not problems, problems


def test_concept_ids_are_the_exports(omop_con: duckdb.DuckDBPyConnection) -> None:
    """Every concept a Circe twin names is in the export's CONCEPT table with the same code,
    vocabulary and class: the ids were looked up, not invented."""
    seen = 0
    for c in CASES:
        for concept in _concepts(json.loads(c.circe.read_text())):
            row = omop_con.execute(
                "SELECT concept_code, vocabulary_id, concept_class_id, domain_id FROM concept "
                "WHERE concept_id = ?", [concept["CONCEPT_ID"]]).fetchone()
            assert row is not None, f"{c.name}: concept {concept['CONCEPT_ID']} not exported"
            expected = (concept.get("CONCEPT_CODE"), concept.get("VOCABULARY_ID"),
                        concept.get("CONCEPT_CLASS_ID", row[2]), concept.get("DOMAIN_ID"))
            assert row == expected, f"{c.name}: {concept} vs the export's {row}"
            seen += 1
    assert seen >= 2 * len(CASES)


def _concepts(node: object) -> list[dict[str, object]]:
    """Every concept object (a mapping with CONCEPT_ID) anywhere in a Circe expression."""
    if isinstance(node, dict):
        found = [node] if "CONCEPT_ID" in node else []
        return found + [c for v in node.values() for c in _concepts(v)]
    if isinstance(node, list):
        return [c for v in node for c in _concepts(v)]
    return []


def test_biomarkers_map_to_one_loinc_test(site_store: Store) -> None:
    """The biomarker twins match oncorwd's biomarker name with Circe's LOINC concept: that holds
    only while each of those names has exactly that LOINC code in the store."""
    rows = site_store.query(
        "SELECT biomarker_name, biomarker_code, count(*) AS n FROM biomarker "
        "WHERE biomarker_name IN ('PD-L1', 'ER') GROUP BY biomarker_name, biomarker_code"
    ).to_pylist()
    assert {(r["biomarker_name"], r["biomarker_code"]) for r in rows} == {
        ("PD-L1", "83052-1"), ("ER", "85337-4")}


def test_every_event_lies_in_an_observation_period(omop_con: duckdb.DuckDBPyConnection) -> None:
    """Circe drops events outside OBSERVATION_PERIOD; oncorwd has no such notion. The twins
    are equivalent because the export's period spans every dated fact."""
    for table, date in [("condition_occurrence", "condition_start_date"),
                        ("drug_exposure", "drug_exposure_start_date"),
                        ("measurement", "measurement_date"), ("episode", "episode_start_date"),
                        ("death", "death_date")]:
        outside = omop_con.execute(
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM "
            f"observation_period o WHERE o.person_id = t.person_id AND t.{date} BETWEEN "
            f"o.observation_period_start_date AND o.observation_period_end_date)").fetchone()
        assert outside == (0,), f"{table}: {outside} rows outside any observation period"


def test_the_cross_check_sees_a_one_year_age_convention(
        site_store: Store, circe_duckdb_sql: dict[str, str],
        omop_con: duckdb.DuckDBPyConnection) -> None:
    """Power check: oncorwd's exact age_at_diagnosis >= 70 in place of Circe's calendar-year
    age selects different persons, and the comparison says so."""
    d = load_definition(DEFINITIONS / "breast_women_70plus.oncorwd.yaml")
    naive = d.model_dump(by_alias=True, exclude_none=True)
    naive["inclusion"][-1] = {"name": "70 or older (exact age)", "criterion": {
        "variable": "age_at_diagnosis", "op": "ge", "value": 70}}
    ours = run_cohort(site_store, parse_definition(naive)).patient_ids()
    circe = run_duckdb(omop_con, circe_duckdb_sql["breast_women_70plus"])
    assert ours < circe, difference(ours, circe)


def test_circe_sql_fills_given_placeholders_and_leaves_the_others(circe_env: Path) -> None:
    import subprocess

    from circe_runner import CIRCE_PYTHON

    case = CASES[0]
    done = subprocess.run(
        [str(CIRCE_PYTHON), str(circe_env / "circe_sql.py"), str(case.circe), "--json",
         "--dialect", "postgresql", "--cdm-schema", "omop"],
        capture_output=True, text=True, check=True, timeout=120)
    sql = json.loads(done.stdout)[str(case.circe)]
    assert "omop.CONDITION_OCCURRENCE" in sql and "@cdm_database_schema" not in sql
    for left in ("@vocabulary_database_schema", "@target_database_schema",
                 "@target_cohort_table", "@target_cohort_id"):
        assert left in sql, left
    bad = subprocess.run([str(CIRCE_PYTHON), str(circe_env / "circe_sql.py"),
                          str(case.oncorwd)], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and case.oncorwd.name in bad.stderr

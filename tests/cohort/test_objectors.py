"""Patients who object to reuse never appear in a cohort, whatever loaded the store.

Ingest leaves objectors out of ``cohort_variables``, so the shared test site never exercises
the compiled SQL's own guarantee. Here one patient in ten of the wide table is turned into an
objector in ``non_opposition`` only (as a store loaded by another tool could be), and every
engine must still leave them out of members, counts and attrition, in agreement with the
pandas reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import yaml
from cohort_data import pg_schema_url
from reference import Reference

from oncorwd.cohort import compile_cohort, parse_definition
from oncorwd.cohort.execute import count_cohort, run_cohort
from oncorwd.store import Store, open_store

HERE = Path(__file__).parent
ENGINES = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres),
           pytest.param("spark", marks=pytest.mark.spark)]
DEFINITIONS: list[dict[str, Any]] = yaml.safe_load((HERE / "conformance.yaml").read_text())[:8]


@pytest.fixture(scope="module")
def objecting_site(site: tuple[str, dict[str, pa.Table]]
                   ) -> tuple[str, dict[str, pa.Table], set[str]]:
    """The test site with one wide-table patient in ten objecting in ``non_opposition``."""
    site_id, tables = site
    patients = sorted(set(tables["cohort_variables"].column("patient_id").to_pylist()))
    objectors = set(patients[::10])
    no = tables["non_opposition"]
    hit = pc.is_in(no.column("patient_id"), value_set=pa.array(sorted(objectors)))
    value = pc.if_else(hit, pa.scalar("N"), no.column("non_opposition"))
    i = no.column_names.index("non_opposition")
    changed = dict(tables, non_opposition=no.set_column(i, no.field(i), value))
    listed = set(pc.filter(no.column("patient_id"), hit).to_pylist())
    return site_id, changed, listed


@pytest.fixture(scope="module", params=ENGINES)
def objecting_store(request: pytest.FixtureRequest,
                    objecting_site: tuple[str, dict[str, pa.Table], set[str]],
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    site_id, tables, _ = objecting_site
    if request.param == "postgres":
        with pg_schema_url() as url:
            store = _loaded(url, site_id, tables)
            yield store
            store.close()
        return
    if request.param == "spark":
        request.getfixturevalue("spark_session")
        url = f"spark://{tmp_path_factory.mktemp('objectors-spark') / 'store'}"
    else:
        url = f"duckdb://{tmp_path_factory.mktemp('objectors-duckdb') / 'site.duckdb'}"
    store = _loaded(url, site_id, tables)
    yield store
    store.close()


@pytest.fixture(scope="module")
def objecting_reference(objecting_site: tuple[str, dict[str, pa.Table], set[str]]
                        ) -> Reference:
    return Reference({k: t.to_pandas() for k, t in objecting_site[1].items()})


def _loaded(url: str, site_id: str, tables: dict[str, pa.Table]) -> Store:
    store = open_store(url)
    store.init()
    store.load(tables, site_id=site_id, validated=True)
    return store


def test_objectors_are_in_the_wide_table(objecting_site: tuple[str, dict[str, pa.Table],
                                                              set[str]]) -> None:
    """The premise: the objectors really are rows the compiled SQL must remove."""
    _, tables, objectors = objecting_site
    wide = set(tables["cohort_variables"].column("patient_id").to_pylist())
    assert len(objectors) > 50 and objectors <= wide


@pytest.mark.parametrize("raw", DEFINITIONS, ids=[d["name"] for d in DEFINITIONS])
def test_objectors_never_selected(objecting_store: Store, objecting_reference: Reference,
                                  objecting_site: tuple[str, dict[str, pa.Table], set[str]],
                                  raw: dict[str, Any]) -> None:
    objectors = objecting_site[2]
    d = parse_definition(raw)
    result = run_cohort(objecting_store, compile_cohort(d))
    assert result.patient_ids().isdisjoint(objectors)
    expected, counts = objecting_reference.evaluate(d)
    assert {(r["patient_id"], r["cancer_id"]) for r in result.members.to_pylist()} == expected
    assert [a.patients for a in result.attrition] == counts
    assert count_cohort(objecting_store, d) == len({p for p, _ in expected})

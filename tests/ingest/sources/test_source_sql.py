"""SQL sources against the real PostgreSQL: streamed as text, ${ENV} in URLs, clear errors for
an unreachable server or a broken query (password masked), and all the way into a store."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from ingest_fixtures import read_source

from oncorwd.errors import ConfigError
from oncorwd.ingest.pipeline import run
from oncorwd.ingest.sources.sql import expand_env, mask_url

pytestmark = pytest.mark.postgres

PG_URL = os.environ.get("ONCORWD_TEST_POSTGRES_URL",
                        "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A throwaway schema with a table of patients (a warehouse extract), dropped after."""
    import psycopg
    from psycopg import sql

    try:
        conn = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as e:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {e}")
    schema = f"ingest_{uuid.uuid4().hex[:10]}"
    ident = sql.Identifier(schema)
    with conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(ident))
        conn.execute(sql.SQL("CREATE TABLE {}.patients (nip text, sexe int, ddn date, "
                             "poids numeric(5,1), maj timestamp)").format(ident))
        conn.execute(sql.SQL("INSERT INTO {}.patients VALUES (%s,%s,%s,%s,%s),(%s,%s,%s,%s,%s),"
                             "(%s,%s,%s,%s,%s)").format(ident),
                     ["P1", 1, dt.date(1950, 3, 12), 72.5, dt.datetime(2024, 1, 2, 10, 0),
                      "P2", 2, dt.date(1961, 5, 1), None, None,
                      "P3", 3, None, 60, None])
        try:
            yield schema
        finally:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(ident))


def test_query_rows_become_text(tmp_path: Path, pg_schema: str) -> None:
    query = f"SELECT * FROM {pg_schema}.patients ORDER BY nip"
    rows, _, reader = read_source(tmp_path, {"format": "sql", "url": PG_URL, "query": query})
    assert rows.column("nip").to_pylist() == ["P1", "P2", "P3"]
    assert rows.column("sexe").to_pylist() == ["1", "2", "3"]
    assert rows.column("ddn").to_pylist() == ["1950-03-12", "1961-05-01", None]
    assert rows.column("poids").to_pylist() == ["72.5", None, "60.0"]
    assert rows.column("maj").to_pylist() == ["2024-01-02 10:00:00", None, None]
    assert rows.column("_row").to_pylist() == [1, 2, 3]
    assert reader.account.rows == 3


def test_env_vars_in_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASS_TEST", "s3cret")
    assert expand_env("postgresql://u:${PGPASS_TEST}@h/db") == "postgresql://u:s3cret@h/db"
    monkeypatch.delenv("PGPASS_TEST")
    with pytest.raises(ConfigError, match="PGPASS_TEST is not set"):
        expand_env("postgresql://u:${PGPASS_TEST}@h/db", "dwh")
    assert mask_url("postgresql+psycopg://u:s3cret@h:5/db") == "postgresql+psycopg://u:***@h:5/db"


def test_unreachable_database_names_the_url_without_password(tmp_path: Path) -> None:
    url = "postgresql://etl:s3cret@127.0.0.1:1/dwh"
    with pytest.raises(ConfigError) as info:
        read_source(tmp_path, {"format": "sql", "url": url, "query": "SELECT 1"})
    text = str(info.value)
    assert "cannot connect to postgresql+psycopg://etl:***@127.0.0.1:1/dwh" in text
    assert "s3cret" not in text and "check the host and port" in text


def test_broken_query(tmp_path: Path, pg_schema: str) -> None:
    with pytest.raises(ConfigError, match=r"query failed.*no_such_table"):
        read_source(tmp_path, {"format": "sql", "url": PG_URL,
                               "query": f"SELECT * FROM {pg_schema}.no_such_table"})


def test_postgres_source_into_a_store(tmp_path: Path, pg_schema: str, home: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DWH_URL", PG_URL)
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"""
version: 1
site: {{site_id: "750000001", name: pg-site}}
sources:
  dwh: {{format: sql, url: "${{DWH_URL}}",
        query: "SELECT * FROM {pg_schema}.patients ORDER BY nip"}}
value_maps:
  sex: {{values: {{"1": M, "2": F}}}}
tables:
  patient:
    from: dwh
    fields:
      patient_id: nip
      facility_finess: {{value: "750000001"}}
      birth_date: {{column: ddn, formats: ["%Y-%m-%d"]}}
      sex: {{column: sexe, map: sex}}
""", "utf-8")
    result = run(spec)
    account = result.accounting[0]
    assert (account.input, account.loaded, account.quarantined) == (3, 2, 1)
    bad = result.quarantine.to_pylist()
    assert {(r["row"], r["column"], r["value"], r["rule"]) for r in bad} == {
        (3, "sexe", "3", "unmapped_value")}
    assert bad[0]["file"] == mask_url(PG_URL.replace("postgresql://", "postgresql+psycopg://"))
    assert result.version is not None and result.version.row_counts["patient"] == 2


def test_new_mapping_from_a_query(tmp_path: Path, pg_schema: str) -> None:
    from oncorwd.ingest.new_mapping import new_mapping
    from oncorwd.ingest.spec import load_spec

    out = new_mapping([], tmp_path / "m.yaml", sql_url=PG_URL,
                      sql_query=f"SELECT nip, sexe, ddn FROM {pg_schema}.patients")
    spec = load_spec(out)
    assert spec.sources["warehouse"].format == "sql"
    patient = spec.tables["patient"]
    assert patient.rule("patient_id").column == "nip"
    assert patient.rule("birth_date").formats == ("%Y-%m-%d",)
    assert spec.value_maps["sex"].values == {"1": "M", "2": "F"}

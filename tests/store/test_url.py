"""Store URLs: one parser for every engine; passwords never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncorwd.errors import ConfigError
from oncorwd.store import parse_store_url
from oncorwd.store.url import mask_password


@pytest.mark.parametrize(("url", "engine", "path"), [
    ("duckdb:///data/sites/a.duckdb", "duckdb", "/data/sites/a.duckdb"),
    ("duckdb:////data/sites/a.duckdb", "duckdb", "/data/sites/a.duckdb"),
    ("/data/sites/a.duckdb", "duckdb", "/data/sites/a.duckdb"),
    ("duckdb:///:memory:", "duckdb", ":memory:"),
    ("spark:///data/spark/site_a", "spark", "/data/spark/site_a"),
])
def test_file_engines(url: str, engine: str, path: str) -> None:
    parsed = parse_store_url(url)
    assert (parsed.engine, str(parsed.path)) == (engine, path)


def test_relative_duckdb_path_is_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    assert parse_store_url("site.duckdb").path == tmp_path / "site.duckdb"
    assert parse_store_url(Path("site.duckdb")).path == tmp_path / "site.duckdb"


def test_postgres_schema_and_dsn() -> None:
    parsed = parse_store_url("postgresql://u:pw@db.example:5433/rwd?schema=site_a&sslmode=require")
    assert parsed.engine == "postgres" and parsed.schema == "site_a"
    assert parsed.dsn is not None and "schema" not in parsed.dsn
    assert "sslmode=require" in parsed.dsn and "connect_timeout=5" in parsed.dsn
    assert parsed.display == "postgresql://u:***@db.example:5433/rwd?schema=site_a&sslmode=require"
    assert parse_store_url("postgres://u@h/db").schema == "oncorwd"


@pytest.mark.parametrize("url", [
    "mysql://u@h/db", "duckdb://relative.duckdb", "spark://relative/dir", "site.sqlite",
    "postgresql://u@h/db?schema=Site-A;drop",
])
def test_bad_urls(url: str) -> None:
    with pytest.raises(ConfigError):
        parse_store_url(url)


def test_mask_password() -> None:
    assert mask_password("postgresql://u@h/db") == "postgresql://u@h/db"
    assert mask_password("postgresql://u:p@h:1/db") == "postgresql://u:***@h:1/db"

"""Typed settings: one object, read from the environment (``ONCORWD_*``), injectable.

A site's store defaults to ``<home>/sites/<site>.duckdb``: DuckDB is the embedded default and
needs no server. ``ONCORWD_STORE_URL`` points the CLI at another store (PostgreSQL, Spark).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from oncorwd.errors import ConfigError

__all__ = ["Settings", "get_settings"]

_SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONCORWD_", extra="ignore")

    home: Path = Field(Path(".oncorwd"), description="where site stores and outputs live")
    store_url: str | None = Field(None, description="store URL overriding the per-site default")
    test_postgres_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/test",
        description="PostgreSQL database the test suite uses (it creates its own schemas)",
    )

    def site_store_url(self, site: str) -> str:
        """The store URL for a site: the override, else ``<home>/sites/<site>.duckdb``."""
        if self.store_url:
            return self.store_url
        if not _SITE_NAME.match(site):
            raise ConfigError(
                f"invalid site name {site!r}",
                hint="use letters, digits, '-' or '_' (e.g. the FINESS number or 'site-a')",
            )
        return f"duckdb:///{(self.home / 'sites' / f'{site}.duckdb').resolve()}"


@cache
def get_settings() -> Settings:
    return Settings()

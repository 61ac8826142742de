"""Typed settings: one object, read from the environment (``ONCORWD_*``), injectable.

A site's store defaults to ``<home>/sites/<site>.duckdb``: DuckDB is the embedded default and
needs no server. ``ONCORWD_STORE_URL`` points the CLI at another store (PostgreSQL, Spark).
"""

from __future__ import annotations

import os
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

    duckdb_memory_limit: str | None = Field(
        None, description="memory cap of oncorwd's DuckDB connections (e.g. '8GB'); default "
        "35% of the machine's memory, so DuckDB spills to disk before the process runs out",
    )

    def duckdb_config(self, temp_directory: Path | None = None,
                      ) -> dict[str, str | bool | int | float | list[str]]:
        """Settings for ``duckdb.connect(config=…)``: the memory cap and, for in-memory
        databases that may spill, where to."""
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": self.duckdb_memory_limit or _default_memory_limit()}
        if temp_directory is not None:
            config["temp_directory"] = str(temp_directory)
        return config

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


def _default_memory_limit() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return "4GB"
    return f"{max(512, int(total * 0.35) >> 20)}MB"


@cache
def get_settings() -> Settings:
    return Settings()

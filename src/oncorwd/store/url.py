"""Store URLs: the one place that turns a user's store address into an engine and a location.

Accepted forms::

    duckdb:///abs/path/site.duckdb         one DuckDB file per site (the embedded default)
    /any/path/site.duckdb                  a bare path ending in .duckdb (relative is resolved)
    duckdb:///:memory:                     an in-memory DuckDB store (tests, notebooks)
    postgresql://user@host:5432/db?schema=site_a   one schema per site (default ``oncorwd``)
    spark:///abs/dir                       Parquet versions under a directory, run by Spark

Passwords never appear in messages: :meth:`StoreURL.display` masks them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from oncorwd.errors import ConfigError

__all__ = ["SCHEMES", "StoreURL", "mask_password", "parse_store_url"]

#: URL scheme -> engine name (the module under ``oncorwd.store.engines``).
SCHEMES: dict[str, str] = {
    "duckdb": "duckdb",
    "postgresql": "postgres",
    "postgres": "postgres",
    "spark": "spark",
}

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
DEFAULT_PG_SCHEMA = "oncorwd"


@dataclass(frozen=True, slots=True)
class StoreURL:
    """A parsed store address.

    ``path`` is the DuckDB file (or ``:memory:``) or the Spark directory; ``dsn`` the libpq
    connection string for PostgreSQL (the ``schema`` parameter removed); ``schema`` the
    PostgreSQL schema holding this site's tables.
    """

    engine: str
    raw: str
    path: Path | None = None
    dsn: str | None = None
    schema: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)

    @property
    def display(self) -> str:
        """The address safe to print (password masked)."""
        if self.path is not None:
            return str(self.path)
        return mask_password(self.raw)


def mask_password(url: str) -> str:
    """``postgresql://u:secret@h/db`` -> ``postgresql://u:***@h/db``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def _path_of(url: str) -> str:
    """The path part; ``scheme:////abs`` (an absolute path after ``:///``) counts as ``/abs``.
    A host part (``spark://dir/x``) is refused: it is a relative path missing a slash."""
    parts = urlsplit(url)
    if parts.netloc:
        raise ConfigError(f"store URL with a host part: {url}",
                          hint="file stores take an absolute path after three slashes: "
                               "duckdb:///abs/site.duckdb, spark:///abs/dir")
    return "/" + parts.path.lstrip("/") if parts.path.startswith("/") else parts.path


def _duckdb(raw: str, path_text: str) -> StoreURL:
    if path_text in (":memory:", "/:memory:"):
        return StoreURL("duckdb", raw, path=Path(":memory:"))
    path = Path(path_text)
    if not path.is_absolute():
        raise ConfigError(f"DuckDB store URL needs an absolute path: {raw}",
                          hint="write duckdb:///abs/path/site.duckdb (three slashes) or a bare "
                               "path ending in .duckdb")
    return StoreURL("duckdb", raw, path=path)


def _spark(raw: str, path_text: str) -> StoreURL:
    path = Path(path_text)
    if not path_text or not path.is_absolute():
        raise ConfigError(f"Spark store URL needs an absolute directory: {raw}",
                          hint="write spark:///abs/dir (three slashes)")
    return StoreURL("spark", raw, path=path)


def _postgres(raw: str) -> StoreURL:
    parts = urlsplit(raw)
    params = dict(parse_qsl(parts.query))
    schema = params.pop("schema", DEFAULT_PG_SCHEMA)
    if not _SCHEMA_NAME.match(schema):
        raise ConfigError(f"invalid PostgreSQL schema name {schema!r} in {mask_password(raw)}",
                          hint="use lower-case letters, digits and '_' (e.g. ?schema=site_a)")
    params.setdefault("connect_timeout", "5")
    dsn = urlunsplit(parts._replace(scheme="postgresql", query=urlencode(params)))
    return StoreURL("postgres", raw, dsn=dsn, schema=schema, params=params)


def parse_store_url(url: str | os.PathLike[str]) -> StoreURL:
    """Parse a store URL (or a bare ``.duckdb`` path); :class:`ConfigError` if malformed."""
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    text = url.strip()
    if "://" not in text:
        if text.endswith(".duckdb"):
            return StoreURL("duckdb", text, path=Path(text).expanduser().resolve())
        raise ConfigError(f"not a store URL: {text!r}",
                          hint="use duckdb:///abs/site.duckdb, a path ending in .duckdb, "
                               "postgresql://user@host/db?schema=site_a or spark:///abs/dir")
    scheme = text.split("://", 1)[0].lower()
    engine = SCHEMES.get(scheme)
    if engine is None:
        raise ConfigError(f"unknown store engine {scheme!r} in {mask_password(text)}",
                          hint="known schemes: " + ", ".join(sorted(SCHEMES)))
    if engine == "postgres":
        return _postgres(text)
    rest = text.split("://", 1)[1]
    if engine == "duckdb":
        return _duckdb(text, rest if rest == ":memory:" else _path_of(text))
    return _spark(text, _path_of(text))

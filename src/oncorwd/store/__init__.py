"""The site store: OSIRIS RWD tables in data versions, on DuckDB, PostgreSQL or Spark.

::

    from oncorwd.store import open_store

    with open_store("duckdb:///data/sites/site_a.duckdb") as store:
        store.init()
        info = store.load({"patient": patients, "cancer": cancers}, site_id="750000001")
        cancers = store.read("cancer")            # latest committed version, as Arrow

A load writes every table or none (see ``docs`` of each engine module for how); readers see
committed versions only. Heavy engine drivers are imported when a store on them is opened.
"""

from __future__ import annotations

import os

from oncorwd.store.base import LoadTransaction, ProgressCallback, Store, VersionInfo
from oncorwd.store.engines import ENGINES, store_class
from oncorwd.store.url import StoreURL, parse_store_url

__all__ = [
    "ENGINES",
    "LoadTransaction",
    "ProgressCallback",
    "Store",
    "StoreURL",
    "VersionInfo",
    "open_store",
    "parse_store_url",
]


def open_store(url: str | os.PathLike[str]) -> Store:
    """Open the store at ``url`` (``duckdb:///…``, a ``.duckdb`` path, ``postgresql://…``,
    ``spark:///…``). Fails fast: ``StoreLockedError``, ``StoreCorruptError``,
    ``SchemaVersionError``, ``EngineUnavailableError``. Does not create the schema: call
    :meth:`Store.init` (``load`` also does it when needed)."""
    parsed = parse_store_url(url)
    return store_class(parsed.engine)(parsed)

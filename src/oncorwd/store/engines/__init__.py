"""Engine adapters, registered by engine name (the name is the module is the key).

Modules are imported only when a store on that engine is opened, so ``import oncorwd.store``
never loads psycopg nor starts a JVM.
"""

from __future__ import annotations

from importlib import import_module

from oncorwd.errors import ConfigError
from oncorwd.store.base import Store

__all__ = ["ENGINES", "store_class"]

#: Engine name -> ``module:class`` of its adapter.
ENGINES: dict[str, str] = {
    "duckdb": "oncorwd.store.engines.duckdb:DuckDBStore",
    "postgres": "oncorwd.store.engines.postgres:PostgresStore",
    "spark": "oncorwd.store.engines.spark:SparkStore",
}


def store_class(engine: str) -> type[Store]:
    """The adapter class for ``engine`` (imports its module on first use)."""
    try:
        module, _, name = ENGINES[engine].partition(":")
    except KeyError:
        raise ConfigError(f"unknown store engine {engine!r}",
                          hint="engines: " + ", ".join(ENGINES)) from None
    cls: type[Store] = getattr(import_module(module), name)
    return cls

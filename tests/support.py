"""Helpers shared by test folders (importable as ``support``: pytest puts ``tests/`` on the
path for ``tests/conftest.py``): a fresh PostgreSQL schema per use, and a synthetic site
validated and derived as ingest leaves it."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pyarrow as pa
import pytest

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    return os.environ.get("ONCORWD_TEST_POSTGRES_URL", DEFAULT_PG_URL)


@contextmanager
def fresh_pg_schema(prefix: str = "t") -> Iterator[str]:
    """A store URL on a new PostgreSQL schema, dropped on exit; skips if no server."""
    import psycopg
    from psycopg import sql

    base = pg_base_url()
    try:
        psycopg.connect(base, connect_timeout=3).close()
    except psycopg.OperationalError as e:
        pytest.skip(f"PostgreSQL not reachable at {base}: {e}")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}schema={schema}"
    finally:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))


def derived_site(n_patients: int, seed: int, cutoff: dt.date) -> tuple[str, dict[str, pa.Table]]:
    """(site_id, every store table with the derived ones) of one synthetic site: ``synth``
    tables validated as the store would, then derived as the ingest step does."""
    from oncorwd import synth
    from oncorwd.dictionary.validate import prepare_batch
    from oncorwd.ingest.steps.derive import with_derived

    spec = synth.default_network(n_sites=1, n_patients=n_patients, seed=seed)[0]
    raw = synth.generate_site(spec, seed=seed).tables
    tables = {k: prepare_batch(k, v, site_id=spec.site_id) for k, v in raw.items()}
    return spec.site_id, with_derived(tables, reference_date=cutoff)

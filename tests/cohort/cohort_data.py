"""The synthetic site every cohort test runs on: ``oncorwd.synth`` raw tables, validated as
the store would, derived (cohort_variables, lines of therapy) as ingest does, repointed after
merged primaries. Built once per test session."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pyarrow as pa
import pytest

from oncorwd.dictionary.validate import prepare_batch
from oncorwd.ingest.derive import derive_tables
from oncorwd.ingest.steps.derive import UPDATED, _merge_map, repoint

N_PATIENTS = 3000
SEED = 11
CUTOFF = dt.date(2026, 6, 30)
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


@cache
def site_tables() -> tuple[str, dict[str, pa.Table]]:
    """(site_id, every store table with the derived ones) of the test site."""
    from oncorwd import synth

    spec = synth.default_network(n_sites=1, n_patients=N_PATIENTS, seed=SEED)[0]
    raw = synth.generate_site(spec, seed=SEED).tables
    tables = {k: prepare_batch(k, v, site_id=spec.site_id) for k, v in raw.items()}
    result = derive_tables(tables, reference_date=CUTOFF)
    merged, kept = _merge_map(result.notes)
    out = {k: repoint(t, merged, kept) for k, t in tables.items() if k not in UPDATED}
    out.update(cancer=result.cancer, drug_administration=result.drug_administration,
               cohort_variables=result.cohort_variables)
    return spec.site_id, out


@contextmanager
def pg_schema_url() -> Iterator[str]:
    """A store URL on a new PostgreSQL schema, dropped on exit; skips without a server."""
    import psycopg
    from psycopg import sql

    base = os.environ.get("ONCORWD_TEST_POSTGRES_URL", DEFAULT_PG_URL)
    try:
        psycopg.connect(base, connect_timeout=3).close()
    except psycopg.OperationalError as e:
        pytest.skip(f"PostgreSQL not reachable at {base}: {e}")
    schema = f"t_cohort_{uuid.uuid4().hex[:10]}"
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}schema={schema}"
    finally:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                sql.Identifier(schema)))

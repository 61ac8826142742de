"""The synthetic site every cohort test runs on: ``oncorwd.synth`` raw tables, validated as
the store would, derived (cohort_variables, lines of therapy) as ingest does, repointed after
merged primaries. Built once per test session."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from functools import cache

import pyarrow as pa

from support import derived_site, fresh_pg_schema

N_PATIENTS = 3000
SEED = 11
CUTOFF = dt.date(2026, 6, 30)


@cache
def site_tables() -> tuple[str, dict[str, pa.Table]]:
    """(site_id, every store table with the derived ones) of the test site."""
    return derived_site(N_PATIENTS, SEED, CUTOFF)


def pg_schema_url() -> AbstractContextManager[str]:
    """A store URL on a new PostgreSQL schema, dropped on exit; skips without a server."""
    return fresh_pg_schema("t_cohort")

"""The synthetic site of the Circe cross-check: ``oncorwd.synth`` raw tables, validated and
derived as ingest does (cohort_variables, lines, merged primaries), built once per session.

The same recipe as the cohort suite's site (``tests/cohort/cohort_data.py``) with its own seed
and size, so the cross-check does not depend on another suite's fixtures.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pyarrow as pa

from support import derived_site

N_PATIENTS = 3000
SEED = 23
CUTOFF = dt.date(2026, 6, 30)


@cache
def site_tables() -> tuple[str, dict[str, pa.Table]]:
    """(site_id, every store table with the derived ones) of the cross-check site."""
    return derived_site(N_PATIENTS, SEED, CUTOFF)

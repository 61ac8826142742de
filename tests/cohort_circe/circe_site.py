"""The synthetic site of the Circe cross-check: ``oncorwd.synth`` raw tables, validated and
derived as ingest does (cohort_variables, lines, merged primaries), built once per session.

The same recipe as the cohort suite's site (``tests/cohort/cohort_data.py``) with its own seed
and size, so the cross-check does not depend on another suite's fixtures.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pyarrow as pa

from oncorwd.dictionary.validate import prepare_batch
from oncorwd.ingest.derive import derive_tables
from oncorwd.ingest.steps.derive import UPDATED, _merge_map, repoint

N_PATIENTS = 3000
SEED = 23
CUTOFF = dt.date(2026, 6, 30)


@cache
def site_tables() -> tuple[str, dict[str, pa.Table]]:
    """(site_id, every store table with the derived ones) of the cross-check site."""
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

"""Realistic synthetic multi-centre oncology populations in the OSIRIS RWD model, with a ground
truth of planted effects.

Every number and code is declared in ``synth/data/*.yaml`` (French case mix, histologies, stages,
TNM, biomarker prevalences, guideline-like regimens, survival model and planted effects, site
profiles); the modules here only draw from them, vectorised with numpy, block by block.

Public API::

    specs = default_network(n_sites=3, n_patients=10_000, seed=42)
    site = generate_site(specs[0], seed=42)          # site.tables, site.truth, site.ground_truth
    for chunk in iter_site_chunks(spec, seed, chunk_size=200_000): ...
    write_site(spec, seed, "out/", progress=callback)  # Parquet datasets + ground truth

Contracts:

- Same (seed, spec) -> byte-identical tables and files. Randomness is drawn per block of
  ``spec.block_size`` patients; chunks hold whole blocks, so chunked output concatenates to the
  one-shot output.
- Tables have exactly ``arrow_schema(load_dictionary().entity(name))``; partial dates fill the
  ``_year``/``_month``/``_day`` parts ('UN' when unknown) and leave the derived date and
  ``_precision`` null (the store derives them; :func:`fill_derived_dates` does it for tests);
  ``data_version`` is null (the store sets it; Parquet files declare it nullable).
- Identifiers are ``<site code>-<table prefix><patient number><rank>`` ('S01-P00000012',
  'S01-DA000000120007'): unique within a site, distinct across sites.
- ``treatment_line`` numbers systemic treatment by disease phase: curative-intent treatment
  (neoadjuvant, adjuvant, concurrent, maintenance) is line 1, then each advanced line (after a
  recurrence or progression) adds one.
- Every clinical date lies between birth and the end of observation (death, loss to follow-up
  or the site's cut-off); deaths after censoring are not recorded (they are in the truth).
"""

from oncorwd.synth.block import mds_tables
from oncorwd.synth.dates import fill_derived_dates
from oncorwd.synth.generate import (
    DEFAULT_CHUNK_SIZE,
    SyntheticSite,
    generate_site,
    iter_site_chunks,
    write_site,
)
from oncorwd.synth.params import load_params
from oncorwd.synth.spec import Missingness, SiteSpec, default_network, finess_number

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "Missingness",
    "SiteSpec",
    "SyntheticSite",
    "default_network",
    "fill_derived_dates",
    "finess_number",
    "generate_site",
    "iter_site_chunks",
    "load_params",
    "mds_tables",
    "write_site",
]

"""Shared synthetic sites for the synth tests (generated once per session)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache

import pytest

from oncorwd.synth import SiteSpec, SyntheticSite, default_network, generate_site

SEED = 20260630


@pytest.fixture(scope="session")
def network() -> list[SyntheticSite]:
    """Three default sites (comprehensive centre, university hospital, thoracic/haematology)."""
    return [generate_site(spec, SEED) for spec in default_network(3, 4000, SEED)]


@cache
def _single(cancer: str, n: int) -> SyntheticSite:
    spec = SiteSpec(site_id="750000001", code="T01", name=f"{cancer}-only", n_patients=n,
                    case_mix={cancer: 1.0}, cutoff=dt.date(2026, 6, 30), first_year=2012)
    return generate_site(spec, SEED)


@pytest.fixture(scope="session")
def single_cancer_site() -> Callable[[str, int], SyntheticSite]:
    """A site whose patients all have one cancer type (cached per type and size)."""
    return _single


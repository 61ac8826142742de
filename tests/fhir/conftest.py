"""Fixtures for the FHIR validation tests: the cached mCODE package and one shared validator."""

from __future__ import annotations

import pytest

from oncorwd.errors import FhirPackageError
from oncorwd.fhir import FhirPackage, Validator, load_package


@pytest.fixture(scope="session")
def mcode_package() -> FhirPackage:
    """The mCODE STU4 package (fetched by ``make install``); tests need it."""
    try:
        return load_package()
    except FhirPackageError as exc:  # pragma: no cover - set-up problem, said plainly
        pytest.fail(f"{exc}")


@pytest.fixture(scope="session")
def validator(mcode_package: FhirPackage) -> Validator:
    """One validator for the session: profiles compile once, as in production."""
    return Validator(mcode_package)

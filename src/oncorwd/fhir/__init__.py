"""FHIR packages and validation against them (mCODE STU4), independent of OSIRIS RWD.

Three independent layers, each switchable:

1. ``parse``: every resource parses with ``fhir.resources`` (R4B models);
2. ``profile``: a checker driven by the package's StructureDefinition snapshots
   (cardinalities, fixed/pattern values, slicing, extensions, required bindings that expand
   locally, reference targets);
3. ``invariant``: the profiles' FHIRPath constraints, evaluated with ``fhirpathpy``.

>>> from oncorwd.fhir import validate_resources
>>> issues = validate_resources(resources)            # doctest: +SKIP
>>> [i for i in issues if i.severity == "error"]      # doctest: +SKIP

See ``docs/mcode-validation.md`` for what each layer checks and what it cannot.
"""

from __future__ import annotations

from oncorwd.fhir.coverage import Coverage
from oncorwd.fhir.invariants import NATIVE as NATIVE_INVARIANTS
from oncorwd.fhir.invariants import SKIPPED as SKIPPED_INVARIANTS
from oncorwd.fhir.issues import ValidationIssue
from oncorwd.fhir.package import FhirPackage, fhir_cache_dir, load_package
from oncorwd.fhir.validate import Validator, validate_resources

__all__ = [
    "NATIVE_INVARIANTS",
    "SKIPPED_INVARIANTS",
    "Coverage",
    "FhirPackage",
    "ValidationIssue",
    "Validator",
    "fhir_cache_dir",
    "load_package",
    "validate_resources",
]

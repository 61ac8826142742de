"""Every official mCODE example passes all three layers; broken copies are rejected."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from fhir_mutations import Mutation, mutations

from oncorwd.fhir import FhirPackage, Validator, load_package

_PKG = load_package()
_EXAMPLES = _PKG.example_paths()


def test_package_has_the_official_examples(mcode_package: FhirPackage) -> None:
    assert len(_EXAMPLES) == 179
    claimed = Counter(p for _, ex in mcode_package.iter_examples()
                      for p in ex.get("meta", {}).get("profile", ()))
    known = {url for url in claimed if mcode_package.profile(url)}
    # the examples exercise most mCODE profiles, each at least once
    assert len(known) >= 35


@pytest.mark.parametrize("path", _EXAMPLES, ids=lambda p: p.stem)
def test_official_example_has_no_error(path: Path, validator: Validator) -> None:
    resource = json.loads(path.read_bytes())
    errors = [i for i in validator.validate([resource]) if i.is_error]
    assert errors == []


def _all_mutations() -> list[Mutation]:
    checker = Validator(_PKG).checker
    return [m for path in _EXAMPLES
            for m in mutations(path.name, json.loads(path.read_bytes()), checker)]


_MUTATIONS = _all_mutations()


def test_mutations_cover_every_kind() -> None:
    kinds = Counter(m.kind for m in _MUTATIONS)
    assert set(kinds) >= {"drop-required", "exceed-max", "exceed-slice-max", "change-pattern",
                          "break-binding", "drop-slice", "wrong-extension-type",
                          "invariant-obs-6"}
    assert sum(kinds.values()) > 500


@pytest.mark.parametrize("mutation", _MUTATIONS,
                         ids=lambda m: f"{m.kind}-{Path(m.example).stem}-{m.path}")
def test_broken_copy_is_rejected(mutation: Mutation, validator: Validator) -> None:
    issues = [i for i in validator.validate([mutation.resource]) if i.is_error]
    found = [i for i in issues if i.layer == mutation.layer and i.path.startswith(mutation.path)
             and mutation.message in i.message]
    assert found, f"expected a {mutation.layer} error at {mutation.path}: got {issues}"

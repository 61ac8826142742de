"""Run the three layers over resources, Bundles entry by entry.

Which profiles a resource is checked against: the profiles it claims in ``meta.profile`` that
the package defines (an unknown profile is a warning, never a silent pass), plus the profiles a
Bundle profile imposes on its entries (``Bundle.entry:cancerPatient.resource`` →
CancerPatient). A resource with no known profile gets layer 1 and the native base invariants.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from oncorwd.fhir.coverage import Coverage
from oncorwd.fhir.invariants import InvariantEvaluator, native_issues
from oncorwd.fhir.issues import ValidationIssue
from oncorwd.fhir.package import FhirPackage, load_package
from oncorwd.fhir.parse import parse_resource
from oncorwd.fhir.profiles import ProfileChecker

__all__ = ["Validator", "validate_resources"]


class Validator:
    """A reusable validator: profiles are compiled once and kept for the validator's life.

    ``coverage`` accumulates what could and could not be checked over every call.
    """

    def __init__(self, package: FhirPackage | None = None, *, parse: bool = True,
                 profiles: bool = True, invariants: bool = True) -> None:
        self.package = package or load_package()
        self.layers = {"parse": parse, "profile": profiles, "invariant": invariants}
        self.coverage = Coverage()
        self.checker = ProfileChecker(self.package, self.coverage)
        self.evaluator = InvariantEvaluator(self.coverage)

    def validate(self, resources: Iterable[Mapping[str, Any]]) -> list[ValidationIssue]:
        """Every issue of every resource (Bundles: the Bundle and each entry)."""
        out: list[ValidationIssue] = []
        for resource in resources:
            out.extend(self.validate_resource(resource))
        return out

    def validate_resource(self, resource: Mapping[str, Any], *, extra_profiles: Iterable[str] = (),
                          bundle_types: dict[str, str] | None = None) -> list[ValidationIssue]:
        """The issues of one resource (and, for a Bundle, of its entries)."""
        self.coverage.resources += 1
        if not isinstance(resource, Mapping) or not isinstance(resource.get("resourceType"), str):
            return parse_resource(resource)
        res = dict(resource)
        issues = parse_resource(res) if self.layers["parse"] else []
        rtype, rid = res["resourceType"], res.get("id")
        bundle = rtype == "Bundle"
        body = _without_entry_resources(res) if bundle else res
        if self.layers["invariant"]:
            issues += [ValidationIssue(rtype, rid, path, "error", "invariant", f"{key}: {msg}")
                       for path, key, msg in native_issues(body, rtype)]
        implied: dict[int, list[str]] = {}
        if self.layers["profile"] or self.layers["invariant"]:
            for url in self._profiles(res, extra_profiles, issues):
                found, imposed = self.checker.check(
                    res, url, structure=self.layers["profile"],
                    invariants=self.evaluator if self.layers["invariant"] else None,
                    bundle_types=bundle_types)
                issues += found
                for sub, urls in imposed:
                    implied.setdefault(id(sub), []).extend(urls)
        if bundle:
            issues += self._entries(res, implied)
        return issues

    def _profiles(self, res: dict[str, Any], extra: Iterable[str],
                  issues: list[ValidationIssue]) -> list[str]:
        meta = res.get("meta")
        claimed = meta.get("profile") if isinstance(meta, dict) else None
        urls: list[str] = []
        for url in [*(claimed if isinstance(claimed, list) else ()), *extra]:
            if not isinstance(url, str) or url in urls:
                continue
            if self.checker.root(url) is None:
                self.coverage.unknown_profiles[url] += 1
                if self.layers["profile"]:
                    issues.append(ValidationIssue(
                        res["resourceType"], res.get("id"), f"{res['resourceType']}.meta.profile",
                        "warning", "profile", f"profile {url} is not in the package "
                        f"{self.package.name}#{self.package.version}: not checked", url))
                continue
            urls.append(url.split("|", 1)[0])
        return urls

    def _entries(self, bundle: dict[str, Any], implied: dict[int, list[str]],
                 ) -> list[ValidationIssue]:
        entries = [e for e in bundle.get("entry") or () if isinstance(e, dict)]
        types = {e["fullUrl"]: e["resource"].get("resourceType") for e in entries
                 if isinstance(e.get("fullUrl"), str) and isinstance(e.get("resource"), dict)}
        out: list[ValidationIssue] = []
        for entry in entries:
            sub = entry.get("resource")
            if isinstance(sub, dict):
                out += self.validate_resource(sub, extra_profiles=implied.get(id(sub), ()),
                                              bundle_types=types)
        return out


def _without_entry_resources(bundle: dict[str, Any]) -> dict[str, Any]:
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        return bundle
    return {**bundle, "entry": [{k: v for k, v in e.items() if k != "resource"}
                                if isinstance(e, dict) else e for e in entries]}


_VALIDATORS: dict[tuple[Path, bool, bool, bool], Validator] = {}


def validate_resources(resources: Iterable[Mapping[str, Any]], *, parse: bool = True,
                       profiles: bool = True, invariants: bool = True,
                       package: FhirPackage | None = None,
                       coverage: Coverage | None = None) -> list[ValidationIssue]:
    """Validate resources (Bundles entry by entry) with the chosen layers.

    Compiled profiles are cached per process. Pass a :class:`Coverage` to learn what could not
    be checked (unexpandable value sets, skipped invariants, external profiles).
    """
    package = package or load_package()
    key = (package.root, parse, profiles, invariants)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = Validator(package, parse=parse, profiles=profiles,
                                     invariants=invariants)
    validator = _VALIDATORS[key]
    validator.coverage = validator.checker.coverage = validator.evaluator.coverage = \
        coverage or Coverage()
    return validator.validate(resources)

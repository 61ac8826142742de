"""Layer 2: the profile checker, driven by the snapshots of the package's StructureDefinitions.

Generic, not hand-written per profile: each profile's snapshot is compiled once
(:mod:`oncorwd.fhir.snapshot`) and an instance is walked against the tree. Checked:
cardinalities (nested elements, choice types), the types allowed for a choice element, fixed[x]
and pattern[x] values, slicing (value/pattern/type/exists discriminators, each slice's own
cardinality and rules, closed slicing), profiled types (extensions by their own
StructureDefinition), reference targets as far as the reference itself says (``Patient/1``,
a ``urn:uuid`` in the same Bundle, a ``#contained`` id), and required bindings whose value set
expands locally. What cannot be checked is counted in :class:`~oncorwd.fhir.coverage.Coverage`.
The walk also hands each element occurrence to the invariant layer when it is switched on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from oncorwd.fhir.coverage import Coverage
from oncorwd.fhir.instance import Occurrence, child_occurrences, values_at
from oncorwd.fhir.invariants import InvariantEvaluator
from oncorwd.fhir.issues import Layer, Severity, ValidationIssue
from oncorwd.fhir.package import FhirPackage
from oncorwd.fhir.snapshot import ElementNode, compile_snapshot
from oncorwd.fhir.valuesets import ValueSetIndex

__all__ = ["ProfileChecker", "contains_pattern"]

_BASE_SD = "http://hl7.org/fhir/StructureDefinition/"
_REF_TYPE = re.compile(r"(?:^|/)([A-Z][A-Za-z]+)/[A-Za-z0-9\-.]{1,64}(?:/_history/[^/]+)?$")
#: Resource types of profiles referenced as targets but defined outside the package (data).
_EXTERNAL_TARGET_TYPES = {
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-" + name: rtype for name, rtype in {
        "careplan": "CarePlan", "careteam": "CareTeam", "documentreference": "DocumentReference",
        "condition-problems-health-concerns": "Condition", "encounter": "Encounter",
        "medication": "Medication", "organization": "Organization", "patient": "Patient",
        "practitioner": "Practitioner", "practitionerrole": "PractitionerRole",
        "questionnaireresponse": "QuestionnaireResponse", "relatedperson": "RelatedPerson",
        "servicerequest": "ServiceRequest", "specimen": "Specimen",
        "diagnosticreport-lab": "DiagnosticReport", "observation-lab": "Observation",
    }.items()
} | {
    "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/" + name: "Observation"
    for name in ("diagnostic-implication", "therapeutic-implication", "genotype", "haplotype",
                 "overall-interpretation", "sequence-phase-relationship", "variant",
                 "region-studied", "molecular-consequence")
}


def contains_pattern(pattern: Any, value: Any) -> bool:
    """FHIR pattern semantics: ``value`` has at least what ``pattern`` has (lists: each
    pattern item is contained in some value item)."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(contains_pattern(p, value.get(k))
                                               for k, p in pattern.items())
    if isinstance(pattern, list):
        return isinstance(value, list) and all(any(contains_pattern(p, v) for v in value)
                                               for p in pattern)
    if isinstance(pattern, bool) or isinstance(value, bool):  # True == 1 in Python, not FHIR
        return pattern is value
    return bool(pattern == value)


@dataclass
class _Ctx:
    """The state of checking one resource."""

    resource: dict[str, Any]
    resource_type: str
    resource_id: str | None
    profile: str
    structure: bool
    invariants: InvariantEvaluator | None
    bundle_types: dict[str, str]
    issues: dict[tuple[str, str, str], ValidationIssue] = field(default_factory=dict)
    seen_invariants: set[tuple[str, str]] = field(default_factory=set)
    implied: list[tuple[dict[str, Any], tuple[str, ...]]] = field(default_factory=list)

    def add(self, path: str, message: str, *, layer: Layer = "profile",
            severity: Severity = "error", profile: str | None = None) -> None:
        key = (path, message, layer)
        if key not in self.issues:
            self.issues[key] = ValidationIssue(self.resource_type, self.resource_id, path,
                                               severity, layer, message, profile or self.profile)


class ProfileChecker:
    """Checks resources against the package's profiles; compiled profiles are cached."""

    def __init__(self, package: FhirPackage, coverage: Coverage | None = None) -> None:
        self.package = package
        self.valuesets = ValueSetIndex(package)
        self.coverage = coverage or Coverage()
        self._roots: dict[str, ElementNode | None] = {}
        self._matchers: dict[int, Callable[[Occurrence], bool] | None] = {}

    def root(self, url: str) -> ElementNode | None:
        """The compiled snapshot of a profile (``None`` when the package lacks it)."""
        url = url.split("|", 1)[0]
        if url not in self._roots:
            sd = self.package.profile(url)
            self._roots[url] = compile_snapshot(sd) if sd and sd.get("snapshot") else None
        return self._roots[url]

    def check(self, resource: dict[str, Any], profile: str, *, structure: bool = True,
              invariants: InvariantEvaluator | None = None,
              bundle_types: dict[str, str] | None = None,
              ) -> tuple[list[ValidationIssue], list[tuple[dict[str, Any], tuple[str, ...]]]]:
        """Issues of ``resource`` against ``profile``, and the profiles its contained/entry
        resources must meet (``Bundle.entry:cancerPatient.resource`` → CancerPatient)."""
        rtype = str(resource.get("resourceType"))
        root = self.root(profile)
        assert root is not None, profile
        ctx = _Ctx(resource, rtype, resource.get("id"), profile, structure, invariants,
                   bundle_types or {})
        if root.path != rtype:
            ctx.add(rtype, f"profile {profile} constrains {root.path}, not {rtype}")
        else:
            self._value(root, Occurrence(resource, rtype, rtype), ctx)
        return list(ctx.issues.values()), ctx.implied

    # -- one element ------------------------------------------------------------------------
    def _element(self, node: ElementNode, occs: list[Occurrence], where: str, ctx: _Ctx,
                 label: str | None = None) -> None:
        if ctx.structure:
            label = label or f"{where}.{node.name}"
            if len(occs) < node.min:
                ctx.add(label, f"minimum cardinality {node.min} not met ({len(occs)} found) "
                               f"for {node.id}")
            if node.max is not None and len(occs) > node.max:
                ctx.add(label, f"maximum cardinality {node.max} exceeded ({len(occs)} found) "
                               f"for {node.id}")
        for occ in occs:
            self._value(node, occ, ctx)
        if node.slices and occs:
            self._slices(node, occs, where, ctx)
        elif node.slices and ctx.structure:
            for s in node.slices:
                if s.min > 0:
                    ctx.add(f"{where}.{node.name}:{s.slice_name}",
                            f"required slice {s.slice_name!r} missing ({s.id}, min {s.min})")

    def _value(self, node: ElementNode, occ: Occurrence, ctx: _Ctx) -> None:
        if node.is_choice and occ.type_code and node.types and \
                occ.type_code not in node.type_codes:
            if ctx.structure:
                ctx.add(occ.path, f"type {occ.type_code} not allowed for {node.id} "
                                  f"(allowed: {', '.join(sorted(node.type_codes))})")
            return
        if ctx.structure:
            self._fixed(node, occ, ctx)
            self._binding(node, occ, ctx)
            self._reference(node, occ, ctx)
        if ctx.invariants is not None and node.constraints:
            self._invariants(node, occ, ctx)
        is_resource = isinstance(occ.value, dict) and "resourceType" in occ.value \
            and occ.path != ctx.resource_type
        if is_resource:
            profiles = tuple(p for t in node.types for p in t.profiles)
            if profiles:
                ctx.implied.append((occ.value, profiles))
            return
        self._type_profiles(node, occ, ctx)
        for child in node.children.values():
            self._element(child, child_occurrences(occ, child.name), occ.path, ctx)

    # -- rules ------------------------------------------------------------------------------
    def _fixed(self, node: ElementNode, occ: Occurrence, ctx: _Ctx) -> None:
        if node.fixed is None or occ.value is None:
            return
        kind, tname, expected = node.fixed
        ok = occ.value == expected if kind == "fixed" else contains_pattern(expected, occ.value)
        if not ok:
            ctx.add(occ.path, f"value does not match the {kind}{tname} of {node.id}: "
                              f"{json.dumps(expected, separators=(',', ':'))}")

    def _binding(self, node: ElementNode, occ: Occurrence, ctx: _Ctx) -> None:
        if node.binding is None or node.binding[0] != "required" or occ.value is None:
            return
        url = node.binding[1]
        expansion = self.valuesets.expand(url)
        if expansion is None:
            self.coverage.unexpandable_value_sets[url] += 1
            return
        self.coverage.bindings_checked += 1
        value = occ.value
        if isinstance(value, str):
            codes = self.valuesets.codes(url) or frozenset()
            if value not in codes:
                ctx.add(occ.path, f"code {value!r} is not in the required value set {url}")
            return
        if not isinstance(value, dict):
            return
        codings = value.get("coding") if "coding" in value or "text" in value else [value]
        pairs = [(c.get("system"), c.get("code")) for c in codings or () if isinstance(c, dict)]
        pairs = [p for p in pairs if p[1] is not None]
        if not pairs and "code" not in value and "coding" not in value \
                and ("value" in value or "unit" in value):
            return  # a Quantity without a coded unit: nothing to bind
        if not any(p in expansion for p in pairs):
            shown = ", ".join(f"{s}|{c}" for s, c in pairs) or "no code"
            ctx.add(occ.path, f"{shown}: not in the required value set {url}")

    def _reference(self, node: ElementNode, occ: Occurrence, ctx: _Ctx) -> None:
        value = occ.value
        if not isinstance(value, dict) or not isinstance(value.get("reference"), str):
            return
        targets = [tp for t in node.types if t.code == "Reference" for tp in t.target_profiles]
        if not targets:
            return
        allowed = {self._type_of_profile(tp) for tp in targets}
        if None in allowed or "Resource" in allowed:
            return
        target = self._reference_type(value["reference"], ctx)
        if target is not None and target not in allowed:
            ctx.add(occ.path, f"reference to a {target}; {node.id} allows "
                              f"{', '.join(sorted(str(a) for a in allowed))}")

    def _type_of_profile(self, url: str) -> str | None:
        if url.startswith(_BASE_SD):
            return url[len(_BASE_SD):]
        sd = self.package.profile(url)
        return str(sd["type"]) if sd else _EXTERNAL_TARGET_TYPES.get(url)

    @staticmethod
    def _reference_type(ref: str, ctx: _Ctx) -> str | None:
        if ref.startswith("#"):
            for c in ctx.resource.get("contained") or ():
                if isinstance(c, dict) and c.get("id") == ref[1:]:
                    return str(c.get("resourceType"))
            return None
        if ref in ctx.bundle_types:
            return ctx.bundle_types[ref]
        m = _REF_TYPE.search(ref)
        return m.group(1) if m else None

    def _type_profiles(self, node: ElementNode, occ: Occurrence, ctx: _Ctx) -> None:
        profiles = [p for t in node.types if not occ.type_code or t.code == occ.type_code
                    for p in t.profiles]
        if not profiles or not isinstance(occ.value, dict):
            return
        roots = [(p, self.root(p)) for p in profiles]
        known = [(p, r) for p, r in roots if r is not None]
        if not known:
            for p, _ in roots:
                self.coverage.external_profiles[p] += 1
            return
        if len(known) == 1:
            self._against(known[0][1], known[0][0], occ, ctx)
            return
        trials = []
        for url, root in known:
            sub = _Ctx(ctx.resource, ctx.resource_type, ctx.resource_id, url, ctx.structure,
                       ctx.invariants, ctx.bundle_types)
            self._against(root, url, occ, sub)
            if not any(i.is_error for i in sub.issues.values()):
                return
            trials.append(sub)
        for sub in trials[:1]:
            ctx.issues.update(sub.issues)

    def _against(self, root: ElementNode, url: str, occ: Occurrence, ctx: _Ctx) -> None:
        outer = ctx.profile
        ctx.profile = url
        try:
            self._value(root, occ, ctx)
        finally:
            ctx.profile = outer

    def _invariants(self, node: ElementNode, occ: Occurrence, ctx: _Ctx) -> None:
        assert ctx.invariants is not None
        for c in node.constraints:
            key = (occ.path, c.key)
            if key in ctx.seen_invariants:
                continue
            ctx.seen_invariants.add(key)
            ok = ctx.invariants.check(c, occ.value, node.path, ctx.resource)
            if ok is False:
                ctx.add(occ.path, f"{c.key}: {c.human or c.expression}", layer="invariant",
                        severity="warning" if c.severity == "warning" else "error")

    # -- slicing ----------------------------------------------------------------------------
    def _slices(self, node: ElementNode, occs: list[Occurrence], where: str, ctx: _Ctx) -> None:
        """Assign each occurrence to its slice, then check every decidable slice.

        A slice whose discriminator cannot be evaluated here (``resolve()``, a value set that
        does not expand) is counted as not checkable; the others are still checked.
        """
        matchers = [self._matcher(node, s) for s in node.slices]
        assigned: list[list[Occurrence]] = [[] for _ in node.slices]
        for occ in occs:
            for i, m in enumerate(matchers):
                if m is not None and m(occ):
                    assigned[i].append(occ)
                    break
            else:
                if node.slicing_rules == "closed" and ctx.structure and None not in matchers:
                    ctx.add(occ.path, f"matches no slice of the closed slicing of {node.id}")
        for s, m, matched in zip(node.slices, matchers, assigned, strict=True):
            if m is None:
                self.coverage.uncheckable_slicings[s.id] += 1
                continue
            self._element(s, matched, where, ctx, label=f"{where}.{node.name}:{s.slice_name}")

    def _matcher(self, sliced: ElementNode,
                 s: ElementNode) -> Callable[[Occurrence], bool] | None:
        if id(s) not in self._matchers:
            self._matchers[id(s)] = _build_matcher(self, sliced, s)
        return self._matchers[id(s)]


def _navigate(checker: ProfileChecker, node: ElementNode, path: str) -> ElementNode | None:
    current: ElementNode | None = node
    for step in path.split("."):
        if step == "$this" or current is None:
            continue
        if "(" in step:
            return None
        nxt = current.children.get(step) or current.children.get(step + "[x]")
        if nxt is None:  # look into the element's profile (an extension's own definition)
            for t in current.types:
                for p in t.profiles:
                    root = checker.root(p)
                    if root is not None:
                        nxt = root.children.get(step)
        current = nxt
    return current


def _build_matcher(checker: ProfileChecker, sliced: ElementNode,
                   s: ElementNode) -> Callable[[Occurrence], bool] | None:
    """A test telling whether an occurrence belongs to slice ``s`` (``None``: not decidable
    here, e.g. a ``profile`` discriminator that needs ``resolve()``)."""
    if not sliced.discriminators:
        return None
    tests: list[Callable[[Occurrence], bool]] = []
    for d in sliced.discriminators:
        test = _discriminator_test(checker, s, d.type, d.path)
        if test is None:
            return None
        tests.append(test)
    return lambda occ: all(t(occ) for t in tests)


def _discriminator_test(checker: ProfileChecker, s: ElementNode, dtype: str,
                        path: str) -> Callable[[Occurrence], bool] | None:
    if dtype == "profile" or "resolve()" in path:
        return None
    target = _navigate(checker, s, path)
    if dtype == "type":
        if target is None:
            return None
        codes = target.type_codes
        if path == "$this":
            return lambda occ: occ.type_code in codes
        return lambda occ: any(isinstance(v, dict) and v.get("resourceType") in codes
                               for v in values_at(occ.value, path))
    if dtype == "exists":
        if target is None:
            return None
        present = target.min > 0
        return lambda occ: bool(values_at(occ.value, path)) == present
    if target is not None and target.fixed is not None:
        kind, _, expected = target.fixed
        if kind == "fixed":
            return lambda occ: any(v == expected for v in _values(occ, path))
        return lambda occ: any(contains_pattern(expected, v) for v in _values(occ, path))
    if s.fixed is not None and path != "$this":  # the pattern sits on the slice itself
        parts = values_at(s.fixed[2], path)
        if parts:
            return lambda occ: all(any(contains_pattern(e, v) for v in _values(occ, path))
                                   for e in parts)
    if path == "url":  # an extension slice: its url is its profile's canonical
        urls = {p for t in s.types for p in t.profiles}
        if urls:
            return lambda occ: isinstance(occ.value, dict) and occ.value.get("url") in urls
    if target is not None and target.binding and target.binding[0] == "required":
        return _binding_test(checker, target.binding[1], path)
    return None


def _binding_test(checker: ProfileChecker, url: str,
                  path: str) -> Callable[[Occurrence], bool] | None:
    expansion = checker.valuesets.expand(url)
    if expansion is None:
        return None
    codes = {c for _, c in expansion}

    def test(occ: Occurrence) -> bool:
        for v in _values(occ, path):
            if isinstance(v, str) and v in codes:
                return True
            if isinstance(v, dict) and any(isinstance(c, dict) and (c.get("system"), c.get("code"))
                                           in expansion for c in v.get("coding", [v])):
                return True
        return False

    return test


def _values(occ: Occurrence, path: str) -> list[Any]:
    return [occ.value] if path == "$this" else values_at(occ.value, path)

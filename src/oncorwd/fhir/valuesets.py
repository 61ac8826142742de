"""Local expansion of the package's value sets, for required bindings.

A value set is expandable here when everything it includes is enumerated in the package:
``compose.include.concept`` lists, an ``expansion``, included value sets that are themselves
expandable, or a whole code system that the package ships; plus the small normative FHIR R4
core value sets of :mod:`oncorwd.fhir.core_valuesets` (statuses, genders…). A value set that
includes a code system by *filter* (``is-a`` a SNOMED CT concept…) or a system the package
does not ship (SNOMED CT, LOINC, RxNorm) cannot be expanded without a terminology server:
:meth:`expand` returns ``None`` and the binding is counted as not checkable, never silently passed.
"""

from __future__ import annotations

from typing import Any

from oncorwd.fhir.core_valuesets import CORE_VALUE_SETS
from oncorwd.fhir.package import FhirPackage

__all__ = ["Code", "ValueSetIndex"]

Code = tuple[str | None, str]  # (system, code)


class ValueSetIndex:
    """Expansions of a package's value sets, computed on first use and cached."""

    def __init__(self, package: FhirPackage) -> None:
        self.package = package
        self._cache: dict[str, frozenset[Code] | None] = {}
        self._codes: dict[str, frozenset[str]] = {}

    def expand(self, url: str) -> frozenset[Code] | None:
        """The ``(system, code)`` pairs of a value set, or ``None`` when not expandable."""
        url = url.split("|", 1)[0]
        if url not in self._cache:
            self._cache[url] = None  # guards against include cycles
            vs = self.package.value_set(url)
            if vs is not None:
                self._cache[url] = self._expand(vs)
            elif url in CORE_VALUE_SETS:
                system, codes = CORE_VALUE_SETS[url]
                self._cache[url] = frozenset((system, c) for c in codes)
        return self._cache[url]

    def codes(self, url: str) -> frozenset[str] | None:
        """The bare codes of a value set (for ``code``-typed elements, which carry no system)."""
        expansion = self.expand(url)
        if expansion is None:
            return None
        key = url.split("|", 1)[0]
        if key not in self._codes:
            self._codes[key] = frozenset(code for _, code in expansion)
        return self._codes[key]

    def _expand(self, vs: dict[str, Any]) -> frozenset[Code] | None:
        if "expansion" in vs and vs["expansion"].get("contains"):
            return frozenset(_contains(vs["expansion"]["contains"]))
        compose = vs.get("compose") or {}
        result: set[Code] = set()
        for include in compose.get("include", ()):
            part = self._include(include)
            if part is None:
                return None
            result |= part
        for exclude in compose.get("exclude", ()):
            part = self._include(exclude)
            if part is None:
                return None
            result -= part
        return frozenset(result)

    def _include(self, include: dict[str, Any]) -> set[Code] | None:
        if include.get("filter"):
            return None
        sets: list[set[Code]] = []
        system = include.get("system")
        if include.get("concept"):
            sets.append({(system, c["code"]) for c in include["concept"]})
        elif system:
            whole = self._code_system(system)
            if whole is None:
                return None
            sets.append(whole)
        for url in include.get("valueSet", ()):
            nested = self.expand(url)
            if nested is None:
                return None
            sets.append(set(nested))
        if not sets:
            return None
        out = sets[0]
        for other in sets[1:]:
            out &= other
        return out

    def _code_system(self, url: str) -> set[Code] | None:
        cs = self.package.code_systems.get(url.split("|", 1)[0])
        if cs is None or cs.get("content") not in (None, "complete"):
            return None
        return {(url, code) for code in _concepts(cs.get("concept", ()))}


def _contains(items: list[dict[str, Any]]) -> list[Code]:
    out: list[Code] = []
    for item in items:
        if "code" in item:
            out.append((item.get("system"), item["code"]))
        out.extend(_contains(item.get("contains", ())))
    return out


def _concepts(items: Any) -> list[str]:
    out: list[str] = []
    for item in items:
        out.append(item["code"])
        out.extend(_concepts(item.get("concept", ())))
    return out

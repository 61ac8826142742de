"""Layer 3: the FHIRPath invariants of the profiles, evaluated with ``fhirpathpy``.

Every ``constraint`` with an ``expression`` on a snapshot element is evaluated at each
occurrence of that element (the profile walk hands the occurrences over), with the R4 model so
choice types resolve (``value`` → ``valueQuantity``) and ``%resource`` bound to the resource.
Expressions are compiled once per process.

Two base invariants that sit on *every* element are evaluated natively over the whole resource
(not only the elements the snapshot lists), with the same meaning: ``ele-1`` (an element has a
value or children) and ``ext-1`` (an extension has either a value or nested extensions, not
both). Doing them with fhirpathpy would cost one evaluation per element of every resource.

:data:`SKIPPED` lists the invariants that are not evaluated, each with its reason; they are
counted in the coverage report, never silently passed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from oncorwd.fhir.coverage import Coverage
from oncorwd.fhir.snapshot import Constraint

__all__ = ["NATIVE", "SKIPPED", "InvariantEvaluator", "native_issues"]

#: Invariants evaluated natively (see the module docstring), key → meaning.
NATIVE: dict[str, str] = {
    "ele-1": "All FHIR elements must have a @value or children (checked on every element)",
    "ext-1": "Must have either extensions or value[x], not both (checked on every extension)",
}

#: Invariants not evaluated, key → why.
SKIPPED: dict[str, str] = {}

#: Base invariants about ``contained`` resources: on a resource without ``contained`` their
#: expressions are ``true`` by construction (``contained.….empty()`` over an empty collection),
#: so fhirpathpy is only run when ``contained`` is present.
_CONTAINED_ONLY = frozenset({"dom-2", "dom-3", "dom-4", "dom-5"})
_CACHE_LIMIT = 200_000


class InvariantEvaluator:
    """Compiles and evaluates constraint expressions; failures to evaluate are counted."""

    def __init__(self, coverage: Coverage) -> None:
        from fhirpathpy.models import models

        self.coverage = coverage
        self._model = models["r4"]
        self._compiled: dict[str, Callable[..., list[Any]] | None] = {}
        self._results: dict[tuple[str, str, bytes], bool] = {}

    def _compile(self, expression: str) -> Callable[..., list[Any]] | None:
        if expression not in self._compiled:
            from fhirpathpy import compile as fp_compile

            try:
                self._compiled[expression] = fp_compile(expression, self._model, _OPTIONS)
            except Exception:
                self._compiled[expression] = None
        return self._compiled[expression]

    def check(self, constraint: Constraint, value: Any, base_path: str,
              resource: dict[str, Any]) -> bool | None:
        """True/False: the invariant holds or not; None: not evaluated (counted)."""
        key = constraint.key
        if key in NATIVE:
            return None
        if key in SKIPPED:
            self.coverage.skipped_invariants[key] += 1
            return None
        if key in _CONTAINED_ONLY and value is resource and not resource.get("contained"):
            self.coverage.invariants_checked += 1
            return True
        fn = self._compile(constraint.expression)
        if fn is None:
            self.coverage.skipped_invariants[f"{key} (does not compile)"] += 1
            return None
        memo = self._memo_key(constraint, value, base_path, resource)
        if memo is not None and memo in self._results:
            self.coverage.invariants_checked += 1
            return self._results[memo]
        ok = self._evaluate(fn, key, value, base_path, resource)
        if memo is not None and ok is not None:
            if len(self._results) >= _CACHE_LIMIT:
                self._results.clear()
            self._results[memo] = ok
        return ok

    @staticmethod
    def _memo_key(constraint: Constraint, value: Any, base_path: str,
                  resource: dict[str, Any]) -> tuple[str, str, bytes] | None:
        """Results of an expression that does not look outside its element (no ``%``
        variable) depend only on the element's JSON: site exports repeat the same extension
        and component values thousands of times, so they are memoised."""
        if value is resource or "%" in constraint.expression or not isinstance(value, dict):
            return None
        return (constraint.expression, base_path, orjson.dumps(value, option=orjson.OPT_SORT_KEYS))

    def _evaluate(self, fn: Callable[..., list[Any]], key: str, value: Any, base_path: str,
                  resource: dict[str, Any]) -> bool | None:
        from fhirpathpy.engine.nodes import ResourceNode

        node = value if value is resource else ResourceNode.create_node(value, base_path)
        try:
            result = fn(node, {"resource": resource, "rootResource": resource})
        except Exception:
            self.coverage.skipped_invariants[f"{key} (evaluation error)"] += 1
            return None
        self.coverage.invariants_checked += 1
        return _truthy(result)


def _no_trace(*_args: Any) -> None:
    """``trace()`` in dom-3 would print to stdout; a validator must stay quiet."""


def _has_value(inputs: list[Any]) -> list[bool]:
    """FHIRPath ``hasValue()`` (not implemented by fhirpathpy 2.2): a single primitive with
    a value. Used by the base invariants cnt-3 and bdl-10."""
    return [len(inputs) == 1 and inputs[0] is not None
            and not isinstance(inputs[0], dict | list)]


_OPTIONS: dict[str, Any] = {"traceFn": _no_trace,
                            "userInvocationTable": {"hasValue": {"fn": _has_value}}}


def _truthy(result: list[Any]) -> bool:
    """A constraint holds unless it evaluates to ``false`` (an empty result is not a violation:
    the invariant's subject is absent)."""
    return all(r is not False for r in result)


def native_issues(resource: Any, path: str) -> list[tuple[str, str, str]]:
    """``(path, key, message)`` for every ele-1 / ext-1 violation in a resource's JSON."""
    out: list[tuple[str, str, str]] = []
    _walk(resource, path, "", out)
    return out


def _walk(value: Any, path: str, key: str, out: list[tuple[str, str, str]]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append((path, "ele-1", NATIVE["ele-1"]))
            return
        if key in ("extension", "modifierExtension"):
            has_value = any(k.startswith("value") and k[5:6].isupper() for k in value)
            if has_value == bool(value.get("extension")):
                out.append((path, "ext-1", NATIVE["ext-1"]))
        for name, item in value.items():
            if name != "resourceType" and name != "div":
                bare = name[1:] if name.startswith("_") else name
                _walk(item, f"{path}.{bare}", bare, out)
    elif isinstance(value, list):
        if not value:
            out.append((path, "ele-1", NATIVE["ele-1"]))
        for i, item in enumerate(value):
            if item is not None:
                _walk(item, f"{path}[{i}]", key, out)
    elif value is None or value == "":
        out.append((path, "ele-1", NATIVE["ele-1"]))
